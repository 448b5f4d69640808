"""What a workspace keeps of a document imported from XLIFF (docs/xliff.md): the file, and each
pair's segment as imported (tables ``xliff_files``, ``xliff_segments``: schema m012). The file fixes
the structure: merge, split, shift and realignment are refused here, at the store, so the CLI and
the app both refuse them. An English→Persian file's English is its source: read-only."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.formats.xliff import EN_FA, Segment

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace


@dataclass(frozen=True)
class XliffDocument:
    doc_id: int
    version: str
    direction: str
    data: bytes


@dataclass(frozen=True)
class Baseline:
    """A pair's segment as it was imported, and the pair now."""

    pair_id: int
    ord: int
    codes: dict[str, dict[str, str]]
    then: tuple[str, str, str, str]  # fa, en, status, note as imported
    now: tuple[str, str, str, str]


def stage(conn: sqlite3.Connection, segments: Sequence[Segment]) -> None:
    """Before the import: the segments that become pairs, in order, in a temp table (no lock on
    the workspace), so the import's last transaction stores them in one statement (``save``)."""
    conn.execute("DROP TABLE IF EXISTS temp.xliff_stage")
    conn.execute("CREATE TEMP TABLE xliff_stage (rn INTEGER PRIMARY KEY, ord, unit_id, segment_id, state, codes)")
    conn.executemany("INSERT INTO temp.xliff_stage VALUES (?, ?, ?, ?, ?, ?)",
                     [(n, s.ord, s.unit_id, s.segment_id, s.state, json.dumps(s.codes))
                      for n, s in enumerate(segments, 1)])
    conn.commit()  # temp tables only: takes no lock


def unstage(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.xliff_stage")
    conn.commit()


def save(conn: sqlite3.Connection, doc_id: int, version: str, direction: str, data: bytes, count: int) -> None:
    """Inside the import's last transaction: the file, and the staged segments beside the
    document's pairs, the n-th segment with the n-th pair (one pair a segment, ``count`` of them)."""
    conn.execute("INSERT INTO xliff_files (doc_id, version, direction, original) VALUES (?, ?, ?, ?)",
                 [doc_id, version, direction, data])
    stored = conn.execute(
        "INSERT INTO xliff_segments (pair_id, doc_id, ord, unit_id, segment_id, state, fa, en, status, note, codes) "
        "SELECT p.id, p.doc_id, s.ord, s.unit_id, s.segment_id, s.state, p.fa, p.en, p.status, p.note, s.codes "
        "FROM (SELECT id, doc_id, fa, en, status, note, row_number() OVER (ORDER BY position) AS rn "
        "      FROM pairs WHERE doc_id = ?) p JOIN temp.xliff_stage s ON s.rn = p.rn", [doc_id]).rowcount
    if stored != count:  # never: one pair a segment
        raise WorkbenchError(f"XLIFF import stored {stored} segments for {count} pairs")


def document(ws: Workspace, doc_id: int) -> XliffDocument | None:
    row = ws.conn.execute("SELECT version, direction, original FROM xliff_files WHERE doc_id = ?",
                          [doc_id]).fetchone()
    return XliffDocument(doc_id, row[0], row[1], bytes(row[2])) if row else None


def imported(ws: Workspace, doc_id: int) -> Iterator[Baseline]:
    """The document's segments in file order, each as imported and as its pair is now."""
    for row in ws.conn.execute(
        "SELECT x.pair_id, x.ord, x.codes, x.fa, x.en, x.status, x.note, p.fa, p.en, p.status, p.note "
        "FROM xliff_segments x JOIN pairs p ON p.id = x.pair_id WHERE x.doc_id = ? ORDER BY x.ord", [doc_id]
    ):
        yield Baseline(row[0], row[1], json.loads(row[2]), tuple(row[3:7]), tuple(row[7:11]))


def refuse_structure(conn: sqlite3.Connection, doc_id: int, action: str) -> None:
    """Refuse a change of structure (merge, split, shift, align) to a document from XLIFF."""
    if conn.execute("SELECT 1 FROM xliff_files WHERE doc_id = ?", [doc_id]).fetchone():
        name = conn.execute("SELECT name FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        raise WorkbenchError(f"document {name!r} came from an XLIFF file, whose segments fix its structure: "
                             f"{action} refused")


def refuse_english_edit(conn: sqlite3.Connection, doc_id: int) -> None:
    """An English→Persian file's English is its source, read-only."""
    row = conn.execute("SELECT direction FROM xliff_files WHERE doc_id = ?", [doc_id]).fetchone()
    if row and row[0] == EN_FA:
        name = conn.execute("SELECT name FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        raise WorkbenchError(f"the English of document {name!r} is its XLIFF file's source: read-only "
                             "(edit the Persian)")
