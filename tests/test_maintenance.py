"""`workbench check` and `workbench backup`."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.conftest import damage
from workbench.store import NewPair, Workspace


def build(path: Path, n: int = 50) -> list[int]:
    with Workspace(path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(n)])
        ids = [p.id for p in ws.pairs()]
        ws.edits.set_status(ids[0], "approved", who="alice")
        ws.structure.merge_with_next(ids[1], who="alice")
        ws.history.undo(who="alice")
        return ids


def test_check_passes_on_a_healthy_workspace(cli, ws_path: Path) -> None:
    build(ws_path)
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.stdout
    assert "history replay" in result.stdout


def test_check_finds_text_edited_behind_the_stores_back(cli, ws_path: Path) -> None:
    ids = build(ws_path)
    conn = sqlite3.connect(ws_path)
    # ids[1] was merged and unmerged: history holds its text (ids[0]'s approval logged the status only)
    conn.execute("UPDATE pairs SET en = 'tampered' WHERE id = ?", [ids[1]])
    conn.commit()
    conn.close()
    result = cli("check")
    assert result.exit_code == 1
    assert "FAIL  pair text" in result.stdout
    assert "FAIL  history replay" in result.stdout
    assert result.stderr.startswith("workbench: error:") and "checks failed" in result.stderr


def test_check_of_a_read_only_workspace_still_finds_a_missing_index_entry(ws_path: Path) -> None:
    """Read-only, FTS5's own check (an INSERT) cannot run; the fallback compares index entries."""
    from workbench.store.maintenance import check

    ids = build(ws_path)
    for broken in (False, True):
        if broken:
            conn = sqlite3.connect(ws_path)
            conn.execute("DELETE FROM pairs_fts_docsize WHERE id = ?", [ids[3]])
            conn.commit()
            conn.close()
        with Workspace(ws_path) as ws:
            ws.conn.execute("PRAGMA query_only = ON")  # what opening a read-only file sets
            ws.read_only = True
            index = next(c for c in check(ws) if c.name == "search index")
        assert index.ok is not broken, index.detail


def test_backup_while_another_editor_writes(cli, ws_path: Path, tmp_path: Path) -> None:
    ids = build(ws_path, n=400)
    stop = threading.Event()

    def editor() -> None:
        with Workspace(ws_path) as ws:
            i = 0
            while not stop.is_set():
                pid = ids[2 + i % 300]
                ws.edits.set_english(pid, f"Edited {i}.", who="bob")
                i += 1

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        target = tmp_path / "copy.sqlite"
        result = cli("backup", target)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    copy_check = cli("check", "--ws", target)
    assert copy_check.exit_code == 0, copy_check.output
    with Workspace(target) as copy:
        assert copy.count_pairs() == 400


def test_backup_refuses_to_overwrite_the_workspace(cli, ws_path: Path) -> None:
    build(ws_path)
    result = cli("backup", ws_path)
    assert result.exit_code == 1 and "would overwrite the workspace" in result.stderr


def test_check_reports_a_damaged_workspace_instead_of_stopping(cli, ws_path: Path) -> None:
    """Damaged pages made `check` itself stop at its first query with "workspace error: database
    disk image is malformed", naming neither the file nor what is wrong."""
    build(ws_path, n=3000)
    damage(ws_path)
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"workbench: error: {ws_path}: "), result.stderr
    assert "damaged" in lines[0] or ("FAIL  integrity" in result.stdout and "checks failed" in lines[0])
