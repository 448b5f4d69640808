"""Fuzzy translation-memory lookups (issue 20): p95 of a lookup on 100k and 1M pairs, the
index's cost on disk, and `workbench analyze` of a document against that memory.

    .venv/bin/python bench/fuzzy.py                       # 1,000,000 pairs (the build takes minutes)
    .venv/bin/python bench/fuzzy.py --pairs 100000
    .venv/bin/python bench/fuzzy.py --pairs 1000000 --analyze 500

The memory is a corpus workspace of N unique real-length pairs (TICO-19's 3,071 pairs over and
over, a counter word appended to each side: ``bench.scale.tico_pairs``), imported once with
`workbench import` into ``--folder`` (default /tmp/bench-fuzzy) and reused by later runs. Each
TICO sentence then has about N/3,071 near-twins in memory: a hard case for the candidate stage.
The queries are TICO sentences with one word dropped and one replaced (a 75-99% match), looked up
as the review app does (3 matches, 75% and up), in a fresh process: a first pass (word
frequencies not yet cached) and a second. The index is the workspace's FTS5 search index (it
serves search too); its size is read from SQLite's dbstat.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import tico_pairs  # noqa: E402
from workbench.store import NewPair, Workspace  # noqa: E402

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def build(folder: Path, pairs: int) -> Path:
    ws = folder / f"memory-{pairs}.sqlite"
    if ws.exists():
        return ws
    tsv = folder / f"memory-{pairs}.tsv"
    with tsv.open("w", encoding="utf-8") as f:
        f.write("fa\ten\n")
        for fa, en in tico_pairs(pairs):
            f.write(f"{fa}\t{en}\n")
    partial = folder / f"memory-{pairs}.partial.sqlite"
    start = time.perf_counter()
    subprocess.run([WORKBENCH, "--ws", str(partial), "import", str(tsv), "--doc", "memory"], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"built {pairs:,} pairs in {time.perf_counter() - start:.0f} s")
    partial.rename(ws)
    tsv.unlink()
    return ws


def variant(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    if len(words) > 4:
        del words[rng.randrange(len(words))]
        words[rng.randrange(len(words))] = "واژه‌ای"
    return " ".join(words)


def index_size(ws: Workspace) -> tuple[float, float]:
    """MB of the FTS5 index (its shadow tables) and of the whole file."""
    try:
        fts = ws.conn.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'pairs_fts%'").fetchone()[0]
    except Exception:  # SQLite built without dbstat
        fts = float("nan")
    size = ws.conn.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").fetchone()[0]
    return fts / 1e6, size / 1e6


def lookups(ws_path: Path, queries: int, seed: int) -> None:
    from workbench.mt.tm import lookup

    rng = random.Random(seed)
    sentences = [fa for fa, _ in tico_pairs(3071)]
    sample = [variant(" ".join(s.split()[:-1]), rng) for s in rng.sample(sentences, queries)]
    with Workspace(ws_path) as ws:
        fts, size = index_size(ws)
        count = ws.count_pairs()
        print(f"{count:,} pairs in memory: file {size:,.0f} MB, of which the FTS5 index {fts:,.0f} MB")
        found = []
        for name in ("first pass", "second pass"):
            timings, cpu = [], []
            for sentence in sample:
                started, started_cpu = time.perf_counter(), time.thread_time()
                matches = lookup(ws, sentence, limit=3, min_score=75)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
                found.append(matches[0].score if matches else 0.0)
            timings.sort()
            cpu.sort()
            print(f"  {name:12} {queries} lookups: median {statistics.median(timings):5.1f} ms, "
                  f"p95 {timings[int(len(timings) * .95)]:5.1f} ms, max {timings[-1]:5.1f} ms; CPU time "
                  f"median {statistics.median(cpu):5.1f} ms, p95 {cpu[int(len(cpu) * .95)]:5.1f} ms "
                  f"(load average {os.getloadavg()[0]:.1f})")
        print(f"  best match: median {statistics.median(found):.0f}%, none in {found.count(0.0)} of {len(found)}")


def analyze(ws_path: Path, sentences: int, seed: int) -> None:
    """`workbench analyze` of a new document of TICO variants against the memory."""
    rng = random.Random(seed)
    source = [fa for fa, _ in tico_pairs(3071)]
    with Workspace(ws_path) as ws:
        old = ws.find_document("job")
        if old is None:
            doc = ws.add_document("job")
            ws.insert_pairs(doc.id, [NewPair(fa=[variant(" ".join(s.split()[:-1]), rng)])
                                     for s in rng.sample(source, sentences)])
    start = time.perf_counter()
    subprocess.run([WORKBENCH, "--ws", str(ws_path), "analyze", "--doc", "job"], check=True, stdout=subprocess.DEVNULL)
    print(f"  workbench analyze --doc job ({sentences} segments): {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--analyze", type=int, default=0, metavar="N", help="also time analyze of N segments")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-fuzzy"))
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    ws = build(args.folder, args.pairs)
    lookups(ws, args.queries, args.seed)
    if args.analyze:
        analyze(ws, args.analyze, args.seed)


if __name__ == "__main__":
    main()
