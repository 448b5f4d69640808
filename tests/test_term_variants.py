"""Glossary terms as a QA lead sees them on real text (issue 19): spelling variants of one Persian
term are one entry, swapped columns are refused, the adjective ی is a word of its own, acronyms
keep their case, English inflections and compounds match their term."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.qa.checker import QaChecker
from workbench.store import NewPair, Workspace
from workbench.terms import glossary, make_entry


def stored(ws_path: Path) -> list[str]:
    with Workspace(ws_path) as ws:
        return [e.fa for e in glossary.entries(ws)]


def term_list(ws: Workspace, fa: str, en: str) -> list[tuple[str, str]]:
    doc = ws.find_document("d") or ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=[fa], en=[en], status="review")], after=ws.count_pairs(doc.id) + 1.0)
    pair = list(ws.pairs(doc.id))[-1]
    return [(f.check, f.message) for f in QaChecker(ws).pair(pair).shown if f.check.startswith("term-")]


def term_findings(ws: Workspace, fa: str, en: str) -> dict[str, str]:
    return dict(term_list(ws, fa, en))


# -- one entry per term, however it is spaced ---------------------------------------------------------

@pytest.mark.parametrize(("first", "second"), [
    ("نخست‌وزیر", "نخست وزیر"),  # ZWNJ, then a space
    ("نخستوزیر", "نخست وزیر"),  # joined, then a space
    ("نخست وزیر", "نخست‌وزیر"),  # a space, then a ZWNJ
    ("وزارت بهداشت", "وزارت‌بهداشت"),
])
def test_a_spacing_variant_of_a_term_is_refused_naming_the_entry(cli, ws_path: Path, first: str, second: str) -> None:
    assert cli("glossary", "add", first, "prime minister").exit_code == 0
    result = cli("glossary", "add", second, "premier")
    assert result.exit_code == 1
    assert result.output.startswith("workbench: error: ") and result.output.count("\n") == 1
    assert repr(first) in result.output
    assert stored(ws_path) == [first]


def test_the_same_spelling_again_still_merges_its_english(cli, ws_path: Path) -> None:
    cli("glossary", "add", "نخست‌وزیر", "prime minister")
    assert cli("glossary", "add", "نخستوزير", "premier").exit_code == 0  # ZWNJ and Arabic yeh: the same key
    with Workspace(ws_path) as ws:
        assert [e.en for e in glossary.entries(ws)] == [("prime minister", "premier")]


def test_a_file_with_two_spellings_of_one_term_imports_them_as_one_entry(cli, ws_path: Path,
                                                                        tmp_path: Path) -> None:
    # A termbase may list a term's spellings side by side (one TBX entry, two Persian terms): the
    # file imports, the second spelling's English joins the first's entry, a note names both.
    path = tmp_path / "terms.tsv"
    path.write_text("fa\ten\nکتاب\tbook\nنخست‌وزیر\tprime minister\nنخست وزیر\tpremier\n", encoding="utf-8")
    result = cli("glossary", "import", path)
    assert result.exit_code == 0, result.output
    assert "note: 'نخست وزیر' is 'نخست" in result.output and "written with a space" in result.output
    assert stored(ws_path) == ["کتاب", "نخست\u200cوزیر"]
    with Workspace(ws_path) as ws:
        assert [e.en for e in glossary.entries(ws)][1] == ("prime minister", "premier")


def test_a_file_holding_a_spacing_variant_of_a_stored_entry_imports_nothing(cli, ws_path: Path,
                                                                            tmp_path: Path) -> None:
    assert cli("glossary", "add", "نخست‌وزیر", "prime minister").exit_code == 0
    path = tmp_path / "terms.tsv"
    path.write_text("fa\ten\nکتاب\tbook\nنخست وزیر\tpremier\n", encoding="utf-8")
    result = cli("glossary", "import", path)
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "نخست" in result.output
    assert stored(ws_path) == ["نخست\u200cوزیر"]


# -- swapped columns ---------------------------------------------------------------------------------

def test_a_glossary_with_latin_persian_and_persian_english_is_refused_in_one_line(cli, ws_path: Path,
                                                                                  tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("fa,en\nvaccine,واکسن\nmask,ماسک\n", encoding="utf-8")
    result = cli("glossary", "import", path)
    assert result.exit_code == 1
    assert result.output.startswith("workbench: error: ") and result.output.count("\n") == 1
    assert "swapped" in result.output and "'vaccine'" in result.output
    assert not ws_path.exists() or stored(ws_path) == []
    assert cli("glossary", "add", "vaccine", "واکسن").exit_code == 1


def test_a_latin_name_in_the_persian_column_with_english_is_kept(cli, ws_path: Path) -> None:
    assert cli("glossary", "add", "COVID-19", "COVID-19").exit_code == 0  # nothing Persian on either side


# -- Persian: the adjective/abstract ی ---------------------------------------------------------------

@pytest.mark.parametrize(("term", "en", "fa"), [
    ("پزشک", "doctor", "مراقبت‌های پزشکی رایگان است."),  # medical care
    ("ویروس", "virus", "عفونت ویروسی شایع است."),  # a viral infection
    ("کودک", "child", "او دوران کودکی را در تهران گذراند."),  # childhood
])
def test_the_adjective_or_abstract_ye_is_not_the_term(ws: Workspace, term: str, en: str, fa: str) -> None:
    glossary.add(ws, make_entry(term, [en]))
    assert term_findings(ws, fa, "Free medical care; a viral infection; his childhood in Tehran.") == {}


@pytest.mark.parametrize("fa", [
    "کودکان به مدرسه رفتند.",  # plural
    "خانه‌ی کودک کوچک است.",
    "کتاب‌های کودکان را خواند.",
    "دانشجوی پزشکی آمد.",  # ezafe after a vowel: دانشجو + ی
])
def test_inflections_and_the_ezafe_after_a_vowel_still_match(ws: Workspace, fa: str) -> None:
    glossary.add(ws, make_entry("کودک", ["child"]))
    glossary.add(ws, make_entry("دانشجو", ["student"]))
    found = term_findings(ws, fa, "Something else entirely.")
    assert "term-missing" in found


# -- Persian: spelling variants keep matching ---------------------------------------------------------

@pytest.mark.parametrize(("term", "fa"), [
    ("علائم", "علایم بیماری خفیف است."),  # broken plural, hamza yeh / yeh
    ("علایم", "علائم بیماری خفیف است."),
    ("کودک", "كودك بيمار است."),  # Arabic kaf and yeh
    ("بیماری", "بيماري‌ها شايع است."),
])
def test_yeh_kaf_and_hamza_spellings_match(ws: Workspace, term: str, fa: str) -> None:
    glossary.add(ws, make_entry(term, ["symptom"]))
    assert "term-missing" in term_findings(ws, fa, "It is mild.")
    assert "term-missing" not in term_findings(ws, fa, "The symptoms are mild.")


# -- English: acronyms, inflections, compounds --------------------------------------------------------

def test_all_caps_terms_match_only_in_capitals(ws: Workspace) -> None:
    glossary.add(ws, make_entry("سازمان بهداشت جهانی", ["WHO"]))
    glossary.add(ws, make_entry("آمریکا", ["US"], forbidden=["USA"]))
    fa = "سازمان بهداشت جهانی و آمریکا گفتند."
    assert [check for check, _ in term_list(ws, fa, "Those who told us said so.")] == ["term-missing"] * 2
    assert term_findings(ws, fa, "The WHO's experts and the US said so.") == {}
    assert term_findings(ws, fa, "THE WHO AND THE US SAID SO.") == {}


@pytest.mark.parametrize(("term", "fa", "en"), [
    ("سرفه", "او سرفه می‌کرد.", "He was coughing."),
    ("سرفه", "او سرفه کرد.", "He coughed."),
    ("قرنطینه", "آنها را قرنطینه کردند.", "They were quarantined."),
    ("قرنطینه", "آنها را قرنطینه کردند.", "Quarantining them worked."),
    ("آزمایش", "آزمایش شد.", "It was tested."),
    ("ماسک صورت", "ماسک صورت بزنید.", "Wear a facemask."),
    ("ماسک صورت", "ماسک صورت بزنید.", "Wear a face-mask."),
])
def test_english_inflections_and_compounds_match_their_term(ws: Workspace, term: str, fa: str, en: str) -> None:
    english = {"سرفه": "cough", "قرنطینه": "quarantine", "آزمایش": "test", "ماسک صورت": "face mask"}[term]
    glossary.add(ws, make_entry(term, [english]))
    assert term_findings(ws, fa, en) == {}


def test_a_forbidden_variant_is_not_found_in_a_verb_form(ws: Workspace) -> None:
    """"stated" is no use of the forbidden "state"; "states" (a plural) still is."""
    glossary.add(ws, make_entry("دولت", ["government"], forbidden=["state"]))
    assert term_findings(ws, "دولت گفت.", "The government stated it.") == {}
    assert "term-forbidden" in term_findings(ws, "دولت گفت.", "The states said it.")


def test_an_entry_stored_under_an_older_key_is_still_found_and_merged(ws: Workspace) -> None:
    """Keys now fold hamza seats (علائم = علایم): an entry an older version stored keeps working."""
    glossary.add(ws, make_entry("علائم", ["symptom"]))
    with ws.write() as conn:
        conn.execute("UPDATE glossary SET fa_key = 'علائم'")  # as the previous rules keyed it
    assert glossary.find(ws, "علایم") is not None
    glossary.add(ws, make_entry("علایم", ["sign"]))
    assert [(e.fa, e.en) for e in glossary.entries(ws)] == [("علائم", ("symptom", "sign"))]


def test_two_terms_of_an_entry_covering_the_same_words_give_one_span() -> None:
    """"corona virus" joined is "coronavirus": the word is one place in the English, not two."""
    from workbench.terms import TermMatcher, english, misused

    matcher = TermMatcher([make_entry("کرونا", ["coronavirus", "corona virus"])])
    tokens = english.tokens("The coronavirus spread.")
    assert matcher.english_spans(matcher.entries[0], tokens) == [(1, 2)]


# -- real human translations ------------------------------------------------------------------------

TICO = Path(__file__).parent / "data" / "tico19" / "all.en-fa.tmx.gz"
# `bench/qa.py --real`'s glossary on TICO-19 as it is: 252 term-missing before issue 19's rules
# (adjective ی, -ing/-ed), 219 after; 146 once a derived English word renders a term (Chinese
# for چین, asymptomatic for علائم, hospitalised for بیمارستان); the rest nearly all paraphrases
# (administration for دولت, nationwide for کشور, incidence for شیوع): docs/qa.md; 144 with -y and
# -ation (soapy, vaccination); 141 with closed compounds (facemasks).
TICO_TERM_MISSING = 141
# term-forbidden: 8 while a variant was flagged in any English; 2 once only where it renders a term
# of the Persian (the 6 gone: "soaps and detergents" for «صابون‌ها و مواد شوینده», "the solar corona").
TICO_TERM_FORBIDDEN = 2


def test_term_false_alarms_on_real_translations_only_go_down() -> None:
    from tests.qa_terms import TERMS
    from workbench.formats.tmx import read_tmx
    from workbench.terms import TermMatcher, english, misused

    matcher = TermMatcher([make_entry(fa, en, forbidden=[f] if f else []) for fa, en, _, f in TERMS])
    missing = forbidden = 0
    for unit in read_tmx(TICO):
        tokens = english.tokens(unit.en)
        missing += sum(not matcher.translated(hit.entry, tokens, en_text=unit.en) for hit in matcher.find(unit.fa))
        forbidden += len(misused(matcher, matcher.find(unit.fa), unit.en, tokens))
    assert missing <= TICO_TERM_MISSING, missing
    assert forbidden <= TICO_TERM_FORBIDDEN


@pytest.mark.parametrize(("term", "en"), [
    ("China", "Chinese officials said so."), ("Italy", "The Italian government."),
    ("symptom", "Many were asymptomatic."), ("hospital", "Those hospitalised recovered."),
    ("child", "Childhood mortality fell."), ("prevalence", "It is prevalent in the north."),
    ("prevalence", "A seroprevalence survey."),
    # TICO-19 1751 and 2260: an adjective's -y, a verb and its noun in -ation
    ("soap", "However, warm, soapy water is more effective than cold, soapy water at removing natural oils."),
    ("vaccine", "If you are elderly and can be vaccinated for pneumonia, get that vaccination."),
    # TICO-19 1293 and news/economy: a closed compound the term's word closes
    ("mask", "Officials encourage people to make cloth facemasks at home."),
    ("water", "Iran has seen a steep fall in groundwater levels."),
])
def test_a_derived_english_word_renders_a_one_word_term(term: str, en: str) -> None:
    from workbench.terms import TermMatcher, english

    matcher = TermMatcher([make_entry("واژه", [term])])
    assert matcher.translated(matcher.entries[0], english.tokens(en), en_text=en)


@pytest.mark.parametrize(("term", "en"), [
    ("country", "Nationally, they agreed."), ("study", "A student said so."), ("lung", "A plunge in prices."),
    ("fever", "A high temperature."), ("WHO", "WHOever said so."), ("state", "The station closed."),
    ("mask", "A damask cloth."), ("test", "The contest was held."),
])
def test_an_unrelated_word_is_no_derivation(term: str, en: str) -> None:
    from workbench.terms import TermMatcher, english

    matcher = TermMatcher([make_entry("واژه", [term])])
    assert not matcher.translated(matcher.entries[0], english.tokens(en), en_text=en)


# -- forbidden variants: only where they render a term of the Persian ----------------------------------

@pytest.mark.parametrize(("fa", "en"), [
    # TICO-19 1738 and 2877: the term is rendered ("soaps"); "detergents" is «مواد شوینده»
    ("کارکرد اصلی صابون‌ها و مواد شوینده، کاهش موانع حلالیت و افزایش حلالیت‌پذیری است.",
     "The main action of soaps and detergents is to reduce barriers to solution, and increase solubility."),
    ("استفاده درست از صابون و شوینده نیز موثر است.", "Soap and detergent are also effective if correctly used."),
    # TICO-19 2724: no «کرونا» in the Persian (هاله خورشید): "corona" is the English's own word
    ("در میکروگراف‌های الکترونی تصویری شبیه هاله خورشید ایجاد می‌کنند.",
     "In electron micrographs they create an image reminiscent of the solar corona."),
])
def test_a_forbidden_variant_that_renders_no_term_of_the_persian_is_not_flagged(ws: Workspace, fa: str,
                                                                              en: str) -> None:
    glossary.add(ws, make_entry("صابون", ["soap"], forbidden=["detergent"]))
    glossary.add(ws, make_entry("کرونا", ["coronavirus"], forbidden=["corona"]))
    assert "term-forbidden" not in term_findings(ws, fa, en)


def test_a_forbidden_variant_standing_for_the_term_is_flagged(ws: Workspace) -> None:
    glossary.add(ws, make_entry("صابون", ["soap"], forbidden=["detergent"]))
    glossary.add(ws, make_entry("دارو", ["drug"], forbidden=["remedy"]))
    assert "term-forbidden" in term_findings(ws, "از صابون استفاده کنید.", "Use detergent.")
    # TICO-19 1332: «داروی سنتی» rendered "remedies", which the entry forbids
    assert "term-forbidden" in term_findings(
        ws, 'سازمان جهانی بهداشت همچنین "چند داروی سنتی و خانگی" را اعلام کرده است.',
        'The WHO also stated that some "traditional and home remedies" can provide relief.')
    # an entry with no allowed English is a word never to write: flagged in any English
    glossary.add(ws, make_entry("زدن", [], forbidden=["jab"]))
    assert "term-forbidden" in term_findings(ws, "واکسن رسید.", "The jab came.")


def test_findings_cached_by_the_previous_checks_are_checked_again(cli, ws_path: Path, tmp_path: Path) -> None:
    """A workspace whose QA cache the previous version filled (checks version 4, when a forbidden
    variant counted anywhere) shows what the checks find now, not the stale finding."""
    import json
    import sqlite3

    path = tmp_path / "pairs.tsv"
    path.write_text("fa\ten\nکارکرد اصلی صابون‌ها و مواد شوینده، کاهش موانع حلالیت است.\t"
                    "The main action of soaps and detergents is to reduce barriers to solution.\n", encoding="utf-8")
    assert cli("import", path).exit_code == 0
    assert cli("glossary", "add", "صابون", "soap", "--forbidden", "detergent").exit_code == 0
    assert json.loads(cli("qa", "--json").output) == []
    stale = json.dumps([["term-forbidden", "forbidden 'detergents' (glossary «صابون»; use 'soap')"]])
    with sqlite3.connect(ws_path) as conn:  # as the previous version left it
        conn.execute("UPDATE qa_state SET rev = '4' || substr(rev, instr(rev, ':')), findings = ?, shown = 1",
                     [stale])
    conn.close()
    assert json.loads(cli("qa", "--json").output) == []
