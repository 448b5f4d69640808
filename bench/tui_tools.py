"""Find, compare, annotate on a big workspace: what the review app reads for a search, a filter,
the workspace concordance and a find-and-replace preview, against a 1k-pair baseline.

    .venv/bin/python bench/tui_tools.py                 # 100k pairs against 1k
    .venv/bin/python bench/tui_tools.py --pairs 20000

Every figure is the median of a few runs of what the app does for one screen: find the query's
pair ids in order (in a worker) and read the page on screen with each row's number in its document (on the UI
thread: this is the part that must stay in milliseconds). The synthetic text has 23 words, so
a common word matches nearly every pair: the worst case for a search. One pair in 100 gets a
note, alignment confidences are spread over [0.5, 1).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tui import make_workspace  # noqa: E402
from workbench.store import Workspace, hits, numbering, search  # noqa: E402
from workbench.tui.rows import PAGE, RowSource  # noqa: E402


def prepare(path: Path, pairs: int) -> None:
    make_workspace(path, pairs)
    rng = random.Random(2)
    with Workspace(path) as ws, ws.write():
        ids = [row[0] for row in ws.conn.execute("SELECT id FROM pairs")]
        ws.conn.executemany("UPDATE pairs SET confidence = ? WHERE id = ?",
                            [(0.5 + rng.random() / 2, pid) for pid in ids])
        ws.conn.executemany("UPDATE pairs SET note = 'check this' WHERE id = ?", [(pid,) for pid in ids[::100]])
        ws.conn.execute("ANALYZE")


def timed(work: Callable[[], object], runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def screen(ws: Workspace, query: search.PairQuery, row: int) -> tuple[Callable[[], int], Callable[[], int]]:
    """What the app does for one view: find the query's pair ids (in a worker), then, on the UI
    thread, read the page holding ``row`` by id and the numbers of its pairs in their document."""
    found = hits.ids(ws, query)

    def show() -> int:
        source = RowSource(ws, query, ids=found)
        total = source.total
        index = min(row, max(0, total - 1))
        pair = source.get(index)
        if pair is not None:
            source.number(index, pair)
        return index

    return (lambda: len(hits.ids(ws, query))), show


def measure(path: Path) -> dict[str, tuple[float, object]]:
    with Workspace(path, create=False) as ws:
        doc = ws.documents()[0].id
        deep = ws.count_pairs(doc) // 2
        cases: dict[str, Callable[[], object]] = {
            "search 'president' (whole word), middle page": screen(
                ws, search.pair_query(ws, doc_id=doc, text='"president"'), deep),
            "search 'presid' (prefix), middle page": screen(ws, search.pair_query(ws, doc_id=doc, text="presid"), deep),
            "search '999' (prefix, few pairs)": screen(ws, search.pair_query(ws, doc_id=doc, text="999"), 0),
            "every document 'presid', middle page (concordance)": screen(
                ws, search.pair_query(ws, text="presid"), deep),
            "filter: has a note, last page": screen(ws, search.PairQuery(doc_id=doc, noted=True), 10 ** 9),
            "filter: not 1-1, middle page": screen(ws, search.PairQuery(doc_id=doc, shapes=(search.UNEVEN,)), deep // 3),
            "filter: confidence < 0.6, middle page": screen(ws, search.PairQuery(doc_id=doc, confidence_below=0.6),
                                                            deep // 5),
            "filter: review + 2-1 + confidence < 0.9": screen(
                ws, search.PairQuery(doc_id=doc, statuses=("review",), shapes=("2-2",), confidence_below=0.9), 0),
        }
        results = {}
        for name, (count, show) in cases.items():
            results[name] = (*timed(count), *timed(show))
        rows = search.page(ws, search.PairQuery(doc_id=doc, confidence_below=0.75), offset=deep // 2, limit=PAGE)
        results["numbers of a page of 100 filtered rows (middle)"] = (0.0, "", *timed(lambda: len(numbering.numbers(ws, rows))))
        results["replace preview 'oil' → 'crude' (worker)"] = (*timed(lambda: len(ws.edits.preview_replace(
            "oil", "crude", doc_id=doc)), runs=3), 0.0, "")
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for pairs in (args.baseline, args.pairs):
            path = Path(tmp) / f"ws-{pairs}.sqlite"
            start = time.perf_counter()
            prepare(path, pairs)
            print(f"built {pairs:,} pairs in {time.perf_counter() - start:.1f} s", flush=True)
            results[pairs] = measure(path)
    small, big = results[args.baseline], results[args.pairs]
    print("\nmedian ms: ids found (worker) / page on screen with numbers (UI thread); pairs found")
    print(f"{'what':55} {args.baseline:>20,} pairs {args.pairs:>20,} pairs")
    for name in big:
        c0, n0, s0, _ = small[name]
        c1, n1, s1, _ = big[name]
        print(f"{name:55} {c0:7.1f} / {s0:6.1f} ({n0!s:>6}) {c1:7.1f} / {s1:6.1f} ({n1!s:>6})")


if __name__ == "__main__":
    main()
