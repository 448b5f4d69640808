"""Pairs per document and status are kept as they change (store/counts.py, issue 23): `status`,
the documents screen and the review app's row count read a few rows instead of counting a whole
document (0.8-2.3 s for ten million pairs). The kept numbers must equal a count after every kind
of write, and reading them must not grow with the pairs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from workbench.store import NewPair, Workspace, counts, imports  # noqa: F401
from workbench.store.maintenance import check
from workbench.store.search import count, pair_query

OLD = Path(__file__).parent / "data" / "schema" / "before_spans.sqlite"


def counted(ws: Workspace) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for doc_id, status, n in ws.conn.execute("SELECT doc_id, status, COUNT(*) FROM pairs WHERE doc_id IN "
                                             "(SELECT id FROM documents WHERE importing IS NULL) GROUP BY 1, 2"):
        found.setdefault(doc_id, {})[status] = n
    return found


def in_step(ws: Workspace) -> bool:
    return counts.differences(ws.conn) == [] and counts.by_document(ws.conn) == counted(ws)


def test_the_counts_follow_every_kind_of_write(ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        corpus = imports.import_pairs(ws, "corpus", (NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review")
                                                     for i in range(3000)), kind="corpus", source=None, who="me")
        assert counts.by_document(ws.conn) == {corpus.document.id: {"review": 3000}} and in_step(ws)
        doc = ws.add_document("text")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"یک {i}.", f"دو {i}."], en=[f"One {i}."]) for i in range(10)])
        ids = [p.id for p in ws.pairs(doc.id)]
        assert in_step(ws)
        steps = [
            lambda: ws.edits.set_status(ids[0], "rejected"),
            lambda: ws.edits.set_english(ids[1], "Changed."),
            lambda: ws.edits.approve(ids[1]),
            lambda: ws.edits.approve_through(ids[5]),
            lambda: ws.structure.merge_with_next(ids[6]),
            lambda: ws.structure.split(ids[8], 1, 0),
            lambda: ws.structure.shift_english(ids[2], 1),
            lambda: ws.history.undo(),
            lambda: ws.history.undo(),
            lambda: ws.history.redo(),
        ]
        for number, step in enumerate(steps):
            step()
            assert in_step(ws), number
        assert ws.count_pairs(doc.id, status="approved") == counted(ws)[doc.id].get("approved", 0) > 0

        def broken():  # type: ignore[no-untyped-def]
            for i in range(2500):
                yield NewPair(fa=[f"ناقص {i}."], en=[f"Broken {i}."])
            raise ValueError("the file ends badly")

        with pytest.raises(ValueError):  # an import that fails after some transactions: counted nowhere
            imports.import_pairs(ws, "broken", broken(), kind="corpus", source=None, who="me")
        assert in_step(ws) and len(counts.by_document(ws.conn)) == 2


def test_reading_the_counts_does_not_grow_with_the_pairs(ws_path: Path) -> None:
    """SQLite's progress handler counts the virtual machine's steps: `status`, a document's count
    and the review app's unfiltered count read a few rows whatever the size (they read every
    pair's index entry before)."""
    with Workspace(ws_path) as ws:
        doc = imports.import_pairs(ws, "big", (NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}{' seven' * (i % 10 == 7)}."],
                                                       status="review") for i in range(20_000)), kind="corpus", source=None, who="me").document
        ticks = [0]

        def tick() -> int:
            ticks[0] += 1
            return 0

        ws.conn.set_progress_handler(tick, 100)
        assert ws.status_counts()[0][1]["review"] == 20_000
        assert ws.count_pairs(doc.id) == ws.count_pairs() == ws.count_pairs(doc.id, status=["review", "new"]) == 20_000
        assert count(ws, pair_query(ws, doc_id=doc.id)) == count(ws, pair_query(ws, status=["review"])) == 20_000
        ws.conn.set_progress_handler(None, 0)
        assert ticks[0] < 20  # 100 steps each: counting 20,000 index entries takes thousands
        assert count(ws, pair_query(ws, doc_id=doc.id, text="seven")) == 2_000  # a search still counts its matches


def test_an_older_workspace_is_counted_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(OLD, path)
    with Workspace(path) as ws:
        assert counts.by_document(ws.conn) == counted(ws) != {}


def test_check_recounts_numbers_that_went_wrong(ws_path: Path, tmp_path: Path) -> None:
    """A tool that writes pairs with the triggers dropped leaves the numbers wrong: `workbench
    check` says so and counts again."""
    with Workspace(ws_path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=["یک."], en=["One."], status="review")] * 3)
    conn = sqlite3.connect(ws_path)
    conn.execute("UPDATE pair_counts SET n = 7")
    conn.commit()
    conn.close()
    result = run_workbench("check", "--ws", ws_path, cwd=tmp_path)
    assert result.returncode == 0
    assert "pair counts: recounted: 1 were wrong (review of document 1: 7 kept, 3 counted)" in result.stdout
    with Workspace(ws_path) as ws:
        assert in_step(ws) and [c.detail for c in check(ws) if c.name == "pair counts"] == ["match the pairs"]
