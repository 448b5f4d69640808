"""Corpus scale: workbench against what a corpus builder would use instead (sqlite-utils), and a
million synthetic pairs through import, export, status, score and the TUI.

    .venv/bin/python bench/scale.py                      # 100,000 real-length pairs vs sqlite-utils (minutes)
    .venv/bin/python bench/scale.py --pairs 1000000      # the README's figure (about 15 minutes)
    .venv/bin/python bench/scale.py --pairs 1000000 --dir /dev/shm   # the same on a RAM disk
    .venv/bin/python bench/scale.py --pairs 1000000 --dir /dev/shm --rounds 5   # the imports' median of 5
    .venv/bin/python bench/scale.py --synthetic          # 1,000,000 synthetic units: export, score, TUI open
    .venv/bin/python bench/scale.py --import-only        # the import, this checkout and the baseline in one run

The default run (issue 23) builds N unique pairs of real length from TICO-19 (its 3,071 sentence
pairs over and over, each with a counter word appended to both sides), writes them as TSV and TMX,
and in one run times whole processes (wall time, peak RSS from wait4): `workbench import` of each
against `sqlite-utils insert --tsv` + `sqlite-utils enable-fts` (the workspace's size against
sqlite-utils' file), and `workbench export` of each format against `sqlite-utils query ... --tsv`
over the same workspace. JSONL carries QA flags: it is timed with the QA cache empty (every pair
checked) and again once cached.

Where the files go decides much of the import's ratio: ``sqlite-utils insert`` commits every 100
rows and waits for the disk each time, the workbench's import hardly ever. Run it on the disk (as
users meet sqlite-utils) and with ``--dir /dev/shm`` (a RAM disk: sqlite-utils bound by its CPU
alone), and give both (docs/scale.md).

``--import-only`` imports the same TMX with this checkout and with ``--baseline`` (a git commit,
checked out into a temporary worktree), alternating, ``--repeat`` times each; meanwhile another
process takes the workspace's write lock every half second (an empty write transaction) and the
longest it waited is printed (the baseline held the lock for the whole import).

Ten million pairs are run by hand, from the project root (each step a whole process under
``/usr/bin/time -v``; ~20 min of CPU and ~30 GB of disk; the README's figures were made so)::

    .venv/bin/python -c "from pathlib import Path; from bench.scale import tico_pairs
    with Path('p10m.tsv').open('w') as t:
        t.write('fa\\ten\\n'); [t.write(f'{fa}\\t{en}\\n') for fa, en in tico_pairs(10_000_000)]"
    /usr/bin/time -v .venv/bin/workbench import p10m.tsv --ws ws10m.sqlite
    /usr/bin/time -v .venv/bin/sqlite-utils insert su10m.db pairs p10m.tsv --tsv    # the baseline, then
    /usr/bin/time -v .venv/bin/sqlite-utils enable-fts su10m.db pairs fa en
    /usr/bin/time -v .venv/bin/workbench export --format tsv --status all -o all.tsv --ws ws10m.sqlite
    /usr/bin/time -v .venv/bin/sqlite-utils query ws10m.sqlite "SELECT fa, en FROM pairs ORDER BY doc_id, position" --tsv

and the review app's first frame with ``bench/tui.py``'s ``cold_open(Path('ws10m.sqlite'))``.

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
from collections.abc import Iterator
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


SQLITE_UTILS = str(Path(sys.executable).parent / "sqlite-utils")
TICO = Path("/work/shared/data/tico19/all.en-fa.tmx")
TICO_GZ = ROOT / "tests" / "data" / "tico19" / "all.en-fa.tmx.gz"


def tico_pairs(count: int) -> Iterator[tuple[str, str]]:
    """``count`` unique (Persian, English) pairs of TICO-19's real lengths: its pairs in turn, a
    counter word appended to each side (one line each: tabs and line breaks become spaces)."""
    import gzip
    import shutil

    from workbench.formats import read_tmx

    with tempfile.TemporaryDirectory() as tmp:
        source = TICO
        if not source.exists():
            source = Path(tmp) / "tico.tmx"
            with gzip.open(TICO_GZ, "rb") as src, source.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        real = [(" ".join(u.fa.split()), " ".join(u.en.split())) for u in read_tmx(source) if u.fa.strip() and u.en.strip()]
    for i in range(count):
        fa, en = real[i % len(real)]
        yield f"{fa} {i}", f"{en} {i}"


def write_corpus(tsv: Path, tmx: Path, count: int) -> None:
    from xml.sax.saxutils import escape

    with tsv.open("w", encoding="utf-8") as t, tmx.open("w", encoding="utf-8") as x:
        t.write("fa\ten\n")
        x.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header srclang="fa" '
                'segtype="sentence" datatype="plaintext" adminlang="en" o-tmf="bench" creationtool="bench" '
                'creationtoolversion="1"/>\n<body>\n')
        for fa, en in tico_pairs(count):
            t.write(f"{fa}\t{en}\n")
            x.write(f'<tu><tuv xml:lang="fa"><seg>{escape(fa)}</seg></tuv>'
                    f'<tuv xml:lang="en"><seg>{escape(en)}</seg></tuv></tu>\n')
        x.write("</body>\n</tmx>\n")


def process(*argv: str, cwd: Path, stdout: Path | None = None) -> tuple[float, float]:
    """Run one command; returns (wall seconds, peak RSS in MB)."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:2])} failed: {proc.stderr.read().decode().strip()}")  # type: ignore[union-attr]
    return took, usage.ru_maxrss / 1024


def size_mb(db: Path) -> float:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()) / 1e6


def versus_sqlite_utils(folder: Path, count: int, rounds: int = 1) -> None:
    tsv, tmx = folder / "pairs.tsv", folder / "pairs.tmx"
    write_corpus(tsv, tmx, count)
    load = [os.getloadavg()[0]]
    print(f"{count:,} unique real-length pairs (TICO-19): TSV {tsv.stat().st_size / 1e6:.0f} MB, "
          f"TMX {tmx.stat().st_size / 1e6:.0f} MB")
    rows: list[tuple[str, float, float, str, float]] = []  # label, seconds, MB, baseline, its seconds
    # Each round runs sqlite-utils, then each import: a ratio is made of two runs minutes apart,
    # and this machine's speed drifts by a tenth within minutes; with --rounds the median round is
    # reported (each round's ratios printed too).
    su = folder / "su.db"
    imports: dict[str, list[tuple[float, float, float]]] = {"tsv": [], "tmx": []}  # seconds, MB, baseline's
    workspaces = {}
    for round_ in range(rounds):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{su}{suffix}").unlink(missing_ok=True)
        insert = process(SQLITE_UTILS, "insert", str(su), "pairs", str(tsv), "--tsv", cwd=folder)
        fts = process(SQLITE_UTILS, "enable-fts", str(su), "pairs", "fa", "en", cwd=folder)
        base = insert[0] + fts[0]
        print(f"{'round ' + str(round_ + 1) + ': ' if rounds > 1 else ''}sqlite-utils insert + enable-fts: "
              f"{base:.1f} s, peak RSS {max(insert[1], fts[1]):.0f} MB, file {size_mb(su):.0f} MB", end="")
        for kind, path in (("tsv", tsv), ("tmx", tmx)):
            ws = folder / f"ws-{kind}.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{ws}{suffix}").unlink(missing_ok=True)
            seconds, rss = process(WORKBENCH, "import", str(path), "--ws", str(ws), cwd=folder)
            imports[kind].append((seconds, rss, base))
            print(f"; import {kind.upper()} {seconds:.1f} s ({base / seconds:.2f}x)", end="")
            workspaces[kind] = ws
            load.append(os.getloadavg()[0])
        print()
    for kind, runs in imports.items():
        seconds, rss, base = sorted(runs, key=lambda r: r[2] / r[0])[len(runs) // 2]  # the median round's
        label = f"import {kind.upper()}" + (f" (median of {rounds})" if rounds > 1 else "")
        rows.append((label, seconds, max(r[1] for r in runs), "sqlite-utils insert + enable-fts", base))
    ws = workspaces["tsv"]
    queries = []
    for fmt, label in (("tsv", "tsv"), ("moses", "moses"), ("tmx", "tmx"), ("jsonl", "jsonl (QA cache empty)"),
                       ("jsonl", "jsonl (QA cached)")):
        # The baseline runs just before each export: the machine's load changes within a run.
        query = process(SQLITE_UTILS, "query", str(ws), "SELECT fa, en FROM pairs ORDER BY doc_id, position",
                        "--tsv", cwd=folder, stdout=folder / "query.tsv")
        queries.append(query)
        rows.append((f"export {label}", *process(WORKBENCH, "export", "--format", fmt, "--status", "all", "-o",
                                                  str(folder / f"out-{fmt}"), "--ws", str(ws), cwd=folder),
                     "sqlite-utils query --tsv", query[0]))
        load.append(os.getloadavg()[0])
    print(f"sqlite-utils query --tsv: {min(q[0] for q in queries):.1f}-{max(q[0] for q in queries):.1f} s, "
          f"peak RSS {max(q[1] for q in queries):.0f} MB")
    print(f"workspace {size_mb(ws):.0f} MB against sqlite-utils' {size_mb(su):.0f} MB "
          f"({size_mb(ws) / size_mb(su):.2f}x)")
    print(f"{'step':<32}{'seconds':>9}{'peak RSS MB':>13}   speed against the baseline run just before "
          "(>= 1.0: as fast)")
    for label, seconds, rss, name, theirs in rows:
        print(f"{label:<32}{seconds:>9.1f}{rss:>13.0f}   {theirs / seconds:.2f}x of {name} ({theirs:.1f} s)")
    print(f"load average (1 min) {min(load):.1f}-{max(load):.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=100_000, help="real-length pairs against sqlite-utils")
    parser.add_argument("--synthetic", action="store_true", help="the synthetic run: export, score, TUI open")
    parser.add_argument("--units", type=int, default=1_000_000, help="synthetic units (with --synthetic)")
    parser.add_argument("--scored", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None, help="work folder [default: a temporary one]")
    parser.add_argument("--import-only", action="store_true", help="only the import, against --baseline")
    parser.add_argument("--baseline", default=BASELINE, help="git commit to compare the import with")
    parser.add_argument("--repeat", type=int, default=1, help="import runs of each (with --import-only)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of sqlite-utils and both imports, alternating; the median is reported")
    args = parser.parse_args()
    # Every process timed here starts from compiled bytecode, as sqlite-utils' (pip compiled it)
    # and an installed workbench's do: with PYTHONDONTWRITEBYTECODE set (as on our machines) an
    # editable checkout would otherwise compile its modules again in each process (~0.1 s).
    import compileall

    compileall.compile_dir(ROOT / "workbench", quiet=1)
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    if args.import_only:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            import_only(Path(tmp), args.units, args.baseline, args.repeat)
        return
    if not args.synthetic:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            versus_sqlite_utils(Path(tmp), args.pairs, args.rounds)
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
