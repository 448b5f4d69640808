"""QA checks (workbench.qa): each check on crafted pairs, consistency across the workspace, the
cache and false positives, `workbench qa` and the export's qa field on real workspaces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.qa import CHECKS, Finding
from workbench.qa import text_checks as tc
from workbench.qa.cache import mark_false_positive
from workbench.qa.checker import QaChecker, check_pairs, report
from workbench.qa.consistency import document_consistency, pair_consistency
from workbench.store import NewPair, Workspace
from workbench.terms import glossary, make_entry


def checks_of(ws: Workspace, fa: str, en: str, *, status: str = "review", draft: str | None = None) -> dict:
    doc = ws.find_document("d") or ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=[fa], en=[en] if en else [], status=status)],
                    after=ws.count_pairs(doc.id) + 1.0)
    pair = list(ws.pairs(doc.id))[-1]
    if draft is not None:
        ws.add_draft(pair.id, source=pair.fa, text=draft, engine="argos", model="m")
        pair = ws.pair(pair.id)
    found = QaChecker(ws).pair(pair).shown
    return {f.check: f.message for f in found}


# -- the checks one by one ------------------------------------------------------------------------

@pytest.mark.parametrize(("fa", "en", "check", "words"), [
    # numbers in any digit script, separators, scales, percent
    ("قیمت نفت به ۸۰ دلار رسید.", "Oil reached 90 dollars.", "number", ["80", "90"]),
    ("قیمت نفت به ٨٠ دلار رسید.", "Oil reached 90 dollars.", "number", ["80"]),  # Arabic-Indic digits
    ("جمعیت به ۲٫۵ میلیون رسید.", "The population reached 3.5 million.", "number", []),
    ("بودجه ۱٬۲۹۰ میلیارد است.", "The budget is 1,390 billion.", "number", []),
    ("تورم ۴۰ درصد است.", "Inflation is 40.", "number", ["percentage"]),
    ("قیمت ۸۰ دلار است.", "The price is ۸۰ dollars.", "number", ["Persian digits"]),
    ("او به تهران رفت.", "He went to تهران.", "untranslated", ["تهران"]),
    ("او به تهران رفت.", "او به تهران رفت.", "untranslated", []),
    ("او به تهران رفت و برگشت.", "He went to to Tehran and back.", "repeated-word", ["to to"]),
    ("او به تهران رفت.", "He went to Tehran (by train.", "brackets", ["("]),
    ("او به تهران رفت.", "He said “go to Tehran.", "brackets", ["“"]),
    ("او به تهران رفت.", "He went  to Tehran.", "spaces", ["double space"]),
    ("او پس از سال‌ها به تهران رفت و آنجا ماند.", "He went.", "length", ["short", "1-1"]),
    ("او به تهران رفت.", "He wnet to Tehran.", "spelling", ["wnet", "went?"]),
    ("او به تهران رفت.", "", "empty", []),
])
def test_check_fires_on_a_crafted_pair(ws: Workspace, fa: str, en: str, check: str, words: list[str]) -> None:
    found = checks_of(ws, fa, en)
    assert check in found, found
    assert all(w in found[check] for w in words), found[check]


@pytest.mark.parametrize(("fa", "en"), [
    ("جمعیت شهر به ۴۸ میلیون و ۷۰۰ هزار نفر رسید.", "The city's population reached 48.7 million."),
    ("در سال ۲٫۵ درصد و ۱٬۲۹۰ نفر و ٣ کشور بودند.", "There were 2.5 percent, 1290 people and three countries."),
    ("شیوع کووید-۱۹ ادامه دارد.", "The COVID-19 outbreak goes on."),
    ("شیوع کرونا ادامه دارد.", "The COVID-19 outbreak goes on."),  # a name's number, one side only
    ("پوتین روز سه‌شنبه به آستانه رفت.", "Putin went to Astana on Tuesday."),
    ("او گفت که این کار بسیار بسیار مهم است.", "He said that that work is very, very important."),
    ("دو طرف ۱۲ سند امضا کردند (در آستانه).", "The two sides signed 12 documents (in Astana)."),
    ("جداول ۱ - ۳).3).", "Tables 1-3).3)."),  # an imbalance the Persian has too
    ("علائم شامل تب و سرفه است.", "Symptoms include fever and cough."),
])
def test_clean_pairs_have_no_findings(ws: Workspace, fa: str, en: str) -> None:
    assert checks_of(ws, fa, en) == {}


def test_checks_read_the_draft_while_the_pair_has_no_english(ws: Workspace) -> None:
    found = checks_of(ws, "قیمت نفت به ۸۰ دلار رسید.", "", status="draft", draft="Oil reached 90 dollars.")
    assert "number" in found and "empty" not in found


def test_a_decoder_loop_is_machine_only_but_doubled_words_are_everyones(ws: Workspace) -> None:
    fa = "ویروس سارس کوو ۲ و ویروس سارس کوو ۲ و ویروس سارس کوو ۲ شناخته شدند."
    text = "SARS CoV 2, and then SARS CoV 2, and also SARS CoV 2 were known."
    assert "repeated-word" not in checks_of(ws, fa, text)
    assert "repeated-word" in checks_of(ws, fa, "", status="draft", draft=text)
    assert tc.repeated_word("", "of the of the of the people") == ["repeated phrase: 'of the'"]


def test_glossary_terms_missing_and_forbidden(ws: Workspace) -> None:
    glossary.add(ws, make_entry("واکسن", ["vaccine"], forbidden=["jab"]))
    glossary.add(ws, make_entry("سازمان بهداشت جهانی", ["World Health Organization", "WHO"]))
    found = checks_of(ws, "سازمان بهداشت جهانی واکسن‌ها را تایید کرد.", "The WHO approved the jabs.")
    # the word as the text writes it, the glossary's spelling after it
    assert found["term-missing"] == "«واکسن‌ها» → 'vaccine' not in the English (glossary «واکسن»)"
    assert checks_of(ws, "واکسن رسید.", "It came.")["term-missing"] == "«واکسن» → 'vaccine' not in the English"
    assert found["term-forbidden"] == "forbidden 'jabs' (glossary «واکسن»; use 'vaccine')"
    assert checks_of(ws, "سازمان بهداشت جهانی واکسن‌ها را تایید کرد.",
                     "The World Health Organization's experts approved the vaccines.") == {}


def test_glossary_words_and_latin_names_in_the_persian_are_not_misspellings(ws: Workspace) -> None:
    glossary.add(ws, make_entry("هیدروکسی‌کلروکین", ["hydroxychloroquine"]))
    assert "spelling" not in checks_of(ws, "هیدروکسی‌کلروکین تجویز شد.", "hydroxychloroquine was given.")
    assert "spelling" not in checks_of(ws, "داروی remdesivir تجویز شد.", "the drug remdesivir was given.")
    assert "spelling" in checks_of(ws, "داروی جدید تجویز شد.", "the drug remdesivir was given.")


@pytest.mark.parametrize("en", [
    # words real translations use that the old word list lacked (TICO-19's false findings)
    "Patients with lymphopenia had worse outcomes.",  # a known stem before a medical combining form
    "The study was posted as a preprint.",  # a common prefix before a known word
    "We couldn’t confirm it.",  # a curly apostrophe: the contraction is a word
    "Their behavioural changes slowed the spread.",  # British spelling
    "The hashtag spread quickly.",  # a current word
    "Pre-existing conditions and a well-known risk.",  # hyphenated: a prefix and known parts
    "Cases of covid-19 and sars-cov-2 rose.",  # words with digits: codes
    "The lockdown and handwashing campaigns were co-ordinated.",  # closed compounds, a hyphenated spelling
    "The zoonotic spread caused nasopharyngeal infection and osteonecrosis.",  # long words (Webster's Second)
    "It is active against filo-, pneumo-, and corona- viruses.",  # suspended prefixes
    "See https://www.ncbi.nlm.nih.gov/pubmed/123 and the report.pdf for details.",  # addresses
    "Its transmissibility and virological programmes were studied in vitro.",  # derivations, Latin
    # technical words no list keeps up with, no known word one edit away
    "The aminotransferase and sheddase levels; blinatumomab and azithromycin were given.",
    "Endocytosis by cholangiocytes; troponin and dynorphin; a druggable, repurposable target.",
    "The seroprevalence studies; a lipid bilayer.",  # prefixes of virology and chemistry
])
def test_real_words_are_not_misspellings(ws: Workspace, en: str) -> None:
    assert "spelling" not in checks_of(ws, "بیماران بستری شدند.", en)


@pytest.mark.parametrize(("en", "word"), [
    ("He wnet to Tehran.", "wnet"),
    ("We couldn’t recieve it.", "recieve"),
    ("A well-knwon fact.", "knwon"),  # the second part of a hyphenated word is checked too
    ("The preprnit was posted.", "preprnit"),
    ("They had lymphopenai.", "lymphopenai"),
    ("Racism agains residents.", "agains"),  # no plural of "again"
    ("Avoid any other contacct.", "contacct"),  # "cont" + "acct" is no compound
    ("Those who live in these aeras.", "aeras"),  # no British "eras"
    ("The comunity helped.", "comunity"),  # "co" + a word of the long list only is no word
    ("Cases decrase slowly.", "decrase"),  # a technical ending (-ase), but one edit from "decrease"
    ("It is not sutable.", "sutable"),  # -able, one edit from "suitable"
    ("The chrohexidine wash.", "chrohexidine"),  # a real error of TICO-19 (chlorhexidine)
])
def test_misspellings_are_still_found(ws: Workspace, en: str, word: str) -> None:
    assert f"'{word}'" in checks_of(ws, "بیماران بستری شدند.", en).get("spelling", "")


def test_user_dictionary_words_are_accepted_from_the_cli(tmp_path: Path) -> None:
    from tests.conftest import run_workbench

    tsv = tmp_path / "words.tsv"
    tsv.write_text("fa\ten\nبیماران لنفوپنی داشتند.\tPatients had lymfopenia.\n", encoding="utf-8")
    wsf = tmp_path / "ws.sqlite"
    assert run_workbench("import", tsv, "--ws", wsf, cwd=tmp_path).returncode == 0
    assert "'lymfopenia'" in run_workbench("qa", "--ws", wsf, cwd=tmp_path).stdout
    added = run_workbench("qa", "words", "add", "Lymfopenia", "hashtagged", "--ws", wsf, cwd=tmp_path)
    assert added.returncode == 0 and "added 2 words" in added.stdout
    assert run_workbench("qa", "--ws", wsf, cwd=tmp_path).stdout.strip() == "no QA findings"  # cache stale
    assert run_workbench("qa", "words", "list", "--ws", wsf, cwd=tmp_path).stdout.split() == [
        "hashtagged", "lymfopenia"]
    bad = run_workbench("qa", "words", "add", "ok", "two words", "--ws", wsf, cwd=tmp_path)
    assert bad.returncode == 1 and bad.stderr.startswith("workbench: error: not a word")
    assert "Traceback" not in bad.stderr
    assert "ok" not in run_workbench("qa", "words", "list", "--ws", wsf, cwd=tmp_path).stdout.split()  # all or nothing
    assert run_workbench("qa", "words", "remove", "lymfopenia", "--ws", wsf, cwd=tmp_path).returncode == 0
    assert "'lymfopenia'" in run_workbench("qa", "--ws", wsf, cwd=tmp_path).stdout
    gone = run_workbench("qa", "words", "remove", "lymfopenia", "--ws", wsf, cwd=tmp_path)
    assert gone.returncode == 1 and "not in the user dictionary" in gone.stderr


# -- consistency ----------------------------------------------------------------------------------

def consistency_ws(ws: Workspace) -> Workspace:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [
        NewPair(fa=["سلام"], en=["Hello"], status="approved"),
        NewPair(fa=["سلام"], en=["hello"], status="approved"),  # the same, case aside
        NewPair(fa=["سلام"], en=["Hi"], status="review"),
        NewPair(fa=["درود"], en=["Hello"], status="review"),  # the same English for other Persian
        NewPair(fa=["خداحافظ"], en=["Goodbye"], status="approved"),
        NewPair(fa=["خدا حافظ"], en=["Bye"], status="rejected"),
    ])
    return ws


def test_consistency_both_ways(ws: Workspace) -> None:
    consistency_ws(ws)
    pairs = list(ws.pairs())
    found = document_consistency(ws)
    assert set(found) == {pairs[2].id, pairs[3].id}
    assert found[pairs[2].id] == [Finding("consistency", "the same Persian is approved elsewhere as 'Hello'")]
    assert found[pairs[3].id] == [Finding("consistency", "the same English is approved for other Persian: «سلام»")]
    ws.edits.set_status(pairs[2].id, "approved")  # two approved renderings now: both sides told
    found = document_consistency(ws)
    assert {pairs[0].id, pairs[1].id, pairs[2].id} <= set(found)


def test_one_pair_and_the_whole_document_agree(ws: Workspace, tico_tmx: Path) -> None:
    from workbench.formats.tmx import read_tmx

    doc = ws.add_document("tico")
    units = list(read_tmx(tico_tmx))[:600]
    units += units[:40]  # repeats, some of them approved with other English
    ws.insert_pairs(doc.id, [NewPair(fa=[u.fa], en=[u.en + (" Indeed." if i % 7 == 0 else "")],
                                     status="approved" if i % 3 else "review") for i, u in enumerate(units)])
    bulk = document_consistency(ws, doc.id)
    assert bulk  # the set has conflicts to compare
    for pair in ws.pairs(doc.id):
        assert pair_consistency(ws, pair, pair.en) == bulk.get(pair.id, []), pair.id


# -- cache and false positives --------------------------------------------------------------------

def test_cached_findings_are_reused_until_the_pair_or_the_glossary_changes(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["واکسن ۸۰ دلار است."], en=["The vaccine is 90 dollars."])])
    pair = next(ws.pairs())
    list(check_pairs(ws))
    cached = ws.conn.execute("SELECT version, findings FROM qa_state").fetchall()
    assert len(cached) == 1 and "number" in cached[0][1]
    calls = []

    class Counting(QaChecker):
        def local(self, p):
            calls.append(p.id)
            return super().local(p)

    list(check_pairs(ws, checker=Counting(ws)))
    assert calls == []  # valid cache: nothing computed again
    glossary.add(ws, make_entry("واکسن", ["jab"]))
    found = {f.check for c in check_pairs(ws, checker=Counting(ws)) for f in c.findings.shown}
    assert calls == [pair.id] and "term-missing" in found
    ws.edits.set_english(pair.id, "The jab is 80 dollars.")
    assert [c.findings.shown for c in check_pairs(ws)] == [[]]


def test_false_positive_is_hidden_until_the_text_changes(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["قیمت ۸۰ دلار است."], en=["The price is 90 dollars."])])
    pair = next(ws.pairs())
    [record] = report(ws)
    mark_false_positive(ws, pair.id, Finding(record.check, record.message), who="ana")
    assert report(ws) == []
    assert ws.conn.execute("SELECT shown FROM qa_state").fetchone()[0] == 0
    hidden = [c.findings.hidden for c in check_pairs(ws)]
    assert hidden == [[Finding(record.check, record.message)]]
    ws.edits.set_english(pair.id, "The price is 90 dollars!")
    assert [r.check for r in report(ws)] == ["number"]
    mark_false_positive(ws, pair.id, Finding(record.check, record.message))
    mark_false_positive(ws, pair.id, Finding(record.check, record.message), undo=True)
    assert [r.check for r in report(ws)] == ["number"]


# -- the CLI and the export -----------------------------------------------------------------------

@pytest.fixture
def news_ws(cli, tmp_path: Path) -> Path:
    """Two documents imported as TSV, a glossary, some errors."""
    (tmp_path / "a.tsv").write_text(
        "fa\ten\n"
        "قیمت نفت به ۸۰ دلار رسید.\tOil reached 90 dollars.\n"
        "واکسن‌ها رسیدند.\tThe jabs arrived.\n"
        "او به تهران رفت.\tHe went to to Tehran.\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("fa\ten\nهمه چیز خوب است.\tAll is well.\nبازار آرام شد.\tThe market (calmed.\n",
                                    encoding="utf-8")
    assert cli("import", tmp_path / "a.tsv").exit_code == 0
    assert cli("import", tmp_path / "b.tsv").exit_code == 0
    assert cli("glossary", "add", "واکسن", "vaccine", "--forbidden", "jab").exit_code == 0
    return tmp_path / "ws.sqlite"


def test_qa_json_numbers_pairs_as_the_jsonl_export(cli, news_ws: Path, tmp_path: Path) -> None:
    result = cli("qa", "--json")
    assert result.exit_code == 0
    records = json.loads(result.output)
    assert all(set(r) == {"doc", "pair", "check", "message", "severity", "fa", "en"} and r["check"] in CHECKS
               for r in records)
    [number] = [r for r in records if r["check"] == "number"]
    assert (number["fa"], number["en"], number["severity"]) == ("قیمت نفت به ۸۰ دلار رسید.", "Oil reached 90 dollars.",
                                                                "error")
    got = {(r["doc"], r["pair"], r["check"]) for r in records}
    assert got == {("a", 1, "number"), ("a", 2, "term-missing"), ("a", 2, "term-forbidden"),
                   ("a", 3, "repeated-word"), ("b", 2, "brackets")}
    cli("export", "--format", "jsonl", "--status", "all", "-o", tmp_path / "out.jsonl")
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    by_place = {(r["doc"], r["pair"]): r for r in exported}
    for doc, number, check in got:
        assert check in by_place[doc, number]["qa"]
    assert by_place["b", 1]["qa"] == []


def test_qa_filters_by_document_and_check_and_prints_a_table(cli, news_ws: Path) -> None:
    records = json.loads(cli("qa", "--json", "--doc", "b").output)
    assert [(r["doc"], r["pair"], r["check"]) for r in records] == [("b", 2, "brackets")]
    records = json.loads(cli("qa", "--json", "--check", "number", "--check", "brackets").output)
    assert {r["check"] for r in records} == {"number", "brackets"}
    table = cli("qa")
    assert table.exit_code == 0 and "repeated-word" in table.output and "5 findings" in table.output
    assert cli("qa", "--check", "nonsense").exit_code == 2
    assert "no document named" in cli("qa", "--doc", "zzz").output


def test_qa_exits_zero_without_findings_and_on_a_read_only_file(cli, tmp_path: Path, ws_path: Path) -> None:
    (tmp_path / "c.tsv").write_text("fa\ten\nبازار آرام شد.\tThe market calmed.\n", encoding="utf-8")
    cli("import", tmp_path / "c.tsv")
    result = cli("qa")
    assert result.exit_code == 0 and "no QA findings" in result.output
    ws_path.chmod(0o444)
    try:
        assert cli("qa", "--json").exit_code == 0
    finally:
        ws_path.chmod(0o644)


def test_drafts_carry_the_same_check_names(ws: Workspace) -> None:
    from workbench.mt import qa_flags

    assert qa_flags("قیمت نفت به ۸۰ دلار رسید.", "Oil reached 90 dollars.") == ["number"]
    assert set(qa_flags("x", "")) <= set(CHECKS)


def test_workers_find_what_one_process_finds(tmp_path: Path, tico_tmx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.formats.tmx import read_tmx
    from workbench.qa import parallel

    monkeypatch.setattr(parallel, "workers", lambda: 2)  # two workers on any machine, one core too
    with Workspace(tmp_path / "w.sqlite") as ws:
        doc = ws.add_document("tico")
        units = list(read_tmx(tico_tmx))[:400]
        ws.insert_pairs(doc.id, [NewPair(fa=[u.fa], en=[u.en + (" the the" if i % 9 == 0 else "")],
                                         status="approved" if i % 4 == 0 else "review")
                                 for i, u in enumerate(units)])
        glossary.add(ws, make_entry("ویروس", ["virus"], forbidden=["bug"]))
        monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
        alone = report(ws, write=False)
        monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
        monkeypatch.setattr(parallel, "CHUNK", 37)
        assert parallel.usable(ws, 400)
        assert report(ws) == alone
        assert ws.conn.execute("SELECT COUNT(*) FROM qa_state").fetchone()[0] == 400  # and cached


# -- QA beside another editor -------------------------------------------------------------------

def test_qa_caches_its_findings_while_another_editor_saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`workbench qa` read the pairs through one open cursor and wrote the cache as it went: once
    an editor had saved meanwhile, SQLite refused the cache write (a stale snapshot cannot take
    the lock) and qa failed after the busy timeout. The interleaving, forced."""
    from workbench.qa import checker as checker_module

    path = tmp_path / "ws.sqlite"
    with Workspace(path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"The the sentence {i}."], status="review")
                                 for i in range(10)])
    monkeypatch.setattr(checker_module, "WRITE_BATCH", 2)  # a cache write after every second pair
    with Workspace(path, busy_timeout_ms=300) as qa_ws, Workspace(path) as editor:
        items = check_pairs(qa_ws)
        first = next(items)
        last = list(editor.pairs())[-1]
        editor.edits.set_english(last.id, "Edited meanwhile.", expected_version=last.version)
        rest = list(items)
        assert [c.pair.id for c in [first, *rest]] == [p.id for p in editor.pairs()]
        cached = qa_ws.conn.execute("SELECT COUNT(*) FROM qa_state").fetchone()[0]
    assert cached == 10
    assert [c.check for c in first.findings.shown] == ["repeated-word"]


def _no_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any QA check run from now on fails the test."""
    from workbench.qa import checker

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a QA check ran")

    monkeypatch.setattr(checker.QaChecker, "local", refuse)
    monkeypatch.setattr(checker, "pair_consistency", refuse)


@pytest.mark.parametrize("fmt", ["tsv", "moses", "tmx"])
def test_exports_that_carry_no_qa_run_no_check(cli, news_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               fmt: str) -> None:
    _no_checks(monkeypatch)  # 1M pairs: the checks took 300 s of a TSV export that needs 15
    result = cli("export", "--format", fmt, "--status", "all", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("out*"))
    assert "Oil reached 90 dollars." in written and "x-qa" not in written


def test_jsonl_qa_is_what_workbench_qa_finds_and_comes_from_the_cache(cli, news_ws: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("export", "--format", "jsonl", "--status", "all", "-o", tmp_path / "one.jsonl").exit_code == 0
    first = (tmp_path / "one.jsonl").read_text(encoding="utf-8")
    with monkeypatch.context() as patched:
        _no_checks(patched)  # the first export cached every pair's findings: nothing is computed again
        assert cli("export", "--format", "jsonl", "--status", "all", "-o", tmp_path / "two.jsonl").exit_code == 0
    assert (tmp_path / "two.jsonl").read_text(encoding="utf-8") == first
    exported = {(r["doc"], r["pair"]): r["qa"] for r in map(json.loads, first.splitlines())}
    found: dict[tuple[str, int], set[str]] = {}
    for r in json.loads(cli("qa", "--json").output):
        found.setdefault((r["doc"], r["pair"]), set()).add(r["check"])
    assert {place: set(qa) for place, qa in exported.items() if qa} == found
    assert all(qa == [c for c in CHECKS if c in qa] for qa in exported.values())  # in the checks' order
