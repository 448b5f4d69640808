"""Imports committed in short transactions.

``import_pairs`` fills a new document in transactions of a fraction of a second each while the
document is hidden (``documents.importing`` names the importing process: lists, counts, search,
export and drafting leave it out), and makes it visible in its last one; a failure removes what was
written, and ``remove_stale_imports`` (run by ``workbench check``) removes what an importer killed
mid-way left. Other writers (an editor's save, ``translate``, another import) get the write lock
between two transactions, so none waits more than about a third of a second: a writer that finds
the lock taken announces itself (store/waiters.py), and the importer leaves a gap after its
transaction only then (and, while another process has the workspace open, every
``UNANNOUNCED_GAP_S`` for writers that cannot announce).
"""

from __future__ import annotations

import contextlib
import socket
import sys
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from workbench.errors import WorkbenchError
from workbench.store import counts
from workbench.store.process import process_tag, start_time
from workbench.store.rows import inserted
from workbench.store.records import HIDDEN_DOCS, VISIBLE_DOCS as VISIBLE_DOCS, Document, NewPair
from workbench.store.waiters import anyone_waiting, others_connected
from workbench.store import import_thread
from workbench.store.import_process import ProcessFeed
from workbench.store.import_thread import Stager
from workbench.store.staging import Batch, create_stage, store_staged

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

# Aimed-at length of one import transaction (the write lock is held that long). A loaded machine's
# speed varies two- or threefold from one transaction to the next: aimed at 0.15 s, another
# writer still gets the lock within 0.35 s (tests/test_import_edges.py pins that wait).
LOCK_TARGET_S = 0.15
# Free time between two when a writer waits, at least: a waiting writer's busy handler retries
# every 100 ms. On a busy machine (a transaction took longer than aimed at) the gap grows with it:
# half the last one.
LOCK_GAP_S = 0.1
# With nobody announced, a gap this often all the same while another process has the workspace
# open: writers that do not announce themselves (another tool's connection) get the lock within
# about this long. (Alone, the gaps were a twentieth of an import's time.)
UNANNOUNCED_GAP_S = 2.0
FIRST_TRANSACTION = 2000  # pairs in the first transaction, before the speed is known
MAX_TRANSACTION = 20_000  # pairs: bounds what is staged (memory) on a fast machine
DELETE_BATCH = 5000  # pairs removed per transaction when an import is undone
# The search index's settings (FTS5's, kept in the index) while an import writes, and FTS5's
# defaults, set back by the import's last transaction (or by undoing it):
# - automerge 16: segments of a level merged less eagerly (16 before merging them, not 4): a third
#   of an import's index work at 100k pairs.
# - crisismerge 64: FTS5 merges a level whole, in one go, once it holds that many segments (16 by
#   default): with automerge 16 every merge was such a merge, inside one of the import's
#   transactions, and a big level's took seconds (1M pairs: two transactions of 1.2-1.6 s; 10M:
#   one left a 2.5 GB log). At 64 the merges go a step a transaction, as automerge does them (1M:
#   the longest transaction 0.28 s, and the import no slower: 25.5-27.4 s against 29.9 s).
# - hashsize 16 MiB: the terms a transaction writes are kept in memory whole and written as one
#   segment at its commit (a transaction of 6,000 real-length pairs holds about 4 MiB of them, one
#   of the most pairs, 20,000, about 13). At FTS5's 1 MiB such a transaction wrote 3-5 segments,
#   then merged them: a sixth of the writer's instructions at 100k pairs (callgrind).
IMPORT_INDEX = {"automerge": 16, "crisismerge": 64, "hashsize": 16 * 1024 * 1024}
DEFAULT_INDEX = {"automerge": 4, "crisismerge": 16, "hashsize": 1024 * 1024}


def _index_settings(conn: sqlite3.Connection, settings: dict[str, int]) -> None:
    """Set the search index's ``settings``, each unless it is that already (setting one rewrites
    the index's structure record: a refused import must leave the workspace as it was, byte for
    byte)."""
    for key, value in settings.items():
        row = conn.execute("SELECT v FROM pairs_fts_config WHERE k = ?", [key]).fetchone()
        if (int(row[0]) if row else DEFAULT_INDEX[key]) != value:
            conn.execute("INSERT INTO pairs_fts (pairs_fts, rank) VALUES (?, ?)", [key, value])


class EmptyImport(WorkbenchError):
    """The source held no pair: nothing was stored."""


# -- who imports -----------------------------------------------------------------------------------

def importer_tag() -> str:
    """``host pid start`` of this process: who is importing a hidden document."""
    return process_tag()


def importer_state(tag: str) -> str:
    """``alive``, ``dead`` (on this host), or ``elsewhere`` (another host: cannot tell)."""
    host, _, rest = tag.partition(" ")
    pid_text, _, start = rest.partition(" ")
    if host != socket.gethostname() or not pid_text.isdigit():
        return "elsewhere"
    from workbench.formats.atomic import pid_alive

    pid = int(pid_text)
    if not pid_alive(pid):
        return "dead"
    return "alive" if not start or start_time(pid) in ("", start) else "dead"  # else: pid reused


def _describe(tag: str) -> str:
    host, _, rest = tag.partition(" ")
    return f"process {rest.split(' ')[0]} on {host}"


# -- importing in chunks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    document: Document
    pairs: int
    distinct: int  # different (Persian, English) among the pairs
    source: Iterable[NewPair]  # the pairs' iterable as it stands after the import (ReadApart)


def import_pairs(ws: Workspace, name: str, pairs: Iterable[NewPair], *, kind: str, source: str | None,
                 who: str, last: Callable[[sqlite3.Connection], None] | None = None) -> Imported:
    """Store ``pairs`` (read lazily, in a thread of their own) as a new document named ``name``,
    committed in short transactions and visible only once whole. ``last`` runs inside the final
    transaction (what the aligner learned goes in with the pairs). An error, or no pair at all,
    leaves nothing behind (EmptyImport for the latter)."""
    doc = begin_import(ws, name, kind=kind, source=source)
    try:
        with _quick_handovers(), _page_cache(ws.conn, IMPORT_CACHE_KIB):
            return _fill(ws, doc, pairs, who=who, last=last)
    except BaseException:
        abandon_import(ws, doc.id)
        raise


# The workspace connection's page cache while it imports (KiB). At SQLite's default, 2 MiB, a
# transaction's new pages and the index pages its merges read did not fit: they were written to
# the log before the commit and read back (1M pairs: 370k more reads and writes of the log, a
# tenth of the writer's time in one alternated run). Set back after the import.
IMPORT_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


# How long a thread may keep the GIL while another wants it, during an import. The writer gives it
# up for every SQLite call and wants it back the moment the call returns; at Python's 5 ms the
# stager (pure Python: parsing, normalizing) made it wait up to that long each time, several
# times a transaction: 100k pairs took 4.3-4.7 s, at 0.5 ms 3.2-4.0 s (same machine, alternating).
SWITCH_INTERVAL_S = 0.0005


class _Handovers:
    """The interpreter's switch interval, short while any import of this process runs (the
    review app may run two at once) and what it was once the last one ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.before = 0.0

    @contextlib.contextmanager
    def quick(self) -> Iterator[None]:
        with self.lock:
            if not self.running:
                self.before = sys.getswitchinterval()
                sys.setswitchinterval(min(self.before, SWITCH_INTERVAL_S))
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if not self.running:
                    sys.setswitchinterval(self.before)


_quick_handovers = _Handovers().quick


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
        return Document(id=inserted(cur), name=name, kind=kind, source=source, created_at=created)
    raise WorkbenchError(f"document {name!r} is being imported by another process")


def abandon_import(ws: Workspace, doc_id: int) -> None:
    """Remove a hidden document and its pairs, a batch per transaction. If this fails too (the
    workspace is busy, or a second Ctrl-C), the document stays hidden for `check` to remove."""
    with contextlib.suppress(WorkbenchError, sqlite3.Error):
        while True:
            with ws.write() as conn:
                removed = conn.execute(
                    "DELETE FROM pairs WHERE id IN (SELECT id FROM pairs WHERE doc_id = ? LIMIT ?) "
                    f"AND doc_id IN ({HIDDEN_DOCS})",
                    [doc_id, DELETE_BATCH],
                ).rowcount
                if not removed:
                    conn.execute("DELETE FROM documents WHERE id = ? AND importing IS NOT NULL", [doc_id])
                    _index_settings(conn, DEFAULT_INDEX)
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
    apart = isinstance(pairs, ReadApart) and pairs.worth_a_process()
    feed: _Feed = (ProcessFeed if apart else Stager)(conn, pairs, target=FIRST_TRANSACTION)
    stamp = now()
    total, last_commit, gap = 0, 0.0, LOCK_GAP_S
    last_gap = time.monotonic()
    try:
        while True:
            feed.wait_for_work()
            waiting = bool(total) and anyone_waiting(ws.path)
            due = bool(total) and time.monotonic() - last_gap >= UNANNOUNCED_GAP_S
            if waiting or (due and others_connected(ws.path)):
                time.sleep(max(0.0, (gap if waiting else LOCK_GAP_S) - (time.monotonic() - last_commit)))
                last_gap = time.monotonic()
            with feed.batch() as batch:  # the staged rows are ours until stored
                if batch.done and total + batch.count == 0:
                    raise EmptyImport("no translation units found")
                with _references_unchecked(conn), ws.write():
                    started = time.monotonic()  # the write lock is ours from here
                    if not total:
                        _index_settings(conn, IMPORT_INDEX)
                    total += store_staged(conn, doc.id, after=float(total), who=who, stamp=stamp, rows=batch.rows,
                                          hidden=True)
                    counts.add_counted(conn, doc.id, batch.statuses)  # the triggers leave a hidden document's to us
                    if batch.done:
                        if last is not None:
                            last(conn)
                        conn.execute("UPDATE documents SET importing = NULL WHERE id = ?", [doc.id])
                        _index_settings(conn, DEFAULT_INDEX)
                last_commit = time.monotonic()
                took = last_commit - started
                gap = max(LOCK_GAP_S, took / 2)
                if batch.count:  # before the stager thread is told the staged rows are stored
                    feed.target = _next_target(feed.target, batch.count, took)
            if batch.done:
                break
        distinct = feed.distinct()
    finally:
        feed.stop()
    return Imported(doc, total, distinct, feed.source)


@contextlib.contextmanager
def _references_unchecked(conn: sqlite3.Connection) -> Iterator[None]:
    """Foreign keys unchecked for one of the import's transactions (the pragma is set outside
    any transaction: inside one it does nothing). Its rows name the document it made and the
    pairs it writes with them; checking each reference cost a tenth of its writer time."""
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:  # the transaction has ended (committed, or rolled back by Workspace.write)
        conn.execute("PRAGMA foreign_keys = ON")


def _next_target(target: int, pairs: int, took: float) -> int:
    """Pairs the next transaction should store to hold the lock ``LOCK_TARGET_S``: at the speed
    just measured, but growing by a quarter at most (a loaded machine's speed varies, and one
    quick transaction must not size the next for twice as long)."""
    speed = pairs * LOCK_TARGET_S / max(took, 1e-3)
    return int(min(MAX_TRANSACTION, target * 1.25, max(import_thread.BLOCK, speed)))


@runtime_checkable
class ReadApart(Protocol):
    """Pairs a process of their own can read (store/import_process.py): the iterable is picklable
    (a file's name and how to read it) and says whether it is big enough to be worth a process.
    The importer hands it back as it stands after the iteration (``Imported.source``)."""

    def __iter__(self) -> Iterator[NewPair]: ...

    def worth_a_process(self) -> bool: ...


class _Feed(Protocol):
    """Staged rows on their way to the importer: the stager thread's temp tables, or the chunk
    files of a process of its own (store/import_process.py)."""

    target: int  # pairs the next transaction should store
    source: Iterable[NewPair]

    def wait_for_work(self) -> None: ...

    def batch(self) -> contextlib.AbstractContextManager[Batch]: ...

    def distinct(self) -> int: ...

    def stop(self) -> None: ...
