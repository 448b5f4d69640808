"""Bead files (vecalign format) and strict/lax precision, recall and F1 as vecalign and
bertalign score them (after Véronis & Langlais' ARCADE measures, W11-4624).

Precision counts every test bead not empty on both sides; recall leaves out beads that are empty
on one side (insertions/deletions), exactly as vecalign's score.py does. A bead is a lax match
when it shares at least one Persian sentence and one English sentence with a gold bead.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.formats.text import reading

Bead = tuple[tuple[int, ...], tuple[int, ...]]  # Persian and English sentence numbers
Beads = list[Bead]


def format_bead(fa: Sequence[int], en: Sequence[int], confidence: float | None = None) -> str:
    text = f"{list(fa)}:{list(en)}"
    return text if confidence is None else f"{text}:{confidence:.4f}"


def read_beads(path: Path) -> Beads:
    beads: Beads = []
    with reading(path):
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            fields = line.split(":")
            fa, en = ast.literal_eval(fields[0].strip()), ast.literal_eval(fields[1].strip())
            if not all(type(x) is int and x >= 0 for x in (*fa, *en)):  # no 0.5, -1, True
                raise ValueError
            beads.append((tuple(fa), tuple(en)))
        except (ValueError, SyntaxError, IndexError, TypeError, MemoryError, RecursionError):
            raise WorkbenchError(f"{path}: line {number} is not a bead like [0, 1]:[2]:0.9") from None
    return beads


def _counts(gold: Iterable[Bead], test: Iterable[Bead]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of ``test`` beads against ``gold``."""
    test_set = {(tuple(f), tuple(e)) for f, e in test if f or e}
    gold_set = {(tuple(f), tuple(e)) for f, e in gold if f or e}
    gold_targets: dict[int, set[int]] = defaultdict(set)
    for f, e in gold_set:
        for i in f:
            gold_targets[i].update(e)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for f, e in test_set:
        if (f, e) in gold_set:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        reachable = set().union(*(gold_targets[i] for i in f)) if f else set()
        if reachable & set(e):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


@dataclass(frozen=True)
class Scores:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    gold_beads: int
    test_beads: int


def _ratio(hit: int, miss: int) -> float:
    return hit / (hit + miss) if hit + miss else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(golds: Sequence[Beads], tests: Sequence[Beads], kind: str = "all") -> Scores:
    """Scores over one or more documents; ``kind`` restricts to "1-1" or "non-1-1" beads (test
    beads of that kind for precision, gold beads of that kind for recall)."""
    keep: Callable[[Bead], bool] = {"all": lambda b: True, "1-1": lambda b: len(b[0]) == 1 and len(b[1]) == 1,
            "non-1-1": lambda b: not (len(b[0]) == 1 and len(b[1]) == 1)}[kind]
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, test in zip(golds, tests):
        for k, v in enumerate(_counts(gold, [b for b in test if keep(b)])):
            p[k] += v
        both_test = [b for b in test if b[0] and b[1]]
        both_gold = [b for b in gold if b[0] and b[1] and keep(b)]
        for k, v in enumerate(_counts(both_test, both_gold)):
            r[k] += v
    ps, rs = _ratio(p[0], p[1]), _ratio(r[0], r[1])
    pl, rl = _ratio(p[2], p[3]), _ratio(r[2], r[3])
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl),
                  sum(len(g) for g in golds), sum(len(t) for t in tests))
