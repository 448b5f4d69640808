"""Reuse like a CAT tool (issue 20): word-level fuzzy matches, repetitions filled when a pair is
approved (one unit of work, one undo), and `workbench analyze` by match band and status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.errors import EditConflict
from workbench.mt.tm import lookup, score
from workbench.store import NewPair, Workspace
from workbench.text.words import word_count, words

from tests.conftest import run_workbench

REPEATED = "نرخ تورم در ماه گذشته کاهش یافت."
OTHER = "بانک مرکزی گزارش تازه‌ای منتشر کرد."
ENGLISH = "Inflation fell last month."


def test_a_zwnj_joins_one_word_and_marks_are_not_words() -> None:
    assert words("می‌روم به کتاب‌خانه‌ها، امروز.") == ["می\u200cروم", "به", "کتاب\u200cخانه\u200cها", "امروز"]
    assert word_count("می‌روم به کتاب‌خانه‌ها، امروز.") == 4  # a space-splitting count says 4, a ZWNJ-splitting one 7


def test_the_match_percentage_is_word_level_edit_distance() -> None:
    # 10 tokens (9 words and the full stop); one word replaced: 1 - 1/10.
    stored = "قیمت نفت خام در بازارهای جهانی امروز بالا رفت ."
    assert score(stored, stored.replace("بالا", "پایین")) == 90.0
    # one word dropped: 1 - 1/10 (the longer one's tokens); a long word changed costs what a short one does
    assert score(stored, stored.replace(" خام", "")) == 90.0
    assert score(stored, stored.replace("بازارهای", "بورس")) == 90.0


def test_fuzzy_matches_are_ranked_with_the_words_that_differ(ws: Workspace) -> None:
    doc = ws.add_document("memory")
    base = "قیمت نفت خام در بازارهای جهانی امروز بالا رفت."
    ws.insert_pairs(doc.id, [
        NewPair(fa=[base.replace("بالا", "پایین")], en=["Crude went down."], status="approved"),
        NewPair(fa=[base.replace("خام در بازارهای", "در")], en=["Oil went up."], status="approved"),
        NewPair(fa=[base], en=["Crude oil went up today."], status="approved"),
    ])
    found = lookup(ws, base.replace("امروز", "دیروز"), limit=3, min_score=75)
    # 1 of 10 tokens changed, 2 of 10, and 3 of 10 (two words dropped, one changed: below 75%)
    assert [(m.en, m.score) for m in found] == [("Crude oil went up today.", 90.0), ("Crude went down.", 80.0)]
    assert lookup(ws, base.replace("امروز", "دیروز"), limit=3, min_score=70)[2].en == "Oil went up."
    assert found[0].changed == ("امروز",) and set(found[1].changed) == {"امروز", "پایین"}


@pytest.fixture
def job(ws_path: Path) -> dict[str, int]:
    """A document with the same Persian four times: with no English, with the untouched MT
    draft, with English a person wrote, approved; and a second document with it once more."""
    with Workspace(ws_path) as ws:
        doc = ws.add_document("job")
        ws.insert_pairs(doc.id, [
            NewPair(fa=[REPEATED], en=[ENGLISH], status="review"),
            NewPair(fa=[OTHER]),
            NewPair(fa=[REPEATED]),
            NewPair(fa=[REPEATED]),
            NewPair(fa=[REPEATED], en=["Inflation eased, a person wrote."], status="review"),
            NewPair(fa=[REPEATED], en=["Approved otherwise."], status="approved"),
        ])
        other = ws.add_document("other")
        ws.insert_pairs(other.id, [NewPair(fa=[REPEATED])])
        ids = [p.id for p in ws.pairs(doc.id)] + [p.id for p in ws.pairs(other.id)]
        ws.add_draft(ids[3], source=REPEATED, text="Machine draft.", engine="argos", model="m")
        ws.edits.take_draft(ids[3])
        return dict(zip(["first", "other_fa", "empty", "drafted", "written", "approved", "elsewhere"], ids))


def english(ws_path: Path) -> dict[int, tuple[str, str, str]]:
    with Workspace(ws_path) as ws:
        return {p.id: (p.en, p.status, p.note) for p in ws.pairs()}


def test_approving_fills_the_repetitions_in_its_document_never_over_a_persons_english(
        ws_path: Path, job: dict[str, int]) -> None:
    before = english(ws_path)
    with Workspace(ws_path) as ws:
        filled = ws.edits.approve(job["first"])
    now = english(ws_path)
    assert sorted(filled) == sorted([job["empty"], job["drafted"]])
    for key in ("empty", "drafted"):
        en, status, note = now[job[key]]
        assert (en, status) == (ENGLISH, "review") and "pair 1 of 'job'" in note
    for key in ("written", "approved", "elsewhere", "other_fa"):  # a person's English, another document
        assert now[job[key]] == before[job[key]]
    assert now[job["first"]][1] == "approved"


def test_one_undo_reverts_the_approval_and_its_whole_propagation(ws_path: Path, job: dict[str, int]) -> None:
    before = english(ws_path)
    with Workspace(ws_path) as ws:
        ws.edits.approve(job["first"], repeat="workspace")
        assert english(ws_path)[job["elsewhere"]][0] == ENGLISH  # the workspace option reaches other documents
        ws.history.undo()
        assert english(ws_path) == before
        assert ws.history.replay() == []
        ws.history.redo()
        assert english(ws_path)[job["empty"]][0] == ENGLISH


def test_repetitions_off_approves_only_the_pair(ws_path: Path, job: dict[str, int]) -> None:
    before = english(ws_path)
    with Workspace(ws_path) as ws:
        assert ws.edits.approve(job["first"], repeat="off") == []
    after = english(ws_path)
    assert {k: v for k, v in after.items() if k != job["first"]} == \
        {k: v for k, v in before.items() if k != job["first"]}


def test_a_repetition_a_person_filled_meanwhile_is_left_alone(ws_path: Path, job: dict[str, int]) -> None:
    """The repetitions are chosen inside the approve's transaction: English another editor wrote
    after this editor looked is never replaced."""
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        version = alice.pair(job["first"]).version
        bob.edits.set_english(job["empty"], "Bob's English.")
        alice.edits.approve(job["first"], expected_version=version)
        assert alice.pair(job["empty"]).en == "Bob's English."
        assert alice.pair(job["drafted"]).en == ENGLISH
        with pytest.raises(EditConflict):  # and the approve itself still checks its own pair
            bob.edits.approve(job["first"], expected_version=version)


def test_a_repetition_written_the_moment_the_approve_starts_writing_is_kept(
        ws_path: Path, job: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced interleaving: Bob writes English into a repetition, and takes the draft of another
    and edits it, at the moment Alice's approve opens its write transaction."""
    from tests.test_unit_of_work import just_before_writing

    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        version = alice.pair(job["first"]).version

        def bob_writes() -> None:
            bob.edits.set_english(job["empty"], "Bob's English.")
            bob.edits.set_english(job["drafted"], "Machine draft, corrected by Bob.")

        just_before_writing(monkeypatch, alice, bob_writes)
        assert alice.edits.approve(job["first"], expected_version=version) == []
        assert alice.pair(job["empty"]).en == "Bob's English."
        assert alice.pair(job["drafted"]).en == "Machine draft, corrected by Bob."
        assert alice.pair(job["first"]).status == "approved"


def analyze_json(ws_path: Path, *args: str) -> dict:
    done = run_workbench("--ws", str(ws_path), "analyze", "--json", *args, cwd=ws_path.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def band(result: dict, name: str) -> tuple[int, int]:
    found = next(b for b in result["bands"] if b["band"] == name)
    return found["segments"], found["words"]


def test_analyze_counts_words_and_segments_by_band_and_status(ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        memory = ws.add_document("memory", kind="corpus")
        ws.insert_pairs(memory.id, [NewPair(fa=["قیمت نفت خام در بازارهای جهانی امروز بالا رفت."], en=["Oil rose."]),
                                    NewPair(fa=[OTHER], en=["The central bank published a report."])])
        doc = ws.add_document("job")
        ws.insert_pairs(doc.id, [
            NewPair(fa=[OTHER]),                                                   # 100%
            NewPair(fa=["قیمت نفت خام در بازارهای جهانی امروز پایین رفت."]),        # 90%: 85-94
            NewPair(fa=[REPEATED], en=[ENGLISH], status="review"),                 # no match
            NewPair(fa=[REPEATED]),                                                # repetition
            NewPair(fa=["می‌روم به کتاب‌خانه‌ها."]),                                # no match, 3 words
        ])
    result = analyze_json(ws_path, "--doc", "job")
    assert result["total"] == {"words": 6 + 9 + 7 + 7 + 3, "segments": 5}
    assert band(result, "100%") == (1, 6)
    assert band(result, "85-94%") == (1, 9)
    assert band(result, "repetitions") == (1, 7)
    assert band(result, "no match") == (2, 10)
    assert [b["band"] for b in result["bands"]] == ["repetitions", "100%", "95-99%", "85-94%", "75-84%",
                                                    "50-74%", "no match"]
    statuses = {s["status"]: (s["segments"], s["words"]) for s in result["statuses"]}
    assert statuses["review"] == (1, 7) and statuses["new"] == (4, 25)
    # without --doc: every document that is not a corpus
    assert analyze_json(ws_path)["total"]["segments"] == 5


def test_analyze_names_an_unknown_document_in_one_line(ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        ws.add_document("job")
    done = run_workbench("--ws", str(ws_path), "analyze", "--doc", "nope", cwd=ws_path.parent)
    assert done.returncode == 1 and done.stderr.startswith("workbench: error: no document named 'nope'")
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("option, filled", [((), True), (("--repetitions", "off"), False)])
def test_approve_on_the_command_line_fills_repetitions_unless_switched_off(
        ws_path: Path, job: dict[str, int], option: tuple[str, ...], filled: bool) -> None:
    done = run_workbench("--ws", str(ws_path), "approve", "--doc", "job", "1", *option, cwd=ws_path.parent)
    assert done.returncode == 0, done.stderr
    assert ("given to 2 repetitions" in done.stdout) is filled
    now = english(ws_path)
    assert now[job["first"]][1] == "approved"
    assert (now[job["empty"]][0] == ENGLISH) is filled and (now[job["drafted"]][0] == ENGLISH) is filled


def test_approve_names_a_missing_pair_in_one_line(ws_path: Path, job: dict[str, int]) -> None:
    done = run_workbench("--ws", str(ws_path), "approve", "--doc", "job", "99", cwd=ws_path.parent)
    assert done.returncode == 1 and done.stderr.strip() == "workbench: error: 'job' has 6 pairs: no pair 99"


def test_matches_on_the_command_line_ranks_fuzzy_matches_with_their_percentage(ws_path: Path) -> None:
    base = "قیمت نفت خام در بازارهای جهانی امروز بالا رفت."
    with Workspace(ws_path) as ws:
        doc = ws.add_document("memory")
        ws.insert_pairs(doc.id, [
            NewPair(fa=[base.replace("بالا", "پایین")], en=["Crude went down."], status="approved"),
            NewPair(fa=[base], en=["Crude rose today."], status="approved"),
            NewPair(fa=[base.replace("امروز", "دیروز")], en=["Not approved."], status="review"),
        ])
    done = run_workbench("--ws", str(ws_path), "matches", base.replace("امروز", "دیروز"), "--json", cwd=ws_path.parent)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert [(m["score"], m["en"], m["pair"], m["changed"]) for m in found] == [
        (90.0, "Crude rose today.", 2, ["امروز"]), (80.0, "Crude went down.", 1, ["امروز", "پایین"])]
    shown = run_workbench("--ws", str(ws_path), "matches", "چیزی دیگر", cwd=ws_path.parent)
    assert shown.returncode == 0 and shown.stdout.strip() == "no memory match of 75% or more"


def test_inline_codes_are_no_words_and_cost_one_token_each(ws_path: Path) -> None:
    """A segment from XLIFF holds its codes as tokens (⟦1⟧…⟦/1⟧): the analysis does not count
    them as words (a quote pays for words), and a memory match that differs from the segment by
    one word and its codes is the fuzzy match it is, shown, not lost under 75%."""
    coded = "وزیر بهداشت گفت که ⟦1⟧واکسن⟦/1⟧ کرونا در ماه آینده به ایران می‌رسد."
    plain = "وزیر بهداشت گفت که واکسن آنفولانزا در ماه آینده به ایران می‌رسد."
    with Workspace(ws_path) as ws:
        ws.insert_pairs(ws.add_document("job").id, [NewPair(fa=[coded], en=["The ⟦1⟧vaccine⟦/1⟧ arrives."],
                                                             status="approved")])
    assert analyze_json(ws_path, "--doc", "job")["total"] == {"words": 12, "segments": 1}
    done = run_workbench("--ws", str(ws_path), "matches", plain, "--json", cwd=ws_path.parent)
    assert done.returncode == 0, done.stderr
    assert [(m["score"], m["changed"]) for m in json.loads(done.stdout)] == [(80.0, ["⟦1⟧", "⟦/1⟧", "کرونا"])]


def test_a_word_differing_only_in_letter_forms_is_not_marked_as_changed(ws_path: Path) -> None:
    """A corpus written with Arabic letters (ك for ک): the match is 100% by the normalized
    Persian, and no word of it is marked as differing; a word really replaced still is."""
    with Workspace(ws_path) as ws:
        ws.insert_pairs(ws.add_document("memory", kind="corpus").id, [
            NewPair(fa=["كشور ما بزرگ است و مردم آن مهربان هستند."], en=["Our country is big."])])
    for persian, changed in (("کشور ما بزرگ است و مردم آن مهربان هستند.", []),
                             ("کشور ما کوچک است و مردم آن مهربان هستند.", ["بزرگ"])):
        done = run_workbench("--ws", str(ws_path), "matches", persian, "--json", cwd=ws_path.parent)
        assert done.returncode == 0, done.stderr
        [match] = json.loads(done.stdout)
        assert match["changed"] == changed, match
