"""The workspace: one SQLite file holding documents, sentences, pairs, drafts and history.

One ``Workspace`` per thread (SQLite connections are not shared across threads). All writes go
through methods here or in ``edits.py`` so the denormalized pair text, the FTS index and the
history stay in step.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

from workbench.errors import WorkbenchError, WorkspaceBusy
from workbench.store.connection import BUSY_TIMEOUT_MS, file_identity, is_database_file, note_writer, open_database
from workbench.store import counts
from workbench.store.edits import Edits
from workbench.store.imports import VISIBLE_DOCS
from workbench.store.records import STATUSES, Document, Draft, NewDraft, NewPair, Pair, Sentence
from workbench.store.rows import PAIR_COLUMNS, PAIR_FROM, draft_from_row, inserted, pair_from_row
from workbench.store.staging import clear_stage, next_id, prepare, stage, store_staged
from workbench.store.structure import Structure
from workbench.store.undo import History
from workbench.store.waiters import begin_immediate

INSERT_BATCH = 2000


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def current_user() -> str:
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except Exception:  # no login name in some containers
        return "editor"


class Workspace:
    """A workspace file. ``Workspace(None)`` is an in-memory workspace for tests.

    Its own face: opening and closing, the write transaction, documents, drafts and paging
    reads. Changes to pairs go through its collaborators: ``edits`` (status, notes, text, find
    and replace), ``structure`` (merge, split, shift, realign) and ``history`` (undo, redo)."""

    def __init__(self, path: str | Path | None, *, create: bool = True, busy_timeout_ms: int | None = None) -> None:
        """``busy_timeout_ms``: how long a write waits for another writer before WorkspaceBusy
        (default 10 s; the review app's screen thread waits briefly and retries in a worker)."""
        self.path = Path(path) if path is not None else None
        self.conn = open_database(path, create=create)
        self.busy_timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        if busy_timeout_ms is not None:
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        self.read_only = bool(self.conn.execute("PRAGMA query_only").fetchone()[0])
        self._file = self.path.absolute() if self.path is not None and str(path) != ":memory:" else None
        self._identity = file_identity(self._file)
        self._noted_writer = False  # this connection's writes have cleared the creator's sole_writer row
        self.edits = Edits(self)
        self.structure = Structure(self)
        self.history = History(self)

    def check_file(self) -> None:
        """Refuse to go on if the file opened was deleted or replaced since: SQLite would keep
        writing to the vanished file, and every later change would be lost without a word."""
        if self._file is not None and file_identity(self._file) != self._identity:
            raise WorkbenchError(f"{self.path}: the workspace file was deleted or replaced after it was opened; "
                                 "nothing more can be saved to it (open it again)")

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction. IMMEDIATE takes the write lock up front, so two writers queue
        on the busy timeout instead of failing on a lock upgrade. Nested calls are savepoints."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        if self.read_only:
            raise WorkbenchError(f"{self.path}: workspace is read-only")
        self.check_file()
        try:
            begin_immediate(self.conn, self._file, self.busy_timeout_ms)
            if not self._noted_writer:  # whatever it writes: see connection.note_writer
                note_writer(self.conn)
        except sqlite3.OperationalError as e:
            self.conn.rollback()
            raise self._write_error(e) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.rollback()
            raise
        try:
            self.conn.commit()
        except sqlite3.OperationalError as e:
            self.conn.rollback()
            raise self._write_error(e) from None
        self._noted_writer = True

    @contextlib.contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """One read transaction: reads inside agree (names and pairs, whatever an import finishes
        meanwhile). Never write inside one (see docs/architecture.md); a transaction open already serves."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:  # an export's generator may be closed after the workspace (that ended the transaction)
            with contextlib.suppress(sqlite3.ProgrammingError):
                self.conn.commit()

    def _write_error(self, e: sqlite3.OperationalError) -> WorkbenchError:
        if "locked" in str(e) or "busy" in str(e):
            return WorkspaceBusy(f"{self.path}: another process is writing to the workspace and did not "
                                 f"finish within {self.busy_timeout_ms / 1000:g} s; nothing was changed, try again")
        return WorkbenchError(f"{self.path}: cannot write to workspace ({e})")

    def is_own_file(self, target: str | Path) -> bool:
        """Whether writing ``target`` would overwrite this workspace or SQLite's files beside it."""
        return self.path is not None and is_database_file(self.path, target)

    # -- documents -------------------------------------------------------------------------
    def add_document(self, name: str, *, kind: str = "text", source: str | None = None) -> Document:
        importing = self.conn.execute("SELECT importing FROM documents WHERE name = ?", [name]).fetchone()
        if importing:
            being = " (being imported)" if importing[0] is not None else ""
            raise WorkbenchError(f"document {name!r} already exists in {self.path or 'workspace'}{being}")
        created = now()
        with self.write():
            cur = self.conn.execute(
                "INSERT INTO documents (name, kind, source, created_at) VALUES (?, ?, ?, ?)",
                [name, kind, source, created],
            )
        return Document(id=inserted(cur), name=name, kind=kind, source=source, created_at=created)

    # A document being imported (documents.importing set) is nobody's to see until it is whole.
    def documents(self) -> list[Document]:
        rows = self.conn.execute(
            "SELECT id, name, kind, source, created_at FROM documents WHERE importing IS NULL ORDER BY id")
        return [Document(*row) for row in rows]

    def find_document(self, name: str) -> Document | None:
        row = self.conn.execute(
            "SELECT id, name, kind, source, created_at FROM documents WHERE name = ? AND importing IS NULL", [name]
        ).fetchone()
        return Document(*row) if row else None

    def document(self, name: str) -> Document:
        doc = self.find_document(name)
        if doc is None:
            known = ", ".join(d.name for d in self.documents()[:10]) or "none"
            raise WorkbenchError(f"no document named {name!r} (documents: {known})")
        return doc

    def document_by_id(self, doc_id: int) -> Document:
        row = self.conn.execute(
            "SELECT id, name, kind, source, created_at FROM documents WHERE id = ? AND importing IS NULL", [doc_id]
        ).fetchone()
        if row is None:
            raise WorkbenchError(f"no document with id {doc_id}")
        return Document(*row)

    # -- bulk insert -----------------------------------------------------------------------
    def insert_pairs(
        self, doc_id: int, pairs: Iterable[NewPair], *, who: str | None = None, after: float = 0.0
    ) -> int:
        """Append pairs to a document (positions after ``after``), in the caller's transaction
        if there is one. Returns how many were inserted. (A new document from a file is filled
        by ``imports.import_pairs`` instead, in short transactions.)"""
        who = who or current_user()
        stamp = now()
        count = 0
        batch: list[NewPair] = []
        with self.write():
            for new in pairs:
                batch.append(new)
                if len(batch) == INSERT_BATCH:
                    count += self._store(doc_id, batch, after + count, who, stamp)
            if batch:
                count += self._store(doc_id, batch, after + count, who, stamp)
        return count

    def _store(self, doc_id: int, batch: list[NewPair], after: float, who: str, stamp: str) -> int:
        stage(self.conn, prepare(batch), 0)
        batch.clear()
        try:
            return store_staged(self.conn, doc_id, after=after, who=who, stamp=stamp)
        finally:
            clear_stage(self.conn)

    # -- reading pairs ---------------------------------------------------------------------
    def pair(self, pair_id: int) -> Pair:
        row = self.conn.execute(f"SELECT {PAIR_COLUMNS} FROM {PAIR_FROM} WHERE p.id = ?", [pair_id]).fetchone()
        if row is None:
            raise WorkbenchError(f"no pair with id {pair_id}")
        return pair_from_row(row)

    def pairs(
        self,
        doc_id: int | None = None,
        *,
        status: str | Iterable[str] | None = None,
        after: tuple[int, float] | None = None,
        limit: int | None = None,
        where: str = "",
        params: Iterable[object] = (),
    ) -> Iterator[Pair]:
        """Pairs in document order, streamed. ``after=(doc_id, position)`` pages by key."""
        clauses, args = self._filters(doc_id, status)
        if after is not None and doc_id is not None:
            clauses.append("p.position > ?")  # lets SQLite walk the (doc_id, position) index
            args.append(after[1])
        elif after is not None:
            clauses.append("(p.doc_id > ? OR (p.doc_id = ? AND p.position > ?))")
            args += [after[0], after[0], after[1]]
        if where:
            clauses.append(where)
            args += list(params)
        sql = f"SELECT {PAIR_COLUMNS} FROM {PAIR_FROM}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY p.doc_id, p.position"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        # A dedicated cursor so callers may write (on another connection) while iterating.
        for row in self.conn.execute(sql, args):
            yield pair_from_row(row)

    def count_pairs(self, doc_id: int | None = None, *, status: str | Iterable[str] | None = None) -> int:
        """Pairs of the document (or of every visible one), of the status(es) given (or any):
        kept counts (store/counts.py), not a scan."""
        return counts.total(self.conn, doc_id, [status] if isinstance(status, str) else status)

    @staticmethod
    def _filters(doc_id: int | None, status: str | Iterable[str] | None) -> tuple[list[str], list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        if doc_id is not None:
            clauses.append("p.doc_id = ?")
            args.append(doc_id)
        else:
            clauses.append(f"p.doc_id IN ({VISIBLE_DOCS})")
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            clauses.append(f"p.status IN ({','.join('?' * len(statuses))})")
            args += statuses
        return clauses, args

    def neighbour(self, pair: Pair, step: int) -> Pair | None:
        """The next (step=1) or previous (step=-1) pair in the same document."""
        op, order = (">", "ASC") if step > 0 else ("<", "DESC")
        row = self.conn.execute(
            f"SELECT {PAIR_COLUMNS} FROM {PAIR_FROM} WHERE p.doc_id = ? AND p.position {op} ? "
            f"ORDER BY p.position {order} LIMIT 1",
            [pair.doc_id, pair.position],
        ).fetchone()
        return pair_from_row(row) if row else None

    def describe(self, pair: Pair) -> str:
        """A pair as an editor knows it: "pair 12 of 'news'"."""
        number, doc = self.pair_label(pair.id)
        return f"pair {number} of {doc!r}"

    def pair_label(self, pair_id: int) -> tuple[int, str]:
        """The number of a pair in its document (1-based, as the table and exports count) and
        the document's name."""
        row = self.conn.execute(
            "SELECT (SELECT COUNT(*) FROM pairs q WHERE q.doc_id = p.doc_id AND q.position <= p.position), "
            "d.name FROM pairs p JOIN documents d ON d.id = p.doc_id WHERE p.id = ?", [pair_id]).fetchone()
        if row is None:
            raise WorkbenchError("this pair was merged or deleted meanwhile")
        return row[0], row[1]

    def ordinal(self, pair: Pair) -> int:
        """1-based place of a pair in its document."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM pairs WHERE doc_id = ? AND position <= ?", [pair.doc_id, pair.position]
        ).fetchone()[0])

    def sentences(self, pair_id: int, lang: str | None = None) -> list[Sentence]:
        sql = "SELECT pair_id, lang, ord, text, para FROM sentences WHERE pair_id = ?"
        args: list[object] = [pair_id]
        if lang:
            sql += " AND lang = ?"
            args.append(lang)
        sql += " ORDER BY lang, ord"
        return [Sentence(*row) for row in self.conn.execute(sql, args)]

    def document_sentences(self, doc_id: int, lang: str) -> list[Sentence]:
        """All sentences of one side of a document, in reading order."""
        rows = self.conn.execute(
            "SELECT s.pair_id, s.lang, s.ord, s.text, s.para FROM sentences s "
            "JOIN pairs p ON p.id = s.pair_id WHERE p.doc_id = ? AND s.lang = ? "
            "ORDER BY p.position, s.ord",
            [doc_id, lang],
        )
        return [Sentence(*row) for row in rows]

    # -- drafts ----------------------------------------------------------------------------
    def drafts(self, pair_id: int) -> list[Draft]:
        rows = self.conn.execute(
            "SELECT id, pair_id, source, text, engine, model, model_version, params, qa, created_at "
            "FROM drafts WHERE pair_id = ? ORDER BY id",
            [pair_id],
        )
        return [draft_from_row(r) for r in rows]

    def add_draft(
        self,
        pair_id: int,
        *,
        source: str,
        text: str,
        engine: str,
        model: str,
        model_version: str = "",
        params: Mapping[str, object] | None = None,
        qa: list[str] | None = None,
    ) -> int:
        """Store a draft and make it the pair's current one if it translates the pair's
        current Persian. Drafting does not bump the pair's version: it never touches the
        editor's English, so it must not turn a concurrent edit into a conflict."""
        return self.add_drafts([NewDraft(pair_id, source, text, qa or [])], engine=engine, model=model,
                               model_version=model_version, params=params)[0]

    def add_drafts(self, drafts: list[NewDraft], *, engine: str, model: str, model_version: str = "",
                   params: Mapping[str, object] | None = None) -> list[int]:
        """``add_draft`` for several drafts from one engine and settings, in one write with one
        statement per table (drafting stores a whole batch at a time). Their ids, in order."""
        if not drafts:
            return []
        stamp, settings = now(), json.dumps(params or {}, sort_keys=True)
        with self.write() as conn:
            # Ids are assigned here (we hold the write lock) so rows go in with executemany.
            first = next_id(conn, "drafts")
            ids = list(range(first, first + len(drafts)))
            conn.executemany(
                "INSERT INTO drafts (id, pair_id, source, text, engine, model, model_version, params, qa, "
                "created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(draft_id, d.pair_id, d.source, d.text, engine, model, model_version, settings,
                  json.dumps(d.qa, ensure_ascii=False), stamp) for draft_id, d in zip(ids, drafts)],
            )
            conn.executemany(
                "UPDATE pairs SET draft_id = ?, draft = ? WHERE id = ? AND fa = ?",
                [(draft_id, d.text, d.pair_id, d.source) for draft_id, d in zip(ids, drafts)],
            )
        return ids

    def refresh_draft(self, pair_id: int) -> None:
        """Point a pair at its newest draft of its current Persian (none if the text changed)."""
        self.conn.execute(
            "UPDATE pairs SET (draft_id, draft) = (SELECT d.id, d.text FROM drafts d "
            "WHERE d.pair_id = pairs.id AND d.source = pairs.fa ORDER BY d.id DESC LIMIT 1) "
            "WHERE id = ?",
            [pair_id],
        )

    # -- summaries -------------------------------------------------------------------------
    def status_counts(self) -> list[tuple[Document, dict[str, int]]]:
        """Pairs per document and status, in document order."""
        kept = counts.by_document(self.conn)
        return [(doc, {s: kept.get(doc.id, {}).get(s, 0) for s in STATUSES}) for doc in self.documents()]
