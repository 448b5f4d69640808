"""Drafting a workspace: the pairs that need a draft, translated in length-sorted batches, each
batch committed in one write transaction with its provenance and QA flags.

Because the pairs to draft are those without a current draft (``pairs.draft_id IS NULL``) and a
batch's drafts are committed together, a run killed at any moment leaves whole batches done and
the rest untouched: running it again drafts every pair exactly once. A redraft works the same
way: it skips pairs whose current draft already comes from the same engine, model and settings,
so an interrupted redraft resumes where it stopped. ``should_stop`` is asked
between batches, so an interrupt ends after the batch in hand is committed.
"""

from __future__ import annotations

import json
import time
from collections import Counter, deque
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from workbench.mt.draft_flags import qa_flags
from workbench.store import NewDraft, Workspace, history, now
from workbench.store.imports import VISIBLE_DOCS

DEFAULT_BATCH = 32
Batch = list[tuple[int, str]]  # (pair id, Persian) of the pairs drafted together


Params = dict[str, object]  # an engine's settings, stored with each draft as JSON


class Engine(Protocol):
    """What drafting needs from an engine: its identity, its settings (stored with each draft),
    and translations of a batch of Persian sentences, in order (None where it has nothing to
    offer, e.g. no memory match). ``pair_ids``, when given, name the pairs the sentences come
    from, so an engine that draws on the workspace never offers a pair its own English. An
    engine that may translate on another thread than the caller's may say so with
    ``threadsafe = True``: drafting then decodes the next batch while it stores the current one.
    An engine that translates elsewhere (a cluster) offers ``translations() -> Translations``."""

    name: str
    model: str
    model_version: str
    params: Params

    def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str | None]: ...


@dataclass
class DraftRun:
    """What a drafting run did."""

    total: int = 0  # pairs it set out to draft
    drafted: int = 0  # drafts stored
    skipped: int = 0  # no draft stored: the engine had nothing, or another run drafted it meanwhile
    stopped: bool = False  # stopped early by should_stop
    flags: Counter[str] = field(default_factory=Counter)  # QA flag → drafts carrying it
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return self.drafted + self.skipped


def pending_pairs(ws: Workspace, *, doc_id: int | None = None, pair_ids: list[int] | None = None,
                  redraft: bool = False, engine: Engine | None = None,
                  limit: int | None = None) -> list[tuple[int, str]]:
    """``(pair id, Persian)`` of the pairs to draft: those with Persian and no current draft; with
    ``redraft``, also those whose current draft does not come from ``engine`` with its model and
    settings (all of them when no engine is given); when ``pair_ids`` names pairs, those."""
    clauses = ["fa != ''"]
    args: list[int | str] = []
    if doc_id is not None:
        clauses.append("doc_id = ?")
        args.append(doc_id)
    else:  # not a document still being imported
        clauses.append(f"doc_id IN ({VISIBLE_DOCS})")
    if pair_ids is not None:
        clauses.append(f"id IN ({','.join('?' * len(pair_ids))})")
        args += list(pair_ids)
    elif not redraft:
        clauses.append("draft_id IS NULL")
    elif engine is not None:
        clauses.append(f"NOT ({_SAME_ENGINE})")
        args += _identity(engine)
    sql = f"SELECT id, fa FROM pairs WHERE {' AND '.join(clauses)}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    pending: list[tuple[int, str]] = ws.conn.execute(sql, args).fetchall()
    return pending


# Settings that change how fast drafts come, never what they say: a redraft does not redo a
# draft that differs from this run's settings in these alone (drafts keep them as provenance).
SPEED_SETTINGS = ("batch_size", "threads", "device_index")

# The pair's current draft was made by this engine, model and settings, speed settings aside
# (both sides are compared as SQLite renders JSON, so equal settings give equal text).
_SAME_ENGINE = ("EXISTS (SELECT 1 FROM drafts d WHERE d.id = pairs.draft_id AND d.engine = ? AND d.model = ? "
                "AND d.model_version = ? AND json_remove(d.params, "
                + ", ".join(f"'$.{name}'" for name in SPEED_SETTINGS) + ") = json(?))")


def _identity(engine: Engine) -> list[str]:
    settings = {k: v for k, v in (engine.params or {}).items() if k not in SPEED_SETTINGS}
    return [engine.name, engine.model, engine.model_version, json.dumps(settings, sort_keys=True)]


def batches(pending: list[tuple[int, str]], size: int) -> list[Batch]:
    """Longest sentences first (the estimate of time left is then never optimistic), in
    batches of similar length so little decoding is spent on padding."""
    ordered = sorted(pending, key=lambda item: (-len(item[1]), item[0]))
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def draft_pairs(ws: Workspace, engine: Engine, *, doc_id: int | None = None, pair_ids: list[int] | None = None,
                redraft: bool = False, on_progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None, batch_size: int | None = None,
                undo_step_of: str | None = None) -> DraftRun:
    """Draft the pending pairs (see ``pending_pairs``); ``on_progress(done, total)`` at the
    start and after each committed batch. Batches are translated by the engine's own
    ``translations()`` when it has one (e.g. a pool of remote workers), else here, and stored
    as they come back, in whatever order. ``undo_step_of`` (the review app's editor) logs the
    run's drafts as one undo step of that user, each batch with its drafts."""
    started = time.perf_counter()
    engine_batch = engine.params.get("batch_size")
    size = batch_size or (engine_batch if isinstance(engine_batch, int) else DEFAULT_BATCH)
    pending = pending_pairs(ws, doc_id=doc_id, pair_ids=pair_ids, redraft=redraft, engine=engine)
    run = DraftRun(total=len(pending))
    check_taken = pair_ids is None
    if on_progress is not None and run.total:
        on_progress(0, run.total)
    work = batches(pending, size)
    if work and should_stop is not None and should_stop():
        run.stopped = True
        work = []
    make = getattr(engine, "translations", None)
    entry: int | None = None  # the history entry of this run's drafts (undo_step_of)
    with (make() if make is not None else LocalTranslations(engine)) as translations:
        results = translations.results(work)
        for done, (batch, drafts) in enumerate(results, 1):
            new = [NewDraft(pair_id, source, text, qa_flags(source, text))  # before the write lock is taken
                   for (pair_id, source), text in zip(batch, drafts) if text is not None]
            run.skipped += len(batch) - len(new)
            with ws.write():
                # Pairs merged or realigned away meanwhile get no draft (their rows are gone).
                gone = _gone(ws, [d.pair_id for d in new])
                run.skipped += len(gone)
                new = [d for d in new if d.pair_id not in gone]
                # Another run may have drafted some of these meanwhile: draft each pair once.
                if check_taken:
                    taken = _drafted(ws, [d.pair_id for d in new], engine if redraft else None)
                    run.skipped += len(taken)
                    new = [d for d in new if d.pair_id not in taken]
                ids = ws.add_drafts(new, engine=engine.name, model=engine.model,
                                    model_version=engine.model_version, params=engine.params)
                if undo_step_of is not None and ids:
                    entry = history.log_drafts(ws, ids, undo_step_of, now(), run=entry)
            run.drafted += len(new)
            for draft in new:
                run.flags.update(draft.qa)
            if on_progress is not None:
                on_progress(run.done, run.total)
            if done < len(work) and should_stop is not None and should_stop():
                run.stopped = True
                break
        results.close()  # an abandoned run: workers stop taking batches
    run.seconds = time.perf_counter() - started
    return run


class Translations(Protocol):
    """Where drafts of batches come from: ``results(work)`` yields ``(batch, drafts)`` for every
    batch of ``work`` as each is done, in any order; closing the generator abandons the rest.
    Used as a context manager that releases what it holds (threads, remote workers)."""

    def __enter__(self) -> Translations: ...

    def __exit__(self, *exc: object) -> None: ...

    def results(self, work: list[Batch]) -> Generator[tuple[Batch, list[str | None]], None, None]: ...


class LocalTranslations:
    """Translations in this process, in order. For an engine that may run on another thread
    (``engine.threadsafe``), batches are translated ahead while earlier ones are being stored:
    CTranslate2 releases the GIL, so decoding overlaps tokenizing, QA and SQLite writes. An
    engine with several model replicas (``engine.replicas``, one per GPU) decodes that many
    batches at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.replicas = max(1, int(getattr(engine, "replicas", 1)))
        threadsafe = getattr(engine, "threadsafe", False)
        self.pool = ThreadPoolExecutor(self.replicas, thread_name_prefix="draft") if threadsafe else None

    def __enter__(self) -> LocalTranslations:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:  # abandoned batches being decoded finish, unused
            self.pool.shutdown(wait=True, cancel_futures=True)

    def results(self, work: list[Batch]) -> Generator[tuple[Batch, list[str | None]], None, None]:
        if self.pool is None:
            for batch in work:
                yield batch, self._translate(batch)
            return
        # Every replica busy, and one batch more waiting: a slow store (a WAL checkpoint)
        # never leaves the decoder idle.
        upcoming = iter(work)
        ahead: deque[tuple[Batch, Future[list[str | None]]]] = deque()
        while True:
            while len(ahead) <= self.replicas and (coming := next(upcoming, None)) is not None:
                ahead.append((coming, self.pool.submit(self._translate, coming)))
            if not ahead:
                return
            batch, future = ahead.popleft()
            yield batch, future.result()

    def _translate(self, batch: Batch) -> list[str | None]:
        return self.engine.translate([fa for _, fa in batch], pair_ids=[pair_id for pair_id, _ in batch])


def _gone(ws: Workspace, ids: list[int]) -> set[int]:
    """Pairs of ``ids`` that no longer exist."""
    if not ids:
        return set()
    found = {row[0] for row in ws.conn.execute(
        "SELECT id FROM pairs WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])}
    return set(ids) - found


def _drafted(ws: Workspace, ids: list[int], engine: Engine | None) -> set[int]:
    """Pairs of ``ids`` that have a current draft (from ``engine`` and its settings, if given)."""
    sql = f"SELECT id FROM pairs WHERE id IN ({','.join('?' * len(ids))}) AND "
    if engine is None:
        return {row[0] for row in ws.conn.execute(sql + "draft_id IS NOT NULL", ids)}
    return {row[0] for row in ws.conn.execute(sql + _SAME_ENGINE, [*ids, *_identity(engine)])}
