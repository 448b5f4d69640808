"""Drafting spread over a Ray cluster: a pool of workers (Ray actors), each loading the Argos
package's CTranslate2 model once, decoding the length-sorted batches it is sent.

The pool plugs into drafting's seam (``engine.translations()``): batches go out as
``(pair id, Persian)`` lists and come back as drafts, in whatever order they finish, and
``draft_pairs`` stores each in this process, one transaction per batch: the command stays the
only writer to SQLite, so an interrupted or killed run resumes exactly as a local one does.

- The package travels by content: this process zips it, puts the bytes in Ray's object store
  with their SHA-256, and a worker fetches them only if its machine's cache has no folder of
  that hash; it checks the hash and unpacks into the cache (no shared disk is assumed).
- Drafts are the local ones: each worker runs ``ArgosEngine`` with the same options, and the
  Ray engine's identity (engine, model, version, settings) is the local engine's.
- A worker that dies is restarted by Ray and its batches are sent again; one that cannot come
  back is dropped and its batches go to the others.
- Ray is imported only here and only when used: without the ``cluster`` extra the CLI starts
  as fast as ever and ``--ray`` says what to install.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.mt.argos import ArgosEngine, DecodeOptions, available_cores, decode_params
from workbench.mt.drafting import Batch
from workbench.mt.models import SOURCE, TARGET, PackageInfo, choose_package

LOCAL = ""  # `--ray` without an address: a Ray runtime on this machine, for this command only
DEFAULT_PORT = 6379  # `ray start --head`'s default
CONNECT_TIMEOUT = 5.0  # seconds for the head's port to answer
START_TIMEOUT = 300.0  # seconds for the first worker to come up (ship and load the model)
IN_FLIGHT = 2  # batches queued per worker: one decoding, one waiting, so no worker idles between batches
RESTARTS = 3  # times Ray restarts a dead worker (and retries its batches); also batches' resends
WORKER_SETTINGS = ("threads", "device_index")  # a worker's own (speed only): not compared with the identity
INSTALL_HINT = "--ray needs Ray: pip install 'workbench[cluster]' (on every machine of the cluster)"


@dataclass(frozen=True)
class ShippedPackage:
    """An Argos package as workers receive it: the bytes of a zip of its folder, in Ray's
    object store (``ref``), named by their SHA-256."""

    name: str
    version: str
    digest: str
    size: int
    ref: Any  # ray.ObjectRef to the bytes; inside a dataclass so Ray does not fetch it for the worker


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
    per_worker: Counter = field(default_factory=Counter)  # worker pid → batches it returned


class RayEngine:
    """The argos engine's drafting spread over a Ray cluster (``address``: HOST[:PORT] of its
    head, or LOCAL for a runtime started for this command). ``workers``: how many (default:
    one per GPU when the device is CUDA, else one per CPU of the cluster, each using
    ``options.threads`` threads, or one)."""

    name = "argos"  # the local engine's identity: its drafts count as the same settings

    def __init__(self, info: PackageInfo, options: DecodeOptions = DecodeOptions(), *, address: str = LOCAL,
                 workers: int | None = None) -> None:
        self.info = info
        self.options = options
        self.address = address
        self.workers = workers
        self.model = info.name
        self.model_version = info.version
        self.params = decode_params(options)

    def translations(self) -> RayTranslations:
        return RayTranslations(self)

    def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str | None]:
        """One batch through a pool of one worker (the Engine protocol; drafting uses
        ``translations()``)."""
        batch = list(zip(pair_ids if pair_ids is not None else range(len(sentences)), sentences))
        with RayTranslations(self, workers=1) as translations:
            results = translations.results([batch])
            try:
                return next(results)[1]
            finally:
                results.close()


def load_ray_engine(model: str | None, options: DecodeOptions, *, address: str = LOCAL,
                    workers: int | None = None) -> RayEngine:
    """The Ray engine for the installed fa→en package ``model`` (default: the newest)."""
    return RayEngine(choose_package(model), options, address=address, workers=workers)


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
        with _signals_kept():
            self.ray.shutdown()
        self.ray = None

    def results(self, work: list[Batch]) -> Iterator[tuple[Batch, list[str | None]]]:
        if not work:
            return
        if self.ray is None:
            self.ray = connect(self.engine.address, self.stats)
        ray = self.ray
        from ray.exceptions import RayActorError, RayError, RayTaskError

        self.package = self.package or ship(ray, self.engine.info, self.stats)
        started = time.monotonic()
        package = self.package
        starting = {actor.load.remote(package): actor for actor in self._start_workers(len(work))}
        loads: dict[Any, int] = {}  # a worker that is up → its batches in flight
        in_flight: dict[Any, tuple[int, Any]] = {}  # result → (batch index, worker)
        queue = deque(range(len(work)))
        resends: Counter = Counter()
        try:
            while queue or in_flight:
                for actor, load in loads.items():
                    while load < IN_FLIGHT and queue:
                        index = queue.popleft()
                        in_flight[actor.translate.remote(package, work[index])] = (index, actor)
                        load += 1
                    loads[actor] = load
                if not loads and not starting:
                    raise WorkbenchError("every Ray worker was lost; what was drafted is saved, run again to continue")
                done, _ = ray.wait([*in_flight, *starting], num_returns=1, timeout=0.5)
                if not done:
                    if not loads and time.monotonic() - started > START_TIMEOUT:
                        raise WorkbenchError(f"no Ray worker came up within {START_TIMEOUT:.0f} s: the cluster has "
                                             "no free CPU (or GPU) for one, or cannot fetch the model")
                    continue
                ref = done[0]
                if ref in starting:
                    actor = starting.pop(ref)
                    try:
                        report = ray.get(ref)
                    except RayError:  # died while loading, beyond its restarts: the others carry on
                        continue
                    self._check(report)
                    if not loads:
                        self.stats.first_ready_seconds = time.monotonic() - started
                    loads[actor] = 0
                    continue
                index, actor = in_flight.pop(ref)
                try:
                    drafts, pid = ray.get(ref)
                except RayTaskError as e:  # the engine itself failed: the same batch would fail anywhere
                    raise WorkbenchError(f"a Ray worker failed on a batch: {_reason(e)}") from None
                except (RayActorError, RayError):  # the worker is gone for good, or the result lost: resend
                    if isinstance(loads.pop(actor, None), int):
                        ray.kill(actor, no_restart=True)
                    resends[index] += 1
                    self.stats.resent += 1
                    if resends[index] > RESTARTS:
                        raise WorkbenchError("a batch was lost with every Ray worker it was sent to; what was "
                                             "drafted is saved, run again to continue") from None
                    queue.appendleft(index)
                    continue
                if actor in loads:
                    loads[actor] -= 1
                self.stats.per_worker[pid] += 1
                yield work[index], drafts
        finally:
            for ref in in_flight:  # batches not yet started are dropped; __exit__ stops the rest
                ray.cancel(ref)

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

    def _check(self, report: dict) -> None:
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


def worker_options(options: DecodeOptions, *, device: str, threads: int) -> DecodeOptions:
    """The options a worker decodes with: the command's, on the device its identity names (so
    "auto" is not resolved again elsewhere), with the worker's own threads, and its one GPU (Ray
    shows each worker only the GPU it gives it, as index 0)."""
    names = {f.name for f in dataclasses.fields(options)}
    changes = {"threads": threads, "device": device, "device_index": (0,)}
    return dataclasses.replace(options, **{k: v for k, v in changes.items() if k in names})


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

    def load(self, package: ShippedPackage) -> dict:
        started = time.perf_counter()
        try:
            fetched = self._load(package)
        except Exception as e:  # noqa: BLE001 (reported to the command, which stops with it)
            return {"error": _reason(e)}
        return {"error": "", "params": self.engine.params, "fetched": fetched,
                "seconds": time.perf_counter() - started}

    def translate(self, package: ShippedPackage, batch: Batch) -> tuple[list[str | None], int]:
        """The batch's drafts, in order, and this worker's process id (for the stats)."""
        if self.engine is None:  # restarted after a crash
            self._load(package)
        sources, pair_ids = [fa for _, fa in batch], [pair_id for pair_id, _ in batch]
        return self.engine.translate(sources, pair_ids=pair_ids), os.getpid()

    def _load(self, package: ShippedPackage) -> bool:
        """Load the model; whether its bytes were fetched. A cached folder that does not load
        (damaged on this machine's disk since) is fetched again, once."""
        import ray

        os.environ["ARGOS_DEVICE_TYPE"] = self.device  # what ArgosEngine reads; Ray sets CUDA_VISIBLE_DEVICES
        path, fetched = unpack(package.digest, lambda: ray.get(package.ref), cache_dir())
        try:
            self.engine = self._engine(package, path)
        except Exception:
            if fetched:
                raise
            shutil.rmtree(path, ignore_errors=True)
            path, fetched = unpack(package.digest, lambda: ray.get(package.ref), cache_dir())
            self.engine = self._engine(package, path)
        return fetched

    def _engine(self, package: ShippedPackage, path: Path) -> ArgosEngine:
        from argostranslate.package import Package

        info = PackageInfo(name=package.name, version=package.version, from_code=SOURCE, to_code=TARGET,
                           path=path, package=Package(path))
        return ArgosEngine(info, self.options)


# -- the package, by content ----------------------------------------------------------------------


def pack(folder: Path) -> bytes:
    """The package folder as zip bytes that depend on its files' names and contents only (sorted,
    fixed dates, stored uncompressed: CTranslate2's int8 weights hardly compress)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            with path.open("rb") as src, archive.open(entry, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    return buffer.getvalue()


def ship(ray: Any, info: PackageInfo, stats: ClusterStats) -> ShippedPackage:
    started = time.perf_counter()
    data = pack(info.path)
    digest = hashlib.sha256(data).hexdigest()
    packed = time.perf_counter()
    shipped = ShippedPackage(name=info.name, version=info.version, digest=digest, size=len(data), ref=ray.put(data))
    stats.pack_seconds, stats.put_seconds = packed - started, time.perf_counter() - packed
    stats.package_bytes = len(data)
    return shipped


def cache_dir() -> Path:
    """Where workers keep unpacked packages, one folder per SHA-256 ($WORKBENCH_CACHE, else
    $XDG_CACHE_HOME/workbench, else ~/.cache/workbench)."""
    root = os.environ.get("WORKBENCH_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench"
    return Path(root) / "packages"


def unpack(digest: str, fetch: Callable[[], bytes], root: Path) -> tuple[Path, bool]:
    """The package folder for ``digest`` under ``root``, and whether its bytes had to be fetched.
    A folder is renamed into place whole, only after its bytes matched the hash, so one that
    exists is complete; workers racing on one machine each unpack, and the first rename wins."""
    target = root / digest
    if target.is_dir():
        return target, False
    data = fetch()
    if hashlib.sha256(data).hexdigest() != digest:
        raise WorkbenchError("the model package arrived damaged (its SHA-256 does not match)")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:16]}-", dir=root))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(staging)
        try:
            staging.rename(target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, True


# -- joining the cluster --------------------------------------------------------------------------


def connect(address: str, stats: ClusterStats | None = None) -> Any:
    """Ray, connected: to the cluster whose head is at ``address`` (HOST[:PORT]; checked to
    answer first, so an unreachable one fails in seconds), or to a runtime started here for
    this process (LOCAL). No usage statistics, no dashboard. Returns the ``ray`` module."""
    started = time.perf_counter()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address == LOCAL:
        os.environ.pop("RAY_ADDRESS", None)  # start one, never join whatever that names
        # One machine only: Ray's processes address each other on 127.0.0.1, not the LAN address.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        target = None
    else:
        target = _head_address(address)
        _check_reachable(*target.rsplit(":", 1))
        # Ray's own connection retries add up to minutes against a port that answers but is no
        # Ray head (or wants a token): one try.
        os.environ.setdefault("RAY_py_gcs_connect_timeout_s", "5")
        os.environ.setdefault("RAY_NUM_REDIS_GET_RETRIES", "1")
    try:
        import ray
    except ImportError:
        raise WorkbenchError(INSTALL_HINT) from None
    _quiet_error_messages()
    common = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                  namespace="workbench")
    try:
        with _signals_kept():
            if target is None:
                ray.init(num_cpus=available_cores(), **common)
            else:
                with _stderr_hidden():  # its C++ core logs each failed try there; the error says it once
                    ray.init(address=target, **common)
    except Exception as e:  # noqa: BLE001 (Ray raises ConnectionError, RuntimeError, ValueError…)
        with _signals_kept():
            ray.shutdown()
        where = f"the Ray cluster at {address}" if target else "a local Ray runtime"
        raise WorkbenchError(f"cannot {'join' if target else 'start'} {where}: {_connect_reason(e)}") from None
    if stats is not None:
        stats.connect_seconds = time.perf_counter() - started
    return ray


def _quiet_error_messages() -> None:
    """Ray's driver prints the cluster's error messages (a worker died, a task is retried) on
    stdout from a thread of its own, whatever ``log_to_driver`` says: the command's stdout is
    its summary, and the pool itself replaces lost workers and resends their batches. Ray has no
    setting for it, so the thread's function (ray 2.60's) is replaced before ``ray.init``
    starts it."""
    import ray._private.worker as ray_worker

    if hasattr(ray_worker, "listen_error_messages"):
        ray_worker.listen_error_messages = lambda worker, threads_stopped: None


def _head_address(address: str) -> str:
    host, _, port = address.strip().rpartition(":") if ":" in address else (address.strip(), "", "")
    if "://" in address or not host or (port and not port.isdigit()):
        raise WorkbenchError(f"--ray {address!r}: give the head's HOST:PORT, as `ray start --head` prints it")
    return f"{host}:{port or DEFAULT_PORT}"


def _check_reachable(host: str, port: str) -> None:
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as e:
        reason = "timed out" if isinstance(e, TimeoutError) else (e.strerror or str(e))
        raise WorkbenchError(f"cannot reach a Ray cluster at {host}:{port} ({reason}); start its head with "
                             f"`ray start --head --port={port}`") from None


def _connect_reason(error: BaseException) -> str:
    chain, seen = [], error
    while seen is not None:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    if any("AuthenticationError" in type(e).__name__ or "InvalidAuthToken" in str(e) for e in chain):
        return ("it wants its token: set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN (or ~/.ray/auth_token) "
                "as on its machines (see docs/cluster.md)")
    return _reason(error)


def _reason(error: BaseException) -> str:
    """One line for an error, however deep Ray wrapped it."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException) and cause is not error:
        return _reason(cause)
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


@contextmanager
def _stderr_hidden() -> Iterator[None]:
    """File descriptor 2 goes nowhere meanwhile (C++ code writes there, not to sys.stderr)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class _signals_kept:
    """Keep this process's SIGINT/SIGTERM handlers across a Ray call that installs its own
    (ray.init makes SIGTERM exit at once): the command's own handlers stop it between batches."""

    def __enter__(self) -> None:
        self.saved = {}
        if threading.current_thread() is threading.main_thread():
            self.saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.saved.items():
            if handler is not None:
                signal.signal(signum, handler)
