"""Pairs per document and status, kept as they change (issue 23: ten million pairs).

Counting a document's pairs read its whole index: 0.8 s for ten million pairs with the pages in
memory, over 2 s from disk — and `status`, the documents screen and the review app's row count
all count. ``pair_counts`` holds the numbers instead, kept by triggers on ``pairs`` for every
write (edits, merges, splits, deletes, undo and redo alike), so reading them costs a few rows.

Hidden documents (being imported, store/imports.py) are left to their importer: a trigger that
looked up and bumped a count for each of a million new rows would slow the import, so the
importer adds each transaction's counts, counted as its pairs were prepared (``add_counted``), and rows removed with
an unfinished import were never counted. ``workbench check`` recounts and says so if the numbers
ever differ (a tool writing pairs with the triggers dropped, an importer of an older version).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from workbench.store.records import HIDDEN_DOCS, VISIBLE_DOCS

# The document is visible: its pairs are counted by the triggers (a hidden one's by its importer).
_VISIBLE = "(SELECT importing FROM documents WHERE id = {side}.doc_id) IS NULL"
_ADD = ("INSERT INTO pair_counts (doc_id, status, n) VALUES ({side}.doc_id, {side}.status, 1) "
        "ON CONFLICT (doc_id, status) DO UPDATE SET n = n + 1;")
_TAKE = "UPDATE pair_counts SET n = n - 1 WHERE doc_id = {side}.doc_id AND status = {side}.status;"

SCHEMA = f"""
CREATE TABLE pair_counts (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (doc_id, status)
) WITHOUT ROWID;
CREATE TRIGGER pair_counts_ai AFTER INSERT ON pairs WHEN {_VISIBLE.format(side='new')} BEGIN
    {_ADD.format(side='new')}
END;
CREATE TRIGGER pair_counts_ad AFTER DELETE ON pairs WHEN {_VISIBLE.format(side='old')} BEGIN
    {_TAKE.format(side='old')}
END;
CREATE TRIGGER pair_counts_au AFTER UPDATE OF doc_id, status ON pairs
WHEN (old.doc_id IS NOT new.doc_id OR old.status IS NOT new.status) AND {_VISIBLE.format(side='new')} BEGIN
    {_TAKE.format(side='old')}
    {_ADD.format(side='new')}
END;
"""

_COUNTED = f"SELECT doc_id, status, COUNT(*) FROM pairs WHERE doc_id IN ({VISIBLE_DOCS}) GROUP BY doc_id, status"


def recount(conn: sqlite3.Connection) -> None:
    """Count every visible document's pairs afresh (the migration that brought the table; a repair)."""
    conn.execute(f"DELETE FROM pair_counts WHERE doc_id NOT IN ({HIDDEN_DOCS})")  # visible, or gone
    conn.execute(f"INSERT INTO pair_counts (doc_id, status, n) {_COUNTED}")


def differences(conn: sqlite3.Connection) -> list[tuple[int, str, int, int]]:
    """(document id, status, kept, counted) wherever the kept number is wrong."""
    kept = {(d, s): n for d, s, n in conn.execute(f"SELECT doc_id, status, n FROM pair_counts WHERE doc_id NOT IN ({HIDDEN_DOCS})")}
    counted = {(d, s): n for d, s, n in conn.execute(_COUNTED)}
    return [(d, s, kept.get((d, s), 0), counted.get((d, s), 0)) for d, s in sorted(kept.keys() | counted.keys())
            if kept.get((d, s), 0) != counted.get((d, s), 0)]


def add_counted(conn: sqlite3.Connection, doc_id: int, statuses: dict[str, int]) -> None:
    """The importer's share: the pairs by status it has just stored into its hidden document,
    counted as they were prepared (no second pass over the staged rows), in the same transaction."""
    conn.executemany("INSERT INTO pair_counts (doc_id, status, n) VALUES (?, ?, ?) "
                     "ON CONFLICT (doc_id, status) DO UPDATE SET n = n + excluded.n",
                     [(doc_id, status, n) for status, n in statuses.items() if n])


def by_document(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for doc_id, status, n in conn.execute("SELECT doc_id, status, n FROM pair_counts WHERE n != 0"):
        counts.setdefault(doc_id, {})[status] = n
    return counts


def total(conn: sqlite3.Connection, doc_id: int | None, statuses: Iterable[str] | None = None) -> int:
    """Pairs of the document (or of every visible one), of the given statuses (or any)."""
    sql, args = "SELECT COALESCE(SUM(n), 0) FROM pair_counts WHERE ", list[object]()
    if doc_id is None:
        sql += f"doc_id IN ({VISIBLE_DOCS})"
    else:
        sql, args = sql + "doc_id = ?", [doc_id]
    if statuses is not None:
        wanted = list(statuses)
        sql += f" AND status IN ({','.join('?' * len(wanted))})"
        args += wanted
    return int(conn.execute(sql, args).fetchone()[0])
