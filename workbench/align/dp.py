"""Dynamic programming over a band of the alignment matrix: the bead moves, the bands (whole
matrix, diagonal, around a path), the best path (Viterbi) and each path bead's posterior
probability (forward-backward).

Row i of the DP is the boundary after i Persian sentences, column j after j English ones. The
costs of the beads ending in each cell come from a ``CostSource`` (the aligner's evidence) a
chunk of rows at a time; memory per cell is a back pointer, plus the costs when the source keeps
them for forward-backward: both sweeps keep only the last SPAN rows of scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

BEADS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (1, 3), (3, 1))
INF = np.float32(1e9)
Span = tuple[int, int, int, int]  # a bead as DP rows i0..i1 and columns j0..j1
CHUNK = 256  # DP rows whose costs are computed together
CHUNK_CELLS = 1 << 18  # ... fewer when the band is wide: each chunk's arrays stay this small
SPAN = max(max(a, b) for a, b in BEADS)  # most sentences a bead has on one side


@dataclass
class Band:
    """Row i of the DP covers columns c0[i] .. c0[i] + width - 1."""

    c0: np.ndarray
    width: int


class CostSource(Protocol):
    """The costs of every bead of BEADS ending in each cell of a band: (len(BEADS), rows, width)
    float32 arrays, INF where a bead cannot end."""

    def compute(self, i0: int, i1: int) -> np.ndarray:
        """Rows i0..i1-1, in order, the first time (the Viterbi pass)."""

    def read(self, i0: int, i1: int) -> np.ndarray:
        """Rows i0..i1-1 again, in any order (forward-backward)."""


def chunk_rows(width: int) -> int:
    """How many DP rows of a band this wide are handled together."""
    return max(1, min(CHUNK, CHUNK_CELLS // width))


SKIP_EN = BEADS.index((0, 1))  # the one bead that stays in its DP row
MOVES = [(t, a, b) for t, (a, b) in enumerate(BEADS) if a]  # the beads that come from an earlier row
BIG = 1e6  # stands for "impossible" where sums of costs must stay finite
MARGIN = 8  # DP rows are padded on both sides, so a row shifted by up to this is a slice, not a copy
RING = SPAN + 1  # rows of distances kept: a bead reaches back at most SPAN rows


def _shifted(row: np.ndarray, shift: int, fill: float | np.float32 = np.inf) -> np.ndarray:
    """row[k + shift] for every k, ``fill`` outside."""
    out = np.full(row.shape, fill, dtype=row.dtype)
    width = len(row)
    if shift >= 0:
        if shift < width:
            out[: width - shift] = row[shift:]
    elif -shift < width:
        out[-shift:] = row[: width + shift]
    return out


def _padded_rows(rows: int, width: int, fill: float | np.float32) -> tuple[np.ndarray, np.ndarray]:
    """DP rows with MARGIN cells of ``fill`` on both sides: (the padded array, its inner view)."""
    padded = np.full((rows, width + 2 * MARGIN), fill, dtype=np.float64)
    return padded, padded[:, MARGIN:MARGIN + width]


def _shifted_row(padded: np.ndarray, i: int, shift: int, fill: float | np.float32) -> np.ndarray:
    """``_shifted`` of row i of a ``_padded_rows`` array: a view when the margin allows."""
    width = padded.shape[1] - 2 * MARGIN
    if -MARGIN <= shift <= MARGIN:
        return padded[i, MARGIN + shift:MARGIN + shift + width]
    return _shifted(padded[i, MARGIN:MARGIN + width], shift, fill)


def _runs(steps: np.ndarray) -> np.ndarray:
    """Cumulative costs of runs of 0-1 beads along each DP row (the cost of step k is that of
    the bead ending in cell k), for ``_chain_min`` and ``_chain_softmin``."""
    return np.cumsum(np.minimum(steps.astype(np.float64), BIG), axis=-1)


def _chain_min(values: np.ndarray, run: np.ndarray) -> np.ndarray:
    """d[k] = min(values[k], d[k-1] + steps[k]): runs of 0-1 beads along one DP row, ``run``
    being ``_runs(steps)``."""
    return run + np.minimum.accumulate(values.astype(np.float64) - run)


def _chain_softmin(values: np.ndarray, run: np.ndarray) -> np.ndarray:
    """The soft (log-sum-exp) version of ``_chain_min``."""
    with np.errstate(invalid="ignore"):
        acc = np.logaddexp.accumulate(-(values - run))
    return run - acc


def viterbi(n: int, m: int, band: Band, costs: CostSource) -> tuple[list[Span], bool]:
    """Best bead path from (0, 0) to (n, m) through the band. Returns (beads as (i0, i1, j0, j1)
    spans, whether the path touched the band edge). Only the last SPAN rows of distances are kept
    (a bead reaches back no further): memory per cell is the back pointer."""
    width = band.width
    c0 = band.c0.tolist()  # Python ints: the row loop reads them one at a time
    padded, dist = _padded_rows(RING, width, INF)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    start = np.full(width, INF, dtype=np.float64)
    k0 = -c0[0]
    if 0 <= k0 < width:
        start[k0] = 0.0
    candidates = np.full((len(BEADS), width), INF, dtype=np.float64)
    step = chunk_rows(width)
    for i0 in range(0, n + 1, step):
        i1 = min(n + 1, i0 + step)
        chunk = costs.compute(i0, i1)
        runs = _runs(chunk[SKIP_EN])
        for i in range(i0, i1):
            row = chunk[:, i - i0]
            candidates[SKIP_EN] = start if i == 0 else INF  # the start cell, or nothing
            for t, a, b in MOVES:
                if a <= i:  # in the first rows some beads have no predecessor: their row stays INF
                    np.add(_shifted_row(padded, (i - a) % RING, c0[i] - c0[i - a] - b, INF), row[t],
                           out=candidates[t])
            arg = candidates.argmin(axis=0)
            best = candidates.min(axis=0)
            chained = _chain_min(best, runs[i - i0])
            arg = np.where(chained < best - 1e-9, SKIP_EN, arg)
            dist[i % RING] = np.minimum(chained, INF)
            back[i] = np.where(dist[i % RING] < INF, arg, -1)
    i, k = n, m - c0[n]
    if not (0 <= k < width) or dist[n % RING, k] >= INF:
        raise RuntimeError("alignment band does not reach the end of the document")
    spans: list[Span] = []
    edge = False
    while i > 0 or c0[i] + k > 0:
        a, b = BEADS[int(back[i, k])]
        j = c0[i] + k
        spans.append((i - a, i, j - b, j))
        edge = edge or k <= 1 or k >= width - 2
        i, k = i - a, j - b - c0[i - a]
    spans.reverse()
    return spans, edge and width < m + 1


class _CostRows:
    """Rows of a band's costs as negative log-probabilities at ``temperature`` (float64, inf
    where impossible), converted a block of rows at a time: a float64 copy of them all would take
    twice the memory of the kept costs. The two blocks last used are kept."""

    def __init__(self, costs: CostSource, rows: int, width: int, temperature: float) -> None:
        self.costs, self.rows, self.temperature = costs, rows, temperature
        # at least RING rows a block, so the rows a bead's sweep reads lie in two blocks
        self.step = max(RING, chunk_rows(len(BEADS) * width))
        self.blocks: dict[int, np.ndarray] = {}

    def __call__(self, i: int) -> np.ndarray:
        """Row i: the costs of every bead ending there, (len(BEADS), width)."""
        block = i // self.step
        if block not in self.blocks:
            if len(self.blocks) == 2:
                del self.blocks[min(self.blocks, key=lambda b: -abs(b - block))]
            stored = self.costs.read(block * self.step, min(self.rows, (block + 1) * self.step))
            costs = stored.astype(np.float64) / self.temperature
            costs[stored >= INF / 2] = np.inf
            self.blocks[block] = costs
        return self.blocks[block][:, i - block * self.step]


def posteriors(n: int, m: int, band: Band, band_costs: CostSource, spans: list[Span], temperature: float) -> list[float]:
    """Posterior probability of each path bead among all alignments in the band
    (forward-backward with costs as negative log-probabilities at ``temperature``). Only the last
    SPAN rows of each direction are kept; a bead's forward and backward values are picked up as
    the sweeps pass its rows."""
    width = band.width
    c0 = band.c0.tolist()
    costs = _CostRows(band_costs, n + 1, width, temperature)
    starting: dict[int, list[int]] = {}  # row -> the path beads starting / ending there
    ending: dict[int, list[int]] = {}
    for x, (i0, i1, _, _) in enumerate(spans):
        starting.setdefault(i0, []).append(x)
        ending.setdefault(i1, []).append(x)
    fwd_at = [np.inf] * len(spans)
    bwd_at = [np.inf] * len(spans)
    # Row terms in a fixed order (the row itself, then MOVES), so their sums never change order;
    # a bead without a predecessor contributes inf, which adds exactly nothing.
    terms = np.empty((1 + len(MOVES), width))
    padded, fwd = _padded_rows(RING, width, np.inf)
    first = np.full(width, np.inf)
    first[-c0[0]] = 0.0
    for i in range(n + 1):
        row = costs(i)
        terms[0] = first if i == 0 else np.inf
        for x, (t, a, b) in enumerate(MOVES, 1):
            if a <= i:
                np.add(_shifted_row(padded, (i - a) % RING, c0[i] - c0[i - a] - b, np.inf), row[t], out=terms[x])
            else:
                terms[x] = np.inf
        fwd[i % RING] = _chain_softmin(_softmin(terms), _runs(row[SKIP_EN]))
        for x in starting.get(i, ()):
            fwd_at[x] = fwd[i % RING, spans[x][2] - c0[i]]
    total = fwd[n % RING, m - c0[n]]
    padded, bwd = _padded_rows(RING, width, np.inf)
    last = np.full(width, np.inf)
    last[m - c0[n]] = 0.0
    ahead, ahead_row = _padded_rows(1, width, np.inf)  # a later row plus its bead's cost
    for i in range(n, -1, -1):
        terms[0] = last if i == n else np.inf
        for x, (t, a, b) in enumerate(MOVES, 1):
            if i + a <= n:  # bead from (i, j) to (i + a, j + b)
                np.add(bwd[(i + a) % RING], costs(i + a)[t], out=ahead_row[0])
                terms[x] = _shifted_row(ahead, 0, c0[i] + b - c0[i + a], np.inf)
            else:
                terms[x] = np.inf
        # backwards along a row, the step into cell k is the 0-1 bead ending at k + 1
        steps = np.concatenate([[np.inf], costs(i)[SKIP_EN, ::-1][:-1]])
        bwd[i % RING] = _chain_softmin(_softmin(terms)[::-1], _runs(steps))[::-1]
        for x in ending.get(i, ()):
            bwd_at[x] = bwd[i % RING, spans[x][3] - c0[i]]
    out = []
    for x, (i0, i1, j0, j1) in enumerate(spans):
        t = BEADS.index((i1 - i0, j1 - j0))
        score = fwd_at[x] + costs(i1)[t, j1 - c0[i1]] + bwd_at[x]
        out.append(float(np.exp(min(0.0, total - score))) if np.isfinite(score) else 0.0)
    return out


def _softmin(stack: np.ndarray) -> np.ndarray:
    low = stack.min(axis=0)
    safe = np.where(np.isfinite(low), low, 0.0)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        s = np.exp(-(stack - safe)).sum(axis=0)
        return np.where(np.isfinite(low), safe - np.log(s), np.inf)


def full_band(n: int, m: int) -> Band:
    return Band(c0=np.zeros(n + 1, dtype=np.int64), width=m + 1)


def diagonal_band(n: int, m: int, half: int) -> Band:
    if half >= m:  # the band covers every column of every row: the matrix, without the cells beyond it
        return full_band(n, m)
    centers = np.round(np.arange(n + 1) * (m / max(n, 1))).astype(np.int64)
    return Band(c0=centers - half, width=2 * half + 1)


def path_band(spans: list[Span], n: int, m: int, half: int) -> Band:
    """A band following a path: row i is centred on the path's columns at that row."""
    low = np.full(n + 1, m, dtype=np.int64)
    high = np.zeros(n + 1, dtype=np.int64)
    low[0] = high[0] = 0
    for i0, i1, j0, j1 in spans:
        for i in range(i0, i1 + 1):
            frac = (i - i0) / max(i1 - i0, 1)
            j = int(round(j0 + frac * (j1 - j0)))
            low[i] = min(low[i], j0 if i == i0 else j)
            high[i] = max(high[i], j1 if i == i1 else j)
    low[n] = min(low[n], m)
    high[n] = max(high[n], m)
    # A run of 0-1 beads spans many columns of one row; the beads that could leave or join it
    # start or end up to `reach` rows away, so those rows cover the run too where it reaches past
    # their own half-width (one Persian sentence against a long stretch of English: every English
    # sentence is a candidate in its confidence). Ordinary paths keep the band they had.
    reach = max(a for a, _ in BEADS)
    near_low, near_high = _window(low, reach, np.min, m), _window(high, reach, np.max, 0)
    low = np.where(low - near_low > half, near_low, low)
    high = np.where(near_high - high > half, near_high, high)
    spread = int((high - low).max())
    width = 2 * half + 1 + spread
    return Band(c0=low - half, width=width)


def _window(values: np.ndarray, reach: int, reduce: Callable[..., np.ndarray], fill: int) -> np.ndarray:
    """reduce(values[i - reach .. i + reach]) for every i."""
    padded = np.pad(values, reach, constant_values=fill)
    return reduce(np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1), axis=1)
