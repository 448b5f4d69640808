"""A big file's pairs read, prepared and staged by a process of its own (issue 23).

Reading a corpus and normalizing its text is Python; in a thread beside the SQLite writer the two
share one interpreter lock, and an import of 100k pairs spent as long in Python as in SQLite. Here
a child process iterates the source (a picklable iterable of ``NewPair``: a file's name and how to
read it), prepares each ``CHUNK`` pairs (``staging.prepare``) and writes them to a chunk file of
its own, a small SQLite database in a temporary folder (no journal: a chunk is written once, and a
broken one fails the import). The importer attaches the chunk files a transaction wants and moves
their rows into the workspace with the statements it uses for its temp tables
(``staging.store_staged``): it runs no Python per pair but the keys the child leaves it, the
child no SQLite on the workspace.

The two talk over a pipe. The child sends ``("chunk", path, pairs, pairs by status)`` for each
chunk written, then
``("done", distinct, source)`` (the source as it stands after the iteration: what it counted on the
way, such as variants left out) or ``("error", exception)``; the importer answers each batch of
chunks stored (how many, and how long it had waited for them), and the child keeps at most
``AHEAD`` chunks unstored (bounded disk and memory). The child leaves a share of the pairs' keys
to the importer, as the two processes' waits say (``KeyShare``). A child
whose importer dies finds the pipe closed and removes the folder (a child that has written every
chunk waits for that, whether the importer finishes or dies); an importer whose child dies
finds it closed and fails the import (which removes what it had written). Ctrl-C is the
importer's: the child ignores SIGINT and is stopped with the import.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store.records import NewPair
from workbench.store.staging import (IN_TEMP, KEY_SQL, PAIR_COLUMNS, SPAN_COLUMNS, Batch, DistinctKeys, Staged,
                                     add_key_function, add_simple_spans, create_stage_tables, prepare, stage)

CHUNK = 2000  # pairs a chunk file holds
# A chunk file's pages (bytes): written once, read once, whole. At SQLite's 4 KiB the reader's
# writes and the importer's reads were a call a page (100k pairs: 11k writes, 16k reads); at 64 KiB
# writing a chunk costs a fifth less CPU and reading it a sixth less.
CHUNK_PAGE_SIZE = 65536
ATTACHED = 8  # chunk files one transaction stores, at most (SQLite attaches ten databases at most)
# Chunk files written and not yet stored, at most (bounded disk: ~1.5 MB each). Those a transaction
# is storing count until it commits: at 8 (one transaction's worth) the reader stopped while the
# importer stored them, and the importer then waited for it to write the next ones, each of the
# two idle a third of the time (1M pairs on a RAM disk: 26.0 s, 20.0 s at twice that).
AHEAD = 2 * ATTACHED


def _context() -> multiprocessing.context.ForkContext | multiprocessing.context.SpawnContext:
    """fork when this process runs one thread (the command line: the child starts at once, with
    every module imported), spawn otherwise (forking a process with threads can deadlock)."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held back while the child starts: it inherits the mask, ignores SIGINT, then takes
    signals again (a Ctrl-C at that moment is the importer's alone)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class ProcessFeed:
    """The importer's side: the chunk files written so far, handed over a transaction's worth at a
    time (``batch``), attached to the workspace's connection while they are stored."""

    def __init__(self, conn: sqlite3.Connection, source: Iterable[NewPair], *, target: int) -> None:
        self.conn = conn
        add_key_function(conn)  # for the keys the reader hands over (KeyShare)
        self.interrupt: BaseException | None = None  # a Ctrl-C while a batch was stored
        self.source = source
        self.target = target  # pairs the next transaction should store (set by the importer)
        self.folder = tempfile.mkdtemp(prefix="workbench-import-")
        self.ready: deque[tuple[str, int, dict[str, int]]] = deque()  # chunk files written, not yet stored:
        # (path, pairs, pairs by status)
        self.finished = False  # the child has written every chunk
        self.error: BaseException | None = None
        self.distinct_pairs = 0
        self.base = 0  # k of the next pair to store
        context = _context()
        self.pipe, child_end = context.Pipe()
        self.ahead = AHEAD
        self.waited = 0.0  # seconds the importer has waited for chunks since it last told the child
        with _sigint_blocked():
            self.process = context.Process(target=_produce, args=(source, self.folder, child_end, self.pipe, CHUNK,
                                                                  self.ahead),
                                           name="workbench-import-reader", daemon=True)
            self.process.start()
        child_end.close()  # the child's end is the child's: its death closes the pipe

    # -- messages
    def _receive(self, timeout: float) -> None:
        """Take in what the child has said, waiting up to ``timeout`` for a first message."""
        while not (self.error or self.finished) and self.pipe.poll(timeout):  # after "done": EOF
            timeout = 0
            try:
                message = self.pipe.recv()
            except (EOFError, OSError):
                self.process.join(timeout=5)
                self.error = WorkbenchError("the import's reading process ended unexpectedly "
                                            f"(exit code {self.process.exitcode})")
                return
            if message[0] == "chunk":
                self.ready.append((message[1], message[2], message[3]))
            elif message[0] == "done":
                self.finished, self.distinct_pairs, self.source = True, message[1], message[2]
            else:
                self.error = message[1]

    def _ready_pairs(self) -> int:
        return sum(pairs for _, pairs, _ in self.ready)

    # -- the writer's side
    def wait_for_work(self) -> None:
        self._receive(0)
        # Enough for the target, or as many chunks as a transaction takes or the child writes ahead.
        started = time.monotonic()
        while not (self.error or self.finished or self._ready_pairs() >= self.target
                   or len(self.ready) >= min(ATTACHED, self.ahead)):
            self._receive(0.1)
        self.waited += time.monotonic() - started  # told to the child with the next chunks stored

    @contextlib.contextmanager
    def batch(self) -> Iterator[Batch]:
        """The rows of the chunk files ready, up to the target: attached (outside any
        transaction: SQLite cannot attach within one) until the block ends, then removed."""
        self._receive(0)
        if self.error is not None:
            raise self.error
        chunks: list[tuple[str, int, dict[str, int]]] = []
        while self.ready and len(chunks) < ATTACHED and (not chunks or sum(p for _, p, _ in chunks) < self.target):
            chunks.append(self.ready.popleft())
        count = sum(pairs for _, pairs, _ in chunks)
        statuses: Counter[str] = Counter()
        for _, _, counted in chunks:
            statuses.update(counted)
        attached = 0
        try:
            for path, _, _ in chunks:
                self.conn.execute(f"ATTACH DATABASE ? AS import_chunk{attached}", [path])
                attached += 1
            batch = Batch(self._relations(attached), count, self.finished and not self.ready, statuses=dict(statuses))
            try:
                with self._interrupts_noted():
                    yield batch
            except sqlite3.OperationalError:
                if self.interrupt is not None:  # Ctrl-C while the importer made a key
                    raise self.interrupt from None
                raise
        finally:
            if self.conn.in_transaction:
                self.conn.rollback()
            for i in range(attached):
                self.conn.execute(f"DETACH DATABASE import_chunk{i}")
            for path, _, _ in chunks:
                with contextlib.suppress(OSError):
                    os.remove(path)
            if chunks:
                with contextlib.suppress(OSError, ValueError):
                    self.pipe.send((len(chunks), self.waited))  # the child may write as many more
                    self.waited = 0.0
        self.base += count

    @contextlib.contextmanager
    def _interrupts_noted(self) -> Iterator[None]:
        """Ctrl-C noted (``self.interrupt``) as the SIGINT handler raises its KeyboardInterrupt,
        while a batch is stored. Python raises it in whatever Python code runs next: there, the
        SQL function making a key (``KEY_SQL``), on entering it if the signal came while SQLite's
        own code ran, and sqlite3 turns it into "user-defined function raised exception". (Only
        the main thread takes signals; a handler other than Python's default is left alone.)"""
        self.interrupt = None
        if (threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
            yield
            return

        def noted(signum: int, frame: FrameType | None) -> None:
            self.interrupt = KeyboardInterrupt()
            raise self.interrupt

        signal.signal(signal.SIGINT, noted)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _relations(self, attached: int) -> Staged:
        return chunk_relations(attached, self.base) if attached else IN_TEMP  # (none: the importer's, empty)

    def distinct(self) -> int:
        return self.distinct_pairs

    def stop(self) -> None:
        """End the child (at once unless it has finished) and remove the chunk files."""
        if self.process.is_alive() and not self.finished:
            self.process.terminate()
        self.pipe.close()  # a child that has written everything waits for this, then leaves
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.pipe.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def chunk_relations(attached: int, base: int) -> Staged:
    """The rows of the chunk files attached as ``import_chunk0``… in order, ``k`` from ``base``."""
    pairs = " UNION ALL ".join(f"SELECT {PAIR_COLUMNS} FROM import_chunk{i}.stage_pairs" for i in range(attached))
    spans = " UNION ALL ".join(f"SELECT {SPAN_COLUMNS} FROM import_chunk{i}.stage_spans" for i in range(attached))
    return Staged(f"({pairs})", f"({spans})", base, complete=True, fa_norm=KEY_SQL)


# -- the child's side ------------------------------------------------------------------------------

class _ImporterGone(Exception):
    """The pipe to the importer is closed: it has died."""


def _send(pipe: Connection, message: tuple[object, ...]) -> None:
    try:
        pipe.send(message)
    except OSError as e:
        raise _ImporterGone from e


def _stored(pipe: Connection) -> tuple[int, float]:
    """Wait for the importer to have stored chunk files: how many, and how long it had waited
    for chunks before it stored them."""
    try:
        stored, waited = pipe.recv()
        return int(stored), float(waited)
    except (EOFError, OSError) as e:
        raise _ImporterGone from e


def _produce(source: Iterable[NewPair], folder: str, pipe: Connection, importers_end: Connection, chunk: int,
             ahead: int) -> None:
    # A forked child holds the importer's end of the pipe too: closed, so that the importer's
    # death closes the pipe for good (the child then finds it closed and cleans up).
    importers_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    gc.disable()  # a chunk's rows are freed by reference counting; collecting finds nothing
    keys = DistinctKeys(under=folder)  # the importer removes the folder, whatever becomes of this process
    try:
        try:
            unstored, written = 0, 0
            share = KeyShare()
            block: list[NewPair] = []
            for new in source:
                block.append(new)
                if len(block) == chunk:
                    while unstored >= ahead or pipe.poll():  # (the importer's word on chunks stored)
                        started = time.monotonic()
                        stored, importer_waited = _stored(pipe)
                        share.waits(importer_waited, time.monotonic() - started if unstored >= ahead else 0.0)
                        unstored -= stored
                    unkeyed = share.next_chunk(len(block))
                    _send(pipe, ("chunk", *_write_chunk(folder, block, written, keys, unkeyed)))
                    unstored, written, block = unstored + 1, written + len(block), []
            if block:
                _send(pipe, ("chunk", *_write_chunk(folder, block, written, keys)))
            _send(pipe, ("done", keys.count(), source))
        except _ImporterGone:
            raise
        except BaseException as e:  # noqa: BLE001 — handed to the importer, which raises it
            _send(pipe, ("error", _picklable(e)))
        # The chunk files are the importer's until it closes the pipe: when it is done with them,
        # or when it dies before storing them all (they would be left behind).
        while True:
            _stored(pipe)
    except _ImporterGone:
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        keys.close()


class KeyShare:
    """How many of a chunk's pairs the reader leaves without their matching key, for the importer
    to make as it stores them (``staging.KEY_SQL``). Through a big import both processes are busy
    (two cores: one each), and which of them waits for the other depends on the machine and its
    disk; normalizing the Persian, about a third of the reader's work, is the one step either can
    do. The share moves with the two processes' waits: up by what the importer waited for chunks,
    down by what the reader waited for the importer, each against the reader's time at work since.
    (How many chunks are unstored says nothing: the importer waits for a transaction's worth
    before it stores, whoever is faster.)"""

    # A share of the reader's time waited moves the share by a tenth of it, two hundredths of the
    # chunk at most: what the reader decides reaches the importer up to two transactions later,
    # and at five times that the share swung between none and half of the keys, each process
    # waiting for the other in turn (1M pairs: 1.6 s of waits, 16.4-17.7 s against 16.4-16.9 s).
    GAIN = 0.1
    STEP = 0.02

    def __init__(self) -> None:
        self.fraction = 0.0
        # Since the last chunk's start: seconds the importer waited for chunks, the reader for it.
        self.importer_waited = self.reader_waited = 0.0
        self.since = time.monotonic()

    def waits(self, importer: float, reader: float) -> None:
        """The importer had waited ``importer`` seconds for chunks, the reader ``reader`` for it."""
        self.importer_waited += importer
        self.reader_waited += reader

    def next_chunk(self, pairs: int) -> int:
        """The pairs of the chunk to write now (of ``pairs``) to leave without a key."""
        now = time.monotonic()
        at_work = max(now - self.since - self.reader_waited, 1e-3)
        move = self.GAIN * (self.importer_waited - self.reader_waited) / at_work
        self.fraction = min(1.0, max(0.0, self.fraction + min(self.STEP, max(-self.STEP, move))))
        self.importer_waited = self.reader_waited = 0.0
        self.since = now
        return round(self.fraction * pairs)


def _write_chunk(folder: str, block: list[NewPair], first: int, keys: DistinctKeys,
                 unkeyed: int = 0) -> tuple[str, int, dict[str, int]]:
    """Prepare ``block`` (the first ``unkeyed`` pairs without their key) and write it to a chunk
    file: (its path, its pairs, its pairs by status)."""
    rows = prepare(block, unkeyed=unkeyed)
    keys.add(rows.keys)
    path = os.path.join(folder, f"{first:012d}.sqlite")
    db = sqlite3.connect(path + ".part", isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(f"PRAGMA page_size = {CHUNK_PAGE_SIZE}")
        db.execute("BEGIN")
        create_stage_tables(db, "main", spans_in_order=True)
        stage(db, rows, first, schema="main")
        add_simple_spans(db, "main")
        db.execute("COMMIT")
    finally:
        db.close()
    os.rename(path + ".part", path)  # whole, or not there
    return path, len(rows), rows.statuses()


def _picklable(error: BaseException) -> BaseException:
    """The error itself if it can cross the pipe, else a WorkbenchError saying what it was."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        message: Any = str(error) or type(error).__name__
        return WorkbenchError(message if isinstance(error, WorkbenchError) else f"{type(error).__name__}: {message}")


__all__ = ["CHUNK", "ProcessFeed"]
