"""The sentence aligner, the part that faces documents: two sentence lists in, beads covering
both out. Empty sentences are set aside and get beads of their own; the rest is aligned by
dynamic programming over beads in a band (dp.py) with two passes (search.py), scored by length,
anchors, a self-trained lexicon and (when present) MT drafts (the cost model: costs.py and
similarity.py). What that takes in memory is known before it starts (budget.py): too much is
refused in one line, before any work.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from workbench.align import budget
from workbench.align.costs import AlignParams, Problem, baseline
from workbench.align.dp import BEADS
from workbench.align.features import char_ngrams, features
from workbench.align.lexicon import Lexicon, bundled_lexicon, word_presence
from workbench.align.search import first_band, plan, two_passes

__all__ = ["BEADS", "AlignParams", "Bead", "align"]


@dataclass(frozen=True)
class Bead:
    fa: tuple[int, ...]
    en: tuple[int, ...]
    confidence: float

    @property
    def shape(self) -> str:
        return f"{len(self.fa)}-{len(self.en)}"


def align(fa: list[str], en: list[str], *, fa_drafts: list[str | None] | None = None,
          lexicon: Lexicon | None = None, params: AlignParams | None = None) -> tuple[list[Bead], Lexicon]:
    """Align two sentence lists; returns the beads and the lexicon trained on this pair of texts
    (merge it into a workspace's lexicon to reuse it)."""
    fa_kept = [i for i, s in enumerate(fa) if s.strip()]
    en_kept = [j for j, s in enumerate(en) if s.strip()]
    if len(fa_kept) < len(fa) or len(en_kept) < len(en):
        # Empty sentences (blank lines of a one-sentence-a-line file) carry no evidence: they
        # get beads of their own rather than being glued to a neighbour's.
        drafts = [fa_drafts[i] for i in fa_kept] if fa_drafts is not None else None
        beads, learned = align([fa[i] for i in fa_kept], [en[j] for j in en_kept], fa_drafts=drafts,
                               lexicon=lexicon, params=params)
        return _with_empty(beads, fa_kept, en_kept, len(fa), len(en)), learned
    params = params or AlignParams()
    n, m = len(fa), len(en)
    if n == 0 or m == 0:
        beads = [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
        return beads, Lexicon()
    band, whole = first_band(n, m, params)
    size = budget.text_size([*fa, *en])
    budget.check(plan(n, m, size, band, params), params.memory_mb)  # before any work
    problem = Problem(features(fa, "fa"), features(en, "en"), params)
    if fa_drafts is not None and any(fa_drafts):
        problem.draft_fa = char_ngrams(list(fa_drafts))
        problem.draft_en = char_ngrams(en)
        problem.draft_base = baseline(problem.draft_fa, problem.draft_en)
    if params.bundled_lexicon:
        lexicon = bundled_lexicon().merge(lexicon) if lexicon is not None else bundled_lexicon()
    problem.lex_en = word_presence(problem.en.words)
    spans, confidences, learned = two_passes(problem, band, whole, size, lexicon)
    beads = [Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(c, 4))
             for (i0, i1, j0, j1), c in zip(spans, confidences)]
    return beads, learned


def _with_empty(beads: list[Bead], fa_kept: list[int], en_kept: list[int], n: int, m: int) -> list[Bead]:
    """Beads over the kept sentences renumbered to the full lists; the empty sentences get 1-0
    and 0-1 beads where they stand (or join the bead they fall inside, which stays contiguous)."""
    empty_fa = deque(sorted(set(range(n)) - set(fa_kept)))
    empty_en = deque(sorted(set(range(m)) - set(en_kept)))
    out: list[Bead] = []

    def flush(fa_before: int, en_before: int) -> None:
        while empty_fa and empty_fa[0] < fa_before:
            out.append(Bead((empty_fa.popleft(),), (), 1.0))
        while empty_en and empty_en[0] < en_before:
            out.append(Bead((), (empty_en.popleft(),), 1.0))

    def span(ids: tuple[int, ...], kept: list[int], empty: deque[int]) -> tuple[int, ...]:
        if not ids:
            return ()
        first, last = kept[ids[0]], kept[ids[-1]]
        while empty and empty[0] < last:
            empty.popleft()  # inside the bead
        return tuple(range(first, last + 1))

    for bead in beads:
        flush(fa_kept[bead.fa[0]] if bead.fa else -1, en_kept[bead.en[0]] if bead.en else -1)
        out.append(Bead(span(bead.fa, fa_kept, empty_fa), span(bead.en, en_kept, empty_en), bead.confidence))
    flush(n, m)
    return out
