"""What an export reads of each pair, in one query (``text_rows``: the texts alone): only the columns a record carries, and the
pair's QA cache row joined in (not a query a pair, nor a whole Pair built: both made a JSONL
export 0.3x and a TMX export 0.55x a plain query of the texts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from workbench.store.imports import VISIBLE_DOCS
from workbench.store.workspace import Workspace


class ExportRow(NamedTuple):
    id: int
    doc_id: int
    fa: str
    en: str
    status: str
    version: int
    draft: str | None
    draft_id: int | None
    engine: str | None
    model: str | None
    updated_at: str
    note: str | None
    flag: str | None
    # The pair's QA cache row (store: qa_state), all None without one or when not asked for.
    qa_version: int | None
    qa_draft_id: int | None
    qa_rev: str | None
    qa_findings: str | None


_COLUMNS = ("p.id, p.doc_id, p.fa, p.en, p.status, p.version, p.draft, p.draft_id, d.engine, d.model, "
            "p.updated_at, p.note, p.flag")


def export_rows(ws: Workspace, doc_id: int | None, *, qa_state: bool) -> Iterator[ExportRow]:
    """Every visible pair of a document (or all) in document order; ``qa_state``: with its QA
    cache row."""
    columns, source = _COLUMNS, "pairs p LEFT JOIN drafts d ON d.id = p.draft_id"
    if qa_state:
        columns += ", q.version, q.draft_id, q.rev, q.findings"
        source += " LEFT JOIN qa_state q ON q.pair_id = p.id"
    else:
        columns += ", NULL, NULL, NULL, NULL"
    where, args = _scope(doc_id)
    cursor = ws.conn.execute(f"SELECT {columns} FROM {source} WHERE {where} ORDER BY p.doc_id, p.position", args)
    make = ExportRow._make
    for row in cursor:  # not `yield from`: closing the cursor fails once ws is closed (test_hostile)
        yield make(row)


def text_rows(ws: Workspace, doc_id: int | None) -> Iterator[tuple[str, str, str]]:
    """(status, fa, en) of each visible pair in document order: what an export of the text alone
    (TSV, Moses) reads; nothing else (whole pairs made TSV export of 1M pairs 0.84x a plain query)."""
    where, args = _scope(doc_id)
    cursor = ws.conn.execute(f"SELECT p.status, p.fa, p.en FROM pairs p WHERE {where} ORDER BY p.doc_id, p.position",
                             args)
    for row in cursor:  # not `yield from`, as above
        yield row


def _scope(doc_id: int | None) -> tuple[str, list[object]]:
    """The pairs of one document, or of every visible one (not a document being imported)."""
    return ("p.doc_id = ?", [doc_id]) if doc_id is not None else (f"p.doc_id IN ({VISIBLE_DOCS})", [])
