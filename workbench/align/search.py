"""The search: the aligner's two passes over the DP (dp.py), with the cost model's bead costs
(costs.py). What each pass takes in memory is known before it starts (budget.py).

Pass 1 aligns in a wide band (the whole matrix for ordinary documents) on length and anchors.
Its 1-1 beads train an IBM-1 lexicon; pass 2 realigns in a narrow band around pass 1 with the
lexicon, and forward-backward over that band gives each bead a posterior confidence.
"""

from __future__ import annotations

from workbench.align import budget
from workbench.align.costs import AlignParams, BandCosts, Problem, use_lexicon
from workbench.align.dp import BEADS, SPAN, Band, Span, diagonal_band, full_band, path_band, posteriors, viterbi
from workbench.align.lexicon import Lexicon



def first_band(n: int, m: int, params: AlignParams) -> tuple[Band, bool]:
    """The band pass 1 searches, and whether it is the whole matrix."""
    # Pass 1: length, anchors and the prior lexicon over the whole matrix; long documents are
    # searched in a band along the diagonal, on length and anchors alone (the lexicon's bulk
    # dot products would dominate the time there, and pass 2 brings it back).
    if (n + 1) * (m + 1) <= params.full_matrix_cells:
        return full_band(n, m), True
    # Wide enough for the drift of ordinary documents; a path that touches the edge is
    # searched again in a band twice as wide, while that fits in memory.
    half = params.band or max(60, abs(n - m) * 2 + 40, int(0.015 * max(n, m)))
    return diagonal_band(n, m, half), False


def plan(n: int, m: int, size: tuple[int, int], band: Band, params: AlignParams) -> budget.Plan:
    """What aligning ``n`` Persian and ``m`` English sentences (``size``: their words and
    characters) with pass 1 in ``band`` takes, for budget.py."""
    return budget.Plan(fa=n, en=m, words=size[0], chars=size[1], pass1_width=band.width,
                       refine_band=params.refine_band, span=SPAN)


def two_passes(problem: Problem, band: Band, whole: bool, size: tuple[int, int],
               lexicon: Lexicon | None) -> tuple[list[Span], list[float], Lexicon]:
    """The path of beads, each bead's confidence and the lexicon trained on this pair of texts."""
    params = problem.params
    n, m = len(problem.fa.lengths), len(problem.en.lengths)
    if whole and lexicon is not None and len(lexicon):
        use_lexicon(problem, lexicon)
    while True:
        spans, edge = viterbi(n, m, band, BandCosts(problem, band, keep=False))
        wider = diagonal_band(n, m, band.width)  # doubles the half-width
        if not edge or not budget.fits(plan(n, m, size, wider, params), params.memory_mb):
            break
        band = wider
    # Self-trained lexicon from the 1-1 beads of pass 1.
    fa_words, en_words = problem.fa.words, problem.en.words
    ones = [(fa_words[i0], en_words[j0]) for i0, i1, j0, j1 in spans if i1 - i0 == 1 and j1 - j0 == 1]
    step = max(1, len(ones) // params.lexicon_pairs)  # an even sample keeps EM fast on long texts
    learned = Lexicon.train(ones[::step], params.lexicon_iterations)
    combined = lexicon.merge(learned) if lexicon is not None else learned
    if len(combined):
        use_lexicon(problem, combined)
    # Pass 2: a narrow band around pass 1, with the lexicon; posteriors give confidences.
    band2 = path_band(spans, n, m, params.refine_band)
    keep = budget.fits(plan(n, m, size, band, params), params.memory_mb, pass2_width=band2.width,
                       kept_costs=len(BEADS) * 4)
    costs = BandCosts(problem, band2, keep=keep)  # kept costs take 32 bytes a cell: kept when they fit
    spans, _ = viterbi(n, m, band2, costs)
    return spans, posteriors(n, m, band2, costs, spans, params.temperature), learned
