"""Where pairs sit in a document. ``position`` (REAL) orders a document's pairs; a new pair takes
the midpoint between two others, and when no float is left between them the whole document is
renumbered 1, 2, 3… (``renumber``: the order stays, and nothing logs it). A position read from a
history snapshot is therefore only good until the next renumbering: undo and redo put a pair back
by its neighbours (``slot``), never by the number it had."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.errors import PairGone

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace


def renumber(ws: Workspace, doc_id: int) -> None:
    """Positions 1, 2, 3… in the document's order."""
    ids = [r[0] for r in ws.conn.execute("SELECT id FROM pairs WHERE doc_id = ? ORDER BY position", [doc_id])]
    ws.conn.executemany("UPDATE pairs SET position = ? WHERE id = ?",
                        [[float(i + 1), pid] for i, pid in enumerate(ids)])


def position_of(ws: Workspace, pair_id: int | None, doc_id: int) -> float | None:
    """The pair's position, None if it is not (or no longer) a pair of this document."""
    if pair_id is None:
        return None
    row = ws.conn.execute("SELECT position FROM pairs WHERE id = ? AND doc_id = ?", [pair_id, doc_id]).fetchone()
    return row[0] if row else None


def existing_position(ws: Workspace, pair_id: int, doc_id: int) -> float:
    """The position of a pair this transaction knows is there."""
    position = position_of(ws, pair_id, doc_id)
    if position is None:
        raise PairGone("a pair of this change was merged or deleted meanwhile")
    return position


def slot(ws: Workspace, doc_id: int, *, after: int | None = None, before: int | None = None) -> float:
    """A free position right after pair ``after`` (or right before pair ``before``), renumbering
    the document when no float is left there. The anchor pair must exist."""
    for _ in range(2):
        if after is not None:
            low = position_of(ws, after, doc_id)
            high = _next_position(ws, doc_id, low, ">", "ASC")
        else:
            high = position_of(ws, before, doc_id)
            low = _next_position(ws, doc_id, high, "<", "DESC")
        if low is None and high is None:
            return 1.0
        if low is None:
            return high - 1.0 if high is not None else 1.0
        if high is None:
            return low + 1.0
        middle = (low + high) / 2
        if low < middle < high:
            return middle
        renumber(ws, doc_id)
    raise AssertionError("renumbering left no room between two pairs")


def after_last(ws: Workspace, doc_id: int) -> float:
    """A position after the document's last pair."""
    row = ws.conn.execute("SELECT MAX(position) FROM pairs WHERE doc_id = ?", [doc_id]).fetchone()
    return row[0] + 1.0 if row[0] is not None else 1.0


def _next_position(ws: Workspace, doc_id: int, position: float | None, op: str, order: str) -> float | None:
    if position is None:
        return None
    row = ws.conn.execute(f"SELECT position FROM pairs WHERE doc_id = ? AND position {op} ? "
                          f"ORDER BY position {order} LIMIT 1", [doc_id, position]).fetchone()
    return row[0] if row else None
