"""The glossary: files in and out (TBX 2/3, CSV/TSV) through the CLI, its history, and term
matching in Persian (normalized, through inflection) and English (plural, possessive)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.store import NewPair, Workspace
from workbench.terms import TermMatcher, english, glossary, make_entry
from workbench.terms.files import read_glossary

TSV = "fa\ten\tnote\tforbidden\nواکسن\tvaccine\tmedical term\tjab | shot\nقرنطینه\tquarantine; isolation\t\t\n"
TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" "TBXcdv04.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
 <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="c1">
   <descrip type="definition">an agent that gives immunity</descrip>
   <langSet xml:lang="en-US">
    <tig><term>vaccine</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>jab</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   </langSet>
   <langSet xml:lang="fa-IR"><tig><term>واکسن</term><termNote type="partOfSpeech">noun</termNote></tig></langSet>
  </termEntry>
  <termEntry id="c2">
   <langSet xml:lang="de"><tig><term>Haus</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""
TBX3_DCT = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dct" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic">
 <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <langSec xml:lang="fa"><termSec><term>قرنطینه</term></termSec></langSec>
   <langSec xml:lang="en">
    <termSec><term>quarantine</term></termSec>
    <termSec><term>lockdown</term><basic:administrativeStatus>supersededTerm-admn-sts</basic:administrativeStatus></termSec>
   </langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stored(ws_path: Path) -> list[tuple]:
    with Workspace(ws_path) as ws:
        return [(e.fa, e.en, e.forbidden, e.note) for e in glossary.entries(ws)]


# -- files through the CLI ----------------------------------------------------------------------

def test_import_tsv_then_list_and_round_trip_through_tbx_and_tsv(cli, ws_path: Path, tmp_path: Path) -> None:
    result = cli("glossary", "import", write(tmp_path / "terms.tsv", TSV))
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    first = stored(ws_path)
    assert first == [("واکسن", ("vaccine",), ("jab", "shot"), "medical term"),
                     ("قرنطینه", ("quarantine", "isolation"), (), "")]
    listed = cli("glossary", "list")
    assert "quarantine / isolation" in listed.output and "jab, shot" in listed.output
    for name in ("out.tbx", "out.tsv", "out.csv"):
        assert cli("glossary", "export", "-o", tmp_path / name).exit_code == 0
        other = tmp_path / f"{name}.sqlite"
        again = cli("--ws", other, "glossary", "import", tmp_path / name)
        assert again.exit_code == 0, again.output
        assert stored(other) == first, name


def test_tbx_export_is_tbx_basic_with_forbidden_terms_marked(cli, tmp_path: Path) -> None:
    cli("glossary", "add", "واکسن", "vaccine", "--forbidden", "jab", "--note", "medical")
    cli("glossary", "export", "-o", tmp_path / "out.tbx")
    text = (tmp_path / "out.tbx").read_text(encoding="utf-8")
    assert "<martif" in text and 'xml:lang="fa"' in text and 'xml:lang="en"' in text
    assert "deprecatedTerm-admn-sts" in text and 'type="definition">medical<' in text


def test_import_tbx2_takes_languages_by_tag_and_deprecated_terms_as_forbidden(cli, ws_path: Path,
                                                                               tmp_path: Path) -> None:
    result = cli("glossary", "import", write(tmp_path / "terms.tbx", TBX2))
    assert result.exit_code == 0, result.output
    assert stored(ws_path) == [("واکسن", ("vaccine",), ("jab",), "an agent that gives immunity")]
    assert "1 entries without both" in result.output  # the German-only entry, on stderr


def test_import_tbx3_dct_style(cli, ws_path: Path, tmp_path: Path) -> None:
    assert cli("glossary", "import", write(tmp_path / "terms.tbx", TBX3_DCT)).exit_code == 0
    assert stored(ws_path) == [("قرنطینه", ("quarantine",), ("lockdown",), "")]


def test_a_tbx_without_an_xml_name_is_known_by_its_content(tmp_path: Path) -> None:
    assert read_glossary(write(tmp_path / "terms.xml", TBX3_DCT)).entries[0].fa == "قرنطینه"


def test_csv_with_quotes_and_a_header_naming_languages(cli, ws_path: Path, tmp_path: Path) -> None:
    text = 'English,Persian,Notes\n"vaccine, COVID-19",واکسن کرونا,"said ""jab"" too"\n'
    assert cli("glossary", "import", write(tmp_path / "terms.csv", text)).exit_code == 0
    assert stored(ws_path) == [("واکسن کرونا", ("vaccine, COVID-19",), (), 'said "jab" too')]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("no-header.tsv", "واکسن\tvaccine\n", "header naming the columns fa and en"),
    ("bad-row.tsv", "fa\ten\nواکسن\tvaccine\n\tnothing\n", "line 3: no Persian term"),
    ("no-english.tsv", "fa\ten\nواکسن\tvaccine\nقرنطینه\t\n", "line 3: no English term"),
    ("both.tsv", "fa\ten\tforbidden\nواکسن\tvaccine\tVaccine\n", "both an English term and a forbidden variant"),
    ("empty.tsv", "", "empty file"),
    ("broken.tbx", "<martif><text><body><termEntry>", "malformed TBX at line 1"),
    ("other.tbx", "<?xml version='1.0'?><html><body/></html>", "not a TBX file (root element <html>)"),
    ("german.tbx", TBX2.replace("fa-IR", "de-AT"), "no entry with both a Persian (fa) and an English (en) term"),
])
def test_bad_files_fail_in_one_line_and_import_nothing(cli, ws_path: Path, tmp_path: Path, name: str,
                                                       content: str, message: str) -> None:
    cli("glossary", "add", "کتاب", "book")
    result = cli("glossary", "import", write(tmp_path / name, content))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: ") and message in lines[0], result.output
    assert stored(ws_path) == [("کتاب", ("book",), (), "")]  # nothing half-imported


def test_a_bad_row_deep_in_a_big_file_imports_nothing(cli, ws_path: Path, tmp_path: Path) -> None:
    rows = [f"واژه{i}\tword{i}" for i in range(3000)]
    rows[2500] = "واژه\t"
    result = cli("glossary", "import", write(tmp_path / "big.tsv", "fa\ten\n" + "\n".join(rows) + "\n"))
    assert result.exit_code == 1 and "line 2502" in result.output
    assert stored(ws_path) == []


def test_not_utf8_and_missing_files_are_one_line_errors(cli, tmp_path: Path) -> None:
    (tmp_path / "legacy.tsv").write_bytes("fa\ten\nواکسن\tvaccine\n".encode("cp1256"))
    result = cli("glossary", "import", tmp_path / "legacy.tsv")
    assert result.exit_code == 1 and "not valid UTF-8" in result.output
    result = cli("glossary", "import", tmp_path / "nowhere.tsv")
    assert result.exit_code == 1 and "no such file" in result.output


def test_export_refuses_the_workspace_and_unknown_suffixes(cli, ws_path: Path, tmp_path: Path) -> None:
    cli("glossary", "add", "کتاب", "book")
    assert "would overwrite the workspace" in cli("glossary", "export", "-o", ws_path).output
    assert ".tbx, .tsv or .csv" in cli("glossary", "export", "-o", tmp_path / "out.docx").output


def test_add_merges_into_the_entry_with_the_same_normalized_persian(cli, ws_path: Path) -> None:
    assert "added" in cli("glossary", "add", "نخست‌وزیر", "prime minister").output
    # Arabic yeh, no ZWNJ, a diacritic: the same term
    result = cli("glossary", "add", "نخستوزيرِ", "premier", "--forbidden", "PM", "--note", "head of government")
    assert result.exit_code == 0 and "updated" in result.output
    assert stored(ws_path) == [("نخست‌وزیر", ("prime minister", "premier"), ("PM",), "head of government")]
    assert "unchanged" in cli("glossary", "add", "نخست‌وزير", "Prime Minister").output  # case aside, known


def test_glossary_changes_have_history_and_never_join_the_pairs_undo_stack(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["واکسن"], en=["Vaccine"], status="review")])
    pair = next(ws.pairs())
    ws.edits.set_english(pair.id, "The vaccine")
    glossary.add(ws, make_entry("واکسن", ["vaccine"]), who="ana")
    glossary.add(ws, make_entry("واکسن", ["jab"]), who="bob")
    rows = glossary.history(ws)
    assert [(r.action, r.who) for r in rows] == [("add", "bob"), ("add", "ana")]
    assert rows[1].before is None and rows[1].after["en"] == ["vaccine"]
    assert rows[0].before["en"] == ["vaccine"] and rows[0].after["en"] == ["vaccine", "jab"]
    assert glossary.revision(ws) == rows[0].id
    ws.history.undo()  # the pair edit is undone; the glossary stays as it is
    assert ws.pair(pair.id).en == "Vaccine"
    assert glossary.entries(ws)[0].en == ("vaccine", "jab")


def test_list_says_how_to_fill_an_empty_glossary(cli, tmp_path: Path) -> None:
    cli("import", write(tmp_path / "doc.txt", "سلام."))
    assert "glossary is empty" in cli("glossary", "list").output


def test_remove_logs_the_entry_it_removed(ws: Workspace) -> None:
    glossary.add(ws, make_entry("کتاب", ["book"]))
    glossary.remove(ws, "كتاب")
    assert glossary.entries(ws) == []
    last = glossary.history(ws)[0]
    assert (last.action, last.before["fa"], last.after) == ("remove", "کتاب", None)


def test_glossary_remove_on_the_command_line_and_qa_forgets_the_term(cli, tmp_path: Path) -> None:
    cli("import", write(tmp_path / "doc.tsv", "fa\ten\nواکسن‌ها رسید.\tThe jabs arrived.\n"))
    cli("glossary", "add", "واکسن", "vaccine")
    checks = [f["check"] for f in json.loads(cli("qa", "--json").output)]
    assert "term-missing" in checks
    result = cli("glossary", "remove", "واكسن")  # Arabic kaf: the same term
    assert result.exit_code == 0 and "removed واکسن → vaccine" in result.output
    assert "glossary is empty" in cli("glossary", "list").output
    assert "term-missing" not in [f["check"] for f in json.loads(cli("qa", "--json").output)]
    again = cli("glossary", "remove", "واکسن")
    assert again.exit_code == 1 and "no glossary entry" in again.output


# -- Persian matching ---------------------------------------------------------------------------

def found(matcher: TermMatcher, text: str) -> list[str]:
    return [h.entry.fa for h in matcher.find(text)]


MATCHER = TermMatcher([
    make_entry("کتاب", ["book"]), make_entry("نخست‌وزیر", ["prime minister"]),
    make_entry("بیماری واگیر", ["contagious disease"]), make_entry("سازمان", ["organization"]),
    make_entry("سازمان ملل", ["United Nations"]), make_entry("پرنده", ["bird"]), make_entry("بزرگ", ["big"]),
    make_entry("دانشجو", ["student"]), make_entry("کار", ["work"]), make_entry("آقا", ["sir"]),
    make_entry("اطلاع", ["information"]), make_entry("کووید ۱۹", ["COVID-19"]),
    make_entry("خانه", ["house"]), make_entry("پزشک", ["doctor"]),
])


@pytest.mark.parametrize(("text", "term"), [
    ("كتاب‌هایشان را خواندم", "کتاب"),  # Arabic kaf, plural + ezafe + clitic, ZWNJ-joined
    ("کتابهایمان", "کتاب"),  # the same, attached
    ("کتاب ها", "کتاب"),  # plural written as a word of its own
    ("کِتابِ من", "کتاب"),  # diacritics: kasra and ezafe kasra
    ("خانه‌ای خریدم", "خانه"), ("خانه‌ی من", "خانه"),  # indefinite and ezafe after a vowel
    ("کتابم", "کتاب"), ("کتابت", "کتاب"), ("کتابش", "کتاب"), ("کتابشان", "کتاب"),  # clitics
    ("خانهٔ نخست‌وزیر", "نخست‌وزیر"), ("نخست وزیر آمد", "نخست‌وزیر"), ("نخستوزیر", "نخست‌وزیر"),
    ("بیماری‌های واگیر", "بیماری واگیر"),  # the plural on the first word of a multi-word term
    ("پرندگان", "پرنده"),  # ه → گان
    ("بزرگ‌ترین شهر", "بزرگ"), ("بزرگتر", "بزرگ"),  # comparative, superlative
    ("دانشجویان", "دانشجو"), ("دانشجویی", "دانشجو"),  # glide before the suffix
    ("آقایان", "آقا"), ("اطلاعات", "اطلاع"),  # یان, ات
    ("کووید-۱۹ شیوع یافت", "کووید ۱۹"), ("کووید 19", "کووید ۱۹"),  # digits of both scripts
])
def test_persian_terms_are_found_through_normalization_and_inflection(text: str, term: str) -> None:
    assert term in found(MATCHER, text)


@pytest.mark.parametrize(("text", "absent"), [
    ("کتابخانه", "کتاب"),  # a compound of its own, not an inflection
    ("کارت بانکی", "کار"),  # a card: "کار" + ت needs a longer stem
    ("سازمان ملل", "سازمان"),  # inside a longer term found at the same place
    ("بزرگراه", "بزرگ"),
    # ی after a consonant is the adjective/abstract suffix, a word of its own (issue 19); the
    # indefinite "a book" (کتابی) looks the same and is given up for it
    ("مراقبت پزشکی", "پزشک"), ("کتابی خریدم", "کتاب"),
])
def test_persian_lookalikes_are_not_terms(text: str, absent: str) -> None:
    assert absent not in found(MATCHER, text)


def test_a_word_that_is_a_term_is_not_an_inflection_of_a_shorter_one() -> None:
    both = TermMatcher([make_entry("بیمار", ["patient"]), make_entry("بیماری", ["disease"])])
    assert found(both, "این بیماری واگیر است") == ["بیماری"]
    assert found(both, "بیماران بستری شدند") == ["بیمار"]
    assert found(TermMatcher([make_entry("بیمار", ["patient"])]), "این بیماری") == []  # disease: ی after a consonant


def test_hits_point_at_the_words_in_the_original_text() -> None:
    text = "دیروز كتاب‌هایشان را آوردند."
    [hit] = MATCHER.find(text)
    assert text[hit.start:hit.end] == hit.surface == "كتاب‌هایشان"


SUFFIXES = ["", "ها", "های", "هایی", "ی", "م", "ت", "ش", "مان", "تان", "شان", "هایم", "هایشان", "تر", "ترین"]
STEMS = ["کتاب", "دانشگاه", "بیمارستان", "ویروس", "دولت", "پزشک", "کشور"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(STEMS), st.sampled_from(SUFFIXES), st.sampled_from(["", "\u200c"]),
       st.sampled_from(["", "\u064e", "\u0650"]), st.booleans())
def test_any_suffix_chain_however_joined_is_found(stem: str, suffix: str, joiner: str, mark: str,
                                                   arabic: bool) -> None:
    matcher = TermMatcher([make_entry(stem, ["x"])])
    word = stem[:2] + mark + stem[2:] + (joiner if suffix else "") + suffix
    if arabic:
        word = word.replace("ک", "ك").replace("ی", "ي")
    # ی right after a consonant is the adjective/abstract suffix (پزشکی), not an inflection
    adjective = suffix == "ی" and stem[-1] not in "اوهی"
    assert found(matcher, f"در این متن {word} آمده است.") == ([] if adjective else [stem])


# -- English matching ---------------------------------------------------------------------------

@pytest.mark.parametrize(("term", "text"), [
    ("vaccine", "Vaccines were sent"), ("World Health Organization", "the World Health Organization's report"),
    ("country", "several countries' borders"), ("virus", "new viruses"), ("analysis", "two analyses"),
    ("child", "the children"), ("case", "CASES rose"), ("box", "boxes"),
])
def test_english_terms_match_case_plural_and_possessive(term: str, text: str) -> None:
    assert english.find(english.phrase(term), english.tokens(text))


@pytest.mark.parametrize(("term", "text"), [
    ("organ", "the organization"), ("vaccine", "vaccination"), ("new", "renew"),
])
def test_english_derivations_are_not_the_term(term: str, text: str) -> None:
    assert not english.find(english.phrase(term), english.tokens(text))


def test_forbidden_variant_inside_an_allowed_term_is_not_forbidden() -> None:
    matcher = TermMatcher([make_entry("مراقبت بهداشتی", ["health care"], forbidden=["care"])])
    assert matcher.forbidden("health care for all") == []
    assert [h.surface for h in matcher.forbidden("Care for all")] == ["Care"]
