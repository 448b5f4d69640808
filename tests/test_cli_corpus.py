"""The corpus commands on real files: segment, import, export, status — and hostile input."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import run_workbench
from workbench.store import Workspace
from workbench.text import normalize

ARTICLE = Path(__file__).resolve().parent.parent / "workbench" / "demo" / "putin-kazakhstan-visit.fa.txt"
TMX_HEADER_ATTRS = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")


def workspace_state(path: Path) -> list[str]:
    """Everything stored, as SQL text (empty if there is no workspace)."""
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return [line for line in conn.iterdump() if "_sqlite_migrations" not in line]
    finally:
        conn.close()


def assert_one_line_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("workbench: error: ")
    for word in words:
        assert word in lines[0]


def test_segment_prints_sentences_unchanged(cli, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("  سلام دنیا. این یک آزمایش است!\nتیتر خبر\n", encoding="utf-8")
    result = cli("segment", source)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["سلام دنیا.", "این یک آزمایش است!", "تیتر خبر"]


def test_import_persian_text_then_status(cli, ws_path: Path) -> None:
    result = cli("import", ARTICLE)
    assert result.exit_code == 0, result.output
    assert "putin-kazakhstan-visit" in result.stdout
    status = cli("status")
    assert status.exit_code == 0
    assert "putin-kazakhstan-visit" in status.stdout
    from workbench.store import Workspace

    with Workspace(ws_path) as ws:
        doc = ws.document("putin-kazakhstan-visit")
        pairs = list(ws.pairs(doc.id))
        assert len(pairs) > 24  # paragraphs are split into sentences
        assert all(p.status == "draft" and p.n_fa == 1 and p.n_en == 0 for p in pairs)
        assert pairs[0].fa.startswith("ولادیمیر پوتین")
        # the original text is kept verbatim; the matching key is normalized
        sentence = ws.sentences(pairs[0].id, "fa")[0]
        assert sentence.text == pairs[0].fa


def test_tico_tmx_import_and_jsonl_export_keep_every_unit(cli, tico_tmx: Path, tmp_path: Path) -> None:
    imported = cli("import", tico_tmx)
    assert imported.exit_code == 0 and imported.stderr == ""  # nothing to note
    out = tmp_path / "all.jsonl"
    result = cli("export", "--format", "jsonl", "--status", "all", "-o", out)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tree = etree.parse(str(tico_tmx))
    expected = []
    for tu in tree.iter("tu"):
        segs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang"): tuv.findtext("seg") for tuv in tu.iter("tuv")}
        expected.append((segs["fa"].strip(), segs["en"].strip()))
    assert len(rows) == len(expected) == 3071
    assert [(r["fa"], r["en"]) for r in rows] == expected
    for key in ("doc", "pair", "fa", "en", "draft", "status", "engine", "model", "qa", "updated_at"):
        assert key in rows[0]
    assert [r["pair"] for r in rows[:3]] == [1, 2, 3]


def test_a_workbench_tmx_brings_its_statuses_into_another_workspace(cli, tmp_path: Path) -> None:
    source = tmp_path / "c.tsv"
    source.write_text("یک\tOne\nدو\tTwo\nسه\tThree\n", encoding="utf-8")
    assert cli("import", source, "--ws", tmp_path / "a.sqlite").exit_code == 0
    with Workspace(tmp_path / "a.sqlite") as ws:
        first, second, _ = [p.id for p in ws.pairs()]
        ws.edits.set_status(first, "approved")
        ws.edits.set_status(second, "rejected")
    out = tmp_path / "a.tmx"
    assert cli("export", "--format", "tmx", "--status", "all", "--ws", tmp_path / "a.sqlite", "-o", out).exit_code == 0
    assert cli("import", out, "--ws", tmp_path / "b.sqlite").exit_code == 0
    assert cli("import", out, "--doc", "again", "--status", "review", "--ws", tmp_path / "b.sqlite").exit_code == 0
    with Workspace(tmp_path / "b.sqlite") as ws:
        docs = {d.name: d.id for d in ws.documents()}
        assert [p.status for p in ws.pairs(docs["a"])] == ["approved", "rejected", "review"]
        assert [p.status for p in ws.pairs(docs["again"])] == ["review"] * 3  # --status wins


def test_exact_duplicate_units_are_kept_and_counted_in_the_summary(cli, tmp_path: Path, ws_path: Path) -> None:
    """A corpus may repeat a unit (a recurring headline, a byline): each stays a pair of its own,
    in its place, but the summary says how many repeat an earlier one exactly."""
    tsv = tmp_path / "c.tsv"
    tsv.write_text("یک\tone\nدو\ttwo\nیک\tone\nیک\tOne\nیک\tone\nدو\ttwo\n", encoding="utf-8")
    result = cli("import", tsv)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"imported 6 pairs into document 'c' ({ws_path}); 3 of them repeat "
                                          "an earlier pair exactly (same Persian and English)"]
    with Workspace(ws_path) as ws:
        assert [p.en for p in ws.pairs()] == ["one", "two", "one", "One", "one", "two"]
    text = tmp_path / "t.txt"
    text.write_text("تیتر\nخبر.\nتیتر\n", encoding="utf-8")  # a document repeating a sentence is no news
    assert cli("import", text).stdout == f"imported 3 pairs into document 't' ({ws_path})\n"


def test_tmx_units_with_several_variants_of_a_language_are_counted_in_one_note(cli, tmp_path: Path,
                                                                              ws_path: Path) -> None:
    def tu(fa: list[str], en: list[str]) -> str:
        tuvs = [f'<tuv xml:lang="fa"><seg>{t}</seg></tuv>' for t in fa] + [
            f'<tuv xml:lang="en"><seg>{t}</seg></tuv>' for t in en]
        return f"<tu>{''.join(tuvs)}</tu>\n"

    tmx = tmp_path / "v.tmx"
    tmx.write_text('<tmx version="1.4"><header/><body>\n' + tu(["یک"], ["one"]) + tu(["دو", "دوتا"], ["two"])
                   + tu(["سه"], ["three", "3"]) + "</body></tmx>\n", encoding="utf-8")
    result = cli("import", tmx)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported 3 pairs")
    assert result.stderr.splitlines() == [
        "note: 2 units had more than one Persian or English variant (the first at line 3); kept the first of each"]
    with Workspace(ws_path) as ws:
        assert [(p.fa, p.en) for p in ws.pairs()] == [("یک", "one"), ("دو", "two"), ("سه", "three")]


def test_tmx_variants_in_no_language_or_another_are_counted_and_named_in_a_note(cli, tmp_path: Path,
                                                                               ws_path: Path) -> None:
    """A <tuv> without xml:lang, or with x-fa or "", was dropped without a word (a unit with only
    such variants disappeared whole)."""
    tmx = tmp_path / "langs.tmx"
    tmx.write_text('<tmx version="1.4"><header/><body>\n'
                   '<tu><tuv xml:lang="fa"><seg>یک</seg></tuv><tuv><seg>one</seg></tuv></tu>\n'
                   '<tu><tuv xml:lang="fa"><seg>دو</seg></tuv><tuv xml:lang="en"><seg>two</seg></tuv></tu>\n'
                   '<tu><tuv xml:lang="x-fa"><seg>سه</seg></tuv><tuv xml:lang=""><seg>three</seg></tuv></tu>\n'
                   '<tu><tuv xml:lang="fa"><seg>چهار</seg></tuv><tuv xml:lang="x-fa"><seg>۴</seg></tuv>'
                   '<tuv xml:lang="en"><seg>four</seg></tuv></tu>\n</body></tmx>\n', encoding="utf-8")
    result = cli("import", tmx)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported 3 pairs")
    assert result.stderr.splitlines() == [
        'note: 3 units had variants in no language or one neither Persian nor English (x-fa ×2, no xml:lang ×1, '
        '"" ×1; the first at line 2); those variants were left out']
    with Workspace(ws_path) as ws:
        assert [(p.fa, p.en) for p in ws.pairs()] == [("یک", ""), ("دو", "two"), ("چهار", "four")]


TMX_BODY = ('<tmx version="1.4"><header/><body><tu><tuv xml:lang="fa"><seg>یک</seg></tuv>'
            '<tuv xml:lang="en"><seg>one</seg></tuv></tu></body></tmx>\n')


@pytest.mark.parametrize("name, content, doc", [
    ("corpus.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n' + TMX_BODY).encode(), "corpus"),
    ("corpus.tmx.bak", ("\ufeff\n  <!-- exported -->\n" + TMX_BODY).encode(), "corpus.tmx.bak"),
    ("corpus.txt", TMX_BODY.encode(), "corpus"),
    ("utf16.xml", ('<?xml version="1.0" encoding="UTF-16"?>' + TMX_BODY).encode("utf-16"), "utf16"),
    ("corpus.xml.gz", gzip.compress(('<?xml version="1.0"?>' + TMX_BODY).encode()), "corpus"),
], ids=["xml", "bom-comment", "no-declaration", "utf-16", "gzip"])
def test_tmx_is_known_by_its_content_whatever_its_name(cli, tmp_path: Path, ws_path: Path, name: str,
                                                        content: bytes, doc: str) -> None:
    """It was read as Persian text: a document of XML lines."""
    source = tmp_path / name
    source.write_bytes(content)
    result = cli("import", source)
    assert result.exit_code == 0, result.output
    with Workspace(ws_path) as ws:
        assert [(d.name, d.kind) for d in ws.documents()] == [(doc, "corpus")]
        assert [(p.fa, p.en) for p in ws.pairs()] == [("یک", "one")]


def test_a_text_that_begins_with_markup_is_still_text(cli, tmp_path: Path, ws_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("<b>تیتر</b>\nسلام دنیا.\n", encoding="utf-8")
    assert cli("import", source).exit_code == 0
    with Workspace(ws_path) as ws:
        assert [(p.fa, p.status) for p in ws.pairs()] == [("<b>تیتر</b>", "draft"), ("سلام دنیا.", "draft")]


def test_tsv_with_a_reversed_header_is_imported_the_right_way_round(cli, tmp_path: Path, ws_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("en\tfa\none\tیک\ntwo\tدو\n", encoding="utf-8")
    result = cli("import", tsv)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported 2 pairs")
    with Workspace(ws_path) as ws:
        assert [(p.fa, p.en) for p in ws.pairs()] == [("یک", "one"), ("دو", "two")]


def test_tmx_export_is_valid_tmx_14(cli, tico_tmx: Path, tmp_path: Path) -> None:
    cli("import", tico_tmx)
    out = tmp_path / "out.tmx"
    assert cli("export", "--format", "tmx", "--status", "all", "-o", out).exit_code == 0
    root = etree.parse(str(out)).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr in TMX_HEADER_ATTRS:
        assert header.get(attr), attr
    tuvs = root.findall("body/tu/tuv")
    assert len(tuvs) == 2 * 3071
    assert all(t.get("{http://www.w3.org/XML/1998/namespace}lang") in ("fa", "en") for t in tuvs)


def test_export_defaults_to_approved_pairs_under_exports(cli, tmp_path: Path, ws_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("یک\tone\nدو\ttwo\n", encoding="utf-8")
    cli("import", tsv)
    from workbench.store import Workspace

    with Workspace(ws_path) as ws:
        ws.edits.set_status(next(ws.pairs()).id, "approved")
    result = cli("export", "--format", "moses")
    assert result.exit_code == 0, result.output
    stem = tmp_path / "exports" / ws_path.stem
    assert Path(f"{stem}.fa").read_text(encoding="utf-8") == "یک\n"
    assert Path(f"{stem}.en").read_text(encoding="utf-8") == "one\n"


def test_import_with_translation_pairs_both_sides(cli, tmp_path: Path, ws_path: Path) -> None:
    fa = tmp_path / "doc.fa.txt"
    en = tmp_path / "doc.en.txt"
    fa.write_text("اولین جمله است. دومین جمله است.\nتیتر\n", encoding="utf-8")
    en.write_text("This is the first sentence. This is the second.\nHeadline\n", encoding="utf-8")
    result = cli("import", fa, "--translation", en, "--doc", "d")
    assert result.exit_code == 0, result.output
    from workbench.store import Workspace

    with Workspace(ws_path) as ws:
        pairs = list(ws.pairs())
    assert [(p.fa, p.en) for p in pairs] == [
        ("اولین جمله است.", "This is the first sentence."),
        ("دومین جمله است.", "This is the second."),
        ("تیتر", "Headline"),
    ]
    assert all(p.confidence is not None for p in pairs)


def test_legacy_encoding_needs_encoding_option(cli, tmp_path: Path, ws_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    # cp1256 has no Persian yeh/kaf: legacy files use the Arabic letters, which the matching key unifies
    legacy.write_bytes("سلام دنيا. خبر مهم.".encode("cp1256"))
    assert_one_line_error(cli("import", legacy), "legacy.txt", "--encoding", "offset")
    assert workspace_state(ws_path) == []
    assert cli("import", legacy, "--encoding", "cp1256").exit_code == 0
    from workbench.store import Workspace

    with Workspace(ws_path) as ws:
        pair = next(ws.pairs())
        assert pair.fa == "سلام دنيا."  # stored as written
        assert ws.sentences(pair.id, "fa")[0].norm == normalize("سلام دنیا.")


def test_a_legacy_encoding_given_for_a_utf8_file_is_refused_not_stored_as_mojibake(cli, tmp_path: Path,
                                                                                   ws_path: Path) -> None:
    """`--encoding cp1256` on a UTF-8 Persian file decoded without an error and stored
    "ط³ظ„ط§ظ…" for "سلام"; any file the encoding is given for is checked (text, TSV, segment)."""
    text = tmp_path / "utf8.txt"
    text.write_text("سلام دنیا. خبر مهم.\n", encoding="utf-8")
    tsv = tmp_path / "utf8.tsv"
    tsv.write_text("سلام\thello\n", encoding="utf-8")
    for args in (("import", text), ("import", tsv), ("segment", text), ("align-files", text, text)):
        result = cli(*args, "--encoding", "cp1256")
        assert_one_line_error(result, f"{args[1]}: is UTF-8, not cp1256", "'سلام", "'ط³ظ„ط§ظ…", "leave out --encoding")
    assert workspace_state(ws_path) == []
    assert cli("import", text).exit_code == 0


def test_encoding_of_a_legacy_persian_file_does_not_garble_a_utf8_translation(cli, tmp_path: Path,
                                                                               ws_path: Path) -> None:
    """--encoding cp1256 for the Persian once decoded the UTF-8 English with cp1256 too, without
    error: "Café" was stored as "Cafأ©". A translation in the legacy encoding still reads."""
    from workbench.store import Workspace

    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("سلام دنيا. خبر مهم.".encode("cp1256"))
    english = {"utf8": "Café is open. News.".encode(), "bom": "\ufeffCafé is open. News.".encode(),
               "cp1256": "Café is open. News.".encode("cp1256")}
    for name, raw in english.items():
        (tmp_path / f"{name}.en.txt").write_bytes(raw)
        result = cli("import", legacy, "--encoding", "cp1256", "--translation", tmp_path / f"{name}.en.txt",
                     "--doc", name)
        assert result.exit_code == 0, result.output
        with Workspace(ws_path) as ws:
            pairs = list(ws.pairs(ws.document(name).id))
        assert [(p.fa, p.en) for p in pairs] == [("سلام دنيا.", "Café is open."), ("خبر مهم.", "News.")], name


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_marked_unicode_is_read(cli, tmp_path: Path, ws_path: Path, encoding: str) -> None:
    source = tmp_path / "bom.txt"
    source.write_bytes("سلام دنیا.".encode(encoding))
    assert cli("import", source).exit_code == 0
    from workbench.store import Workspace

    with Workspace(ws_path) as ws:
        assert next(ws.pairs()).fa == "سلام دنیا."


HOSTILE = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\n \t\n", "empty"),
    "binary.txt": (b"\x00\x01\x02PK\x03\x04" * 50, "binary.txt"),
    "latin1.txt": ("café crème".encode("latin-1"), "--encoding"),
    "broken.tmx": (b'<?xml version="1.0"?><tmx version="1.4"><header/><body><tu><tuv xml:lang="fa"><seg>x', "broken.tmx"),
    "notxml.tmx": (b"this is not xml at all", "notxml.tmx"),
    "wrongroot.tmx": (b'<?xml version="1.0"?><html><body/></html>', "wrongroot.tmx"),
    "columns.tsv": ("یک\tone\nدو\ttwo\textra\n".encode(), "line 2"),
    "empty.tsv": (b"", "empty.tsv"),
    "notes.xml": (b'<?xml version="1.0"?>\n<notes><p>x</p></notes>', "not a TMX file (root element <notes>)"),
    "page.txt": (b"<!DOCTYPE html>\n<html><body><p>x<br></body></html>", "not a TMX file (root element <html>)"),
    "notes.txt.gz": (gzip.compress("سلام دنیا.".encode()), "compressed, and not a TMX file"),
    "reversed.tsv": ("one\tیک\ntwo\tدو\n".encode(), "line 1 has English in the first column"),
    "unnamed.tsv": ("source\ttarget\nیک\tone\n".encode(), "does not say which column is Persian"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_refused_and_nothing_is_imported(cli, tmp_path: Path, ws_path: Path, name: str) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("سلام\thello\n", encoding="utf-8")
    assert cli("import", good).exit_code == 0
    before = workspace_state(ws_path)
    content, expected = HOSTILE[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    assert_one_line_error(cli("import", bad), expected)
    assert workspace_state(ws_path) == before


def test_missing_file_and_unknown_document(cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("import", tmp_path / "nope.txt"), "nope.txt", "no such file")
    good = tmp_path / "good.tsv"
    good.write_text("سلام\thello\n", encoding="utf-8")
    cli("import", good)
    assert_one_line_error(cli("import", good), "already exists")
    assert_one_line_error(cli("export", "--format", "tsv", "--doc", "nothing"), "nothing")


def test_commands_refuse_a_file_that_is_not_a_workspace(cli, tmp_path: Path) -> None:
    fake = tmp_path / "fake.sqlite"
    fake.write_text("hello")
    assert_one_line_error(cli("status", "--ws", fake), "not a workbench workspace")
    assert fake.read_text() == "hello"


def test_usage_errors_exit_2(cli) -> None:
    assert cli("export", "--format", "docx").exit_code == 2
    assert cli("import").exit_code == 2


def test_real_console_script_reports_errors_without_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    done = run_workbench("import", empty, "--ws", tmp_path / "w.sqlite", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == f"workbench: error: {empty}: empty file"
    assert "Traceback" not in done.stderr
