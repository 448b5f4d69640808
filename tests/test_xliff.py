"""XLIFF 1.2 and 2.0 in and out (docs/xliff.md): the workbench's CLI on real files, translate-toolkit
reading what it writes as the outside check, canonical XML comparing an unedited round trip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import DATA, run_workbench
from workbench.store import Workspace

XLIFF = DATA / "xliff"
FA_EN_12 = XLIFF / "workbench-fa-en.xlf"
FA_EN_20 = XLIFF / "workbench-fa-en.xlf2"


def canonical(path: Path) -> str:
    return etree.canonicalize(from_file=str(path), with_comments=True)  # comments are the file's too


def workbench(tmp_path: Path, *args: object) -> str:
    run = run_workbench(*map(str, args), "--ws", tmp_path / "w.sqlite", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    return run.stdout


def refused(tmp_path: Path, *args: object) -> str:
    """The one line a refused command prints (exit 1, no traceback)."""
    run = run_workbench(*map(str, args), "--ws", tmp_path / "w.sqlite", cwd=tmp_path)
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.stderr.startswith("workbench: error: ") and run.stderr.count("\n") == 1, run.stderr
    return run.stderr


def pairs(tmp_path: Path, doc: str) -> list[dict]:
    out = workbench(tmp_path, "export", "--format", "jsonl", "--status", "all", "--doc", doc, "-o", "-")
    return [json.loads(line) for line in out.splitlines()]


def toolkit(path: Path) -> list[tuple]:
    """What translate-toolkit reads: (id, source, target, state, notes) per unit."""
    from translate.storage import xliff, xliff2

    text = path.read_bytes()
    store = (xliff2.Xliff2File if b"document:2.0" in text else xliff.xlifffile).parsestring(text)
    return [(u.getid().split("\x04")[-1], u.source, u.target, u.get_state_n() if hasattr(u, "get_state_n") else None,
             u.getnotes()) for u in store.units]


def _edit(ws_file: Path, doc: str, changes: dict[int, dict[str, str]]) -> None:
    ws = Workspace(ws_file)
    try:
        listed = list(ws.pairs(ws.document(doc).id))
        for number, change in changes.items():
            pair = listed[number - 1]
            if "en" in change:
                pair = ws.edits.set_english(pair.id, change["en"], expected_version=pair.version)
            if "fa" in change:
                pair = ws.edits.set_persian(pair.id, change["fa"], expected_version=pair.version)
            if "status" in change:
                pair = ws.edits.set_status(pair.id, change["status"], expected_version=pair.version)
            if "note" in change:
                ws.edits.set_note(pair.id, change["note"], expected_version=pair.version)
    finally:
        ws.close()


@pytest.mark.parametrize("sample", [FA_EN_12, FA_EN_20], ids=["1.2", "2.0"])
def test_an_unedited_xliff_round_trips_unchanged(tmp_path: Path, sample: Path) -> None:
    workbench(tmp_path, "import", sample, "--doc", "job")
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "job", "-o", tmp_path / "out.xlf")
    assert canonical(tmp_path / "out.xlf") == canonical(sample)
    assert toolkit(tmp_path / "out.xlf") == toolkit(sample)


def test_xliff_12_segments_states_notes_and_codes_come_in(tmp_path: Path) -> None:
    workbench(tmp_path, "import", FA_EN_12)
    got = [(p["fa"], p["en"], p["status"], p["note"]) for p in pairs(tmp_path, "workbench-fa-en")]
    assert got == [
        ("سلام ⟦1⟧دنیا⟦/1⟧!", "Hello ⟦1⟧world⟦/1⟧!", "approved", "Keep it short."),
        ("قیمت ⟦1⟧ تومان است. ⟦2⟧", "The price is ⟦1⟧ tomans. ⟦2⟧", "review", None),
        ("یک ⟦1⟧جمله⟦2⟧ تازه.", "", "new", None),  # no target: a pair without English
        ("جملهٔ چهارم.", "The fourth sentence.", "review", None),
        # unit 5 is translate="no": the file keeps it, no pair
        ("جملهٔ ششم.", "", "new", None),
    ]


def test_xliff_20_segments_states_notes_and_codes_come_in(tmp_path: Path) -> None:
    workbench(tmp_path, "import", FA_EN_20, "--doc", "app")
    got = [(p["fa"], p["en"], p["status"], p["note"]) for p in pairs(tmp_path, "app")]
    assert got == [
        ("سلام ⟦1⟧دنیا⟦/1⟧!", "Hello ⟦1⟧world⟦/1⟧!", "approved", "On the home page."),
        ("حال شما چطور است؟ ⟦1⟧", "How are you? ⟦1⟧", "review", None),
        ("خداحافظ.", "", "new", None),
        ("شب بخیر.", "Good night.", "approved", None),  # reviewed
    ]


def test_an_edited_xliff_12_opens_in_translate_toolkit_with_the_edits_states_and_notes(tmp_path: Path) -> None:
    workbench(tmp_path, "import", FA_EN_12, "--doc", "job")
    _edit(tmp_path / "w.sqlite", "job", {
        1: {"note": "Keep it short.\nTitle case, please."},
        2: {"status": "rejected"},
        3: {"en": "A ⟦1⟧new⟦2⟧ sentence.", "status": "approved"},
        4: {"en": "The 4th sentence."},  # still review: the file's own state stays
        5: {"en": "The sixth sentence."},
    })
    out = tmp_path / "out.xlf"
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "job", "-o", out)
    units = {u[0]: u for u in toolkit(out)}
    assert units["1"][1:] == ("سلام دنیا!", "Hello world!", 100 + 21, "Keep it short.\nTitle case, please.")
    assert units["3"][2] == "A <b>new</b> sentence." and units["3"][3] == 121  # final
    assert units["6"][2] == "The sixth sentence." and units["6"][3] == 80  # needs review
    tree = etree.parse(str(out))
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    unit3 = tree.find(".//x:trans-unit[@id='3']", ns)
    assert unit3.get("approved") == "yes"
    target = unit3.find("x:target", ns)
    assert [c.tag.split("}")[1] for c in target] == ["bpt", "ept"]  # the file's own markup, written back
    assert tree.find(".//x:trans-unit[@id='2']/x:target", ns).get("state") == "x-rejected"
    # the file's note kept, the editor's added beside it
    assert [(n.get("from"), n.text) for n in tree.findall(".//x:trans-unit[@id='1']/x:note", ns)] == [
        ("client", "Keep it short."), ("workbench", "Title case, please.")]
    unit4 = tree.find(".//x:trans-unit[@id='4']/x:target", ns)
    assert (unit4.text, unit4.get("state")) == ("The 4th sentence.", "translated")
    # units not edited are as they were; the untranslatable one too
    original = etree.parse(str(FA_EN_12))
    for unit_id in ("5",):
        path = f".//x:trans-unit[@id='{unit_id}']"
        assert etree.tostring(tree.find(path, ns)) == etree.tostring(original.find(path, ns))
    # and it reads back into the workbench as edited
    workbench(tmp_path, "import", out, "--doc", "again")
    again = [(p["en"], p["status"]) for p in pairs(tmp_path, "again")]
    assert again[1:3] == [("The price is ⟦1⟧ tomans. ⟦2⟧", "rejected"), ("A ⟦1⟧new⟦2⟧ sentence.", "approved")]


def test_an_edited_xliff_20_keeps_the_file_and_writes_states_and_notes(tmp_path: Path) -> None:
    workbench(tmp_path, "import", FA_EN_20, "--doc", "app")
    _edit(tmp_path / "w.sqlite", "app", {2: {"en": "How do you do? ⟦1⟧", "status": "approved"},
                                         3: {"en": "Goodbye.", "note": "informal"}})
    out = tmp_path / "out.xlf"
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "app", "-o", out)
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    tree = etree.parse(str(out))
    s2 = tree.find(".//x:segment[@id='s2']", ns)
    assert s2.get("state") == "final"
    target = s2.find("x:target", ns)
    assert target.text == "How do you do? " and [(c.tag, dict(c.attrib)) for c in target] == [
        (f"{{{ns['x']}}}ph", {"id": "2"})]  # the file's code, written back
    s3 = tree.find(".//x:segment[@id='s3']", ns)
    # English written: the pair went from new to review, the segment to translated
    assert s3.find("x:target", ns).text == "Goodbye." and s3.get("state") == "translated"
    assert [n.text for n in tree.findall(".//x:unit[@id='u2']/x:notes/x:note", ns)] == ["informal"]
    units = toolkit(out)
    assert [u[2] for u in units] == ["Hello world!", "How do you do?", "Goodbye.", "Good night."]
    assert tree.find(".//x:unit[@id='u1']/x:notes/x:note", ns).text == "On the home page."


def test_gzipped_xliff_is_known_by_content(tmp_path: Path) -> None:
    packed = tmp_path / "job.bin"
    packed.write_bytes(gzip.compress(FA_EN_20.read_bytes()))
    workbench(tmp_path, "import", packed, "--doc", "job")
    assert len(pairs(tmp_path, "job")) == 4
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "job", "-o", tmp_path / "out.xlf")
    assert canonical(tmp_path / "out.xlf") == canonical(FA_EN_20)


EN_FA = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="fa" datatype="plaintext" original="messages">
    <body>
      <trans-unit id="save" resname="save"><source>Save</source><target state="translated">ذخیره</target></trans-unit>
      <trans-unit id="open" resname="open"><source>Open %name%</source></trans-unit>
    </body>
  </file>
</xliff>
"""


def test_an_english_to_persian_file_takes_its_persian_from_the_target_and_writes_it_back(tmp_path: Path) -> None:
    source = tmp_path / "messages.fa.xlf"
    source.write_text(EN_FA, encoding="utf-8")
    workbench(tmp_path, "import", source, "--doc", "ui")
    assert [(p["fa"], p["en"], p["status"]) for p in pairs(tmp_path, "ui")] == [
        ("ذخیره", "Save", "review"), ("", "Open %name%", "new")]
    _edit(tmp_path / "w.sqlite", "ui", {2: {"fa": "باز کردن %name%", "status": "approved"}})
    with pytest.raises(Exception, match="is its XLIFF file's source: read-only"):
        _edit(tmp_path / "w.sqlite", "ui", {1: {"en": "Store"}})
    out = tmp_path / "out.xlf"
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "ui", "-o", out)
    assert [(u[1], u[2], u[3]) for u in toolkit(out)] == [("Save", "ذخیره", 100), ("Open %name%", "باز کردن %name%", 121)]


def test_other_languages_are_refused_naming_them(tmp_path: Path) -> None:
    german = tmp_path / "de.xlf"
    german.write_text(EN_FA.replace('target-language="fa"', 'target-language="de"'), encoding="utf-8")
    assert refused(tmp_path, "import", german) == (
        f"workbench: error: {german}: XLIFF in en→de; only Persian→English and English→Persian files are imported\n")


def test_the_file_fixes_the_structure(tmp_path: Path) -> None:
    workbench(tmp_path, "import", FA_EN_12, "--doc", "job")
    assert refused(tmp_path, "align", "--doc", "job").endswith(
        "document 'job' came from an XLIFF file, whose segments fix its structure: align refused\n")
    ws = Workspace(tmp_path / "w.sqlite")
    try:
        first, second = list(ws.pairs(ws.document("job").id))[:2]
        for attempt, action in ((lambda: ws.structure.merge_with_next(first.id), "merge"),
                                (lambda: ws.structure.split(first.id, 1, 0), "split"),
                                (lambda: ws.structure.shift_english(first.id, 1), "shift")):
            with pytest.raises(Exception, match=f"fix its structure: {action} refused"):
                attempt()
        assert [p.id for p in ws.pairs(ws.document("job").id)][:2] == [first.id, second.id]
    finally:
        ws.close()


def test_english_that_breaks_a_code_is_refused_naming_the_token(tmp_path: Path) -> None:
    workbench(tmp_path, "import", FA_EN_12, "--doc", "job")
    with pytest.raises(Exception, match=r"pair 1 of 'job': the English breaks the codes of the segment "
                                        r"\(missing ⟦/1⟧; extra ⟦2⟧\)"):
        _edit(tmp_path / "w.sqlite", "job", {1: {"en": "Hello ⟦1⟧world⟦2⟧!"}})
    _edit(tmp_path / "w.sqlite", "job", {1: {"en": "⟦1⟧World⟦/1⟧, hello!"}})  # moved: fine


@pytest.mark.parametrize("fmt, version", [("xliff", "1.2"), ("xliff2", "2.0")])
def test_a_document_from_elsewhere_exports_as_fresh_xliff(tmp_path: Path, fmt: str, version: str) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("سلام\tHello & welcome\nخداحافظ\t\n", encoding="utf-8")
    workbench(tmp_path, "import", tsv, "--doc", "c")
    out = tmp_path / "fresh.xlf"
    workbench(tmp_path, "export", "--format", fmt, "--doc", "c", "--status", "all", "-o", out)
    assert etree.parse(str(out)).getroot().get("version") == version
    assert [(u[1], u[2]) for u in toolkit(out)] == [("سلام", "Hello & welcome"), ("خداحافظ", None)]
    workbench(tmp_path, "import", out, "--doc", "back")
    assert [(p["fa"], p["en"], p["status"]) for p in pairs(tmp_path, "back")] == [
        ("سلام", "Hello & welcome", "review"), ("خداحافظ", "", "new")]


HOSTILE = {
    "billion-laughs": ('<!DOCTYPE xliff [<!ENTITY a0 "lol">'
                       + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)) + "]>", "&a9;",
                       "entities expand too much (refused: a billion-laughs file?)"),
    "external-entity": ('<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;",
                        "entity &x; is not declared in the file, or refers to another file (external entities "
                        "are never read)"),
    "deep-nesting": ("", '<g id="1">' * 300 + "x" + "</g>" * 300,
                     "elements nested more than 256 deep (the XML reader's limit)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xliff_is_refused_in_one_line_like_tmx(tmp_path: Path, name: str) -> None:
    doctype, body, plain = HOSTILE[name]
    bad = tmp_path / "bad.xlf"
    text = (f'<?xml version="1.0"?>{doctype}<xliff version="1.2"><file source-language="fa" '
            f'target-language="en"><body><trans-unit id="1"><source>{body}</source></trans-unit></body></file></xliff>')
    bad.write_text(text, encoding="utf-8")
    if name == "billion-laughs":  # gzipped too: known by content, refused alike
        bad.write_bytes(gzip.compress(text.encode()))
    line = refused(tmp_path, "import", bad)
    assert line.startswith(f"workbench: error: {bad}: XLIFF refused at line 1, column ")
    assert line.endswith(f": {plain}\n")
    assert not (tmp_path / "w.sqlite").exists()


THIRD_PARTY = {  # file: its pairs — tests/data/xliff/README.md names their sources
    "symfony-validators.fa.xlf": 116,
    "translate-toolkit-1.1.xlf": 3,
    "translate-toolkit-2.0.xlf": 3,
    "omegat-3.6.xlf": 3,
}


@pytest.mark.parametrize("name", sorted(THIRD_PARTY))
def test_third_party_xliff_round_trips_unchanged_and_edited(tmp_path: Path, name: str) -> None:
    sample = XLIFF / name
    workbench(tmp_path, "import", sample, "--doc", "job")
    listed = pairs(tmp_path, "job")
    assert len(listed) == THIRD_PARTY[name]
    out = tmp_path / "out.xlf"
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "job", "-o", out)
    assert canonical(out) == canonical(sample)
    assert toolkit(out) == toolkit(sample)
    # one segment edited and approved: translate-toolkit reads the edit, the rest is as it was
    english_to_persian = "symfony" in name
    last = len(listed)
    _edit(tmp_path / "w.sqlite", "job", {last: {"fa": "متن تازه"} if english_to_persian else {"en": "New text"}})
    _edit(tmp_path / "w.sqlite", "job", {last: {"status": "approved"}})
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "job", "-o", out)
    before, after = toolkit(sample), toolkit(out)
    assert after[:-1] == before[:-1]
    assert after[-1][2] == ("متن تازه" if english_to_persian else "New text")
    if "2.0" not in name:
        assert after[-1][3] == 121  # final, approved
    workbench(tmp_path, "import", out, "--doc", "again")
    assert pairs(tmp_path, "again")[-1]["status"] == "approved"


SEGMENTED = """<?xml version="1.0" encoding="utf-8"?><xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0"
 xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2" sdl:version="1.0"><file original="a.docx"
 datatype="x-sdlfilterframework2" source-language="fa-IR" target-language="en-US"><header><reference><internal-file
 form="base64">UEsDBA==</internal-file></reference></header><body><group><trans-unit id="a1"><source>سلام. دنیا.</source>
<seg-source><mrk mtype="seg" mid="1">سلام.</mrk> <mrk mtype="seg" mid="2">دنیا.</mrk></seg-source>
<target><mrk mtype="seg" mid="1">Hello.</mrk> <mrk mtype="seg" mid="2">World.</mrk></target>
<sdl:seg-defs><sdl:seg id="1" conf="Translated"/><sdl:seg id="2" conf="Draft"/></sdl:seg-defs></trans-unit></group>
<trans-unit id="a2"><source>بی‌نام</source><seg-source><mrk mtype="seg" mid="3">بی‌نام</mrk></seg-source>
<alt-trans><target>Unnamed (TM)</target></alt-trans></trans-unit></body></file></xliff>"""


def test_a_segmented_unit_shows_the_same_tokens_on_both_sides_and_can_be_edited(tmp_path: Path) -> None:
    """Trados/memoQ units segmented with <mrk mtype="seg">: the Persian is read from <seg-source>,
    so the English's segment markers are tokens the Persian has too and an edit keeping them saves."""
    source = tmp_path / "a.docx.sdlxliff"
    source.write_text(SEGMENTED, encoding="utf-8")
    workbench(tmp_path, "import", source, "--doc", "doc")
    assert [(p["fa"], p["en"]) for p in pairs(tmp_path, "doc")] == [
        ("⟦1⟧سلام.⟦/1⟧ ⟦2⟧دنیا.⟦/2⟧", "⟦1⟧Hello.⟦/1⟧ ⟦2⟧World.⟦/2⟧"),
        ("⟦1⟧بی‌نام⟦/1⟧", "")]  # the TM match in <alt-trans> is no target
    _edit(tmp_path / "w.sqlite", "doc", {1: {"en": "⟦1⟧Hi.⟦/1⟧ ⟦2⟧World.⟦/2⟧"}, 2: {"en": "⟦1⟧Untitled⟦/1⟧"}})
    out = tmp_path / "out.sdlxliff"
    workbench(tmp_path, "export", "--format", "xliff", "--doc", "doc", "-o", out)
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    tree = etree.parse(str(out))
    first = tree.find(".//x:trans-unit[@id='a1']/x:target", ns)
    assert [(m.get("mid"), m.text) for m in first] == [("1", "Hi."), ("2", "World.")]
    made = tree.find(".//x:trans-unit[@id='a2']", ns)
    # a target made for the unit goes after its <seg-source>, with the source's segment marker
    assert [c.tag.split("}")[1] for c in made] == ["source", "seg-source", "target", "alt-trans"]
    assert [(m.get("mtype"), m.get("mid"), m.text) for m in made.find("x:target", ns)] == [("seg", "3", "Untitled")]


def test_a_target_holding_a_copy_of_the_persian_source_is_no_english(tmp_path: Path) -> None:
    """OmegaT leaves an untranslated unit's target as the source copied (its XLIFF filter reads
    the target): that Persian is not a translation, and the file keeps it until it is given one."""
    sample = XLIFF / "omegat-3.6.xlf"
    workbench(tmp_path, "import", sample, "--doc", "job")
    assert [(p["en"], p["status"]) for p in pairs(tmp_path, "job")] == [
        ("Hello ⟦1⟧world⟦/1⟧!", "review"), ("Good night.", "review"), ("", "new")]


def test_protected_tokens_are_scanned_in_order_and_compared_in_any_order() -> None:
    from workbench.text.protected import protected_tokens, token_mismatch

    assert protected_tokens("a ⟦1⟧b⟦2⟧c⟦/2⟧ ⟦/1⟧ [1] ⟦x⟧") == ["⟦1⟧", "⟦2⟧", "⟦/2⟧", "⟦/1⟧"]
    assert protected_tokens("no codes") == []
    assert token_mismatch("⟦1⟧a⟦/1⟧ ⟦2⟧", "⟦2⟧ ⟦1⟧b⟦/1⟧") == ""
    assert token_mismatch("⟦1⟧a⟦/1⟧", "⟦1⟧a ⟦3⟧") == "missing ⟦/1⟧; extra ⟦3⟧"


def test_a_refused_xliff_import_stores_nothing_and_keeps_what_was_there(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("سلام\tHello\n", encoding="utf-8")
    workbench(tmp_path, "import", tsv, "--doc", "c")
    big = tmp_path / "big.xlf"
    big.write_text(EN_FA.replace("<source>Save</source>", f"<source>{'word ' * 220_000}</source>"), encoding="utf-8")
    line = refused(tmp_path, "import", big, "--doc", "big")
    assert "the English is longer than 1 MB" in line
    assert [p["doc"] for p in pairs(tmp_path, "c")] == ["c"]
    with Workspace(tmp_path / "w.sqlite") as ws:
        assert [d.name for d in ws.documents()] == ["c"]
        assert ws.conn.execute("SELECT count(*) FROM xliff_files").fetchone()[0] == 0
        assert ws.conn.execute("SELECT count(*) FROM xliff_segments").fetchone()[0] == 0


def test_an_xliff_file_without_an_xml_declaration_is_imported_as_xliff(tmp_path: Path) -> None:
    """The declaration is optional in XML: a file that starts with ``<xliff`` is XLIFF all the
    same, not a text document of markup."""
    path = tmp_path / "bare.xlf"
    text = FA_EN_12.read_text(encoding="utf-8")
    path.write_text(text[text.index("<xliff"):], encoding="utf-8")
    assert "imported 5 pairs into document 'bare'" in workbench(tmp_path, "import", path)
    assert [p["fa"] for p in pairs(tmp_path, "bare")][0] == "سلام ⟦1⟧دنیا⟦/1⟧!"
