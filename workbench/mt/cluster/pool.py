"""The workers (Ray actors, each with the model loaded once) and the pool that keeps them busy:
drafting's ``Translations`` on a Ray cluster."""

from __future__ import annotations

import dataclasses
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from workbench.errors import WorkbenchError
from workbench.mt.argos import ArgosEngine, DecodeOptions
from workbench.mt.cluster.connect import connect, one_line, signals_kept
from workbench.mt.cluster.package import (
    ShippedPackage,
    cache_dir,
    replace_damaged,
    ship,
    unpack,
)
from workbench.mt.drafting import Batch, Params
from workbench.mt.models import SOURCE, TARGET, PackageInfo

# ray and argostranslate are imported inside the functions: only `--ray` (and a worker) loads them.

if TYPE_CHECKING:
    from workbench.mt.cluster import RayEngine

START_TIMEOUT = 300.0  # seconds for the first worker to come up (ship and load the model)
IN_FLIGHT = 2  # batches queued per worker: one decoding, one waiting, so no worker idles between batches
RESTARTS = 3  # times Ray restarts a dead worker (and retries its batches); also batches' resends
WORKER_SETTINGS = ("threads", "device_index")  # a worker's own (speed only): not compared with the identity



class LoadReport(TypedDict, total=False):
    """What a worker's ``load`` returns: an error (empty when it loaded), else the settings its
    engine drafts with, whether it fetched the package, and how long loading took."""

    error: str
    params: Params
    fetched: bool
    seconds: float


@dataclass
class ClusterStats:
    """What a run spent on the cluster itself (bench/draft.py and docs/cluster.md report them)."""

    connect_seconds: float = 0.0  # ray.init: start a local runtime, or join a cluster
    pack_seconds: float = 0.0  # zip and hash the package
    put_seconds: float = 0.0  # put its bytes in the object store
    package_bytes: int = 0
    first_ready_seconds: float = 0.0  # from asking for workers to the first one loaded
    load_seconds: list[float] = field(default_factory=list)  # per worker: fetch, unpack, load
    fetched: int = 0  # workers that fetched the package (no copy in their machine's cache)
    workers: int = 0
    resent: int = 0  # batches sent again after their worker was lost for good
    per_worker: Counter[int] = field(default_factory=Counter)  # worker pid → batches it returned


class RayTranslations:
    """Drafting's ``Translations`` on a Ray cluster: joins it (or starts a local runtime) when
    there is work, ships the package, starts the workers, keeps each busy with ``IN_FLIGHT``
    batches, and on leaving stops the workers and disconnects (stopping a local runtime)."""

    def __init__(self, engine: RayEngine, workers: int | None = None) -> None:
        self.engine = engine
        self.wanted = workers or engine.workers
        self.stats = ClusterStats()
        self.ray: Any = None
        self.actors: list[Any] = []
        self.package: ShippedPackage | None = None

    def __enter__(self) -> RayTranslations:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.ray is None:
            return
        for actor in self.actors:  # a batch still decoding is abandoned, never stored
            self.ray.kill(actor, no_restart=True)
        self.actors = []
        self.package = None
        with signals_kept():
            self.ray.shutdown()
        self.ray = None

    def results(self, work: list[Batch]) -> Generator[tuple[Batch, list[str | None]], None, None]:
        if not work:
            return
        if self.ray is None:
            self.ray = connect(self.engine.address, self.stats)
        self.package = self.package or ship(self.ray, self.engine.info, self.stats)
        pool = _Pool(self.ray, self.package, self._start_workers(len(work)), work, self._check, self.stats)
        try:
            while pool.unfinished():
                pool.feed()
                done = pool.next_done()
                if done is not None:
                    index, drafts = done
                    yield work[index], drafts
        finally:
            pool.drop()

    def _start_workers(self, batches: int) -> list[Any]:
        ray = self.ray
        device = str(self.engine.params.get("device", "cpu"))
        threads = self.engine.options.threads or 1
        resources = ray.cluster_resources()
        if device.startswith("cuda"):
            capacity, demand = int(resources.get("GPU", 0)), {"num_gpus": 1, "num_cpus": threads}
            if not capacity:
                raise WorkbenchError("the device is cuda but the Ray cluster has no GPU")
        else:
            capacity, demand = int(resources.get("CPU", 0)) // threads, {"num_cpus": threads}
            if not capacity:
                raise WorkbenchError(f"the Ray cluster has {resources.get('CPU', 0):g} CPUs, fewer than the "
                                     f"{threads} threads asked for each worker")
        count = max(1, min(self.wanted or capacity, batches))
        remote = ray.remote(max_restarts=RESTARTS, max_task_retries=RESTARTS, **demand)(DraftWorker)
        options = worker_options(self.engine.options, device=device, threads=threads)
        self.actors = [remote.remote(options, device) for _ in range(count)]
        self.stats.workers = count
        return self.actors

    def _check(self, report: LoadReport) -> None:
        """A worker is up: it loaded the model, with the settings this engine records."""
        if report["error"]:
            raise WorkbenchError(f"a Ray worker could not load the model: {report['error']}")
        ours = {k: v for k, v in self.engine.params.items() if k not in WORKER_SETTINGS}
        theirs = {k: v for k, v in report["params"].items() if k not in WORKER_SETTINGS}
        if theirs != ours:  # e.g. a compute type its CPU lacks: its drafts would differ from local ones
            differ = ", ".join(f"{k} {theirs.get(k)!r} (here {v!r})" for k, v in ours.items() if theirs.get(k) != v)
            raise WorkbenchError(f"a Ray worker would draft with other settings: {differ}")
        self.stats.load_seconds.append(report["seconds"])
        self.stats.fetched += report["fetched"]


class _Pool:
    """One ``results()`` run: workers coming up, batches queued, in flight, sent again."""

    def __init__(self, ray: Any, package: ShippedPackage, actors: list[Any], work: list[Batch],
                 check: Callable[[LoadReport], None], stats: ClusterStats) -> None:
        from ray.exceptions import RayError, RayTaskError

        self.ray, self.package, self.work, self.check, self.stats = ray, package, work, check, stats
        self.errors = (RayError, RayTaskError)
        self.started = time.monotonic()
        self.starting = {actor.load.remote(package): actor for actor in actors}
        self.loads: dict[Any, int] = {}  # a worker that is up → its batches in flight
        self.in_flight: dict[Any, tuple[int, Any]] = {}  # result → (batch index, worker)
        self.queue = deque(range(len(work)))
        self.resends: Counter[int] = Counter()  # batch index → times sent again
        self.lost = ""  # why the last worker was lost

    def unfinished(self) -> bool:
        return bool(self.queue or self.in_flight)

    def feed(self) -> None:
        """Keep every worker that is up ``IN_FLIGHT`` batches deep."""
        for actor, load in self.loads.items():
            while load < IN_FLIGHT and self.queue:
                index = self.queue.popleft()
                self.in_flight[actor.translate.remote(self.package, self.work[index])] = (index, actor)
                load += 1
            self.loads[actor] = load
        if not self.loads and not self.starting:
            hint = "; install this workbench on every machine" if "ModuleNotFoundError" in self.lost else ""
            raise WorkbenchError(f"every Ray worker was lost ({self.lost}{hint}); what was drafted is saved, "
                                 "run again to continue")

    def next_done(self) -> tuple[int, list[str | None]] | None:
        """A finished batch (its index and drafts), or None: nothing yet, a worker came up, one
        was lost (its batch queued again). Waits half a second at most, so signals get through."""
        done, _ = self.ray.wait([*self.in_flight, *self.starting], num_returns=1, timeout=0.5)
        if not done:
            if not self.loads and time.monotonic() - self.started > START_TIMEOUT:
                raise WorkbenchError(f"no Ray worker came up within {START_TIMEOUT:.0f} s: the cluster has no "
                                     "free CPU (or GPU) for one, or it cannot fetch the model")
            return None
        if done[0] in self.starting:
            self._up(done[0])
            return None
        return self._result(done[0])

    def drop(self) -> None:
        """Batches not started yet are dropped (RayTranslations stops the workers)."""
        for ref in self.in_flight:
            self.ray.cancel(ref)

    def _up(self, ref: Any) -> None:
        RayError, _ = self.errors
        actor = self.starting.pop(ref)
        try:
            report = self.ray.get(ref)
        except RayError as e:  # died while loading, beyond its restarts: the others carry on
            self.lost = one_line(e)
            return
        self.check(report)
        if not self.loads:
            self.stats.first_ready_seconds = time.monotonic() - self.started
        self.loads[actor] = 0

    def _result(self, ref: Any) -> tuple[int, list[str | None]] | None:
        RayError, RayTaskError = self.errors
        index, actor = self.in_flight.pop(ref)
        try:
            drafts, pid = self.ray.get(ref)
        except RayTaskError as e:  # the engine itself failed: the same batch would fail anywhere
            raise WorkbenchError(f"a Ray worker failed on a batch: {one_line(e)}") from None
        except RayError as e:  # its worker is gone for good (beyond its restarts), or the result lost
            self.lost = one_line(e)
            if self.loads.pop(actor, None) is not None:
                self.ray.kill(actor, no_restart=True)
            self.resends[index] += 1
            self.stats.resent += 1
            if self.resends[index] > RESTARTS:
                raise WorkbenchError("a batch was lost with every Ray worker it was sent to; what was "
                                     "drafted is saved, run again to continue") from None
            self.queue.appendleft(index)
            return None
        if actor in self.loads:
            self.loads[actor] -= 1
        self.stats.per_worker[pid] += 1
        return index, drafts


def worker_options(options: DecodeOptions, *, device: str, threads: int) -> DecodeOptions:
    """The options a worker decodes with: the command's, on the device its identity names (so
    "auto" is not resolved again elsewhere), with the worker's own threads, and its one GPU (Ray
    shows each worker only the GPU it gives it, as index 0)."""
    return dataclasses.replace(options, threads=threads, device=device, device_index=(0,))


class DraftWorker:
    """A Ray actor: the package unpacked from the object store (or found in its machine's
    cache) and its model loaded once, on ``load``, then batches translated as they come. A
    worker Ray restarts after a crash loads again on its first batch (the package travels with
    each call, as a reference: a constructor argument held in the object store would tie
    restarts to it). Errors while loading are returned by ``load`` rather than raised, so they
    reach the command as one line and no restart is wasted on them."""

    def __init__(self, options: DecodeOptions, device: str) -> None:
        self.options = options
        self.device = device
        self.engine: ArgosEngine | None = None

    def load(self, package: ShippedPackage) -> LoadReport:
        started = time.perf_counter()
        try:
            fetched = self._load(package)
        except Exception as e:  # noqa: BLE001 (reported to the command, which stops with it)
            return {"error": one_line(e)}
        assert self.engine is not None  # _load set it
        return {"error": "", "params": self.engine.params, "fetched": fetched,
                "seconds": time.perf_counter() - started}

    def translate(self, package: ShippedPackage, batch: Batch) -> tuple[list[str | None], int]:
        """The batch's drafts, in order, and this worker's process id (for the stats)."""
        if self.engine is None:  # restarted after a crash
            self._load(package)
        assert self.engine is not None  # _load set it
        sources, pair_ids = [fa for _, fa in batch], [pair_id for pair_id, _ in batch]
        return self.engine.translate(sources, pair_ids=pair_ids), os.getpid()

    def _load(self, package: ShippedPackage) -> bool:
        """Load the model; whether its bytes were fetched. A cached folder that does not load
        (damaged on this machine's disk since) is fetched again, once."""
        import ray

        def fetch() -> bytes:
            data: bytes = ray.get(package.ref)
            return data

        os.environ["ARGOS_DEVICE_TYPE"] = self.device  # what ArgosEngine reads; Ray sets CUDA_VISIBLE_DEVICES
        path, fetched = unpack(package.digest, fetch, cache_dir())
        inode = path.stat().st_ino
        try:
            self.engine = self._engine(package, path)
        except Exception:
            if fetched:
                raise
            self.engine = self._engine(package, replace_damaged(package.digest, fetch, cache_dir(), inode))
        return fetched

    def _engine(self, package: ShippedPackage, path: Path) -> ArgosEngine:
        from argostranslate.package import Package

        info = PackageInfo(name=package.name, version=package.version, from_code=SOURCE, to_code=TARGET,
                           path=path, package=Package(path))
        return ArgosEngine(info, self.options)
