"""What an export reads of each pair, in one query (``text_rows``: the texts alone): only the columns a record carries, and the
pair's QA cache row joined in (not a query a pair, nor a whole Pair built: both made a JSONL
export 0.3x and a TMX export 0.55x a plain query of the texts). ``rendered_blocks``: each pair
already written as TMX or JSONL by the query itself (formats/rendered.py), a block at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import NamedTuple

from workbench.formats.rendered import WHITESPACE_SQL, SqlFields
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
    where, args = _scope(doc_id)
    cursor = ws.conn.execute(f"SELECT {_columns(qa_state)} FROM {_source(qa_state)} WHERE {where} "
                             "ORDER BY p.doc_id, p.position", args)
    make = ExportRow._make
    for row in cursor:  # not `yield from`: closing the cursor fails once ws is closed (test_hostile)
        yield make(row)


def export_row(ws: Workspace, pair_id: int, *, qa_state: bool) -> ExportRow:
    """One pair as ``export_rows`` reads it (a pair ``rendered_blocks`` could not make)."""
    row = ws.conn.execute(f"SELECT {_columns(qa_state)} FROM {_source(qa_state)} WHERE p.id = ?", [pair_id]).fetchone()
    return ExportRow._make(row)


def _columns(qa_state: bool) -> str:
    return _COLUMNS + (", q.version, q.draft_id, q.rev, q.findings" if qa_state else ", NULL, NULL, NULL, NULL")


def _source(qa_state: bool) -> str:
    source = "pairs p LEFT JOIN drafts d ON d.id = p.draft_id"
    return source + " LEFT JOIN qa_state q ON q.pair_id = p.id" if qa_state else source


# The fields as formats/rendered.py's expressions read them; ``pair`` is ``places``', ``status``
# is filled in by the caller (the names a file shows), ``qa`` by ``qa_names``.
FIELDS = SqlFields(pair="row_number() OVER w", fa="p.fa", en="p.en", draft="p.draft", status="p.status",
                   engine="d.engine", model="d.model", updated_at="p.updated_at", note="p.note", flag="p.flag")


def places(ws: Workspace, doc_id: int) -> str:
    """An SQL expression of a pair's place in the document (1, 2, …) in ``rendered_blocks``: its
    position, where the document's positions are whole numbers one apart (as imported, nothing
    inserted between), else counted (a window function: it copied every row, 0.9 s a million)."""
    count, low, high, distinct, fractions = ws.conn.execute(
        "SELECT count(*), min(position), max(position), count(DISTINCT position), "
        "sum(position <> CAST(position AS INTEGER)) FROM pairs WHERE doc_id = ?", [doc_id]).fetchone()
    if count and count == distinct == high - low + 1 and not fractions:
        return f"(CAST(p.position AS INTEGER) - {int(low) - 1})"
    return FIELDS.pair


def qa_names(rev: str, names: list[str], unsure: list[int]) -> tuple[str, dict[str, object]]:
    """An SQL expression for the JSON list of a pair's QA check names from its cache row, in
    the order of ``names`` (others left out), and its parameters; NULL where the row is missing or
    stale (version, draft or revision ``rev`` changed) or the pair is in ``unsure`` (a mark may
    hide a finding; findings across pairs are added): the caller computes those. The row's check
    names are read once and each of ``names`` looked for in them (quoted: no name is found inside
    another) — not ``names`` walked once a row (twice as slow for the pairs with findings)."""
    def quoted(name: str) -> str:  # as json_quote() writes it
        return "'" + json.dumps(name, ensure_ascii=False).replace("'", "''") + "'"

    found = " || ".join(f"CASE WHEN instr(s.k, {quoted(n)}) THEN ', ' || {quoted(n)} ELSE '' END"
                        for n in names) or "''"
    sql = ("CASE WHEN q.pair_id IS NULL OR q.version <> p.version OR q.draft_id IS NOT p.draft_id OR q.rev <> :qa_rev "
           "OR p.id IN (SELECT value FROM json_each(:qa_unsure)) THEN NULL WHEN q.findings = '[]' THEN '[]' "
           f"ELSE (SELECT '[' || substr({found}, 3) || ']' FROM (SELECT group_concat(json_quote(json_extract("
           "f.value, '$[0]')), ',') AS k FROM json_each(q.findings) f) s) END")
    return sql, {"qa_rev": rev, "qa_unsure": json.dumps(unsure)}


Block = list[tuple[bytes | None, int, int]]


def rendered_blocks(ws: Workspace, doc_id: int, expr: str, wanted: list[str] | None, *, qa_state: bool,
                    place: str, params: dict[str, object], size: int) -> Iterator[Block]:
    """The document's pairs in order, ``size`` at a time, each as (made, id, place in the
    document): ``made`` is ``expr`` (an SQL expression over ``FIELDS``, its ``pair`` from
    ``places``, named ``params``) as UTF-8, b"" for a pair not in the stored statuses ``wanted``
    (None: all) or approved without English (never exported), None where ``expr`` is NULL."""
    selected = ("(:wanted IS NULL OR p.status IN (SELECT value FROM json_each(:wanted))) "
                f"AND NOT (p.status = 'approved' AND trim(p.en, {WHITESPACE_SQL}) = '')")
    cursor = ws.conn.execute(
        f"SELECT CASE WHEN {selected} THEN CAST({expr} AS BLOB) ELSE x'' END, p.id, {place} "
        f"FROM {_source(qa_state)} WHERE p.doc_id = :doc WINDOW w AS (ORDER BY p.position) ORDER BY p.position",
        {**params, "wanted": None if wanted is None else json.dumps(wanted), "doc": doc_id})
    while block := cursor.fetchmany(size):
        yield block


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
