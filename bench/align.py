"""Alignment benchmark: quality on constructed and real documents, speed and memory at scale.

    .venv/bin/python bench/align.py            # everything (a few minutes)
    .venv/bin/python bench/align.py --speed    # only the 1k/10k timing

Quality: TICO-19 documents with neighbours merged and sentences dropped (gold known by
construction; `workbench.align.devset`), at two difficulty levels; four Persian news articles with
our own English translations and hand-checked gold (bench/data: the demo article, news/economy,
news/sport, news/politics), as they are and scrambled the same way. On TICO-19 our lexicon prior is
trained on the *other* documents (leave-one-out), because the bundled lexicon was trained on TICO-19
itself; on the news articles (out of its COVID-era domain) the bundled lexicon is used as shipped,
and once without it (the ablation).
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
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.align import REVIEW_BELOW, AlignParams, align_sentences  # noqa: E402
from tests.devdata import HAND_ALIGNED, TICO  # noqa: E402
from workbench.align.devset import (  # noqa: E402
    hand_aligned,
    lopsided,
    scramble,
    scramble_aligned,
    tico_documents,
    units,
)
from workbench.align.evaluate import score  # noqa: E402
from workbench.align.features import en_words, fa_words  # noqa: E402
from workbench.align.lexicon import Lexicon  # noqa: E402

LEVELS = {"default": {}, "hard": {"merge": 0.15, "merge3": 0.03, "drop": 0.08}}
NEWS_SEEDS = range(1, 21)  # the articles are short: many scrambles of each


def galechurch_beads(fa: list[str], en: list[str]):
    import galechurch

    lines = galechurch.align(fa, en, max_block_size=200_000_000).to_pharaoh_lines()
    return [tuple(tuple(ast.literal_eval(x)) for x in line.split(":")[:2]) for line in lines]


CONFIDENCES: list[tuple[float, bool]] = []  # (confidence, right) of workbench beads with both sides, this set
POOLED: list[tuple[float, bool]] = []  # the same for every set reported
UNMATCHED: list[tuple[float, bool]] = []  # (confidence, right) of 1-0 beads (Persian left without English)
REVIEW_CHOICES = (0.8, 0.9, 0.95, 0.97)  # review thresholds compared with the one in use
CONFIDENCE_BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999, 1.0)


def ours(fa, en, lexicon=None, params=None, gold=None):
    beads = align_sentences(fa, en, lexicon=lexicon, params=params)
    if gold is not None:
        right = set(gold)
        CONFIDENCES.extend((b.confidence, (b.fa, b.en) in right) for b in beads if b.fa and b.en)
        UNMATCHED.extend((b.confidence, (b.fa, b.en) in right) for b in beads if b.fa and not b.en)
    return [(b.fa, b.en) for b in beads]


def review_report(label: str, rows: list[tuple[float, bool]] | None = None, kind: str = "with both sides") -> None:
    """What marking beads below a confidence for review does, at REVIEW_BELOW and around it:
    beads flagged, wrong beads caught, right beads sent to review. Without ``rows``: the beads
    aligned since the last report, which are then pooled."""
    if rows is None:
        rows = CONFIDENCES[:]
        POOLED.extend(rows)
        CONFIDENCES.clear()
    wrong = sum(1 for _, right in rows if not right)
    print(f"  review on {label}: {len(rows)} beads {kind}, {wrong} wrong")
    for t in sorted({*REVIEW_CHOICES, REVIEW_BELOW}):
        flagged = [right for c, right in rows if c < t]
        in_use = "(in use)" if t == REVIEW_BELOW else ""
        print(f"    confidence < {t:<4} {in_use:<8} flags {len(flagged) / len(rows):5.1%}, catches "
              f"{flagged.count(False):>3} of {wrong} wrong, sends {flagged.count(True):>3} right ones to review")


def calibration_report() -> None:
    """The review thresholds on every set together, and how often a bead is right at each
    confidence (a calibrated confidence is right as often as it says)."""
    review_report("the dev sets pooled", POOLED)
    review_report("the dev sets pooled", UNMATCHED, kind="with Persian and no English (1-0)")
    print("  beads right, by confidence (dev sets pooled):")
    for low, high in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:]):
        rows = [(c, right) for c, right in POOLED if low <= c < high or c == high == 1.0]
        if rows:
            mean = sum(c for c, _ in rows) / len(rows)
            print(f"    {low:.3f}–{high:.3f}: {len(rows):>5} beads, mean confidence {mean:.3f}, "
                  f"right {sum(r for _, r in rows) / len(rows):.3f}")


def report(label: str, golds, tests) -> None:
    for kind in ("all", "1-1", "non-1-1"):
        s = score(golds, tests, kind)
        print(f"  {label:<11} {kind:<8} strict P {s.precision_strict:.3f} R {s.recall_strict:.3f} "
              f"F1 {s.f1_strict:.3f} | lax P {s.precision_lax:.3f} R {s.recall_lax:.3f} F1 {s.f1_lax:.3f}")


def lopsided_report(label: str, documents: dict[str, list[tuple[str, str]]], lexicons: dict[str, Lexicon],
                    params: AlignParams | None = None) -> None:
    """Lopsided document pairs (`devset.lopsided`): one side has sentences with no counterpart,
    so every bead with both sides that is not 1-1 is wrong."""
    runs = defaultdict(list)
    for name, pairs in documents.items():
        for kind, doc in lopsided(name, pairs).items():
            runs[kind].append((doc, align_sentences(doc.fa, doc.en, lexicon=lexicons.get(name), params=params)))
    for kind, done in runs.items():
        s = score([d.gold for d, _ in done], [[(b.fa, b.en) for b in beads] for _, beads in done])
        both = [(b, set(d.gold)) for d, beads in done for b in beads if b.fa and b.en]
        glued = sum(1 for b, _ in both if b.shape != "1-1")
        unflagged = sum(1 for b, gold in both if (b.fa, b.en) not in gold and b.confidence >= REVIEW_BELOW)
        print(f"  {label + ' ' + kind:<27} {len(done):>2} documents: "
              f"strict F1 {s.f1_strict:.3f}, lax {s.f1_lax:.3f}; "
              f"{glued} merged beads (all wrong), {unflagged} wrong beads not sent to review")


def quality() -> None:
    docs_raw = tico_documents(TICO)
    names = sorted(n for n, p in docs_raw.items() if len(p) >= 5)
    tokens = {n: [(fa_words(f), en_words(e)) for f, e in docs_raw[n]] for n in docs_raw}
    loo = {n: Lexicon.train([p for other in docs_raw if other != n for p in tokens[other]]) for n in names}
    no_prior = AlignParams(bundled_lexicon=False)
    for level, knobs in LEVELS.items():
        docs = [scramble(n, docs_raw[n], seed=1, **knobs) for n in names]
        beads = sum(len(d.gold) for d in docs)
        non11 = sum(1 for d in docs for f, e in d.gold if not (len(f) == 1 and len(e) == 1))
        print(f"TICO-19 dev set, {level}: {len(docs)} documents, {beads} gold beads ({non11} not 1-1)")
        report("workbench", [d.gold for d in docs], [ours(d.fa, d.en, loo[d.name], no_prior, d.gold) for d in docs])
        review_report(f"TICO-19 {level}")
        report("galechurch", [d.gold for d in docs], [galechurch_beads(d.fa, d.en) for d in docs])
    print("Lopsided documents (one side has extra paragraphs or is one sentence), TICO-19:")
    lopsided_report("TICO-19", {n: docs_raw[n] for n in names}, loo, no_prior)
    articles = [hand_aligned(folder) for folder in HAND_ALIGNED]
    print(f"News articles as translated (hand-checked gold): {len(articles)} documents, "
          f"{sum(len(d.gold) for d in articles)} beads")
    for d in articles:
        s = score([d.gold], [ours(d.fa, d.en)])
        print(f"  {d.name:<14} {len(d.fa)} × {len(d.en)} sentences: strict F1 {s.f1_strict:.3f}, lax {s.f1_lax:.3f}")
    report("workbench", [d.gold for d in articles], [ours(d.fa, d.en, gold=d.gold) for d in articles])
    review_report("news as translated")
    report("no bundled", [d.gold for d in articles], [ours(d.fa, d.en, params=no_prior) for d in articles])
    report("galechurch", [d.gold for d in articles], [galechurch_beads(d.fa, d.en) for d in articles])
    print("Lopsided documents, news:")
    lopsided_report("news", {d.name: units(d) for d in articles}, {})
    for level, knobs in LEVELS.items():
        docs = [scramble_aligned(d, seed, **knobs) for d in articles for seed in NEWS_SEEDS]
        non11 = sum(1 for d in docs for f, e in d.gold if not (len(f) == 1 and len(e) == 1))
        print(f"News dev set, {level}: the articles scrambled with {len(NEWS_SEEDS)} seeds, "
              f"{sum(len(d.gold) for d in docs)} gold beads ({non11} not 1-1)")
        golds = [d.gold for d in docs]
        report("workbench", golds, [ours(d.fa, d.en, gold=d.gold) for d in docs])
        review_report(f"news {level}")
        report("no bundled", golds, [ours(d.fa, d.en, params=no_prior) for d in docs])
        report("galechurch", golds, [galechurch_beads(d.fa, d.en) for d in docs])
    calibration_report()


def _document(size: int, seed: int = 0):
    pairs = [p for doc in tico_documents(TICO).values() for p in doc]
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
