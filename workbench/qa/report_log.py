"""What the last QA report listed (``qa_reported``), so the next one can tell what was fixed: a
finding a report listed that the next report (of the same document and checks, or a wider one)
no longer finds is listed there once as ``fixed``, with when it was first reported. "Fixed" thus
means fixed since the last report — what a QA lead hands back to translators round after round.
Plain ``workbench qa`` runs and the review app record nothing; a report whose file could not be
written records nothing either (its fixed findings stay for the next).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.qa import Record
from workbench.store import Workspace, now

_COLUMNS = "pair_id, check_name, message, doc, pair, severity, fa, en, first_at"


def _earlier(ws: Workspace, doc: str | None, checks: Iterable[str]) -> list[tuple[Any, ...]]:
    """The log's rows in a report's scope: its document (or all) and its checks."""
    wanted = set(checks)
    rows = ws.conn.execute(f"SELECT {_COLUMNS} FROM qa_reported" + (" WHERE doc = ?" if doc else ""),
                           [doc] if doc else [])
    return [r for r in rows if r[1] in wanted]


def fixed(ws: Workspace, records: list[Record], *, doc: str | None,
          checks: Iterable[str]) -> list[tuple[Record, str]]:
    """(finding, reason) of those the last report in this scope listed that ``records`` (this
    report's) no longer hold."""
    listed = {(r.pair_id, r.check, r.message) for r in records}
    at = now()
    return [(Record(r[3], r[4], r[1], r[2], 0, r[0], r[6], r[7], r[5]), f"reported {r[8]}, no longer found {at}")
            for r in _earlier(ws, doc, checks) if (r[0], r[1], r[2]) not in listed]


def record(ws: Workspace, current: list[Record], *, doc: str | None, checks: Iterable[str]) -> None:
    """After a report is written: the log holds its findings still found (open and false
    positives) for its scope (first reported when an earlier report listed them first), in one
    transaction."""
    if ws.read_only:
        return
    with ws.write() as conn:
        earlier = _earlier(ws, doc, checks)
        first = {(r[0], r[1], r[2]): r[8] for r in earlier}
        conn.executemany("DELETE FROM qa_reported WHERE pair_id = ? AND check_name = ? AND message = ?",
                         [r[:3] for r in earlier])
        at = now()
        conn.executemany(
            f"INSERT OR REPLACE INTO qa_reported ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.pair_id, r.check, r.message, r.doc, r.pair, r.severity, r.fa, r.en,
              first.get((r.pair_id, r.check, r.message), at)) for r in current])
