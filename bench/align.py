"""Alignment benchmark: quality on constructed and real documents, speed and memory at scale.

    .venv/bin/python bench/align.py            # everything (a few minutes)
    .venv/bin/python bench/align.py --speed    # only the 1k/10k timing

Quality: TICO-19 documents with neighbours merged and sentences dropped (gold known by
construction; `workbench.align.devset`), at two difficulty levels, and the demo article with a
hand-checked gold (bench/data/demo-article). On TICO-19 our lexicon prior is trained on the *other*
documents (leave-one-out), because the bundled lexicon was trained on TICO-19 itself.
Baseline: the `galechurch` package (length-only Gale–Church) on the same input.
Speed: documents of 1k and 10k sentences a side, each aligner in a fresh process; seconds, peak RSS.
"""

from __future__ import annotations

import argparse
import ast
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.align import AlignParams, align_sentences  # noqa: E402
from workbench.align.devset import scramble, tico_documents  # noqa: E402
from workbench.align.evaluate import read_beads, score  # noqa: E402
from workbench.align.features import en_words, fa_words  # noqa: E402
from workbench.align.lexicon import Lexicon  # noqa: E402

LEVELS = {"default": {}, "hard": {"merge": 0.15, "merge3": 0.03, "drop": 0.08}}
DEMO = ROOT / "bench" / "data" / "demo-article"


def galechurch_beads(fa: list[str], en: list[str]):
    import galechurch

    lines = galechurch.align(fa, en, max_block_size=200_000_000).to_pharaoh_lines()
    return [tuple(tuple(ast.literal_eval(x)) for x in line.split(":")[:2]) for line in lines]


def ours(fa, en, lexicon=None, params=None):
    return [(b.fa, b.en) for b in align_sentences(fa, en, lexicon=lexicon, params=params)]


def report(label: str, golds, tests) -> None:
    for kind in ("all", "1-1", "non-1-1"):
        s = score(golds, tests, kind)
        print(f"  {label:<11} {kind:<8} strict P {s.precision_strict:.3f} R {s.recall_strict:.3f} "
              f"F1 {s.f1_strict:.3f} | lax P {s.precision_lax:.3f} R {s.recall_lax:.3f} F1 {s.f1_lax:.3f}")


def quality() -> None:
    docs_raw = tico_documents()
    names = sorted(n for n, p in docs_raw.items() if len(p) >= 5)
    tokens = {n: [(fa_words(f), en_words(e)) for f, e in docs_raw[n]] for n in docs_raw}
    loo = {n: Lexicon.train([p for other in docs_raw if other != n for p in tokens[other]]) for n in names}
    no_prior = AlignParams(bundled_lexicon=False)
    for level, knobs in LEVELS.items():
        docs = [scramble(n, docs_raw[n], seed=1, **knobs) for n in names]
        beads = sum(len(d.gold) for d in docs)
        non11 = sum(1 for d in docs for f, e in d.gold if not (len(f) == 1 and len(e) == 1))
        print(f"TICO-19 dev set, {level}: {len(docs)} documents, {beads} gold beads ({non11} not 1-1)")
        report("workbench", [d.gold for d in docs], [ours(d.fa, d.en, loo[d.name], no_prior) for d in docs])
        report("galechurch", [d.gold for d in docs], [galechurch_beads(d.fa, d.en) for d in docs])
    fa = (DEMO / "fa.txt").read_text(encoding="utf-8").splitlines()
    en = (DEMO / "en.txt").read_text(encoding="utf-8").splitlines()
    gold = read_beads(DEMO / "gold.txt")
    print(f"Demo article (real translation, hand-checked gold): {len(fa)} × {len(en)} sentences")
    report("workbench", [gold], [ours(fa, en)])
    report("galechurch", [gold], [galechurch_beads(fa, en)])


def _document(size: int, seed: int = 0):
    pairs = [p for doc in tico_documents().values() for p in doc]
    rng = random.Random(seed)
    # merges shrink a side by about 6%: draw a little more so each side has about `size` sentences
    draw = int(size / 0.94)
    return scramble("bench", [pairs[rng.randrange(len(pairs))] for _ in range(draw)], seed=seed)


def _rss_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(which: str, size: int, out) -> None:
    doc = _document(size)
    if which == "workbench":
        align_sentences(["یک."], ["One."])  # load the bundled lexicon before measuring
    else:
        galechurch_beads(["یک."], ["One."])
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak: measure the alignment alone
    base = _rss_peak_mb()
    start = time.perf_counter()
    beads = ours(doc.fa, doc.en) if which == "workbench" else galechurch_beads(doc.fa, doc.en)
    took = time.perf_counter() - start
    f1 = score([doc.gold], [beads]).f1_strict
    out.put((took, _rss_peak_mb() - base, f1, len(doc.fa), len(doc.en)))


def measure(which: str, size: int):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_timed, args=(which, size, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def speed() -> None:
    print("Speed (each run in a fresh process; memory = peak RSS growth during the alignment):")
    for size in (1_000, 10_000):
        ours_t, ours_mb, ours_f1, n, m = measure("workbench", size)
        gc_t, gc_mb, gc_f1, _, _ = measure("galechurch", size)
        print(f"  {n:>6} × {m:<6} workbench {ours_t:6.2f} s {ours_mb:6.0f} MB strict F1 {ours_f1:.3f} | "
              f"galechurch {gc_t:6.2f} s {gc_mb:6.0f} MB strict F1 {gc_f1:.3f} | "
              f"time ratio {ours_t / gc_t:.1f}×")
    print("  target: 10k × 10k under 10 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed", action="store_true", help="only the timing runs")
    args = parser.parse_args()
    if not args.speed:
        quality()
    speed()


if __name__ == "__main__":
    main()
