"""Each text stored once (issue 23): a pair's sentences are spans of its text (store/spans.py),
and migration m014 converts a workspace of the schema before it. ``tests/data/schema/
before_spans.sqlite`` was written by the store of commit 162f029 (``make_before_spans.py``
beside it): the bundled article aligned with its translation, a corpus, edits of every kind in
the history and one undone."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.conftest import run_workbench
from workbench.store import NewPair, Workspace
from workbench.store.maintenance import check
from workbench.store.search import count, pair_query

OLD = Path(__file__).parent / "data" / "schema" / "before_spans.sqlite"
TEXT = "putin-kazakhstan-visit"


def old_workspace(tmp_path: Path) -> tuple[Path, dict[int, list[tuple[str, int, str, int | None]]]]:
    """A copy of the old workspace and its sentences as the old schema held them, by pair."""
    path = tmp_path / "old.sqlite"
    shutil.copy(OLD, path)
    conn = sqlite3.connect(path)
    sentences: dict[int, list[tuple[str, int, str, int | None]]] = {}
    for pair_id, *row in conn.execute("SELECT pair_id, lang, ord, text, para FROM sentences ORDER BY pair_id, lang, ord"):
        sentences.setdefault(pair_id, []).append(tuple(row))  # type: ignore[arg-type]
    conn.close()
    return path, sentences


def sentences_now(ws: Workspace) -> dict[int, list[tuple[str, int, str, int | None]]]:
    ids = [r[0] for r in ws.conn.execute("SELECT id FROM pairs ORDER BY id")]
    return {pid: [(s.lang, s.ord, s.text, s.para) for s in ws.sentences(pid)] for pid in ids
            if ws.sentences(pid)}


def test_an_old_workspace_keeps_every_sentence_and_stores_its_text_once(tmp_path: Path) -> None:
    path, before = old_workspace(tmp_path)
    assert sum(len(side) for side in before.values()) > 100 and any(len(s) > 2 for s in before.values())
    with Workspace(path) as ws:
        assert sentences_now(ws) == before
        kinds = dict(ws.conn.execute("SELECT name, type FROM sqlite_master WHERE name IN ('sentences', 'spans')"))
        assert kinds == {"sentences": "view", "spans": "table"}  # the text lives in pairs only
        assert [c.name for c in check(ws) if not c.ok] == []
        assert ws.history.replay() == []


def test_an_old_workspace_undoes_redoes_searches_and_realigns_after_the_migration(tmp_path: Path) -> None:
    path, before = old_workspace(tmp_path)
    with Workspace(path) as ws:
        doc = ws.document(TEXT)
        edited = [(p.fa, p.en, p.status, p.n_fa, p.n_en) for p in ws.pairs(doc.id)]
        assert ws.history.redo(who="ed") is not None  # the entry undone before the migration
        steps = 0
        while ws.history.undo(who="ed") is not None:
            steps += 1
        assert steps == 6
        assert sentences_now(ws) != before and ws.history.replay() == []
        while ws.history.redo(who="ed") is not None:
            pass
        ws.history.undo(who="ed")
        assert [(p.fa, p.en, p.status, p.n_fa, p.n_en) for p in ws.pairs(doc.id)] == edited
        assert sentences_now(ws) == before
        assert count(ws, pair_query(ws, text="قزاقستان")) > 0 and count(ws, pair_query(ws, text="Kazakhstan")) > 0
    aligned = run_workbench("align", "--doc", TEXT, "--ws", path, cwd=tmp_path)
    assert aligned.returncode == 0, aligned.stderr
    checked = run_workbench("check", "--ws", path, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with Workspace(path) as ws:
        assert [c.name for c in check(ws) if not c.ok] == [] and ws.history.replay() == []


def test_check_finds_a_pair_whose_sentences_no_longer_cover_its_text(ws: Workspace) -> None:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف.", "ب."], en=["A.", "B."]), NewPair(fa=["پ."], en=["P."])])
    first = next(iter(ws.pairs(doc.id)))
    assert [c.name for c in check(ws) if not c.ok] == []
    assert [(s.lang, s.text) for s in ws.sentences(first.id)] == [
        ("en", "A."), ("en", "B."), ("fa", "الف."), ("fa", "ب.")]
    ws.conn.execute("UPDATE pairs SET en = 'A. B. C.' WHERE id = ?", [first.id])  # behind the store
    assert [c.name for c in check(ws) if not c.ok] == ["pair text"]
