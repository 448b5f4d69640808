"""A million pairs: import of a 1M-unit TMX, export in every format, status, score, opening the TUI.

    .venv/bin/python bench/scale.py                  # 1,000,000 units (about 10 minutes, 3 GB of disk)
    .venv/bin/python bench/scale.py --units 100000   # a quicker look
    .venv/bin/python bench/scale.py --import-only    # the import, this checkout and the baseline in one run

``--import-only`` imports the same TMX with this checkout and with ``--baseline`` (a git commit,
checked out into a temporary worktree), alternating, ``--repeat`` times each; meanwhile another
process takes the workspace's write lock every half second (an empty write transaction) and the
longest it waited is printed (the baseline held the lock for the whole import).

Each command runs as a real `workbench` process; its wall time and peak RSS (from wait4) are
printed. Targets (issue 8): import and export in bounded memory, peak RSS under 300 MB; the TUI
opens in under 2 s. Scoring runs on the pairs given approved English and a synthetic draft
(`--scored`, default 100,000): sacrebleu's TER is the slow part and grows with that number.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.synthetic import EN, write_tmx  # noqa: E402
from bench.tui import cold_open, first_frame  # noqa: E402
from workbench.store import Workspace, now  # noqa: E402

WORKBENCH = str(Path(sys.executable).parent / "workbench")
RSS_TARGET_MB = 300
OPEN_TARGET_S = 2.0

def run(label: str, *args: str, cwd: Path) -> tuple[float, float]:
    """Run ``workbench ARGS``; returns (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen([WORKBENCH, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{label} failed: {proc.stderr.read().decode().strip()}")
    return took, usage.ru_maxrss / 1024


BASELINE = "ff69aea"  # main before imports were written in short transactions


def timed_import(code_root: Path, tmx: Path, ws: Path, folder: Path) -> dict:
    """`workbench import` with ``code_root``'s code: wall and CPU seconds, peak RSS, and the
    longest another process waited for the write lock meanwhile."""
    probe = _LockProbe(ws)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "import", str(tmx), "--ws", str(ws)], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(code_root)})
    probe.start()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    probe.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed: {proc.stderr.read().decode().strip()}")
    return {"seconds": took, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "lock_wait": probe.longest, "lock_timeouts": probe.timeouts, "probes": probe.count}


class _LockProbe:
    """Another writer: every half second, an empty write transaction on the workspace (once it
    has its tables), recording how long it waited for the lock (60 s at most)."""

    def __init__(self, ws: Path) -> None:
        import threading

        self.ws, self.longest, self.timeouts, self.count = ws, 0.0, 0, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        import sqlite3

        while not self.stopping.wait(0.5):
            try:
                conn = sqlite3.connect(f"{self.ws.resolve().as_uri()}?mode=rw", uri=True, timeout=60,
                                       isolation_level=None)
            except sqlite3.Error:
                continue  # not created yet
            try:
                if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'pairs'").fetchone():
                    continue
                start = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("COMMIT")
                self.longest = max(self.longest, time.perf_counter() - start)
                self.count += 1
            except sqlite3.OperationalError:
                self.timeouts += 1
            finally:
                conn.close()


def import_only(folder: Path, units: int, baseline: str, repeat: int) -> None:
    tmx = folder / "big.tmx"
    write_tmx(tmx, units)
    base = folder / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), baseline],
                   check=True, capture_output=True)
    results: dict[str, list[dict]] = {"this checkout": [], f"baseline {baseline}": []}
    load = [os.getloadavg()[0]]
    try:
        for i in range(repeat):
            for name, code in (("this checkout", ROOT), (f"baseline {baseline}", base)):
                ws = folder / f"import-{i}-{code.name}.sqlite"
                results[name].append(timed_import(code, tmx, ws, folder))
                load.append(os.getloadavg()[0])
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{ws}{suffix}").unlink(missing_ok=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], capture_output=True)
    print(f"import of a {units:,}-unit TMX ({tmx.stat().st_size / 1e6:.0f} MB), {repeat} run(s) each, alternating; "
          f"load average (1 min) {min(load):.1f}-{max(load):.1f} on {os.cpu_count()} cores")
    print(f"{'':22}{'wall s':>9}{'CPU s':>9}{'peak RSS':>10}{'longest lock wait of another writer':>38}")
    for name, runs in results.items():
        for r in runs:
            wait = f"{r['lock_wait']:.2f} s ({r['probes']} tries)" if not r["lock_timeouts"] else \
                f"timed out at 60 s {r['lock_timeouts']}x"
            print(f"{name:22}{r['seconds']:9.1f}{r['cpu']:9.1f}{r['rss_mb']:8.0f} MB{wait:>38}")


def add_synthetic_drafts(ws_path: Path, count: int, seed: int = 2) -> None:
    """Approve ``count`` pairs and give each a draft: its English with a word or two changed."""
    rng = random.Random(seed)
    with Workspace(ws_path) as ws, ws.write() as conn:
        rows = conn.execute("SELECT id, fa, en FROM pairs ORDER BY id LIMIT ?", [count]).fetchall()
        stamp = now()
        drafts = []
        for pid, fa, en in rows:
            words = en.split()
            words[rng.randrange(len(words))] = rng.choice(EN).lower()
            drafts.append((pid, fa, " ".join(words), "synthetic", "bench", stamp))
        conn.executemany("INSERT INTO drafts (pair_id, source, text, engine, model, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", drafts)
        conn.execute("UPDATE pairs SET status = 'approved', (draft_id, draft) = (SELECT d.id, d.text "
                     "FROM drafts d WHERE d.pair_id = pairs.id) WHERE id IN (SELECT pair_id FROM drafts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--scored", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None, help="work folder [default: a temporary one]")
    parser.add_argument("--import-only", action="store_true", help="only the import, against --baseline")
    parser.add_argument("--baseline", default=BASELINE, help="git commit to compare the import with")
    parser.add_argument("--repeat", type=int, default=1, help="import runs of each (with --import-only)")
    args = parser.parse_args()
    if args.import_only:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            import_only(Path(tmp), args.units, args.baseline, args.repeat)
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        tmx, ws = folder / "big.tmx", folder / "big.sqlite"
        write_tmx(tmx, args.units)
        print(f"{args.units:,} units, TMX {tmx.stat().st_size / 1e6:.0f} MB")
        results = [("import TMX", *run("import", "import", str(tmx), "--ws", str(ws), cwd=folder))]
        for fmt in ("tmx", "moses", "tsv", "jsonl"):
            results.append((f"export {fmt}", *run(fmt, "export", "--format", fmt, "--status", "all",
                                                  "-o", str(folder / f"out-{fmt}"), "--ws", str(ws), cwd=folder)))
        results.append(("status", *run("status", "status", "--ws", str(ws), cwd=folder)))
        add_synthetic_drafts(ws, min(args.scored, args.units))
        results.append((f"score ({min(args.scored, args.units):,} pairs)",
                        *run("score", "score", "--ws", str(ws), cwd=folder)))
        print(f"workspace {ws.stat().st_size / 1e6:.0f} MB")
        print(f"{'step':<28}{'seconds':>10}{'peak RSS MB':>14}")
        for label, seconds, rss in results:
            flag = "" if rss < RSS_TARGET_MB or not label.startswith(("import", "export")) else "  over target"
            print(f"{label:<28}{seconds:>10.1f}{rss:>14.0f}{flag}")
        import asyncio

        started = time.time()
        frame = asyncio.run(first_frame(ws)) - started
        cold = cold_open(ws)
        print(f"{'TUI open (first frame)':<28}{frame:>10.2f}")
        print(f"{'TUI cold open (new process)':<28}{cold:>10.2f}")
        print(f"targets: import/export peak RSS < {RSS_TARGET_MB} MB; TUI open < {OPEN_TARGET_S} s")


if __name__ == "__main__":
    main()
