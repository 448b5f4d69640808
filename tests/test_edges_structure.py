"""Nothing lost at the edges of structural changes: realignment carries what editors decided
about the pairs it rebuilds, undo puts pairs back where they belong after the document was
renumbered, approve-through approves only what the editor saw."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.store import NewPair, Workspace


# -- undo after renumbering --------------------------------------------------------------------

def long_first_pair(path: Path) -> list[int]:
    """A text document of 10 pairs in 10 paragraphs; the first holds 70 sentences a side."""
    with Workspace(path) as ws:
        doc = ws.add_document("doc")
        first = NewPair(fa=[f"جمله {k}." for k in range(70)], en=[f"Sentence {k}." for k in range(70)],
                        status="review", fa_para=0, en_para=0)
        ws.insert_pairs(doc.id, [first] + [
            NewPair(fa=[f"بند {i}."], en=[f"Paragraph {i}."], status="review", fa_para=i, en_para=i)
            for i in range(1, 10)])
        return [p.id for p in ws.pairs(doc.id)]


def test_undo_after_the_document_was_renumbered_puts_the_pair_back_in_its_place(cli, ws_path: Path) -> None:
    """Alice edits pair 8; Bob splits pair 1 sixty-nine times (the document is renumbered on
    the way, unlogged); Alice's undo moved pair 8 to its old number, among pair 1's pieces."""
    ids = long_first_pair(ws_path)
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        alice.edits.set_english(ids[7], "Alice's wording.", who="alice")
        rest = ids[0]
        for _ in range(69):
            rest = bob.structure.split(rest, 1, 1, who="bob")[1].id
        order = [p.id for p in bob.pairs(bob.document("doc").id)]
        assert len(order) == 79 and order[70:] == ids[1:]
        alice.history.undo(who="alice")
        assert [p.id for p in alice.pairs(alice.document("doc").id)] == order
        assert alice.pair(ids[7]).en == "Paragraph 7."
        alice.history.redo(who="alice")
        assert [p.id for p in alice.pairs(alice.document("doc").id)] == order
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "ok    pair order" in result.stdout


def test_undoing_a_merge_after_renumbering_brings_the_pair_back_between_its_neighbours(ws_path: Path) -> None:
    ids = long_first_pair(ws_path)
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        alice.structure.merge_with_next(ids[5], who="alice")  # pairs 6 and 7 become one
        rest = ids[0]
        for _ in range(69):
            rest = bob.structure.split(rest, 1, 1, who="bob")[1].id
        alice.history.undo(who="alice")
        after = [p.id for p in alice.pairs(alice.document("doc").id)]
        assert after[70:] == ids[1:]
        assert [alice.pair(i).en for i in ids[5:7]] == ["Paragraph 5.", "Paragraph 6."]


@pytest.mark.parametrize("where", ["behind pair 2", "on pair 2's position"])
def test_check_finds_pairs_out_of_order(cli, ws_path: Path, where: str) -> None:
    """A pair moved out of its source's order (or sharing a position, so that its order is
    undefined) is what a stale undo left; `workbench check` said nothing of it."""
    import sqlite3

    ids = long_first_pair(ws_path)
    conn = sqlite3.connect(ws_path)
    second = conn.execute("SELECT position FROM pairs WHERE id = ?", [ids[1]]).fetchone()[0]
    moved = second - 0.5 if where == "behind pair 2" else second
    conn.execute("UPDATE pairs SET position = ? WHERE id = ?", [moved, ids[7]])
    conn.commit()
    conn.close()
    result = cli("check")
    assert result.exit_code == 1
    assert "FAIL  pair order: " in result.stdout and "of 'doc'" in result.stdout
    assert "pair order" in result.stderr


# -- realignment carries what editors decided --------------------------------------------------

def decided_document(path: Path) -> tuple[list[tuple[str, str]], dict]:
    """A document of 12 pairs, none approved (so `workbench align` rebuilds all of it), with
    notes, a flag, a rejection and a QA false-positive mark; its English then knocked out of
    place by two shifts."""
    from tests.devdata import TICO
    from workbench.align.devset import tico_documents
    from workbench.qa import Finding
    from workbench.qa.cache import mark_false_positive

    pairs = tico_documents(TICO)["Wikinews_4"][:12]
    pairs[6] = (pairs[6][0], "The the " + pairs[6][1])  # a repeated word the editor let stand
    with Workspace(path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f], en=[e], status="review", fa_para=0, en_para=0) for f, e in pairs])
        ids = [p.id for p in ws.pairs(doc.id)]
        ws.edits.set_note(ids[0], "check the date", "ask the client", who="ed")
        ws.edits.set_note(ids[4], "name spelled as in the press release", who="ed")
        ws.edits.set_status(ids[9], "rejected", who="ed")
        mark_false_positive(ws, ids[6], Finding("repeated-word", "repeated word: 'The the'"), who="ed")
        ws.structure.shift_english(ids[2], +1, who="ed")
        ws.structure.shift_english(ids[4], -1, who="ed")
        return pairs, decided(ws)


def decided(ws: Workspace) -> dict:
    """By Persian sentence: note, flag, rejected; and the QA marks, by the pair's Persian."""
    by_fa = {p.fa: (p.note, p.flag, p.status == "rejected") for p in ws.pairs()
             if p.note or p.flag or p.status == "rejected"}
    marks = ws.conn.execute("SELECT p.fa, m.check_name, m.message, m.fa, m.en, m.who FROM qa_ignored m "
                            "JOIN pairs p ON p.id = m.pair_id ORDER BY m.id").fetchall()
    return {"pairs": by_fa, "marks": marks}


def test_workbench_align_carries_notes_flags_rejections_and_qa_marks(tmp_path: Path, ws_path: Path) -> None:
    """`workbench align` rebuilt every non-approved pair of a run and dropped what editors had
    decided about them; undoing it must bring back exactly what was there."""
    import json

    from tests.conftest import run_workbench

    pairs, before = decided_document(ws_path)
    assert (len(before["pairs"]), len(before["marks"])) == (3, 1)
    with Workspace(ws_path) as ws:
        old = [(p.id, p.fa, p.en, p.status, p.note, p.flag) for p in ws.pairs()]
        old_marks = ws.conn.execute("SELECT * FROM qa_ignored").fetchall()
    env = {"WORKBENCH_USER": "ed"}
    done = run_workbench("align", "--doc", "d", "--ws", ws_path, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    with Workspace(ws_path) as ws:
        assert [(p.fa, p.en) for p in ws.pairs()] == pairs  # realigned: every pair rebuilt
        assert not {p.id for p in ws.pairs()} & {o[0] for o in old}
        assert decided(ws) == before
    qa = json.loads(run_workbench("qa", "--json", "--ws", ws_path, cwd=tmp_path, env=env).stdout)
    assert not [f for f in qa if f["check"] == "repeated-word"]  # still marked a false positive
    with Workspace(ws_path) as ws:
        ws.history.undo(who="ed")
        assert [(p.id, p.fa, p.en, p.status, p.note, p.flag) for p in ws.pairs()] == old
        assert ws.conn.execute("SELECT * FROM qa_ignored").fetchall() == old_marks
        ws.history.redo(who="ed")
        assert decided(ws) == before
        ws.history.undo(who="ed")
        assert ws.conn.execute("SELECT * FROM qa_ignored").fetchall() == old_marks
        assert ws.history.replay() == []


def aligning_as_one(monkeypatch: pytest.MonkeyPatch, at: int, count: int = 2) -> None:
    """The aligner puts the sentences of ``count`` pairs from pair ``at`` of a run into one bead."""
    import dataclasses

    import workbench.align.workspace as align_ws

    real = align_ws.align_sentences

    def merging(*args, **kwargs):
        pairs, learned = real(*args, **kwargs)
        if len(pairs) >= at + count:
            run = pairs[at:at + count]
            pairs[at:at + count] = [dataclasses.replace(run[0], fa=[s for p in run for s in p.fa],
                                                        en=[s for p in run for s in p.en])]
        return pairs, learned

    monkeypatch.setattr(align_ws, "align_sentences", merging)


def test_two_notes_landing_on_one_pair_are_both_kept_and_align_says_so(cli, ws_path: Path, monkeypatch) -> None:
    with Workspace(ws_path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review")
                                 for i in range(6)])
        ids = [p.id for p in ws.pairs(doc.id)]
        ws.edits.set_note(ids[2], "Alice: the year?", "ask the client")
        ws.edits.set_note(ids[3], "Bob: a name to check", "names")
        ws.edits.set_status(ids[3], "rejected")
    aligning_as_one(monkeypatch, 2)
    result = cli("align", "--doc", "d")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "d: the notes of two pairs landed on pair 3: both kept, joined with ' / '"
    with Workspace(ws_path) as ws:
        third = list(ws.pairs(doc.id))[2]
        assert (third.fa, third.status) == ("جمله 2. جمله 3.", "rejected")
        assert (third.note, third.flag) == ("Alice: the year? / Bob: a name to check", "ask the client, names")


# -- approve-through approves what the editor confirmed ----------------------------------------

def test_approve_through_skips_pairs_rewritten_after_the_editor_confirmed(ws_path: Path) -> None:
    """Alice confirms approving pairs 1-4; before her approval is written, Bob rewrites pair 2's
    English and splits pair 3. Approving Bob's unseen words would be approving text nobody
    read: they stay to be reviewed, and Alice is told how many were skipped."""
    from workbench.store import search

    with Workspace(ws_path) as setup:
        doc = setup.add_document("doc")
        setup.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}.", f"دوم {i}."],
                                            en=[f"Sentence {i}.", f"Second {i}."], status="review")
                                    for i in range(6)])
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        ids = [p.id for p in alice.pairs()]
        confirmed = search.undecided_through(alice, alice.pair(ids[3]))
        assert list(confirmed) == ids[:4]
        bob.edits.set_english(ids[1], "Bob's new wording. Unread.", who="bob")
        piece = bob.structure.split(ids[2], 1, 1, who="bob")[1]
        done = alice.edits.approve_through(ids[3], who="alice", confirmed=confirmed)
        assert (done.approved, done.skipped) == (2, 2)
        statuses = {p.id: p.status for p in alice.pairs()}
        assert [statuses[i] for i in (ids[0], ids[1], ids[2], piece.id, ids[3], ids[4])] == [
            "approved", "review", "review", "review", "approved", "review"]
        alice.history.undo(who="alice")
        assert [alice.pair(i).status for i in (ids[0], ids[3])] == ["review", "review"]


def test_realigning_between_two_pairs_with_no_float_between_them_keeps_the_order(ws: Workspace) -> None:
    """New pairs of a realignment took positions between the run's neighbours even when no
    float was left there: several pairs shared one position (their order undefined)."""
    import math

    from workbench.store.maintenance import check

    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(4)])
    ids = [p.id for p in ws.pairs(doc.id)]
    low = 2.0
    ws.conn.execute("UPDATE pairs SET position = ? WHERE id = ?", [low, ids[0]])
    ws.conn.execute("UPDATE pairs SET position = ? WHERE id = ?", [math.nextafter(low, 3), ids[1]])
    ws.conn.execute("UPDATE pairs SET position = ? WHERE id = ?", [math.nextafter(math.nextafter(low, 3), 3), ids[2]])
    ws.conn.execute("UPDATE pairs SET position = 10.0 WHERE id = ?", [ids[3]])
    new = [NewPair(fa=["جمله 1."], en=["One."]), NewPair(fa=[], en=["Two."]), NewPair(fa=[], en=["Three."])]
    created = ws.structure.replace_runs(doc.id, [([ids[1]], new)]).created
    assert [p.id for p in ws.pairs(doc.id)] == [ids[0], *created, ids[2], ids[3]]
    assert next(c for c in check(ws) if c.name == "pair order").ok


def test_undoing_a_realignment_after_renumbering_puts_the_old_pairs_back_in_place(ws_path: Path) -> None:
    from workbench.align import realign_document

    ids = long_first_pair(ws_path)
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        doc = alice.document("doc")
        alice.edits.set_status(ids[0], "approved", who="alice")  # an anchor: pairs 2-10 are one run
        alice.structure.shift_english(ids[4], +1, who="alice")
        before = [(p.id, p.fa, p.en) for p in alice.pairs(doc.id)][1:]
        assert realign_document(alice, doc.id, who="alice").created
        rest = ids[0]
        for _ in range(69):
            rest = bob.structure.split(rest, 1, 1, who="bob")[1].id
        alice.history.undo(who="alice")
        assert [(p.id, p.fa, p.en) for p in alice.pairs(doc.id)][70:] == before


def test_undoing_a_merge_brings_back_the_qa_marks_of_the_pair_merged_away(ws_path: Path) -> None:
    """A merge deleted the next pair's QA false-positive marks with it, and undo brought the pair
    back without them: the editor's "not an error" was lost."""
    from workbench.qa import Finding
    from workbench.qa.cache import CARRIED, mark_false_positive

    ids = long_first_pair(ws_path)
    with Workspace(ws_path) as ws:
        mark_false_positive(ws, ids[6], Finding("repeated-word", "repeated word: 'Paragraph Paragraph'"), who="ed")
        marks = ws.conn.execute("SELECT * FROM qa_ignored").fetchall()
        ws.structure.merge_with_next(ids[5], who="ed", carry=CARRIED)
        assert ws.conn.execute("SELECT COUNT(*) FROM qa_ignored").fetchone()[0] == 0
        ws.history.undo(who="ed")
        assert ws.conn.execute("SELECT * FROM qa_ignored").fetchall() == marks
        ws.history.redo(who="ed")
        ws.history.undo(who="ed")
        assert ws.conn.execute("SELECT * FROM qa_ignored").fetchall() == marks
