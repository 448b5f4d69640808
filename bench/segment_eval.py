"""Sentence-boundary precision, recall and F1 on Persian news gold data (tests/data/segment).

    .venv/bin/python bench/segment_eval.py               # scores per source and overall
    .venv/bin/python bench/segment_eval.py --build-tico  # rebuild tico19-news.txt from TICO-19
    .venv/bin/python bench/segment_eval.py --errors news-hard.txt  # workbench's misses in context

Compared: workbench's splitter, a naive regex (split after . ! ? ؟ and a space), and `sentencex`
when it is installed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.devdata import TICO  # noqa: E402
from tests.segment_gold import GOLD, SOURCES, boundaries, read_gold, score  # noqa: E402
from workbench.text import segment  # noqa: E402


def naive(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", text) if s.strip()]


def sentencex_splitter():
    try:
        from sentencex import segment as sx
    except ImportError:
        return None
    return lambda text: [s.strip() for s in sx("fa", text) if s.strip()]


def show_errors(paragraphs, splitter) -> None:
    """Print each wrong boundary with 30 characters either side ('+' false cut, '-' missed cut)."""
    for text, gold in paragraphs:
        predicted = boundaries(text, splitter(text))
        for sign, cuts in (("+", predicted - gold), ("-", gold - predicted)):
            for cut in sorted(cuts):
                print(f"{sign} {text[max(0, cut - 30):cut]}|{text[cut:cut + 30]}")


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f}"


def build_tico() -> None:
    from workbench.align.devset import tico_documents

    out = []
    for name, pairs in sorted(tico_documents(TICO).items()):
        if not name.lower().startswith(("wikinews", "wiki_", "wikipedia")):
            continue
        sentences = [fa.strip() for fa, _ in pairs]
        # TICO-19 units are sometimes two sentences: keep units with a final stop and no
        # stop inside (followed by a space or a letter), so the gold boundaries are right.
        usable = [s for s in sentences if re.search(r"[.!?؟][»\"”)]*$", s)
                  and not re.search(r"[.!?؟][»\"”)]*(?=\s|[^\d\W])", s.rstrip(".!?؟»\"”) "))]
        for k in range(0, len(usable) - 3, 4):
            out.append("\n".join(usable[k:k + 4]))
    (GOLD / "tico19-news.txt").write_text("\n\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} paragraphs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-tico", action="store_true")
    parser.add_argument("--errors", metavar="SOURCE", help="list workbench's wrong boundaries in SOURCE")
    args = parser.parse_args()
    if args.build_tico:
        build_tico()
        return
    if args.errors:
        show_errors(read_gold(GOLD / args.errors), segment)
        return
    splitters = {"workbench": segment, "naive regex": naive}
    sx = sentencex_splitter()
    if sx:
        splitters["sentencex"] = sx
    totals = {name: [0, 0, 0] for name in splitters}
    for source in SOURCES:
        paragraphs = read_gold(GOLD / source)
        n = sum(len(g) for _, g in paragraphs)
        print(f"{source}: {len(paragraphs)} paragraphs, {n} boundaries")
        for name, split in splitters.items():
            counts = score(paragraphs, split)
            totals[name] = [a + b for a, b in zip(totals[name], counts)]
            print(f"  {name:<12} {prf(*counts)}")
    print("all sources:")
    for name, counts in totals.items():
        print(f"  {name:<12} {prf(*counts)}")


if __name__ == "__main__":
    main()
