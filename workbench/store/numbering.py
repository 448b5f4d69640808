"""Pair numbers in a document (1-based, as the table and the exports count them), for pages of
results and previews, counted on the (doc_id, position) index rather than stored: numbers
change with every merge or split."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from workbench.store import counts
from workbench.store.records import Pair

if TYPE_CHECKING:
    from workbench.store.search import PairQuery
    from workbench.store.workspace import Workspace

Numbered = tuple[int, float, int]  # (doc_id, position, number) of a pair whose number is known


def numbers(ws: Workspace, pairs: Iterable[Pair], *, start: Numbered | None = None) -> dict[int, int]:
    """Each pair's number in its document (1-based, as the table and the exports count), for a
    page of results: one count from the document's start (or from ``start``, a pair before them
    whose number is known: the previous page's last) to the first pair, then the few rows
    between one result and the next (all on the (doc_id, position) index)."""
    return _numbers(ws, [(p.id, p.doc_id, p.position) for p in pairs], start)


def numbers_of(ws: Workspace, pair_ids: Iterable[int]) -> dict[int, int]:
    """``numbers`` for pairs known by id (a find-and-replace preview)."""
    rows = ws.conn.execute("SELECT id, doc_id, position FROM pairs WHERE id IN (SELECT value FROM json_each(?))",
                           [json.dumps(list(pair_ids))]).fetchall()
    return _numbers(ws, [tuple(row) for row in rows])


def _numbers(ws: Workspace, keys: list[tuple[int, int, float]], start: Numbered | None = None) -> dict[int, int]:
    found: dict[int, int] = {}
    last = start  # the previous pair with a known number
    for pair_id, doc_id, position in sorted(keys, key=lambda k: (k[1], k[2])):
        if last is not None and last[0] == doc_id and last[1] <= position:
            between = ws.conn.execute(
                "SELECT COUNT(*) FROM pairs WHERE doc_id = ? AND position > ? AND position <= ?",
                [doc_id, last[1], position]).fetchone()[0]
            number = last[2] + between
        else:
            number = ws.conn.execute("SELECT COUNT(*) FROM pairs WHERE doc_id = ? AND position <= ?",
                                     [doc_id, position]).fetchone()[0]
        found[pair_id] = number
        last = (doc_id, position, number)
    return found


def largest_number(ws: Workspace, query: PairQuery) -> int:
    """An upper bound of the numbers ``numbers`` gives for the query's pairs: how many pairs
    its document has (all pairs, for a query over the workspace)."""
    return counts.total(ws.conn, query.doc_id)  # kept counts: no scan of a big document
