"""Bulk inserts of pairs, and imports committed in short transactions.

``prepare`` turns new pairs into rows (joined text, normalized keys): the costly Python part, done
before any lock is taken. ``stage`` puts them in staging tables in the connection's temp database
(no lock on the workspace), and ``store_staged`` moves them into a document in the caller's
transaction, one statement a table, so the search index's insert trigger runs inside one statement:
FTS5 flushes its pending terms at every statement, and row-by-row inserts straight into ``pairs``
made the index most of an import's cost (4 of 5 s for 100k units; now 1).

``import_pairs`` fills a new document in transactions of a fraction of a second each while the
document is hidden (``documents.importing`` names the importing process: lists, counts, search,
export and drafting leave it out), and makes it visible in its last one; a failure removes what was
written, and ``remove_stale_imports`` (run by ``workbench check``) removes what an importer killed
mid-way left. Other writers (an editor's save, ``translate``, another import) get the write lock
between two transactions, so none waits more than about a second.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.store.records import STATUSES, Document, NewPair
from workbench.text import join_sentences, normalize

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

# The documents that exist for everyone: those not being imported. All-document reads filter on it.
VISIBLE_DOCS = "SELECT id FROM documents WHERE importing IS NULL"

BLOCK = 1000  # pairs prepared at a time by the staging thread
LOCK_TARGET_S = 0.25  # aimed-at length of one import transaction (the write lock is held that long)
# Free time between two, at least: a waiting writer's busy handler retries every 100 ms. On a busy
# machine (a transaction took longer than aimed at) the gap grows with it: half the last one.
LOCK_GAP_S = 0.1
FIRST_TRANSACTION = 2000  # pairs in the first transaction, before the speed is known
MAX_TRANSACTION = 50_000
DELETE_BATCH = 5000  # pairs removed per transaction when an import is undone


class EmptyImport(WorkbenchError):
    """The source held no pair: nothing was stored."""


@dataclass
class Rows:
    """Prepared rows of consecutive new pairs, numbered by ``k`` from 0. A pair of one Persian
    sentence and at most one English (every corpus unit, most aligned beads) carries its
    sentences in its own row; the sentences of other pairs are rows of their own, naming their
    pair by ``k``. ``keys`` hash each pair's (Persian, English) to count repeats."""

    # (k, fa, fa_norm, en, en_norm, n_fa, n_en, status, confidence, fa_para, en_para, simple, note, flag)
    pairs: list[tuple] = field(default_factory=list)
    sentences: list[tuple] = field(default_factory=list)  # (k, lang, ord, text, norm, para)
    keys: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pairs)


def prepare(pairs: Iterable[NewPair]) -> Rows:
    rows = Rows()
    for k, new in enumerate(pairs):
        if new.status not in STATUSES:
            raise WorkbenchError(f"unknown status {new.status!r}")
        # An approved pair always has English (import --status approved of a unit without it).
        status = new.status if new.en or new.status != "approved" else "draft"
        note, flag = new.note.strip(), " ".join(new.flag.split())
        if len(new.fa) == 1 and len(new.en) <= 1:  # every corpus unit, most beads: sentences in the row
            fa, en = new.fa[0], new.en[0] if new.en else ""
            rows.pairs.append((k, fa, normalize(fa), en, normalize(en) if en else "", 1, len(new.en), status,
                               new.confidence, new.fa_para, new.en_para, True, note, flag))
            rows.keys.append(hash((fa, en)))
            continue
        fa_norms = [normalize(t) for t in new.fa]
        en_norms = [normalize(t) for t in new.en]
        fa, en = join_sentences(new.fa, "fa"), join_sentences(new.en, "en")
        fa_norm = fa_norms[0] if len(new.fa) == 1 else normalize(fa)
        rows.pairs.append((k, fa, fa_norm, en, "", len(new.fa), len(new.en), status, new.confidence,
                           new.fa_para, new.en_para, False, note, flag))
        rows.keys.append(hash((fa, en)))
        for ord_, (text, norm) in enumerate(zip(new.fa, fa_norms)):
            rows.sentences.append((k, "fa", ord_, text, norm, new.fa_para))
        for ord_, (text, norm) in enumerate(zip(new.en, en_norms)):
            rows.sentences.append((k, "en", ord_, text, norm, new.en_para))
    return rows


# -- staging and storing ---------------------------------------------------------------------------

def create_stage(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_pairs (k INTEGER PRIMARY KEY, fa, fa_norm, en, en_norm, "
                 "n_fa, n_en, status, confidence, fa_para, en_para, simple, note, flag)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_sentences (k, lang, ord, text, norm, para)")


def stage(conn: sqlite3.Connection, rows: Rows, offset: int) -> None:
    """Add ``rows`` to the staging tables, their ``k`` moved on by ``offset``."""
    create_stage(conn)
    conn.executemany(f"INSERT INTO temp.stage_pairs VALUES (? + {int(offset)}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     rows.pairs)
    if rows.sentences:
        conn.executemany(f"INSERT INTO temp.stage_sentences VALUES (? + {int(offset)}, ?, ?, ?, ?, ?)",
                         rows.sentences)


def store_staged(conn: sqlite3.Connection, doc_id: int, *, after: float, who: str, stamp: str) -> int:
    """Move the staged rows into the document, positions after ``after``, in the caller's
    transaction (which holds the write lock, so the ids taken here stay ours). Returns the count."""
    first = _next_id(conn, "pairs")
    count = conn.execute(
        "INSERT INTO pairs (id, doc_id, position, fa, fa_norm, en, n_fa, n_en, status, confidence, "
        "updated_at, updated_by, note, flag) SELECT ? + k, ?, ? + k + 1, fa, fa_norm, en, n_fa, n_en, status, "
        "confidence, ?, ?, note, flag FROM temp.stage_pairs ORDER BY k",
        [first, doc_id, after, stamp, who],
    ).rowcount
    for select in (
        "SELECT ? + k, 'fa', 0, fa, fa_norm, fa_para FROM temp.stage_pairs WHERE simple ORDER BY k",
        "SELECT ? + k, 'en', 0, en, en_norm, en_para FROM temp.stage_pairs WHERE simple AND n_en ORDER BY k",
        "SELECT ? + k, lang, ord, text, norm, para FROM temp.stage_sentences ORDER BY rowid",
    ):
        conn.execute(f"INSERT INTO sentences (pair_id, lang, ord, text, norm, para) {select}", [first])
    return count


def clear_stage(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM temp.stage_pairs")
    conn.execute("DELETE FROM temp.stage_sentences")


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
    top = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
    return max(seq[0] if seq else 0, top) + 1


class DistinctKeys:
    """Counts distinct 64-bit keys (hashes of pairs' texts) in bounded memory: 8 bytes a key up to
    ``LIMIT`` keys; past that, spread by their top bits over ``BUCKETS`` files in a temporary
    folder, each bucket counted on its own at the end (equal keys share a bucket)."""

    LIMIT = 2_000_000
    BUCKETS = 64

    def __init__(self) -> None:
        self.keys = array("q")
        self.folder: tempfile.TemporaryDirectory | None = None

    def add(self, keys: list[int]) -> None:
        self.keys.extend(keys)
        if len(self.keys) >= self.LIMIT:
            self._spill()

    def _spill(self) -> None:
        import numpy as np

        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="workbench-import-")
        keys = np.frombuffer(self.keys, dtype=np.int64)
        bucket = keys.view(np.uint64) >> np.uint64(64 - 6)  # BUCKETS = 2**6
        order = np.argsort(bucket, kind="stable")
        edges = np.searchsorted(bucket[order], np.arange(self.BUCKETS + 1, dtype=np.uint64))
        for b in range(self.BUCKETS):
            part = keys[order[edges[b]:edges[b + 1]]]
            if len(part):
                with open(os.path.join(self.folder.name, str(b)), "ab") as f:
                    part.tofile(f)
        self.keys = array("q")

    def count(self) -> int:
        import numpy as np

        if self.folder is None:
            return len(np.unique(np.frombuffer(self.keys, dtype=np.int64))) if self.keys else 0
        self._spill()
        return sum(len(np.unique(np.fromfile(os.path.join(self.folder.name, name), dtype=np.int64)))
                   for name in os.listdir(self.folder.name))

    def close(self) -> None:
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None


# -- who imports -----------------------------------------------------------------------------------

def importer_tag() -> str:
    """``host pid start`` of this process: who is importing a hidden document."""
    return f"{socket.gethostname()} {os.getpid()} {_start_time(os.getpid())}"


def _start_time(pid: int) -> str:
    """When a process started (clock ticks since boot), so a reused pid is not taken for it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def importer_state(tag: str) -> str:
    """``alive``, ``dead`` (on this host), or ``elsewhere`` (another host: cannot tell)."""
    host, _, rest = tag.partition(" ")
    pid_text, _, start = rest.partition(" ")
    if host != socket.gethostname() or not pid_text.isdigit():
        return "elsewhere"
    from workbench.formats.atomic import _alive

    pid = int(pid_text)
    if not _alive(pid):
        return "dead"
    return "alive" if not start or _start_time(pid) in ("", start) else "dead"  # else: pid reused


def _describe(tag: str) -> str:
    host, _, rest = tag.partition(" ")
    return f"process {rest.split(' ')[0]} on {host}"


# -- importing in chunks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    document: Document
    pairs: int
    distinct: int  # different (Persian, English) among the pairs


def import_pairs(ws: Workspace, name: str, pairs: Iterable[NewPair], *, kind: str, source: str | None,
                 who: str, last: Callable[[sqlite3.Connection], None] | None = None) -> Imported:
    """Store ``pairs`` (read lazily, in a thread of their own) as a new document named ``name``,
    committed in short transactions and visible only once whole. ``last`` runs inside the final
    transaction (what the aligner learned goes in with the pairs). An error, or no pair at all,
    leaves nothing behind (EmptyImport for the latter)."""
    doc = begin_import(ws, name, kind=kind, source=source)
    try:
        return _fill(ws, doc, pairs, who=who, last=last)
    except BaseException:
        abandon_import(ws, doc.id)
        raise


def begin_import(ws: Workspace, name: str, *, kind: str, source: str | None) -> Document:
    """Create the hidden document (one short transaction). A document of that name left by an
    importer that died is removed first; one being imported now is refused."""
    from workbench.store.workspace import now

    created = now()
    for _ in range(2):
        row = ws.conn.execute("SELECT id, importing FROM documents WHERE name = ?", [name]).fetchone()
        if row and row[1] is None:
            raise WorkbenchError(f"document {name!r} already exists; pass --doc NAME to import under another name")
        if row and importer_state(row[1]) != "dead":
            raise WorkbenchError(f"document {name!r} is being imported by {_describe(row[1])}; wait for it to "
                                 "finish or pass --doc NAME to import under another name")
        if row:
            abandon_import(ws, row[0])
            continue
        try:
            with ws.write() as conn:
                cur = conn.execute(
                    "INSERT INTO documents (name, kind, source, created_at, importing) VALUES (?, ?, ?, ?, ?)",
                    [name, kind, source, created, importer_tag()],
                )
        except sqlite3.IntegrityError:  # another process took the name since we looked
            continue
        return Document(id=cur.lastrowid, name=name, kind=kind, source=source, created_at=created)
    raise WorkbenchError(f"document {name!r} is being imported by another process")


def abandon_import(ws: Workspace, doc_id: int) -> None:
    """Remove a hidden document and its pairs, a batch per transaction. If this fails too (the
    workspace is busy, or a second Ctrl-C), the document stays hidden for `check` to remove."""
    with contextlib.suppress(WorkbenchError, sqlite3.Error):
        while True:
            with ws.write() as conn:
                removed = conn.execute(
                    "DELETE FROM pairs WHERE id IN (SELECT id FROM pairs WHERE doc_id = ? LIMIT ?) "
                    "AND doc_id IN (SELECT id FROM documents WHERE importing IS NOT NULL)",
                    [doc_id, DELETE_BATCH],
                ).rowcount
                if not removed:
                    conn.execute("DELETE FROM documents WHERE id = ? AND importing IS NOT NULL", [doc_id])
                    return


def remove_stale_imports(ws: Workspace) -> tuple[list[str], list[str]]:
    """Remove the hidden documents whose importer died on this host. Returns the names removed
    and descriptions of the others (being imported here or elsewhere, or not removable)."""
    removed, left = [], []
    for doc_id, name, tag in ws.conn.execute(
        "SELECT id, name, importing FROM documents WHERE importing IS NOT NULL ORDER BY id"
    ).fetchall():
        state = importer_state(tag)
        if state == "dead" and not ws.read_only:
            abandon_import(ws, doc_id)
            if ws.conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is None:
                removed.append(name)
                continue
        why = "being imported" if state != "dead" else "left by an importer that died; not removed"
        left.append(f"{name!r} ({why}, {_describe(tag)})")
    return removed, left


def _fill(ws: Workspace, doc: Document, pairs: Iterable[NewPair], *, who: str,
          last: Callable[[sqlite3.Connection], None] | None) -> Imported:
    from workbench.store.workspace import now

    conn = ws.conn
    create_stage(conn)
    conn.commit()
    stager = _Stager(conn, pairs)
    stamp = now()
    total, last_commit, gap = 0, 0.0, LOCK_GAP_S
    try:
        while True:
            stager.wait_for_work()
            time.sleep(max(0.0, gap - (time.monotonic() - last_commit)))
            with stager.turn:  # the connection is ours until the end of this transaction
                stager.raise_error()
                done, staged = stager.done, stager.staged
                if done and total + staged == 0:
                    raise EmptyImport("no translation units found")
                with ws.write():
                    started = time.monotonic()  # the write lock is ours from here
                    total += store_staged(conn, doc.id, after=float(total), who=who, stamp=stamp)
                    if done:
                        if last is not None:
                            last(conn)
                        conn.execute("UPDATE documents SET importing = NULL WHERE id = ?", [doc.id])
                last_commit = time.monotonic()
                clear_stage(conn)
                conn.commit()
                stager.consumed(staged, took=last_commit - started)
                gap = max(LOCK_GAP_S, (last_commit - started) / 2)
            if done:
                break
        distinct = stager.keys.count()
    finally:
        stager.stop()
        stager.keys.close()
        with stager.turn, contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.rollback()
            clear_stage(conn)
            conn.commit()
    return Imported(doc, total, distinct)


class _Stopped(Exception):
    pass


class _Stager:
    """Reads, prepares and stages the pairs in a thread of its own while the writer stores what
    was staged before: parsing and normalizing (Python) overlap the inserts (SQLite, which
    releases the GIL). The two share the workspace's connection, taking turns (``turn``): the
    stager fills the staging tables (temp tables: no lock on the workspace) when the writer is
    not storing, and keeps what it prepares meanwhile in memory, up to ``PENDING`` pairs."""

    PENDING = 16 * BLOCK

    def __init__(self, conn: sqlite3.Connection, pairs: Iterable[NewPair]) -> None:
        self.conn, self.pairs = conn, pairs
        self.turn = threading.Condition()
        self.staged = 0  # pairs in the staging tables
        self.target = FIRST_TRANSACTION  # pairs the next transaction should store
        self.done = False  # everything is staged
        self.error: BaseException | None = None
        self.stopping = False
        self.keys = DistinctKeys()
        self.thread = threading.Thread(target=self._run, name="import-stager", daemon=True)
        self.thread.start()

    # -- the stager's thread
    def _run(self) -> None:
        pending: list[Rows] = []
        block: list[NewPair] = []
        try:
            for new in self.pairs:
                block.append(new)
                if len(block) == BLOCK:
                    pending.append(prepare(block))
                    block = []
                    self._offer(pending, wait=sum(map(len, pending)) >= self.PENDING)
            if block:
                pending.append(prepare(block))
            self._offer(pending, wait=True)
            with self.turn:
                self.done = True
                self.turn.notify_all()
        except _Stopped:
            return
        except BaseException as e:  # handed to the writer, which raises it
            with self.turn:
                self.error = e
                self.turn.notify_all()

    def _offer(self, pending: list[Rows], *, wait: bool) -> None:
        """Stage the pending blocks if the connection is free and the next transaction wants more;
        with ``wait``, once it does."""
        if not pending or not self.turn.acquire(blocking=wait):
            return
        try:
            while True:
                if self.stopping:
                    raise _Stopped
                if self.staged < self.target:
                    break
                if not wait:
                    return
                self.turn.wait(0.1)
            for rows in pending:
                stage(self.conn, rows, self.staged)
                self.keys.add(rows.keys)
                self.staged += len(rows)
            self.conn.commit()  # temp tables only: ends the implicit transaction, takes no lock
            pending.clear()
            self.turn.notify_all()
        finally:
            self.turn.release()

    # -- the writer's side
    def wait_for_work(self) -> None:
        with self.turn:
            while not (self.error or self.done or self.staged >= self.target):
                self.turn.wait(0.1)

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def consumed(self, pairs: int, *, took: float) -> None:
        """(Holding ``turn``.) The staged pairs are stored: aim the next transaction at
        ``LOCK_TARGET_S`` from how long this one took."""
        self.staged = 0
        if pairs:
            self.target = int(min(MAX_TRANSACTION, max(BLOCK, pairs * LOCK_TARGET_S / max(took, 1e-3))))
        self.turn.notify_all()

    def stop(self) -> None:
        with self.turn:
            self.stopping = True
            self.turn.notify_all()
        self.thread.join(timeout=5)
