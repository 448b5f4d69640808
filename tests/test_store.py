"""The workspace store: opening and refusing files, pairs, drafts, edits, history and undo."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from workbench.errors import EditConflict, WorkbenchError, WouldReplaceEnglish
from workbench.store import NewPair, Workspace
from workbench.store.history_state import Snapshots, from_json


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_doc(ws: Workspace, n: int = 4, status: str = "review") -> list[int]:
    doc = ws.add_document("doc")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status=status) for i in range(n)])
    return [p.id for p in ws.pairs(doc.id)]


def texts(ws: Workspace) -> list[tuple[str, str, str]]:
    return [(p.fa, p.en, p.status) for p in ws.pairs()]


# -- opening -----------------------------------------------------------------------------------

def test_new_workspace_file_uses_wal_and_foreign_keys(ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        assert ws.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ws.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with Workspace(ws_path, create=False) as ws:  # reopening applies nothing new
        assert ws.documents() == []


def test_a_new_workspace_has_large_pages_and_an_existing_one_keeps_its_own(ws_path: Path, tmp_path: Path) -> None:
    """Bigger pages: fewer system calls for an import's bulk writes (store/connection.py)."""
    from workbench.store.connection import PAGE_SIZE

    with Workspace(ws_path) as ws:
        assert ws.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 8192
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(old)  # a workspace another tool (or an older workbench) started
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE t (a)")
    conn.execute("DROP TABLE t")
    conn.close()
    with Workspace(old) as ws:
        ws.insert_pairs(ws.add_document("d").id, [NewPair(fa=["سلام."], en=["Hello."])])
        assert ws.conn.execute("PRAGMA page_size").fetchone()[0] == 4096


def test_missing_workspace_is_not_created_for_reading(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="no workspace"):
        Workspace(tmp_path / "nothing.sqlite", create=False)
    assert not (tmp_path / "nothing.sqlite").exists()


@pytest.mark.parametrize("create", [False, True])
def test_workspace_deleted_while_being_opened_is_not_recreated_empty(
    ws_path: Path, monkeypatch: pytest.MonkeyPatch, create: bool
) -> None:
    """The TUI's workers open the file while the editor may delete it: the file seen a moment
    ago must not come back as an empty one (CI caught this race once)."""
    import workbench.store.connection as connection

    Workspace(ws_path).close()
    real_connect = connection._connect

    def connect_after_deletion(path: Path, uri: str | None = None) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return real_connect(path, uri)

    monkeypatch.setattr(connection, "_connect", connect_after_deletion)
    with pytest.raises(WorkbenchError, match="cannot open workspace"):
        Workspace(ws_path, create=create)
    assert not ws_path.exists()


def test_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("this is not a database\n" * 100)
    before = digest(path)
    with pytest.raises(WorkbenchError, match="not a workbench workspace"):
        Workspace(path)
    assert digest(path) == before


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(WorkbenchError, match="not a workbench workspace"):
        Workspace(path)
    assert digest(path) == before


def test_workspace_from_newer_schema_is_refused_untouched(ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        ws.conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('workbench', 'm999_future', 'x')"
        )
        ws.conn.commit()
    before = digest(ws_path)
    with pytest.raises(WorkbenchError, match="newer workbench"):
        Workspace(ws_path)
    assert digest(ws_path) == before


def test_read_only_workspace_reads_but_refuses_writes() -> None:
    """A workspace the user may not write (file and folder read-only): status works, import
    fails in one line, the file is unchanged. Root ignores permission bits, so as root the
    commands run as the unprivileged user ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="ro-ws-"))
    path = folder / "w.sqlite"
    try:
        with Workspace(path) as ws:
            make_doc(ws)
        note = folder / "note.txt"
        note.write_text("یک جمله.\n", encoding="utf-8")
        prefix: list[str] = []
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            assert setpriv, "setpriv (util-linux) is needed to test read-only access as root"
            prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
            folder.chmod(0o755)
        else:
            path.chmod(0o444)
            folder.chmod(0o555)
        before = digest(path)
        exe = str(Path(sys.executable).parent / "workbench")
        status = subprocess.run([*prefix, exe, "status", "--ws", str(path)], capture_output=True, text=True)
        assert status.returncode == 0, status.stderr
        assert "doc" in status.stdout
        imp = subprocess.run([*prefix, exe, "import", str(note), "--ws", str(path)], capture_output=True, text=True)
        assert imp.returncode == 1
        assert imp.stderr.strip().count("\n") == 0 and "read-only" in imp.stderr
        assert "Traceback" not in imp.stderr
        assert digest(path) == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# -- pairs -------------------------------------------------------------------------------------

def test_pairs_keep_order_and_page_by_key(ws: Workspace) -> None:
    doc = ws.add_document("big")
    ws.insert_pairs(doc.id, (NewPair(fa=[f"ف{i}"]) for i in range(5000)))
    first = list(ws.pairs(doc.id, limit=100))
    rest = list(ws.pairs(doc.id, after=(doc.id, first[-1].position), limit=100))
    assert [p.fa for p in first + rest] == [f"ف{i}" for i in range(200)]
    assert ws.count_pairs(doc.id) == 5000
    assert ws.ordinal(rest[0]) == 101


def test_bead_shapes_and_sentences_are_stored(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [
        NewPair(fa=["الف.", "ب."], en=["A and B."]),
        NewPair(fa=["ج."], en=[]),
        NewPair(fa=[], en=["Extra."]),
    ])
    shapes = [p.shape for p in ws.pairs(doc.id)]
    assert shapes == ["2-1", "1-0", "0-1"]
    first = next(ws.pairs(doc.id))
    assert [s.text for s in ws.sentences(first.id, "fa")] == ["الف.", "ب."]
    assert [s.text for s in ws.document_sentences(doc.id, "en")] == ["A and B.", "Extra."]


def test_failed_transaction_leaves_nothing(ws: Workspace) -> None:
    with pytest.raises(RuntimeError):
        with ws.write():
            doc = ws.add_document("half")
            ws.insert_pairs(doc.id, [NewPair(fa=["یک"])])
            raise RuntimeError("crash")
    assert ws.documents() == []
    assert ws.count_pairs() == 0


def test_duplicate_document_name_is_refused(ws: Workspace) -> None:
    ws.add_document("a")
    with pytest.raises(WorkbenchError, match="already exists"):
        ws.add_document("a")


# -- drafts ------------------------------------------------------------------------------------

def test_draft_is_current_only_for_the_persian_it_translated(ws: Workspace) -> None:
    a, b, *_ = make_doc(ws)
    ws.add_draft(a, source=ws.pair(a).fa, text="draft A", engine="argos", model="m", qa=["numbers"])
    ws.add_draft(b, source="stale persian", text="old", engine="argos", model="m")
    pa, pb = ws.pair(a), ws.pair(b)
    assert (pa.draft, pa.engine, pa.model, pa.qa) == ("draft A", "argos", "m", ["numbers"])
    assert pb.draft is None
    merged = ws.structure.merge_with_next(a)
    assert merged.draft is None  # the Persian changed: it needs a new draft
    ws.history.undo()
    assert ws.pair(a).draft == "draft A"


# -- edits, history, undo ----------------------------------------------------------------------

def test_status_edit_undo_redo(ws: Workspace) -> None:
    a, *_ = make_doc(ws)
    assert ws.edits.set_status(a, "approved").status == "approved"
    ws.history.undo()
    assert ws.pair(a).status == "review"
    ws.history.redo()
    assert ws.pair(a).status == "approved"
    assert ws.history.redo() is None


def test_english_edit_keeps_the_bead_shape_and_undoes(ws: Workspace) -> None:
    """Appending a sentence to a 1-1 pair's English leaves it 1-1 (it translates the same
    Persian); a pair with no English yet gets the sentences typed."""
    a, *_ = make_doc(ws)
    pair = ws.edits.set_english(a, "Sentence 0. Really?")
    assert pair.en == "Sentence 0. Really?" and pair.shape == "1-1"
    assert [s.text for s in ws.sentences(a, "en")] == ["Sentence 0. Really?"]
    ws.history.undo()
    assert ws.pair(a).en == "Sentence 0." and ws.pair(a).shape == "1-1"
    doc = ws.add_document("empty side")
    ws.insert_pairs(doc.id, [NewPair(fa=["جمله."])])
    lone = next(ws.pairs(doc.id)).id
    assert ws.edits.set_english(lone, "First part. Second part.").shape == "1-2"


def test_take_draft_sets_english(ws: Workspace) -> None:
    a, *_ = make_doc(ws, status="draft")
    ws.add_draft(a, source=ws.pair(a).fa, text="Machine text.", engine="argos", model="m")
    with pytest.raises(WouldReplaceEnglish, match="pair 1 of 'doc' has English"):
        ws.edits.take_draft(a)  # English is there already (an aligned translation): never replaced unasked
    assert ws.pair(a).en == "Sentence 0."
    pair = ws.edits.take_draft(a, replace=True)
    assert pair.en == "Machine text." and pair.status == "review"
    ws.history.undo()
    assert ws.pair(a).en == "Sentence 0."


def test_take_draft_without_draft_is_a_user_error(ws: Workspace) -> None:
    a, *_ = make_doc(ws)
    with pytest.raises(WorkbenchError, match="no draft"):
        ws.edits.take_draft(a)


def test_merge_split_shift_and_their_undo(ws: Workspace) -> None:
    ids = make_doc(ws, n=3)
    original = texts(ws)
    merged = ws.structure.merge_with_next(ids[0])
    assert merged.shape == "2-2" and ws.count_pairs() == 2
    first, second = ws.structure.split(ids[0], 1, 2)
    assert (first.shape, second.shape) == ("1-2", "1-0")
    assert [p.id for p in ws.pairs()] == [ids[0], second.id, ids[2]]
    ws.structure.shift_english(ids[0], +1)
    assert [p.shape for p in ws.pairs()] == ["1-1", "1-1", "1-1"]
    assert ws.pair(second.id).en == "Sentence 1."
    for _ in range(3):
        ws.history.undo()
    assert texts(ws) == original
    assert ws.history.replay() == []


def test_split_in_the_same_place_many_times_keeps_order(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"ف{i}." for i in range(80)]), NewPair(fa=["آخر."])])
    pid = next(ws.pairs(doc.id)).id
    for _ in range(79):  # always split the first pair's last sentence off: exhausts float gaps
        n = ws.pair(pid).n_fa
        ws.structure.split(pid, n - 1, 0)
    order = [p.fa for p in ws.pairs(doc.id)]
    assert order == [f"ف{i}." for i in range(80)] + ["آخر."]


def test_structural_edit_sends_approved_pair_back_to_review(ws: Workspace) -> None:
    a, b, *_ = make_doc(ws)
    ws.edits.set_status(a, "approved")
    assert ws.structure.merge_with_next(a).status == "review"


def test_stale_version_is_a_conflict_and_changes_nothing(ws: Workspace) -> None:
    a, *_ = make_doc(ws)
    seen = ws.pair(a)
    ws.edits.set_english(a, "Someone else's text.", who="bob")
    with pytest.raises(EditConflict):
        ws.edits.set_english(a, "My text.", who="alice", expected_version=seen.version)
    assert ws.pair(a).en == "Someone else's text."


def test_undo_is_per_user_and_refuses_to_clobber_others(ws: Workspace) -> None:
    a, b, *_ = make_doc(ws)
    ws.edits.set_status(a, "approved", who="alice")
    ws.edits.set_status(b, "rejected", who="bob")
    ws.history.undo(who="alice")
    assert (ws.pair(a).status, ws.pair(b).status) == ("review", "rejected")
    ws.history.redo(who="alice")
    ws.edits.set_status(a, "rejected", who="bob")
    with pytest.raises(EditConflict):
        ws.history.undo(who="alice")
    assert ws.pair(a).status == "rejected"
    ws.edits.set_english(b, "Bob rewrote it.", who="bob")
    ws.edits.set_english(b, "Alice rewrote it.", who="alice")
    ws.edits.set_english(b, "Bob again.", who="bob")
    with pytest.raises(EditConflict):  # undoing her edit would clobber Bob's newer one
        ws.history.undo(who="alice")
    assert ws.pair(b).en == "Bob again."


def test_new_change_discards_redo(ws: Workspace) -> None:
    a, b, *_ = make_doc(ws)
    ws.edits.set_status(a, "approved")
    ws.history.undo()
    ws.edits.set_status(b, "approved")
    assert ws.history.redo() is None
    assert ws.pair(a).status == "review"


def test_approve_through_and_undo(ws: Workspace) -> None:
    ids = make_doc(ws, n=5, status="draft")
    ws.edits.set_status(ids[1], "rejected")
    assert ws.edits.approve_through(ids[3]).approved == 3
    assert [p.status for p in ws.pairs()] == ["approved", "rejected", "approved", "approved", "draft"]
    ws.history.undo()
    assert [p.status for p in ws.pairs()] == ["draft", "rejected", "draft", "draft", "draft"]


def test_replace_pairs_realigns_and_undoes(ws: Workspace) -> None:
    ids = make_doc(ws, n=4)
    doc_id = ws.pair(ids[0]).doc_id
    new = ws.structure.replace_runs(doc_id, [(ids[1:3], [NewPair(fa=["جمله 1.", "جمله 2."], en=["Sentence 1. Sentence 2."],
                                                                 status="review", confidence=0.4)])]).created
    assert [p.shape for p in ws.pairs()] == ["1-1", "2-1", "1-1"]
    assert ws.pair(new[0]).confidence == 0.4
    ws.history.undo()
    assert [p.shape for p in ws.pairs()] == ["1-1"] * 4


def test_history_records_who_and_what(ws: Workspace) -> None:
    a, *_ = make_doc(ws)
    ws.edits.set_status(a, "approved", who="alice")
    ws.edits.set_english(a, "New.", who="bob")
    entries = ws.history.entries(a)
    assert [(e.action, e.who) for e in entries] == [("edit", "bob"), ("status:approved", "alice")]
    before, after = (from_json(side) for side in ws.conn.execute(
        "SELECT before, after FROM history WHERE id = ?", [entries[0].id]).fetchone())
    assert isinstance(before, Snapshots) and isinstance(after, Snapshots)
    assert before.snaps[0].pair.en == "Sentence 0." and after.snaps[0].pair.en == "New."


def test_full_text_search_follows_edits(ws: Workspace) -> None:
    a, *_ = make_doc(ws)
    ws.edits.set_english(a, "A zebra crossed.")

    def hits(query: str) -> list[int]:
        return [r[0] for r in ws.conn.execute("SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?", [query])]

    assert hits("zebra") == [a]
    ws.history.undo()
    assert hits("zebra") == []


def test_status_counts(ws: Workspace) -> None:
    a, *_ = make_doc(ws)
    ws.edits.set_status(a, "approved")
    [(doc, counts)] = ws.status_counts()
    assert doc.name == "doc" and counts == {"draft": 0, "review": 3, "approved": 1, "rejected": 0}
