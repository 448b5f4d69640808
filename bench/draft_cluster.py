"""`bench/draft.py --cluster`: drafting the same sentences locally and over Ray, in one run.

Whole-process `workbench translate` times (start-up, model loading, decoding, storing):

  local                   no Ray: the engine in the command's process, every core;
  ray, N workers          joining a Ray cluster that is already up (`ray start --head` here,
                          with this machine's cores), as on a real cluster: N workers sharing
                          the cores (threads per worker = cores / N);
  ray (own runtime)       `--ray` without an address: the command starts Ray and stops it.

Then what a Ray run costs besides decoding, measured in-process on the running head: joining,
packing and shipping the package (the tiny one, and a 100 MB stand-in for a real model),
a worker's first load, and the round trip of one batch (an empty one: Ray's own overhead).
Everything stays on 127.0.0.1; Ray's usage statistics and dashboard are off.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.tiny_model import PACKAGE_NAME

BIN = Path(sys.executable).parent


def bench_cluster(tmp: Path, tmx: Path, sentences: int, flags: list, settings: str, repeat: int) -> None:
    from workbench.mt.argos import available_cores

    short = Path(tempfile.mkdtemp(prefix="wbray-", dir="/tmp"))  # Ray's socket paths must stay short
    os.environ.update({  # for the commands, the head and this process alike
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # one machine: every Ray process on 127.0.0.1
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(16),
        "RAY_TMPDIR": str(short / "local"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
    })
    cores = available_cores()
    load_before = os.getloadavg()[0]
    head, address = _start_head(short, cores)
    try:
        runs: dict[str, list[str]] = {"local": []}
        for workers in (1, 2):
            runs[f"ray, {workers} worker{'s' * (workers > 1)}"] = [
                "--ray", address, "--ray-workers", str(workers), "--threads", str(max(1, cores // workers))]
        runs["ray (own runtime), 2 workers"] = ["--ray", "--ray-workers", "2", "--threads", str(max(1, cores // 2))]
        times: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        template = tmp / "cluster-template.sqlite"
        _workbench("--ws", template, "import", tmx)
        for run in range(repeat):  # interleaved, so a slow spell of a shared machine hits all
            for name, extra in runs.items():
                ws = tmp / f"cluster-{run}-{len(times[name])}-{name.split(',')[0].replace(' ', '')}.sqlite"
                shutil.copy(template, ws)
                with _CpuUsed() as used:
                    started = time.perf_counter()
                    _workbench("--ws", ws, "translate", *flags, *extra)
                    times[name].append(time.perf_counter() - started)
                cpu[name].append(used.seconds)
                ws.unlink()
        print(f"{sentences} TICO-19 Persian segments, {settings}; {cores} cores; whole-process `workbench translate`; "
              f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        print("  (CPU: seconds of CPU spent by the command and by Ray's processes meanwhile, median of the runs: "
              "unlike wall time, hardly changed by other work on the machine)")
        best_local, cpu_local = min(times["local"]), statistics.median(cpu["local"])
        for name, seconds in times.items():
            best, used = min(seconds), statistics.median(cpu[name])
            print(f"  {name:30} {sentences / best:6.1f} sentences/s  {best:6.1f} s  ({best_local / best:.2f}× local; "
                  f"runs: {', '.join(f'{s:.1f}' for s in seconds)} s)  CPU {used:5.1f} s ({used / cpu_local:.2f}× local)")
        _costs(address, flags)
    finally:
        _stop_head(head)
        shutil.rmtree(short, ignore_errors=True)


def _costs(address: str, flags: list) -> None:
    """The fixed and per-batch costs of a Ray run, in this process, on the running head."""
    import ray

    from workbench.mt.argos import DecodeOptions
    from workbench.mt.cluster import RayTranslations, load_ray_engine

    options = dict(zip(flags[::2], flags[1::2]))
    engine = load_ray_engine(PACKAGE_NAME, DecodeOptions(beam_size=int(options["--beam-size"]),
                                                         max_length=int(options["--max-length"]),
                                                         batch_size=int(options["--batch-size"]), threads=1),
                             address=address, workers=1)
    with RayTranslations(engine) as translations:
        list(translations.results([[(1, "سلام")]]))
        stats = translations.stats
        actor, package = translations.actors[0], translations.package
        round_trips = []
        for _ in range(200):
            started = time.perf_counter()
            ray.get(actor.translate.remote(package, []))
            round_trips.append((time.perf_counter() - started) * 1000)
        pipelined = time.perf_counter()
        ray.get([actor.translate.remote(package, []) for _ in range(1000)])
        pipelined = (time.perf_counter() - pipelined) / 1000 * 1000  # ms per batch over 1000
        big = _big_package_costs(ray)
    print("what a Ray run costs besides decoding (joining the running head, one worker):")
    print(f"  join the cluster (ray.init)          {stats.connect_seconds:6.2f} s")
    print(f"  pack and hash the package            {stats.pack_seconds * 1000:6.1f} ms  ({stats.package_bytes / 1e6:.1f} MB), "
          f"put it in the object store {stats.put_seconds * 1000:.1f} ms")
    print(f"  first worker up (fetch, unpack, load) {stats.first_ready_seconds:5.2f} s  (in the worker: "
          f"{stats.load_seconds[0] * 1000:.0f} ms; fetched: {'yes' if stats.fetched else 'no, cached'})")
    print(f"  one batch's round trip (empty batch) median {statistics.median(round_trips):.2f} ms, "
          f"p95 {sorted(round_trips)[int(len(round_trips) * .95)]:.2f} ms; pipelined {pipelined:.2f} ms")
    print(f"  a 100 MB package: pack+hash {big['pack']:.2f} s, put {big['put']:.2f} s, "
          f"worker fetch+check+unpack {big['unpack']:.2f} s (same machine: no network)")


def _big_package_costs(ray) -> dict[str, float]:
    """Shipping costs for a package the size of a real fa→en model (random bytes: incompressible, as
    int8 weights nearly are)."""
    from workbench.mt.cluster import pack, unpack

    with tempfile.TemporaryDirectory(prefix="bench-big-") as tmp_name:
        folder = Path(tmp_name) / "pkg"
        (folder / "model").mkdir(parents=True)
        (folder / "model" / "model.bin").write_bytes(os.urandom(100 * 1024 * 1024))
        (folder / "metadata.json").write_text("{}")
        started = time.perf_counter()
        data = pack(folder)
        digest = hashlib.sha256(data).hexdigest()
        packed = time.perf_counter()
        ref = ray.put(data)
        put = time.perf_counter()
        del data

        @ray.remote(num_cpus=0)
        def fetch_and_unpack(box: list, root: str) -> float:
            began = time.perf_counter()
            unpack(digest, lambda: ray.get(box[0]), Path(root))
            return time.perf_counter() - began

        seconds = ray.get(fetch_and_unpack.remote([ref], str(Path(tmp_name) / "cache")))
    return {"pack": packed - started, "put": put - packed, "unpack": seconds}


class _CpuUsed:
    """CPU seconds spent meanwhile by this process's descendants (the command, the head, Ray's
    workers), sampled from /proc every quarter second: Ray reaps its workers without adding
    their time to anyone's, so the last sample of each process counts (a quarter second of a
    process's last moments may be missed)."""

    def __enter__(self) -> _CpuUsed:
        self.base, self.last, self.stop = self._sample(), {}, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.last.update(self._sample())
        self.seconds = sum(t - self.base.get(pid, 0.0) for pid, t in self.last.items())

    def _watch(self) -> None:
        while not self.stop.wait(0.25):
            self.last.update(self._sample())

    @staticmethod
    def _sample() -> dict[int, float]:
        table: dict[int, tuple[int, float]] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)  # utime+stime
        me = os.getpid()

        def mine(pid: int) -> bool:
            pid = table[pid][0]
            while pid > 1:
                if pid == me:
                    return True
                pid = table.get(pid, (0, 0.0))[0]
            return False

        return {pid: t for pid, (_, t) in table.items() if mine(pid)}


def _start_head(short: Path, cores: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = short / "head.log"
    process = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", "--block", f"--port={port}", f"--num-cpus={cores}",
         "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={short / 'head'}"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 180
    while "Ray runtime started" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"ray start --head failed:\n{log.read_text()}")
        time.sleep(0.2)
    return process, f"127.0.0.1:{port}"


def _stop_head(process: subprocess.Popen) -> None:
    process.terminate()  # `ray start --block` stops what it started
    try:
        process.wait(60)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _workbench(*args) -> None:
    subprocess.run([str(BIN / "workbench"), *map(str, args)], check=True, stdout=subprocess.DEVNULL)
