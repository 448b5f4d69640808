"""Reading pairs and drafts: the columns every pair query selects, and a row into its record."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from workbench.store.records import Draft, Pair

PAIR_COLUMNS = (
    "p.id, p.doc_id, p.position, p.fa, p.en, p.status, p.version, p.confidence, p.draft, "
    "p.draft_id, d.engine, d.model, d.qa, p.chrf, p.updated_at, p.updated_by, p.n_fa, p.n_en, p.note, p.flag"
)
PAIR_FROM = "pairs p LEFT JOIN drafts d ON d.id = p.draft_id"
Row = sqlite3.Row | tuple[Any, ...]  # sqlite3's rows: values of the columns selected


def inserted(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added."""
    if cur.lastrowid is None:
        raise RuntimeError("no row was inserted")
    return cur.lastrowid


def pair_from_row(row: Row) -> Pair:
    """A row of ``SELECT {PAIR_COLUMNS} FROM {PAIR_FROM}`` as a Pair."""
    qa = json.loads(row[12]) if row[12] else []
    return Pair(
        id=row[0], doc_id=row[1], position=row[2], fa=row[3], en=row[4], status=row[5],
        version=row[6], confidence=row[7], draft=row[8], draft_id=row[9], engine=row[10],
        model=row[11], qa=qa, chrf=row[13], updated_at=row[14], updated_by=row[15],
        n_fa=row[16], n_en=row[17], note=row[18], flag=row[19],
    )


def draft_from_row(row: Row) -> Draft:
    return Draft(
        id=row[0], pair_id=row[1], source=row[2], text=row[3], engine=row[4], model=row[5],
        model_version=row[6], params=json.loads(row[7]), qa=json.loads(row[8]), created_at=row[9],
    )
