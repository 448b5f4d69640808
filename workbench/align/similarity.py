"""Similarities of the sentence pairs a band reaches, the evidence the cost model (costs.py)
sums over each bead's sentences: tokens shared (numbers, Latin-script words, names: rare, so
kept sparse) and dot products of dense sentence vectors (lexicon translations, MT drafts)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np

from workbench.align.dp import Band, chunk_rows

SIM_PAD = 4  # sentence similarities are kept for this many English sentences beyond each row's band


@dataclass
class Pairs:
    """The sentence pairs (r[x], c[x]) that share ``count[x]`` tokens, in order of r (a pair
    may be listed more than once: the counts add up)."""

    r: np.ndarray
    c: np.ndarray
    count: np.ndarray


@dataclass
class Similarity:
    """Similarities of each Persian sentence r with the English sentences so[r] .. so[r] +
    width - 1: anchor tokens shared (sparse), dot products in band coordinates (row r: columns
    so[r] + k)."""

    so: np.ndarray
    width: int
    numbers: Pairs
    latin: Pairs
    names: Pairs
    lexicon: np.ndarray | None
    draft: np.ndarray | None


def shared_tokens(left: list[list[int]], right: list[list[int]], so: np.ndarray, width: int) -> Pairs:
    """The pairs of a Persian sentence and an English sentence in its band that share tokens
    (each sentence's tokens distinct), through an inverted index: these tokens are rare, so
    the pairs are few. Postings are keyed token × (m + 1) + sentence, so one sorted array
    answers "sentences so[r] .. so[r] + width - 1 with token t" for every token at once."""
    m = len(right)

    def flat(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        tokens = np.fromiter(chain.from_iterable(rows), dtype=np.int64)
        return tokens, np.repeat(np.arange(len(rows)), [len(x) for x in rows])

    en_tokens, en_rows = flat(right)
    postings = np.sort(en_tokens * (m + 1) + en_rows)
    tokens, r = flat(left)
    start = np.searchsorted(postings, tokens * (m + 1) + np.clip(so[r], 0, m))
    stop = np.searchsorted(postings, tokens * (m + 1) + np.clip(so[r] + width, 0, m))
    found = stop - start
    # every posting start[x] .. stop[x] - 1 of every Persian token x, in order
    at = np.repeat(start - (np.cumsum(found) - found), found) + np.arange(found.sum())
    return Pairs(r=np.repeat(r, found), c=postings[at] % (m + 1), count=np.ones(len(at)))


def _pair_sums(pairs: Pairs, band: Band, i0: int, i1: int, a: int, b: int) -> np.ndarray:
    """Σ count over the sentence pairs of each bead (a, b) ending at DP rows i0..i1-1, every
    column of their band: each pair adds its count to the a × b beads that contain it."""
    lo, hi = np.searchsorted(pairs.r, [i0 - a, i1 - 1])
    da, db = np.divmod(np.arange(a * b), b)
    i = (pairs.r[lo:hi, None] + 1 + da).ravel()
    j = (pairs.c[lo:hi, None] + 1 + db).ravel()
    count = np.repeat(pairs.count[lo:hi], a * b)
    inside = (i >= i0) & (i < i1)
    i, j, count = i[inside], j[inside], count[inside]
    k = j - band.c0[i]
    inside = (k >= 0) & (k < band.width)
    cells = (i[inside] - i0) * band.width + k[inside]
    total = np.bincount(cells, weights=count[inside], minlength=(i1 - i0) * band.width)
    return total.reshape(i1 - i0, band.width).astype(np.float32)


def band_dots(left: np.ndarray, right: np.ndarray, so: np.ndarray, width: int) -> np.ndarray:
    """Dot products of dense sentence vectors over the band."""
    n, m = len(left), len(right)
    out = np.zeros((n, width), dtype=np.float32)
    step = chunk_rows(width)
    for r0 in range(0, n, step):
        r1 = min(n, r0 + step)
        lo = max(0, int(so[r0:r1].min()))
        hi = min(m, int(so[r0:r1].max()) + width)
        if hi <= lo:
            continue
        cols = so[r0:r1, None] + np.arange(width)[None, :]
        valid = (cols >= lo) & (cols < hi)
        idx = np.clip(cols - lo, 0, hi - lo - 1)
        if width <= 64:  # a narrow band: dot only the cells needed
            vals = np.einsum("rd,rkd->rk", left[r0:r1], right[lo + idx])
        else:  # a wide band: one matrix product over the block is cheaper
            vals = np.take_along_axis(left[r0:r1] @ right[lo:hi].T, idx, axis=1)
        out[r0:r1] = np.where(valid, vals, 0.0)
    return out


def _span_sum(sim: np.ndarray, so: np.ndarray, band: Band, i0: int, i1: int, a: int, b: int) -> np.ndarray:
    """Σ sim[r, c] over the sentence pairs of each bead (a, b) ending at DP rows i0..i1-1, every
    column of their band, added pair by pair in one fixed order (float32 sums depend on it).
    Pairs outside a row's band of ``sim`` count 0."""
    n = len(sim)
    rows = np.arange(i0, i1)[:, None]
    cols = band.c0[i0:i1, None] + np.arange(band.width)[None, :]
    total: np.ndarray | None = None
    for da in range(a):
        r = rows - 1 - da
        r_ok = (r >= 0) & (r < n)
        rc = np.clip(r, 0, max(n - 1, 0))
        for db in range(b):
            if da == 0:  # the bead's last Persian sentence, row i - 1: its columns are a slice
                vals = _last_row_slice(sim, i0, i1, SIM_PAD - 1 - db, band.width)
            else:  # earlier rows' bands may start elsewhere: gathered, 0 outside them
                k = cols - so[rc] - 1 - db
                ok = r_ok & (k >= 0) & (k < sim.shape[1])
                vals = np.where(ok, sim[rc, np.clip(k, 0, sim.shape[1] - 1)], 0.0)
            total = vals if total is None else total + vals
    assert total is not None  # every bead holds a sentence of each side (a, b ≥ 1)
    return total


def _last_row_slice(sim: np.ndarray, i0: int, i1: int, offset: int, width: int) -> np.ndarray:
    """sim[i - 1, offset:offset + width] for DP rows i0..i1-1 (zeros for row 0, which has no
    sentence before it). Row i - 1 of the band similarities starts SIM_PAD columns before DP row
    i's band, so the columns of DP cell k are k + offset for every row."""
    vals = sim[max(i0 - 1, 0):i1 - 1, offset:offset + width]
    if i0 == 0:
        vals = np.concatenate([np.zeros((1, width), dtype=sim.dtype), vals])
    return vals


def shared_sums(sim: Similarity, band: Band, i0: int, i1: int, a: int, b: int) -> dict[str, np.ndarray]:
    """The similarities of beads (a, b) ending at DP rows i0..i1-1: summed over their sentence pairs."""
    shared = {name: _pair_sums(getattr(sim, name), band, i0, i1, a, b) for name in ("numbers", "latin", "names")}
    for name, x in (("lexicon", sim.lexicon), ("draft", sim.draft)):
        if x is not None:
            shared[name] = _span_sum(x, sim.so, band, i0, i1, a, b)
    return shared
