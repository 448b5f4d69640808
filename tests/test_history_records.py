"""History entries are typed records (store/history_state.py) with one (de)serialisation; the
entries a workspace already holds, written before the records were typed, still read, undo,
redo and replay. ``tests/data/history/before_typed_records.sqlite`` was written by the store of
commit 8de5c7a (``make_before_typed_records.py`` beside it): an edit, a status, a note, a merge,
a split and a drafting batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from workbench.store import Workspace
from workbench.store.history_state import Drafts, Fields, Snapshots, from_json, to_json
from workbench.store.maintenance import check

OLD = Path(__file__).parent / "data" / "history" / "before_typed_records.sqlite"


def old_workspace(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    shutil.copy(OLD, path)
    return path


def test_every_old_entry_reads_as_a_typed_record_and_writes_back_the_same(tmp_path: Path) -> None:
    with Workspace(old_workspace(tmp_path)) as ws:
        rows = ws.conn.execute("SELECT action, before, after FROM history ORDER BY id").fetchall()
    kinds = []
    for action, *sides in rows:
        states = [from_json(side) for side in sides]
        kinds.append((action, type(states[1]).__name__))
        for side, state in zip(sides, states):
            assert json.loads(to_json(state)) == json.loads(side)  # old readers read what we write
    assert kinds == [("edit", "Snapshots"), ("status:approved", "Fields"), ("note", "Fields"),
                     ("merge", "Snapshots"), ("split", "Snapshots"), ("draft", "Drafts")]


def test_an_old_workspace_undoes_and_redoes_its_whole_history(tmp_path: Path) -> None:
    with Workspace(old_workspace(tmp_path)) as ws:
        doc = ws.document("old")
        assert ws.history.replay() == []
        edited = [(p.fa, p.en, p.status, p.note, p.draft) for p in ws.pairs(doc.id)]
        steps = 0
        while ws.history.undo(who="ed") is not None:
            steps += 1
        assert steps == 6
        assert [(p.fa, p.en, p.status, p.note) for p in ws.pairs(doc.id)] == (
            [("الف. ب.", "A. B.", "review", "")] + [(f"جمله {i}.", f"Sentence {i}.", "review", "") for i in range(2, 6)])
        assert ws.conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0] == 0
        while ws.history.redo(who="ed") is not None:
            pass
        assert [(p.fa, p.en, p.status, p.note, p.draft) for p in ws.pairs(doc.id)] == edited
        assert ws.history.replay() == []
        assert [c.name for c in check(ws) if not c.ok] == []


def test_new_entries_are_logged_in_the_format_old_entries_have(tmp_path: Path) -> None:
    """One workspace holds entries of both: what a change logs now is the JSON it always was."""
    with Workspace(old_workspace(tmp_path)) as ws:
        doc = ws.document("old")
        first = next(ws.pairs(doc.id))
        ws.edits.set_status(first.id, "rejected", who="ed")
        ws.edits.set_english(first.id, "A, again.", who="ed")
        status, edit = ws.conn.execute("SELECT before, after FROM history ORDER BY id DESC LIMIT 2").fetchall()[::-1]
        assert json.loads(status[0]) == {"fields": ["status"], "groups": [[["review"], [first.id]]]}
        snap = json.loads(edit[1])[0]
        assert sorted(snap) == ["drafts", "next", "pair", "prev", "sentences"]
        assert isinstance(from_json(edit[1]), Snapshots) and isinstance(from_json(status[0]), Fields)
        assert isinstance(from_json('{"drafts": []}'), Drafts)
