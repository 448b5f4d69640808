"""Issue 23 at ten million pairs: what is done to one small document costs what that document
holds, not what the rest of the workspace holds. Measured as SQLite virtual-machine steps (a
progress handler's ticks: the rows a statement reads), never as time: the same small document
beside a few other pairs and beside thousands."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from workbench.qa.consistency import document_consistency
from workbench.store import NewPair, Workspace, hits, numbering, search

TICK = 100  # VM instructions a tick


def vm_ticks(ws: Workspace, work: Callable[[], object]) -> int:
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 0

    ws.conn.set_progress_handler(tick, TICK)
    try:
        work()
    finally:
        ws.conn.set_progress_handler(None, 0)
    return ticks


def workspace(path: Path, rest: int) -> tuple[Workspace, int]:
    """A 10-pair text document under review (one pair approved elsewhere with other English),
    beside ``rest`` approved pairs of another document."""
    ws = Workspace(path)
    other = ws.add_document("rest")
    ws.insert_pairs(other.id, [NewPair(fa=[f"جملهٔ دیگر شمارهٔ {i}."], en=[f"Another sentence number {i}."],
                                       status="approved") for i in range(rest)]
                    + [NewPair(fa=["سلام دنیا."], en=["Hello, world."], status="approved")])
    small = ws.add_document("small")
    ws.insert_pairs(small.id, [NewPair(fa=["سلام دنیا."], en=["Hi, world."], status="review")]
                    + [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(9)])
    return ws, small.id


def test_a_small_documents_consistency_check_reads_only_the_approved_pairs_it_shares_text_with(
        tmp_path: Path) -> None:
    """It grouped every approved pair of the workspace (10M approved pairs: minutes for `qa
    --doc` of a 200-pair document)."""
    ticks = {}
    for rest in (10, 3000):
        ws, doc_id = workspace(tmp_path / f"rest-{rest}.sqlite", rest)
        with ws:
            found = document_consistency(ws, doc_id)
            assert [f.message for fs in found.values() for f in fs] == [
                "the same Persian is approved elsewhere as 'Hello, world.'"]
            ticks[rest] = vm_ticks(ws, lambda: document_consistency(ws, doc_id))
    assert ticks[3000] <= ticks[10] * 1.2 + 5, ticks


def test_with_nothing_approved_the_consistency_check_reads_no_pair(tmp_path: Path) -> None:
    """A corpus just imported (every pair in review) has no approved rendering to depart from:
    the check joined every pair with the (empty) groups all the same, 1.2 s of a 1M-pair JSONL
    export's 9 s, and of `qa`."""
    ticks = {}
    for size in (10, 3000):
        ws = Workspace(tmp_path / f"review-{size}.sqlite")
        with ws:
            doc = ws.add_document("corpus")
            ws.insert_pairs(doc.id, [NewPair(fa=["سلام دنیا."], en=[f"Hello {i}."], status="review")
                                     for i in range(size)])
            for scope in (None, doc.id):
                assert document_consistency(ws, scope) == {}
                ticks[size, scope] = vm_ticks(ws, lambda: document_consistency(ws, scope))
    assert ticks[3000, None] <= ticks[10, None] + 1 and ticks[3000, doc.id] <= ticks[10, doc.id] + 1, ticks


def test_opening_a_big_document_without_drafts_does_not_walk_its_pairs(tmp_path: Path) -> None:
    """Whether the draft column is shown: the join of a document's pairs with the drafts walked
    all 10M pairs of an imported corpus on the event loop (0.78 s of the app's first frame)."""
    ticks = {}
    for size in (10, 3000):
        ws, _ = workspace(tmp_path / f"rest-{size}.sqlite", size)
        with ws:
            rest = ws.document("rest").id
            assert not search.has_drafts(ws, rest)
            ticks[size] = vm_ticks(ws, lambda: search.has_drafts(ws, rest))
    assert ticks[3000] <= ticks[10] + 1, ticks


def test_qa_workers_read_their_chunk_by_id_not_by_walking_every_pair(tmp_path: Path) -> None:
    """`qa` (and a JSONL export with the QA cache empty) checks big runs in worker processes, a
    chunk of pair ids each: read in document order, SQLite walked every visible pair's index
    entry for each chunk (a 100k-pair document in a 10M-pair workspace: 211 s against 51 s alone)."""
    from workbench.qa.checker import QaChecker
    from workbench.qa.parallel import chunk_findings

    ticks = {}
    for rest in (10, 3000):
        ws, _ = workspace(tmp_path / f"rest-{rest}.sqlite", rest)
        with ws:
            doc = ws.add_document("chunk")
            ws.insert_pairs(doc.id, [NewPair(fa=[f"متن شمارهٔ {i}."], en=[f"Text number {i}."], status="review")
                                     for i in range(100)])
            ids = [p.id for p in ws.pairs(doc.id)]
            checker = QaChecker(ws)
            assert [pid for pid, _ in chunk_findings(ws, checker, ids)] == ids
            ticks[rest] = vm_ticks(ws, lambda: chunk_findings(ws, checker, ids))
    assert ticks[3000] <= ticks[10] * 1.2 + 5, ticks


def scans(ws: Workspace, work: Callable[[], object]) -> list[str]:
    """The query-plan steps of ``work``'s statements that walk the pairs table or one of its
    indexes whole (a walk of the few documents is fine)."""
    statements: list[str] = []
    ws.conn.set_trace_callback(statements.append)
    try:
        work()
    finally:
        ws.conn.set_trace_callback(None)
    return [step[3] for sql in statements for step in ws.conn.execute(f"EXPLAIN QUERY PLAN {sql}")
            if re.match(r"SCAN (pairs|p)\b", step[3])]


def test_the_number_column_of_a_workspace_search_is_sized_without_counting_every_pair(tmp_path: Path) -> None:
    """The review app sizes a workspace-wide search's number column on the event loop: it
    counted all pairs there (10M: ~0.8 s frozen before the first page of results; now the kept
    counts answer). A count is one VM step however many rows it reads, hence the plan here."""
    ws, _ = workspace(tmp_path / "rest.sqlite", 300)
    with ws:
        query = search.pair_query(ws, text="world")
        assert numbering.largest_number(ws, query) >= 301  # no document has more pairs
        assert scans(ws, lambda: numbering.largest_number(ws, query)) == []


def test_a_search_with_few_hits_reads_them_by_id_not_every_pairs_index_entry(tmp_path: Path) -> None:
    """Walking the (doc_id, position) index of every pair testing each against the hits costs
    the workspace (10M pairs: 1.2 s for a word found nowhere); few hits are read by id and
    sorted. Many hits still walk the index (sorting 1.5M hits by id was slower). Same ids either way."""
    ws, _ = workspace(tmp_path / "rest.sqlite", 300)
    with ws:
        for text, plan_reads_by_id in (("world", True), ("sentence", False)):
            query = search.pair_query(ws, text=text)
            statements: list[str] = []
            ws.conn.set_trace_callback(statements.append)
            found, documents = hits.ids_and_documents(ws, query)
            ws.conn.set_trace_callback(None)
            walked = [r[0] for r in ws.conn.execute(
                f"SELECT p.id FROM pairs p WHERE {' AND '.join(query.clauses()[0])} ORDER BY p.doc_id, p.position",
                query.clauses()[1])]
            assert list(found) == walked and documents == len({ws.pair(i).doc_id for i in walked})
            read = next(s for s in statements if s.startswith("SELECT p.id, p.doc_id"))
            plan = [step[3] for step in ws.conn.execute(f"EXPLAIN QUERY PLAN {read}")]
            assert any("pairs_doc_position" in step for step in plan) != plan_reads_by_id, plan


def test_the_next_pair_needing_review_in_a_document_with_none_is_known_without_walking_it(tmp_path: Path) -> None:
    """The app opens on the first pair needing review, `n` goes to the next: in a document with
    none (all approved) that walked every pair (10M: ~13 s at 0.13 s a 100k); the kept counts know."""
    ticks = {}
    for rest in (10, 3000):
        ws, _ = workspace(tmp_path / f"rest-{rest}.sqlite", rest)
        with ws:
            done = search.PairQuery(doc_id=ws.document("rest").id)
            assert search.find_next(ws, done, None, "review") is None
            assert search.find_next(ws, search.PairQuery(), None, "review") is not None  # the small one's
            ticks[rest] = vm_ticks(ws, lambda: search.find_next(ws, done, None, "review"))
    assert ticks[3000] <= ticks[10] + 1, ticks
