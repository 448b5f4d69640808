"""A million pairs: import of a 1M-unit TMX, export in every format, status, score, opening the TUI.

    .venv/bin/python bench/scale.py                  # 1,000,000 units (about 10 minutes, 3 GB of disk)
    .venv/bin/python bench/scale.py --units 100000   # a quicker look

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

from bench.synthetic import EN, write_tmx  # noqa: E402
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
    args = parser.parse_args()
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
