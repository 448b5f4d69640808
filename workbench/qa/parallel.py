"""Checking many pairs on every core: the per-pair checks of a big run (thousands of pairs without
valid cached findings) are spread over forked worker processes.

The parent loads what the checks need (the glossary's matcher, the speller's word list) before
forking, so the workers share it; each opens its own connection (SQLite connections do not cross
a fork) and sends back each pair's findings as JSON. Results do not depend on the number of
workers. Small runs, in-memory workspaces and one-core machines stay in the process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.qa import cache
from workbench.qa.spelling import warm_up
from workbench.store import Workspace, search
from workbench.terms import TermMatcher

if TYPE_CHECKING:
    from workbench.qa.checker import QaChecker
    from workbench.qa.profile import Profile

PARALLEL_MIN = 4000  # pairs to check before workers pay for their start
CHUNK = 1000
MAX_WORKERS = 4



@dataclass
class _Shared:
    """Set in the parent before the fork (path, matcher, profile), read in the workers, which add their
    own connection and checker once (pid tells a worker it has them)."""

    path: Path | None = None
    matcher: TermMatcher | None = None
    profile: Profile | None = None  # the parent's (a file's, with `workbench qa --profile`)
    pid: int = 0
    ws: Workspace | None = None
    checker: QaChecker | None = None


_shared = _Shared()


def workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def usable(ws: Workspace, stale: int) -> bool:
    """Worth it and safe: a fork copies only the calling thread, so a process running other
    threads (the review app) never forks here."""
    return (stale >= PARALLEL_MIN and workers() > 1 and ws.path is not None and str(ws.path) != ":memory:"
            and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods())


def local_findings(ws: Workspace, checker: QaChecker, pair_ids: list[int]) -> Iterator[tuple[int, str]]:
    """(pair id, findings JSON) of every pair in ``pair_ids``, computed by forked workers, in
    chunks as they finish (any order)."""
    warm_up()
    assert ws.path is not None  # usable() said so
    _shared.path, _shared.matcher, _shared.profile = Path(ws.path), checker.matcher, checker.profile
    chunks = [pair_ids[i:i + CHUNK] for i in range(0, len(pair_ids), CHUNK)]
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(workers()) as pool:
            for results in pool.imap_unordered(_check_chunk, chunks):
                yield from results
    finally:
        _shared.path = _shared.matcher = _shared.profile = None


def _check_chunk(pair_ids: list[int]) -> list[tuple[int, str]]:
    """In a worker: its own connection and checker, made once and kept for its next chunks."""
    from workbench.qa.checker import QaChecker  # it imports this module

    if _shared.pid != os.getpid() or _shared.ws is None or _shared.checker is None:
        ws = Workspace(_shared.path, create=False)
        _shared.pid, _shared.ws, _shared.checker = os.getpid(), ws, QaChecker(ws, matcher=_shared.matcher,
                                                                            profile=_shared.profile)
    return chunk_findings(_shared.ws, _shared.checker, pair_ids)


def chunk_findings(ws: Workspace, checker: QaChecker, pair_ids: list[int]) -> list[tuple[int, str]]:
    """(pair id, findings JSON) of a chunk of pairs, read by id: ``ws.pairs(where="p.id IN …")``
    in document order made SQLite walk the (doc_id, position) index of every visible pair for
    each chunk (10M pairs: ~2 s a chunk of 1,000, `qa` of a 100k-pair document 4x slower)."""
    return [(pair.id, cache.encode(checker.local(pair))) for pair in search.pairs_by_ids(ws, pair_ids)]
