"""Every change is one unit of work: it reads fresh state inside its transaction, checks the
versions of the pairs it touches, writes and logs history together. Interleavings between two
editors (two connections to one file) are forced at the moment one of them starts to write."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

from workbench.errors import EditConflict, WorkbenchError, WorkspaceBusy
from workbench.store import NewPair, Workspace


@pytest.fixture
def editors(ws_path: Path):
    """Alice and Bob: two connections to one workspace of 6 pairs (after a document of 3, so
    the pairs' internal ids differ from their numbers in the document)."""
    with Workspace(ws_path) as setup:
        other = setup.add_document("other")
        setup.insert_pairs(other.id, [NewPair(fa=[f"دیگر {i}."], en=[f"Other {i}."]) for i in range(3)])
        doc = setup.add_document("doc")
        setup.insert_pairs(doc.id, [
            NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}.", f"Part {i}."], status="review") for i in range(6)
        ])
    alice, bob = Workspace(ws_path), Workspace(ws_path)
    yield alice, bob
    alice.close()
    bob.close()


def ids_of(ws: Workspace) -> list[int]:
    return [p.id for p in ws.pairs(ws.document("doc").id)]


def just_before_writing(monkeypatch: pytest.MonkeyPatch, ws: Workspace, other: Callable[[], object]) -> None:
    """Run ``other`` (another editor's change) the moment ``ws`` starts its write transaction:
    whatever ``ws`` read before that moment is then stale."""
    real = ws.write
    done = []

    @contextmanager
    def write():
        if not done and not ws.conn.in_transaction:
            done.append(other())
        with real() as conn:
            yield conn

    monkeypatch.setattr(ws, "write", write)


def test_a_shift_keeps_the_correction_saved_to_the_neighbour_meanwhile(editors, monkeypatch) -> None:
    alice, bob = editors
    first, second, *_ = ids_of(alice)
    just_before_writing(monkeypatch, alice, lambda: bob.edits.set_english(second, "Bob's correction. Second half."))
    alice.structure.shift_english(first, +1)
    assert alice.pair(second).en == "Part 0. Bob's correction. Second half."
    assert alice.pair(first).en == "Sentence 0."


def test_a_shift_based_on_the_neighbour_as_it_was_is_a_conflict(editors, monkeypatch) -> None:
    alice, bob = editors
    first, second, *_ = ids_of(alice)
    seen = {p.id: p.version for p in (alice.pair(first), alice.pair(second))}
    just_before_writing(monkeypatch, alice, lambda: bob.edits.set_english(second, "Bob's correction. More."))
    with pytest.raises(EditConflict, match=r"pair 2 of 'doc' was changed by someone else") as caught:
        alice.structure.shift_english(first, +1, expected_version=seen[first], seen=seen)
    assert str(second) not in str(caught.value).replace("pair 2", "")  # never the internal id
    assert alice.pair(second).en == "Bob's correction. More." and alice.pair(first).en == "Sentence 0. Part 0."


def test_approve_through_leaves_a_pair_rejected_meanwhile_rejected(editors, monkeypatch) -> None:
    alice, bob = editors
    ids = ids_of(alice)
    just_before_writing(monkeypatch, alice, lambda: bob.edits.set_status(ids[1], "rejected", who="bob"))
    assert alice.edits.approve_through(ids[3], who="alice").approved == 3
    assert [alice.pair(i).status for i in ids[:5]] == ["approved", "rejected", "approved", "approved", "review"]
    alice.history.undo(who="alice")
    assert [alice.pair(i).status for i in ids[:4]] == ["review", "rejected", "review", "review"]


def test_a_split_without_a_version_splits_what_is_stored_now(editors, monkeypatch) -> None:
    alice, bob = editors
    first = ids_of(alice)[0]
    just_before_writing(monkeypatch, alice, lambda: bob.edits.set_english(first, "Bob's one. Bob's two."))
    left, right = alice.structure.split(first, 1, 1)
    assert (left.en, right.en) == ("Bob's one.", "Bob's two.")


def test_a_merge_keeps_the_next_pairs_english_saved_meanwhile(editors, monkeypatch) -> None:
    alice, bob = editors
    first, second, *_ = ids_of(alice)
    just_before_writing(monkeypatch, alice, lambda: bob.edits.set_english(second, "Bob's. Words."))
    merged = alice.structure.merge_with_next(first)
    assert merged.en == "Sentence 0. Part 0. Bob's. Words."


def test_a_stale_save_is_a_conflict_naming_the_pairs_number(editors) -> None:
    alice, bob = editors
    third = ids_of(alice)[2]
    seen = alice.pair(third)
    bob.edits.set_english(third, "Bob's text. Second.", who="bob")
    with pytest.raises(EditConflict) as caught:
        alice.edits.set_english(third, "Alice's. Text.", who="alice", expected_version=seen.version)
    assert caught.value.number == 3 and caught.value.doc == "doc"
    assert "pair 3 of 'doc'" in str(caught.value) and f"pair {third}" not in str(caught.value)
    assert alice.pair(third).en == "Bob's text. Second."


def test_undo_conflict_names_the_pairs_number(editors) -> None:
    alice, bob = editors
    fourth = ids_of(alice)[3]
    alice.edits.set_english(fourth, "Alice's. Words.", who="alice")
    bob.edits.set_english(fourth, "Bob's. Words.", who="bob")
    with pytest.raises(EditConflict, match="pair 4 of 'doc'"):
        alice.history.undo(who="alice")
    assert alice.pair(fourth).en == "Bob's. Words."


def test_a_writer_that_cannot_get_the_lock_fails_fast_with_workspace_busy(ws_path: Path) -> None:
    with Workspace(ws_path) as setup:
        doc = setup.add_document("d")
        setup.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."])])
    holder = sqlite3.connect(ws_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Workspace(ws_path, busy_timeout_ms=50) as quick:
            pair = quick.pair(1)
            with pytest.raises(WorkspaceBusy, match="another process is writing"):
                quick.edits.set_status(1, "approved", expected_version=pair.version)
    finally:
        holder.rollback()
        holder.close()
    with Workspace(ws_path) as ws:
        assert ws.pair(1).status == "draft"


# -- history that says what changed ---------------------------------------------------------------

def history_bytes(ws: Workspace) -> int:
    return ws.conn.execute(
        "SELECT COALESCE(SUM(LENGTH(before) + LENGTH(after) + LENGTH(pair_ids)), 0) FROM history").fetchone()[0]


def test_approving_20k_pairs_logs_what_changed_not_snapshots(ws: Workspace) -> None:
    doc = ws.add_document("big")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله شماره {i} با چند واژه."], en=[f"Sentence number {i} with words."],
                                     status="review" if i % 3 else "draft") for i in range(20_000)])
    last = ws.pair(ws.conn.execute("SELECT MAX(id) FROM pairs").fetchone()[0])
    assert ws.edits.approve_through(last.id).approved == 20_000
    assert history_bytes(ws) < 1_000_000  # whole snapshots took 19.4 MB
    entry = ws.history.undo()
    assert entry is not None and len(entry.pair_ids) == 20_000
    assert ws.count_pairs(doc.id, status="draft") == 6667 and ws.count_pairs(doc.id, status="review") == 13_333
    assert history_bytes(ws) < 2_000_000
    assert ws.history.replay() == []
    ws.history.redo()
    assert ws.count_pairs(doc.id, status="approved") == 20_000


def test_a_status_entry_undoes_over_a_text_edit_but_not_over_a_status_change(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."], status="review")])
    ws.edits.set_status(1, "approved", who="alice")
    ws.edits.set_english(1, "Bob's A.", who="bob")
    ws.history.undo(who="alice")  # her approval goes; Bob's words stay
    assert (ws.pair(1).status, ws.pair(1).en) == ("review", "Bob's A.")
    ws.history.redo(who="alice")
    ws.edits.set_status(1, "rejected", who="bob")
    with pytest.raises(EditConflict):
        ws.history.undo(who="alice")
    assert ws.pair(1).status == "rejected"
    assert ws.history.replay() == []


def test_status_and_note_changes_never_rewrite_the_search_index(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A cat."], status="review") for _ in range(3)])
    statements: list[str] = []
    ws.conn.set_trace_callback(statements.append)
    ws.edits.set_status(1, "approved")
    ws.edits.approve_through(3)
    ws.history.undo()
    ws.conn.execute("UPDATE pairs SET version = version + 1, updated_at = 'x'")
    assert not [s for s in statements if "pairs_fts" in s]
    ws.edits.set_english(2, "A dog.")
    assert [s for s in statements if "pairs_fts" in s]
    ws.conn.set_trace_callback(None)
    assert [r[0] for r in ws.conn.execute("SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH 'dog'")] == [2]


# -- notes, Persian, find and replace, approving without English -----------------------------------

def test_a_note_is_kept_in_history_searchable_and_undone(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."], status="review")])
    pair = ws.edits.set_note(1, "Check the spelling of this name", "ask the client", expected_version=1)
    assert (pair.note, pair.flag, pair.version) == ("Check the spelling of this name", "ask the client", 2)
    assert [r[0] for r in ws.conn.execute("SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH 'note: spelling'")] == [1]
    assert ws.history.entries(1)[0].action == "note"
    ws.history.undo()
    assert (ws.pair(1).note, ws.pair(1).flag) == ("", "")
    assert ws.history.replay() == []


def test_correcting_the_persian_updates_its_normalized_form_and_undoes(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["او میدهد. هستهای است."], en=["He gives."], status="review")])
    ws.add_draft(1, source="او میدهد. هستهای است.", text="Draft.", engine="argos", model="m")
    pair = ws.edits.set_persian(1, "او می\u200cدهد. هسته\u200cای است.", expected_version=1)
    assert pair.fa == "او می\u200cدهد. هسته\u200cای است." and pair.n_fa == 1  # bead shape kept
    assert pair.draft is None  # the draft translated the old text
    assert ws.conn.execute("SELECT fa_norm FROM pairs WHERE id = 1").fetchone()[0] != "او میدهد. هستهای است."
    ws.history.undo()
    assert ws.pair(1).fa == "او میدهد. هستهای است." and ws.pair(1).draft == "Draft."
    with pytest.raises(WorkbenchError, match="cannot be empty"):
        ws.edits.set_persian(1, "  ")


def test_find_and_replace_previews_then_changes_in_one_undo_step(ws: Workspace) -> None:
    doc = ws.add_document("d")
    other = ws.add_document("e")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"ف {i}."], en=[f"The Kazakh visit {i}."], status="review") for i in range(3)])
    ws.insert_pairs(other.id, [NewPair(fa=["ف."], en=["A Kazakh."], status="approved")])
    preview = ws.edits.preview_replace("Kazakh", "Kazakhstan's", doc_id=doc.id)
    assert [(p.old, p.new) for p in preview][0] == ("The Kazakh visit 0.", "The Kazakhstan's visit 0.")
    assert ws.pair(1).en == "The Kazakh visit 0."  # a preview writes nothing
    changed = ws.edits.replace_english("Kazakh", "Kazakhstan's", doc_id=doc.id, seen={p.pair_id: p.version for p in preview})
    assert len(changed) == 3 and ws.pair(4).en == "A Kazakh."
    assert ws.history.undo().pair_ids == changed
    assert [p.en for p in ws.pairs(doc.id)] == [f"The Kazakh visit {i}." for i in range(3)]
    ws.edits.replace_english(r"visit (\d)", r"trip \1", regex=True)
    assert ws.pair(2).en == "The Kazakh trip 1."
    with pytest.raises(WorkbenchError, match="not a valid regular expression"):
        ws.edits.preview_replace("(", "x", regex=True)


def test_replace_after_someone_changed_a_previewed_pair_is_a_conflict(editors) -> None:
    alice, bob = editors
    preview = alice.edits.preview_replace("Part", "Piece")
    bob.edits.set_english(preview[1].pair_id, "Bob's Part. Two.", who="bob")
    with pytest.raises(EditConflict, match="pair 2 of 'doc'"):
        alice.edits.replace_english("Part", "Piece", seen={p.pair_id: p.version for p in preview})
    assert all("Piece" not in p.en for p in alice.pairs())


def test_a_pair_without_english_cannot_be_approved(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."], status="review"), NewPair(fa=["ب."])])
    with pytest.raises(WorkbenchError, match="pair 2 of 'd' has no English to approve"):
        ws.edits.set_status(2, "approved")
    ws.edits.set_status(1, "approved")
    assert ws.edits.set_english(1, "").status == "draft"  # English deleted: no longer approved
    assert ws.edits.approve_through(2).approved == 0


# -- realignment ---------------------------------------------------------------------------------

def aligned_workspace(tmp_path: Path) -> Path:
    from workbench.ingest import import_file

    fa = tmp_path / "doc.fa.txt"
    en = tmp_path / "doc.en.txt"
    fa.write_text(Path("workbench/demo/putin-kazakhstan-visit.fa.txt").read_text(encoding="utf-8"), encoding="utf-8")
    en.write_text(Path("workbench/demo/putin-kazakhstan-visit.en.txt").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "ws.sqlite"
    with Workspace(path) as ws:
        import_file(ws, fa, translation=en, doc="news")
    return path


def put_english_out_of_place(ws: Workspace, doc_id: int) -> list[int]:
    """Shift the English of the first pairs down one: a realignment then has work to do. The
    document's pair ids."""
    ids = [p.id for p in ws.pairs(doc_id)]
    for pid in ids[:6]:
        if ws.pair(pid).n_en:
            ws.structure.shift_english(pid, +1)
    return ids


def lexicon_state(ws: Workspace) -> tuple[int, float]:
    return ws.conn.execute("SELECT COUNT(*), ROUND(SUM(count), 6) FROM lexicon").fetchone()


def test_aligning_an_unchanged_document_again_changes_nothing(tmp_path: Path) -> None:
    from workbench.align import realign_document

    path = aligned_workspace(tmp_path)
    with Workspace(path) as ws:
        doc = ws.document("news")
        lexicon, entries = lexicon_state(ws), ws.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
        pairs = [(p.id, p.version) for p in ws.pairs(doc.id)]
        for _ in range(3):
            assert realign_document(ws, doc.id).created == []
        assert lexicon_state(ws) == lexicon
        assert ws.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0] == entries
        assert [(p.id, p.version) for p in ws.pairs(doc.id)] == pairs


def test_an_interrupted_realignment_keeps_neither_its_learning_nor_its_pairs(tmp_path: Path, monkeypatch) -> None:
    import workbench.align.workspace as align_ws
    from workbench.align import realign_document

    path = aligned_workspace(tmp_path)
    with Workspace(path) as ws:
        doc = ws.document("news")
        ids = put_english_out_of_place(ws, doc.id)
        before = ([(p.fa, p.en) for p in ws.pairs(doc.id)], lexicon_state(ws))

        def interrupted(*_args, **_kwargs):
            raise KeyboardInterrupt

        real_learn = align_ws.learn

        def learn_then_interrupted(*args, **kwargs):
            real_learn(*args, **kwargs)
            raise KeyboardInterrupt

        for broken in ({"learn": learn_then_interrupted}, {"learn": interrupted}):
            with monkeypatch.context() as patch:
                for name, fake in broken.items():
                    patch.setattr(align_ws, name, fake)
                with pytest.raises(KeyboardInterrupt):
                    realign_document(ws, doc.id)
            assert ([(p.fa, p.en) for p in ws.pairs(doc.id)], lexicon_state(ws)) == before
        assert realign_document(ws, doc.id).created  # uninterrupted, it realigns and learns
        assert lexicon_state(ws) != before[1]


def test_a_realignment_refuses_pairs_edited_while_it_aligned(tmp_path: Path, monkeypatch) -> None:
    import workbench.align.workspace as align_ws
    from workbench.align import realign_document

    path = aligned_workspace(tmp_path)
    with Workspace(path) as ws, Workspace(path) as bob:
        doc = ws.document("news")
        ids = put_english_out_of_place(ws, doc.id)
        real = align_ws.align_sentences
        edited = []

        def align_while_bob_edits(*args, **kwargs):
            if not edited:
                edited.append(bob.edits.set_english(ids[2], "Bob's careful wording. Kept.", who="bob"))
            return real(*args, **kwargs)

        monkeypatch.setattr(align_ws, "align_sentences", align_while_bob_edits)
        with pytest.raises(EditConflict, match="pair 3 of 'news'"):
            realign_document(ws, doc.id, attempts=1)
        assert ws.pair(ids[2]).en == "Bob's careful wording. Kept."


def test_workbench_align_aligns_again_when_an_editor_saved_meanwhile(tmp_path: Path, monkeypatch) -> None:
    """`workbench align` failed whenever an editor saved a pair of the document while it
    computed; it now reads the document again and aligns what is there, Bob's words included."""
    import workbench.align.workspace as align_ws
    from workbench.align import realign_document

    path = aligned_workspace(tmp_path)
    with Workspace(path) as ws, Workspace(path) as bob:
        doc = ws.document("news")
        ids = put_english_out_of_place(ws, doc.id)
        real = align_ws.align_sentences
        calls = []

        def align_while_bob_edits(*args, **kwargs):
            if not calls:
                bob.edits.set_english(ids[2], "Bob's careful wording. Kept.", who="bob")
            calls.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(align_ws, "align_sentences", align_while_bob_edits)
        assert realign_document(ws, doc.id).created
        assert "Bob's careful wording. Kept." in " ".join(p.en for p in ws.pairs(doc.id))
        assert len(calls) > 1  # aligned again after the refused write
        assert ws.history.replay() == []


def test_the_history_of_an_old_workspace_still_undoes(ws_path: Path) -> None:
    """Entries logged before notes existed hold snapshots without them: undo still works."""
    with Workspace(ws_path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."], status="review")])
        ws.edits.set_english(1, "B.")
        before, after = (json.loads(side) for side in ws.conn.execute(
            "SELECT before, after FROM history WHERE id = 1").fetchone())
        for snap in before + after:
            del snap["pair"]["note"], snap["pair"]["flag"]
        ws.conn.execute("UPDATE history SET before = ?, after = ? WHERE id = 1",
                        [json.dumps(before), json.dumps(after)])
        ws.conn.commit()
        ws.history.undo()
        assert ws.pair(1).en == "A." and ws.history.replay() == []


def test_two_threads_saving_the_same_pair_one_wins_one_conflicts(ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."], status="review")])
    barrier = threading.Barrier(2)
    results: list[str] = []

    def save(who: str) -> None:
        with Workspace(ws_path) as mine:
            version = mine.pair(1).version
            barrier.wait()
            try:
                mine.edits.set_english(1, f"{who}'s text.", who=who, expected_version=version)
                results.append("saved")
            except EditConflict:
                results.append("conflict")

    threads = [threading.Thread(target=save, args=(w,)) for w in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "saved"]


def test_no_export_writes_an_approved_pair_without_english(ws: Workspace, tmp_path: Path) -> None:
    """A unit imported as approved without English stays a draft; an approved pair left without
    English by an older workspace is never exported as an empty line."""
    from workbench.export import export

    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف."], en=["A."], status="approved"),
                             NewPair(fa=["ب."], status="approved"), NewPair(fa=["پ."], en=["P."], status="approved")])
    assert [p.status for p in ws.pairs(doc.id)] == ["approved", "draft", "approved"]
    ws.conn.execute("UPDATE pairs SET en = '', n_en = 0 WHERE id = 3")  # as an older workspace may hold it
    ws.conn.execute("DELETE FROM spans WHERE pair_id = 3 AND lang = 'en'")
    for fmt in ("tsv", "moses", "jsonl", "tmx"):
        count, paths = export(ws, fmt, tmp_path / f"out.{fmt}")
        assert count == 1, fmt
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8") == "الف.\tA.\n"


def test_a_pair_deleted_and_restored_never_gets_back_a_version_it_had(editors) -> None:
    """Bob merges, undoes, redoes and undoes again: the next pair is deleted and restored twice.
    Alice read it in between; her save based on that read must be a conflict."""
    alice, bob = editors
    first, second, *_ = ids_of(bob)
    bob.structure.merge_with_next(first, who="bob")
    bob.history.undo(who="bob")
    seen = alice.pair(second)
    versions = {seen.version}
    bob.history.redo(who="bob")
    bob.history.undo(who="bob")
    assert bob.pair(second).version not in versions
    with pytest.raises(EditConflict, match="pair 2 of 'doc'"):
        alice.edits.set_english(second, "Alice's. Text.", who="alice", expected_version=seen.version)


def test_workbench_align_gives_up_in_one_line_when_editing_never_pauses(tmp_path: Path, monkeypatch) -> None:
    import workbench.align.workspace as align_ws
    from click.testing import CliRunner

    from workbench.cli import cli

    path = aligned_workspace(tmp_path)
    with Workspace(path) as ws, Workspace(path) as bob:
        doc = ws.document("news")
        ids = put_english_out_of_place(ws, doc.id)
        before = [(p.id, p.version) for p in ws.pairs(doc.id)]
        real = align_ws.align_sentences
        calls = []

        def align_while_bob_keeps_editing(*args, **kwargs):
            calls.append(1)
            bob.edits.set_note(ids[2], f"note {len(calls)}", who="bob")
            return real(*args, **kwargs)

        monkeypatch.setattr(align_ws, "align_sentences", align_while_bob_keeps_editing)
        result = CliRunner().invoke(cli, ["--ws", str(path), "align", "--doc", "news"])
        assert result.exit_code == 1, result.output
        assert "news: not realigned: others kept editing it while it was aligned (3 tries)" in result.output
        assert "Traceback" not in result.output
        assert [p.id for p in ws.pairs(doc.id)] == [pid for pid, _ in before]
