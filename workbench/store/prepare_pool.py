"""Preparing an import's blocks with another core: a worker process normalizes their Persian
(``normalize``, some 20 us a text: most of an import's Python) while the importing process
parses the file, prepares the rest, stages and stores (issue 23: one core was the import's limit).
Only the texts cross (lists of strings pickle fast; whole pairs did not pay). Blocks go out in
order, at most ``IN_FLIGHT`` at a time (bounded memory), and come back in order.

The worker is spawned, not forked (the importer runs threads, and holds the workspace's file lock
on a descriptor a forked child would keep); it touches no database, and exits on its own when the
importer is gone (even killed), so it never outlives an import. Small imports, and machines of
one core, prepare in the importing process: a worker takes a fraction of a second to start."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from workbench.store.records import NewPair
from workbench.store.staging import Rows, normalized, persian_text, prepare

IN_FLIGHT = 4  # blocks sent to the worker and not yet taken back
WORKER_AFTER = 5  # blocks prepared here before a worker starts (small imports never start one)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)  # the importer is gone (killed): nothing here is worth finishing

    threading.Thread(target=watch, daemon=True).start()


class Preparer:
    """``put`` blocks, ``take`` prepared ones back in order; ``close`` when done or on error."""

    def __init__(self) -> None:
        self.done: deque[Rows] = deque()  # prepared here, in order, before the worker started
        self.sent: deque[tuple[list[NewPair], Future[list[str]]]] = deque()
        self.blocks = 0
        self.pool: ProcessPoolExecutor | None = None

    def put(self, block: list[NewPair]) -> None:
        self.blocks += 1
        if self.pool is None and self.blocks > WORKER_AFTER and cores() > 1:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_watch_parent, initargs=(os.getpid(),))
        if self.pool is None:
            self.done.append(prepare(block))
        else:
            self.sent.append((block, self.pool.submit(normalized, [persian_text(new) for new in block])))

    def take(self, *, everything: bool = False) -> Iterator[Rows]:
        """The blocks prepared so far, in order: those ready, and the oldest ones the worker holds
        while ``IN_FLIGHT`` are out (``everything``: all of them, waiting for the worker)."""
        while self.done:
            yield self.done.popleft()
        while self.sent and (everything or len(self.sent) >= IN_FLIGHT or self.sent[0][1].done()):
            block, keys = self.sent.popleft()
            yield prepare(block, keys.result())

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
