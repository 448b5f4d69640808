"""A file's pairs read, prepared and staged by a thread of the importing process (small files,
and pairs from memory: a process of their own is store/import_process.py).

The stager thread parses and normalizes (Python) while the writer stores what was staged before
(SQLite, which gives up the GIL), both on the workspace's connection, taking turns."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from workbench.store.records import NewPair
from workbench.store.staging import IN_TEMP, Batch, DistinctKeys, Rows, clear_stage, prepare, stage

BLOCK = 1000  # pairs prepared at a time by the staging thread


class _Stopped(Exception):
    pass


def _pairs(pending: list[Rows]) -> int:
    return sum(map(len, pending))


class Stager:
    """Reads, prepares and stages the pairs in a thread of its own while the writer stores what
    was staged before: parsing and normalizing (Python) overlap the inserts (SQLite, which
    releases the GIL). The two share the workspace's connection, taking turns (``turn``): the
    stager fills the staging tables (temp tables: no lock on the workspace) when the writer is
    not storing, and keeps what it prepares meanwhile in memory, up to ``PENDING`` pairs."""

    PENDING = 8 * BLOCK

    def __init__(self, conn: sqlite3.Connection, pairs: Iterable[NewPair], *, target: int) -> None:
        self.conn, self.pairs, self.source = conn, pairs, pairs
        self.turn = threading.Condition()
        self.staged = 0  # pairs in the staging tables
        self.statuses: Counter[str] = Counter()  # of the staged pairs
        self.target = target  # pairs the next transaction should store (set by the importer)
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
                    self._offer(pending, until=self.PENDING)
            if block:
                pending.append(prepare(block))
            self._offer(pending, until=0)
            with self.turn:
                self.done = True
                self.turn.notify_all()
        except _Stopped:
            return
        except BaseException as e:  # handed to the writer, which raises it
            with self.turn:
                self.error = e
                self.turn.notify_all()

    def _offer(self, pending: list[Rows], *, until: int) -> None:
        """Stage pending blocks, a block at a time, while the next transaction wants more (never
        past its target: the blocks prepared meanwhile wait for the next one). If more than
        ``until`` pairs are pending, wait for the writer to store what is staged until no more are."""
        if not pending or not self.turn.acquire(blocking=_pairs(pending) > until):
            return
        try:
            while pending:
                if self.stopping:
                    raise _Stopped
                if self.staged < self.target:
                    rows = pending.pop(0)
                    stage(self.conn, rows, self.staged)
                    self.keys.add(rows.keys)
                    self.statuses.update(rows.statuses())
                    self.staged += len(rows)
                    continue
                if _pairs(pending) <= until:
                    break
                self.conn.commit()  # temp tables only: ends the implicit transaction, takes no lock
                self.turn.notify_all()
                self.turn.wait(0.1)  # the writer stores what is staged meanwhile
            self.conn.commit()
            self.turn.notify_all()
        finally:
            self.turn.release()

    # -- the writer's side
    def wait_for_work(self) -> None:
        with self.turn:
            while not (self.error or self.done or self.staged >= self.target):
                self.turn.wait(0.1)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Batch]:
        with self.turn:  # the connection is ours until the staged rows are stored
            if self.error is not None:
                raise self.error
            batch = Batch(IN_TEMP, self.staged, self.done, dict(self.statuses))
            yield batch
            clear_stage(self.conn)
            self.conn.commit()
            self.staged = 0
            self.statuses.clear()
            self.turn.notify_all()

    def distinct(self) -> int:
        return self.keys.count()

    def stop(self) -> None:
        """Stop the thread, then leave the connection as the import found it (the staging tables
        empty, no transaction open)."""
        with self.turn:
            self.stopping = True
            self.turn.notify_all()
        self.thread.join(timeout=5)
        self.keys.close()
        with self.turn, contextlib.suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.rollback()
            clear_stage(self.conn)
            self.conn.commit()


__all__ = ["BLOCK", "Stager"]
