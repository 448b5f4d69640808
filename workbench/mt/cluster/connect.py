"""Joining a Ray cluster (or starting a runtime on this machine for one command): quietly, with
this process's signal handlers kept, and failing in one line within seconds when there is no
cluster to join."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypedDict

from workbench.errors import WorkbenchError
from workbench.mt.argos import available_cores

# ray (an optional extra, heavy) is imported inside the functions: only `--ray` loads it.

if TYPE_CHECKING:
    from workbench.mt.cluster.pool import ClusterStats

LOCAL = ""  # `--ray` without an address: a Ray runtime on this machine, for this command only
DEFAULT_PORT = 6379  # `ray start --head`'s default
CONNECT_TIMEOUT = 5.0  # seconds for the head's port to answer
INSTALL_HINT = "--ray needs Ray: pip install 'workbench[cluster]' (on every machine of the cluster)"


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
    common = _InitOptions(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                          namespace="workbench")
    try:
        with signals_kept():
            if target is None:
                ray.init(num_cpus=available_cores(), **common)
            else:
                with _stderr_hidden():  # its C++ core logs each failed try there; the error says it once
                    ray.init(address=target, **common)
    except Exception as e:  # noqa: BLE001 (Ray raises ConnectionError, RuntimeError, ValueError…)
        with signals_kept():
            ray.shutdown()
        where = f"the Ray cluster at {address}" if target else "a local Ray runtime"
        raise WorkbenchError(f"cannot {'join' if target else 'start'} {where}: {_connect_reason(e)}") from None
    if stats is not None:
        stats.connect_seconds = time.perf_counter() - started
    return ray



class _InitOptions(TypedDict):
    """What every ray.init here is given."""

    include_dashboard: bool
    log_to_driver: bool
    logging_level: int
    namespace: str


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
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    if any("AuthenticationError" in type(e).__name__ or "InvalidAuthToken" in str(e) for e in chain):
        return ("it wants its token: set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN (or ~/.ray/auth_token) "
                "as on its machines (see docs/cluster.md)")
    return one_line(error)


def one_line(error: BaseException) -> str:
    """One line for an error, however deep Ray wrapped it."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException) and cause is not error:
        return one_line(cause)
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


@contextmanager
def signals_kept() -> Iterator[None]:
    """Keep this process's SIGINT/SIGTERM handlers across a Ray call that installs its own
    (ray.init makes SIGTERM exit at once): the command's own handlers stop it between batches."""
    saved = {}
    if threading.current_thread() is threading.main_thread():
        saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            if handler is not None:
                signal.signal(signum, handler)
