"""Corpus formats: TMX, TSV, Moses, JSONL — round trips, hostile files, atomic and streaming writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from workbench.errors import WorkbenchError
from workbench.formats import ExportRecord, read_tmx, read_tsv, write_jsonl, write_moses, write_tmx, write_tsv
from workbench.formats.text import close_bidi

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROOT = Path(__file__).resolve().parent.parent


def record(fa: str, en: str, i: int = 1, **extra) -> ExportRecord:
    fields = dict(doc="d", pair=i, fa=fa, en=en, draft=None, status="approved", engine=None, model=None,
                  qa=[], updated_at="2026-01-01T00:00:00+00:00")
    fields.update(extra)
    return ExportRecord(**fields)


def reexport(units, path: Path, writer) -> bytes:
    writer([record(u.fa, u.en, i) for i, u in enumerate(units, 1)], path)
    return path.read_bytes()


# -- TMX ---------------------------------------------------------------------------------------

def test_tico_units_match_what_lxml_reads(tico_tmx: Path) -> None:
    units = list(read_tmx(tico_tmx))
    direct = []
    for tu in etree.parse(str(tico_tmx)).iter("tu"):
        segs = {tuv.get(XML_LANG): tuv.findtext("seg").strip() for tuv in tu.iter("tuv")}
        direct.append((segs["fa"], segs["en"]))
    assert len(units) == 3071
    assert [(u.fa, u.en) for u in units] == direct
    assert units[0].props["tuid"] == "CMU_1:1"


def test_written_tmx_has_the_14_header_and_props(tmp_path: Path) -> None:
    out = tmp_path / "o.tmx"
    n = write_tmx([record("سلام", "Hello", draft="Hi", engine="argos", model="m", qa=["numbers"])], out)
    assert n == 1
    root = etree.parse(str(out)).getroot()
    assert root.get("version") == "1.4"
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attr)
    tu = root.find("body/tu")
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props == {"x-doc": "d", "x-pair": "1", "x-status": "approved", "x-engine": "argos",
                     "x-model": "m", "x-draft": "Hi", "x-qa": "numbers"}
    assert [t.get(XML_LANG) for t in tu.findall("tuv")] == ["fa", "en"]


def test_an_empty_side_is_left_out_of_the_tmx_not_written_as_an_empty_segment(tmp_path: Path) -> None:
    out = tmp_path / "o.tmx"
    write_tmx([record("فقط فارسی", ""), record("", "English only", 2), record("", "", 3)], out)
    units = etree.parse(str(out)).getroot().findall("body/tu")
    assert [[t.get(XML_LANG) for t in tu.findall("tuv")] for tu in units] == [["fa"], ["en"], ["fa"]]
    assert [(u.fa, u.en) for u in read_tmx(out)] == [("فقط فارسی", ""), ("", "English only"), ("", "")]


def test_tmx_inline_codes_languages_and_missing_sides(tmp_path: Path) -> None:
    tmx = tmp_path / "in.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header/><body>'
        '<tu tuid="1"><tuv xml:lang="FA-IR"><seg> متن <bpt i="1">&lt;b&gt;</bpt>پررنگ<ept i="1">&lt;/b&gt;</ept> </seg></tuv>'
        '<tuv xml:lang="en-US"><seg>text <hi>bold</hi><ph>{0}</ph>!</seg></tuv></tu>'
        '<tu><tuv lang="per"><seg>فقط فارسی</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    units = list(read_tmx(tmx))
    assert [(u.fa, u.en) for u in units] == [("متن پررنگ", "text bold!"), ("فقط فارسی", "")]


def test_a_variants_notes_and_props_before_its_seg_and_a_namespaced_seg(tmp_path: Path) -> None:
    """A <tuv> may hold <note> and <prop> before its <seg> (TMX 1.4: note*, prop*, seg), and its
    elements may be in the TMX namespace: the text is the <seg>'s all the same."""
    tmx = tmp_path / "in.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header/><body>'
        '<tu><tuv xml:lang="fa"><note>checked</note><prop type="x-origin">tm</prop><seg>کتاب</seg></tuv>'
        '<tuv xml:lang="en"><prop type="x-origin">mt</prop><seg>a <hi>book</hi></seg></tuv></tu>'
        '<t:tu xmlns:t="http://www.lisa.org/tmx14"><t:tuv xml:lang="fa"><t:seg>خانه</t:seg></t:tuv>'
        '<t:tuv xml:lang="en"><t:seg>house</t:seg></t:tuv></t:tu>'
        '<tu><tuv xml:lang="fa"><prop type="x">no seg</prop></tuv><tuv xml:lang="fa"><seg>دو</seg></tuv>'
        '<tuv xml:lang="en"><seg>two</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    assert [(u.fa, u.en, u.extra_variants) for u in read_tmx(tmx)] == [("کتاب", "a book", 0), ("خانه", "house", 0),
                                                                      ("دو", "two", 0)]


def test_several_variants_of_a_language_keep_the_first_text_and_count_the_others(tmp_path: Path) -> None:
    """TMX allows more than one <tuv> of a language in a <tu> (the DTD says tuv+): alternative
    translations. The second one was dropped without a word; now it is counted, unless it has no
    text or the same text."""
    tmx = tmp_path / "variants.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header/><body>'
        '<tu><tuv xml:lang="fa"><seg>یک</seg></tuv><tuv xml:lang="fa-IR"><seg>یکی</seg></tuv>'
        '<tuv xml:lang="en"><seg>one</seg></tuv><tuv xml:lang="en-GB"><seg>One</seg></tuv>'
        '<tuv xml:lang="en"><seg>1</seg></tuv></tu>'
        '<tu><tuv xml:lang="fa"><seg> </seg></tuv><tuv xml:lang="fa"><seg>دو</seg></tuv>'
        '<tuv xml:lang="en"><seg>two</seg></tuv><tuv xml:lang="en"><seg>two</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    assert [(u.fa, u.en, u.extra_variants) for u in read_tmx(tmx)] == [("یک", "one", 3), ("دو", "two", 0)]


@pytest.mark.parametrize("content, words", [
    (b'<?xml version="1.0"?><tmx version="1.4"><body><tu><tuv xml:lang="fa"><seg>x', ("line 1",)),
    (b"not xml", ("line 1",)),
    (b'<?xml version="1.0"?><html/>', ("not a TMX",)),
    (b'<?xml version="1.0"?><tmx><body><tu><tuv xml:lang="de"><seg>x</seg></tuv></tu></body></tmx>', ("no Persian",)),
    (b'<?xml version="1.0"?>\n<tmx>\n<body>\n<tu><tuv xml:lang="fa"><seg>a</seg></tuv></tu>\n<tu></body></tmx>', ("line 5",)),
])
def test_broken_tmx_is_one_clear_error(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_bytes(content)
    with pytest.raises(WorkbenchError) as err:
        list(read_tmx(bad))
    message = str(err.value)
    assert "\n" not in message and str(bad) in message
    for word in words:
        assert word in message


def test_external_entities_are_refused_in_one_line(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    tmx = tmp_path / "xxe.tmx"
    tmx.write_text(f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file://{secret}">]>'
                   '<tmx><body><tu><tuv xml:lang="fa"><seg>a&x;</seg></tuv></tu></body></tmx>')
    with pytest.raises(WorkbenchError) as err:
        list(read_tmx(tmx))
    assert str(err.value) == (f"{tmx}: TMX refused at line 1, column {tmx.read_text().index('&x;') + 4}: entity &x; "
                              "is not declared in the file, or refers to another file (external entities are never read)")


def test_internal_entities_are_expanded_not_stored_as_references(tmp_path: Path) -> None:
    """Every XML parser expands the entities a file declares; the reader stored "&b;" as text."""
    tmx = tmp_path / "entities.tmx"
    tmx.write_text('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY b "بزرگ"><!ENTITY co "Company &amp; Co">]>'
                   '<tmx><body><tu><tuv xml:lang="fa"><seg>شرکت &b;</seg></tuv>'
                   '<tuv xml:lang="en"><seg>the &co; <hi>&co;</hi></seg></tuv></tu></body></tmx>', encoding="utf-8")
    assert [(u.fa, u.en) for u in read_tmx(tmx)] == [("شرکت بزرگ", "the Company & Co Company & Co")]


@pytest.mark.parametrize("body", ["&lol9;", "&big;" * 5000], ids=["nested", "quadratic"])
def test_entity_bombs_are_refused_in_one_line(tmp_path: Path, body: str) -> None:
    """Nested (billion laughs) and repeated large (quadratic blowup) internal entities."""
    nested = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text(f'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY lol0 "lol">{nested}'
                    f'<!ENTITY big "{"x" * 50_000}">]><tmx><body><tu><tuv xml:lang="fa"><seg>{body}</seg>'
                    '</tuv></tu></body></tmx>', encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"bomb\.tmx: TMX refused at line 1, .*entities expand too much") as err:
        list(read_tmx(bomb))
    assert "\n" not in str(err.value)


def test_gzipped_tmx_is_read(tmp_path: Path) -> None:
    import gzip

    gz = tmp_path / "c.tmx.gz"
    gz.write_bytes(gzip.compress(
        '<tmx><body><tu><tuv xml:lang="fa"><seg>یک</seg></tuv><tuv xml:lang="en"><seg>one</seg></tuv></tu></body></tmx>'
        .encode()))
    assert [(u.fa, u.en) for u in read_tmx(gz)] == [("یک", "one")]


def test_large_tmx_streams_in_bounded_memory(tmp_path: Path) -> None:
    """Peak RSS of a process reading 200,000 units: libxml2's tree is outside tracemalloc's
    view, so the old tracemalloc test passed with the clearing of read elements removed."""
    from tests.synthetic import write_tmx as generate
    from tests.rss import measure

    big = tmp_path / "big.tmx"
    generate(big, 200_000)  # about 40 MB of XML
    script = "import sys\nfrom workbench.formats import read_tmx\nprint(sum(1 for _ in read_tmx(sys.argv[1])))"
    run = measure([sys.executable, "-c", script, big], cwd=ROOT, limit_gb=2)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "200000\n"
    assert run.peak_mb < 100, f"peak {run.peak_mb:.0f} MB: the reader is not streaming"


def test_a_gzipped_tmx_that_inflates_to_a_huge_text_is_refused_early(tmp_path: Path) -> None:
    """100 KB of .tmx.gz holding a 100 MB segment: huge_tree let it grow (300 MB: 2.7 GB peak and an
    import of it); libxml2's own limit refuses it at 10 MB, in words, not XML_PARSE_HUGE."""
    import gzip

    from tests.rss import measure, workbench_exe

    bomb = tmp_path / "c.tmx.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        out.write(b'<tmx><body><tu><tuv xml:lang="fa"><seg>')
        for _ in range(100):
            out.write(b"a" * 2**20)
        out.write(b"</seg></tuv></tu></body></tmx>")
    run = measure([workbench_exe(), "import", bomb, "--ws", tmp_path / "w.sqlite"], cwd=tmp_path, limit_gb=2)
    assert run.returncode == 1
    assert run.stderr == (f"workbench: error: {bomb}: TMX refused at line 1, column 10027009: a text longer than "
                          "10 MB in one element (the XML reader's limit)\n")
    assert run.peak_mb < 150, run.peak_mb
    assert not (tmp_path / "w.sqlite").exists()


def test_deep_nesting_is_refused_in_words_and_text_is_read_without_recursion(tmp_path: Path) -> None:
    """1,500 nested <hi> raised RecursionError (a traceback); the reader now stops at libxml2's
    depth limit with a plain message, and the segment walk needs no stack at any depth."""
    from workbench.formats.tmx import _seg_text

    deep = tmp_path / "deep.tmx"
    deep.write_text('<tmx><body><tu><tuv xml:lang="fa"><seg>' + "<hi>" * 1500 + "عمیق" + "</hi>" * 1500
                    + "</seg></tuv></tu></body></tmx>", encoding="utf-8")
    with pytest.raises(WorkbenchError) as err:
        list(read_tmx(deep))
    assert str(err.value).endswith("elements nested more than 256 deep (the XML reader's limit)")
    assert "XML_PARSE" not in str(err.value)
    seg = etree.fromstring("<seg>a" + "<hi>b" * 1500 + "<ph>code</ph>c" + "</hi>d" * 1500 + "</seg>",
                           etree.XMLParser(huge_tree=True))
    assert _seg_text(seg) == "a" + "b" * 1500 + "c" + "d" * 1500
    nested = tmp_path / "nested.tmx"  # as deep as the limit allows: read whole
    nested.write_text('<tmx><body><tu><tuv xml:lang="fa"><seg>' + "<hi>ی" * 200 + "</hi>" * 200
                      + "</seg></tuv></tu></body></tmx>", encoding="utf-8")
    assert [u.fa for u in read_tmx(nested)] == ["ی" * 200]


def test_variants_in_no_language_or_another_are_named_not_dropped_silently(tmp_path: Path) -> None:
    tmx = tmp_path / "langs.tmx"
    tmx.write_text('<tmx><body>\n<tu><tuv xml:lang="fa"><seg>یک</seg></tuv><tuv><seg>one</seg></tuv></tu>\n'
                   '<tu><tuv xml:lang="x-fa"><seg>دو</seg></tuv><tuv xml:lang=""><seg>two</seg></tuv></tu>\n'
                   '<tu><tuv xml:lang="fa"><seg>سه</seg></tuv><tuv xml:lang="en"><seg>three</seg></tuv></tu>\n'
                   "</body></tmx>", encoding="utf-8")
    assert [(u.fa, u.en, u.other_languages) for u in read_tmx(tmx)] == [
        ("یک", "", (None,)), ("", "", ("x-fa", "")), ("سه", "three", ())]
    unlabelled = tmp_path / "unlabelled.tmx"
    unlabelled.write_text('<tmx><body><tu><tuv><seg>یک</seg></tuv><tuv xml:lang="x-fa"><seg>دو</seg></tuv></tu>'
                          "</body></tmx>", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"no Persian \(fa\) text in the file \(variants in no language or "
                                             r"another one: no xml:lang ×1, x-fa ×1\)$"):
        list(read_tmx(unlabelled))


# -- TSV and Moses -----------------------------------------------------------------------------

def test_tsv_header_blank_lines_and_bom(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_bytes("\ufeffFA\tEN\n\nیک\tone\r\nدو\ttwo\n".encode())
    assert [(u.fa, u.en, u.location) for u in read_tsv(tsv)] == [("یک", "one", "line 3"), ("دو", "two", "line 4")]


@pytest.mark.parametrize("encoding, option", [("utf-16", None), ("utf-32", None), ("utf-16-be", "utf-16-be"),
                                              ("utf-16-le", "utf-16-le")])
def test_tsv_in_utf16_or_utf32(tmp_path: Path, encoding: str, option: str | None) -> None:
    """A byte-order mark is enough (as for .txt); it used to be refused as "not valid utf-8 … pass
    --encoding cp1256". U+200A and U+060A hold a 0x0A byte that is not a line end in UTF-16."""
    tsv = tmp_path / "c.tsv"
    tsv.write_bytes("fa\ten\nیک\tone\r\nدو\u060a\ttwo\u200aend\n".encode(encoding))
    units = [(u.fa, u.en, u.location) for u in read_tsv(tsv, encoding=option)]
    assert units == [("یک", "one", "line 2"), ("دو\u060a", "two\u200aend", "line 3")]


def test_tsv_broken_utf16_is_one_clear_error(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_bytes("یک\tone\n".encode("utf-16") + b"\x00\xd8A\x00")  # a lone surrogate
    with pytest.raises(WorkbenchError, match=r"c\.tsv: not valid utf-16 \(.*surrogate"):
        list(read_tsv(tsv))


@pytest.mark.parametrize("header", ["fa\ten", "EN\tFA", "English\tPersian", "farsi\tENG", "en-US\tfa-IR",
                                    "per\teng", "انگلیسی\tفارسی", " Persian \t english "])
def test_tsv_header_naming_the_languages_gives_the_column_order(tmp_path: Path, header: str) -> None:
    """A reversed header (en TAB fa) was read as data: the header became a pair and every row had
    its sides swapped."""
    english_first = header.split("\t")[0].strip().lower() in ("en", "english", "en-us", "eng", "انگلیسی")
    rows = [("one", "یک"), ("two", "دو")] if english_first else [("یک", "one"), ("دو", "two")]
    tsv = tmp_path / "c.tsv"
    tsv.write_text(header + "\n" + "".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    assert [(u.fa, u.en, u.location) for u in read_tsv(tsv)] == [("یک", "one", "line 2"), ("دو", "two", "line 3")]


@pytest.mark.parametrize("rows, line", [
    ("one\tیک\n", 1),
    ("12\t۱۲\n\tتنها\nWHO said\tسازمان WHO گفت\nHello\tسلام\nیک\tone\n", 4),  # lines 1-3 cannot tell
])
def test_tsv_with_english_first_and_no_header_is_refused_as_reversed(tmp_path: Path, rows: str, line: int) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text(rows, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=rf"c\.tsv: line {line} has English in the first column .* "
                                             "header line en TAB fa") as err:
        list(read_tsv(tsv))
    assert "\n" not in str(err.value)
    tsv.write_text("fa\ten\n" + rows, encoding="utf-8")  # a header keeps the columns as they are
    assert [u.fa for u in read_tsv(tsv)][:1] == [rows.split("\t")[0]]


def test_tsv_rows_after_a_clear_persian_first_row_are_not_checked(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("انگلیسی\tEnglish\nPython\tپایتون\n", encoding="utf-8")  # a glossary: data, not a header
    assert [(u.fa, u.en) for u in read_tsv(tsv)] == [("انگلیسی", "English"), ("Python", "پایتون")]


@pytest.mark.parametrize("header", ["source\ttarget", "SRC\tTGT", "fa\ttarget"])
def test_tsv_header_that_does_not_name_the_languages_is_refused(tmp_path: Path, header: str) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text(f"{header}\nیک\tone\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"c\.tsv: line 1 is a header .* does not say which column is Persian"):
        list(read_tsv(tsv))


def test_tsv_wrong_columns_names_the_line(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("یک\tone\nدو\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"c\.tsv: line 2 has 1 columns"):
        list(read_tsv(tsv))


def test_tsv_legacy_bytes_give_offset(tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_bytes("یک\tone\n".encode() + "دو\ttwo\n".encode("cp1256"))
    with pytest.raises(WorkbenchError, match=r"line 2 .*offset 9\).*--encoding"):
        list(read_tsv(tsv))
    assert [u.fa for u in read_tsv(tsv, encoding="cp1256")][1] == "دو"


def test_moses_stays_line_aligned_with_embedded_breaks(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    write_moses([record("یک\nدو", "one\u2028two"), record("سه\r", "three\x0bfour\x85")], out)
    fa = (tmp_path / "corpus.fa").read_text(encoding="utf-8").split("\n")
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").split("\n")
    assert fa == ["یک دو", "سه", ""] and en == ["one two", "three four", ""]


def test_jsonl_has_the_contract_fields(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    write_jsonl([record("یک", "one", qa=["empty"], draft="1")], out)
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row == {"doc": "d", "pair": 1, "fa": "یک", "en": "one", "draft": "1", "status": "approved",
                   "engine": None, "model": None, "qa": ["empty"], "updated_at": "2026-01-01T00:00:00+00:00",
                   "note": None, "flag": None}
    assert "یک" in out.read_text(encoding="utf-8")  # not \u-escaped


# -- atomic writes -----------------------------------------------------------------------------

@pytest.mark.parametrize("writer", [write_tmx, write_tsv, write_jsonl, write_moses])
def test_failed_export_leaves_old_file_and_no_temp(tmp_path: Path, writer) -> None:
    out = tmp_path / "out"
    targets = [tmp_path / "out.fa", tmp_path / "out.en"] if writer is write_moses else [out]
    for t in targets:
        t.write_bytes(b"previous export\n")

    def records():
        yield record("یک", "one")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        writer(records(), out)
    assert all(t.read_bytes() == b"previous export\n" for t in targets)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.name for t in targets)


def test_stale_temp_of_a_killed_export_is_cleaned(tmp_path: Path) -> None:
    stale = tmp_path / ".out.tsv.partial-999999999"
    stale.write_text("half")
    write_tsv([record("یک", "one")], tmp_path / "out.tsv")
    assert not stale.exists()


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", max_size=20))
def test_closing_bidi_controls_keeps_the_text_and_leaves_nothing_open(text: str) -> None:
    closed = close_bidi(text)
    assert closed.startswith(text)
    assert close_bidi(closed) == closed  # nothing left open to close
    assert set(closed[len(text):]) <= {"\u202c", "\u2069"}


def test_closing_bidi_controls_follows_the_unicode_matching() -> None:
    rle, pdf, rli, pdi = "\u202b", "\u202c", "\u2067", "\u2069"
    assert close_bidi("plain") == "plain"
    assert close_bidi(f"a{rle}b{pdf}c") == f"a{rle}b{pdf}c"
    assert close_bidi(f"{rle}{rli}x") == f"{rle}{rli}x{pdi}{pdf}"
    assert close_bidi(f"{rli}{rle}x{pdi}") == f"{rli}{rle}x{pdi}"  # the PDI closes the embedding inside
    assert close_bidi(f"{rle}{rli}x{pdf}") == f"{rle}{rli}x{pdf}{pdi}{pdf}"  # a PDF cannot leave an isolate
    assert close_bidi(f"x{pdf}{pdi}") == f"x{pdf}{pdi}"  # stray closers are harmless


# -- round trips (hypothesis) ------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["سلام\u200cدنیا", "a\u202eb\u2066c", "e\u0301\u0327", "𝔘𝔫𝔦", "۲٫۵ و 2.5", "\x00\x07\r\n\t", "\ufeff x"])
PAIRS = st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=PAIRS)
def test_tsv_export_import_export_is_identity(tmp_path: Path, pairs) -> None:
    first = tmp_path / "a.tsv"
    write_tsv([record(fa, en, i) for i, (fa, en) in enumerate(pairs, 1)], first)
    # With a header: random text may have English first and Persian second, refused as reversed.
    headed = tmp_path / "headed.tsv"
    headed.write_bytes(b"fa\ten\n" + first.read_bytes())
    units = list(read_tsv(headed))
    assert reexport(units, tmp_path / "b.tsv", write_tsv) == first.read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=PAIRS)
def test_tmx_export_import_export_is_identity(tmp_path: Path, pairs) -> None:
    first = tmp_path / "a.tmx"
    pairs = [("فا " + fa, en) for fa, en in pairs]  # a TMX without Persian is refused
    write_tmx([record(fa, en, i) for i, (fa, en) in enumerate(pairs, 1)], first)
    units = list(read_tmx(first))
    assert len(units) == len(pairs)
    second = tmp_path / "b.tmx"
    reexport(units, second, write_tmx)

    def body(path: Path) -> bytes:  # the header carries a timestamp
        return path.read_bytes().split(b"<body>", 1)[1]

    assert body(second) == body(first)


def test_line_formats_strip_every_kind_of_space_and_a_bom_from_the_edges() -> None:
    from workbench.formats.text import EDGES, one_field, one_line

    assert set(EDGES) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} | {"\ufeff"}
    assert one_field("\ufeff\u3000 a\tb \u2029") == "a b" and one_line("\xa0a\nb\u205f\ufeff") == "a b"
    # the fast path (nothing to replace inside) still sees what is
    assert one_field(" a\u202bb ") == "a\u202bb\u202c" and one_field("a\x00b\u2028") == "ab"
    assert one_line("a\tb\u2066") == "a\tb\u2066" and one_line("\ud800a\rb") == "a b"


def test_tmx_text_escapes_whatever_the_fast_path_lets_through() -> None:
    from workbench.formats.tmx import _xml

    assert _xml(" plain ") == "plain" and _xml("a & <b>") == "a &amp; &lt;b&gt;"
    assert _xml("a\rb\x01") == "a&#13;b" and _xml("a\u202eb") == "a&#x202E;b"
