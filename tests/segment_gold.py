"""The sentence-boundary gold sets (tests/data/segment) and how a splitter is scored on them:
tests/test_segment.py checks the F1 of each, bench/segment_eval.py compares splitters."""

from __future__ import annotations

from pathlib import Path

GOLD = Path(__file__).resolve().parent / "data" / "segment"
SOURCES = ("seed-article.txt", "hard-cases.txt", "tico19-news.txt", "news-hard.txt")


def read_gold(path: Path) -> list[tuple[str, set[int]]]:
    """Paragraphs as (text, boundary offsets inside it)."""
    paragraphs = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        text, cuts = "", set()
        for line in lines:
            if text:
                glued = line.startswith("+")
                line = line[1:] if glued else line
                text += "" if glued else " "
                cuts.add(len(text))
            text += line
        paragraphs.append((text, cuts))
    return paragraphs


def boundaries(text: str, sentences: list[str]) -> set[int]:
    """Offsets in ``text`` where sentences 2..n start."""
    cuts, pos = set(), 0
    for i, sentence in enumerate(sentences):
        found = text.find(sentence, pos)
        if found < 0:
            raise ValueError(f"segmenter changed the text: {sentence[:40]!r}")
        if i:
            cuts.add(found)
        pos = found + len(sentence)
    return cuts


def score(paragraphs, splitter) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for text, gold in paragraphs:
        # A boundary found at the start of the next sentence's leading space counts the same.
        predicted = boundaries(text, splitter(text))
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    return tp, fp, fn
