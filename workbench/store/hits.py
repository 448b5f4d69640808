"""The ids of a query's pairs in document order, found once (in a worker) for a view that pages
by them: all of them, or — for a search over a big workspace — the first screenful at once.

Every hit in order takes seconds for a common word at 10M pairs (a word in 15% of the pairs:
3 s), because SQLite gathers all of the full-text index's hits before it walks the pairs.
``first_ids`` walks the pairs in document order a stretch at a time instead and asks the index
only for the stretch's rowid ranges (FTS5 seeks to a range): the first page of results in
hundredths of a second however many pairs the word is in, shown while the rest are counted.
"""

from __future__ import annotations

import bisect
import json
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from workbench.store import counts
from workbench.store.records import Pair
from workbench.store.search import Key, PairQuery, key_condition, where_sql

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

SPARSE = 10  # a search is sparse when its hits are fewer than 1 in this many of the pairs it looks among

# ``first_ids`` walks this many pairs first, twice as many each stretch after (a word found late
# in the order is reached in a few stretches), and gives up after BUDGET seconds, or after the
# first stretch if the search is sparse: the full search that follows it finds the rest.
STRETCH = 4000
BUDGET = 0.5
RUNS = 4  # rowid ranges asked of the index for a stretch (see _hits_among)


@dataclass(frozen=True)
class Head:
    """The first pairs of a search in document order. ``complete``: these are all of them (every
    pair was looked at), and ``documents`` is how many documents they are in. ``sparse``: whether
    the search has few hits, if that was counted on the way (for the full search to reuse)."""

    ids: array[int]
    complete: bool
    documents: int
    sparse: bool | None = None


def ids(ws: Workspace, query: PairQuery, *, sparse: bool | None = None) -> array[int]:
    """The ids of the query's pairs in document order (8 bytes each), for a view that pages by
    them (found once, in a worker): a search's page read by its query would re-run the match.
    ``sparse``: a head's (``Head.sparse``), not counted again."""
    return ids_and_documents(ws, query, sparse=sparse)[0]


def ids_and_documents(ws: Workspace, query: PairQuery, *, sparse: bool | None = None) -> tuple[array[int], int]:
    """``ids``, and how many documents they are in, from one pass (a second query to count the
    documents ran the full-text match again: seconds for a common word at 10M pairs)."""
    clauses, args = query.clauses()
    found: array[int] = array("q")
    documents, last = 0, None
    # Few hits among many pairs: read them by id and sort them (NOT INDEXED leaves SQLite the
    # rowid only), rather than walk every pair's (doc_id, position) entry testing each against
    # the hits (10M pairs: 1.2 s for no hit at all, 2.1 s for 79k; 0.09 s and 0.38 s by id).
    scan = " NOT INDEXED" if (_sparse(ws, query) if sparse is None else sparse) else ""
    for pair_id, doc_id in ws.conn.execute(
            f"SELECT p.id, p.doc_id FROM pairs p{scan}{where_sql(clauses)} ORDER BY p.doc_id, p.position", args):
        found.append(pair_id)
        if doc_id != last:
            documents, last = documents + 1, doc_id
    return found, documents


def _sparse(ws: Workspace, query: PairQuery) -> bool:
    """Whether the query is a search with few hits: counted on the full-text index alone, and
    only as far as the threshold (0.1 s for a word in 1.5M pairs; counting all 7M of "the" 0.6 s)."""
    if query.match is None:
        return False
    enough = counts.total(ws.conn, query.doc_id) // SPARSE
    hits = ws.conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM pairs_fts WHERE pairs_fts MATCH ? LIMIT ?)",
                           [query.match, enough]).fetchone()[0]
    return int(hits) < enough


def first_ids(ws: Workspace, query: PairQuery, want: int, *, budget: float | None = None) -> Head:
    """Up to ``want`` of the query's first pair ids in document order, walking the pairs a
    stretch at a time (see the module's note); fewer if ``budget`` seconds ran out first."""
    if query.match is None:
        raise ValueError("first_ids is for a search (a query with a full-text match)")
    scope, scope_args = PairQuery(doc_id=query.doc_id).clauses()  # the pairs walked, in index order
    rest, rest_args = replace(query, match=None).clauses()  # what a pair must be besides a hit
    found: array[int] = array("q")
    documents, last_doc = 0, None
    start: Key | None = None
    sparse: bool | None = None
    stretch, began, budget = STRETCH, time.perf_counter(), BUDGET if budget is None else budget
    while True:
        after, after_args = key_condition(query, start, ">") if start is not None else ("1", list[object]())
        rows = ws.conn.execute(f"SELECT p.id, p.doc_id, p.position FROM pairs p{where_sql(scope + [after])} "
                               f"ORDER BY p.doc_id, p.position LIMIT {stretch}", scope_args + after_args).fetchall()
        if not rows:
            return Head(found, True, documents)
        stretch_ids = [row[0] for row in rows]
        hit = _hits_among(ws, query.match, stretch_ids)
        matched = [pair_id for pair_id in stretch_ids if pair_id in hit]
        # The stretch's hits read by id and sorted (NOT INDEXED: not a walk of every pair's index entry)
        sql = (f"SELECT p.id, p.doc_id FROM pairs p NOT INDEXED"
               f"{where_sql(rest + ['p.id IN (SELECT value FROM json_each(?))'])} "
               f"ORDER BY p.doc_id, p.position LIMIT {want - len(found)}")
        for pair_id, doc_id in ws.conn.execute(sql, rest_args + [json.dumps(matched)]):
            found.append(pair_id)
            if doc_id != last_doc:
                documents, last_doc = documents + 1, doc_id
        if len(found) >= want:
            break
        if len(stretch_ids) < stretch:
            return Head(found, True, documents)  # the last stretch: every pair looked at
        if time.perf_counter() - began > budget:
            break
        if stretch == STRETCH:
            sparse = _sparse(ws, query)
            if sparse:
                break  # few hits among many pairs: all of them, read by id, come as fast
        start, stretch = (rows[-1][1], rows[-1][2]), stretch * 2
    return Head(found, False, documents, sparse)


def _hits_among(ws: Workspace, match: str, pair_ids: list[int], runs: int = RUNS) -> set[int]:
    """The ids among ``pair_ids`` that the full-text match finds, asked of the index for at
    most ``runs`` rowid ranges: a document's ids run in order, but a pair split or inserted
    later has an id far from its neighbours' (one range over both would take every hit between)."""
    ordered = sorted(pair_ids)
    gaps = sorted(range(1, len(ordered)), key=lambda i: ordered[i] - ordered[i - 1], reverse=True)
    cuts = sorted(i for i in gaps[:runs - 1] if ordered[i] - ordered[i - 1] > len(ordered))
    found: set[int] = set()
    for lo, hi in zip([0, *cuts], [*cuts, len(ordered)]):
        found.update(row[0] for row in ws.conn.execute(
            "SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ? AND rowid BETWEEN ? AND ?",
            [match, ordered[lo], ordered[hi - 1]]))
    return found


def ordinal_among(ws: Workspace, ids: Sequence[int], pair: Pair) -> int | None:
    """How many of ``ids`` (a query's pairs in document order) come before ``pair``: a binary
    search reading one pair's place a step. Counting the query again ran its full-text match
    (1 s for a common word in a 10M-pair document, on the review app's event loop). None if a
    pair of ``ids`` is gone since they were found (the caller counts instead)."""

    def place(pair_id: int) -> tuple[int, float]:
        row = ws.conn.execute("SELECT doc_id, position FROM pairs WHERE id = ?", [pair_id]).fetchone()
        if row is None:
            raise LookupError(pair_id)
        return row[0], row[1]

    try:
        return bisect.bisect_left(ids, (pair.doc_id, pair.position), key=place)
    except LookupError:
        return None
