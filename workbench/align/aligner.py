"""The sentence aligner: dynamic programming over beads in a band (dp.py), scored by length,
anchors, a self-trained lexicon and (when present) MT drafts (here).

Pass 1 aligns in a wide band (the whole matrix for ordinary documents) on length and anchors.
Its 1-1 beads train an IBM-1 lexicon; pass 2 realigns in a narrow band around pass 1 with the
lexicon, and forward-backward over that band gives each bead a posterior confidence. What that
takes in memory is known before it starts (budget.py): too much is refused in one line.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from workbench.align import budget
from workbench.align.dp import (
    BEADS,
    INF,
    SPAN,
    Band,
    chunk_rows,
    diagonal_band,
    full_band,
    path_band,
    posteriors,
    viterbi,
)
from workbench.align.features import SideFeatures, char_ngrams, features, name_anchors
from workbench.align.lexicon import Lexicon, bundled_lexicon, informativeness, word_presence

SIM_PAD = 4  # sentence similarities are kept for this many English sentences beyond each row's band


@dataclass(frozen=True)
class Bead:
    fa: tuple[int, ...]
    en: tuple[int, ...]
    confidence: float

    @property
    def shape(self) -> str:
        return f"{len(self.fa)}-{len(self.en)}"


@dataclass(frozen=True)
class AlignParams:
    """Bead costs are negative log-odds; see docs/alignment.md for what each one does."""

    len_ratio: float = 1.07  # English characters per Persian character (normalized text), TICO-19
    len_var: float = 3.2  # variance of that ratio per character (Gale–Church s²), TICO-19
    skip: float = 3.75  # cost of a 1-0 or 0-1 bead
    merge: float = 2.5  # cost of a 2-1 or 1-2 bead
    merge22: float = 5.5  # 2-2
    merge3: float = 4.5  # 1-3 or 3-1
    w_len: float = 1.0
    len_dof: float = 10.0  # degrees of freedom of the length model's Student-t (∞ = Gale–Church)
    w_numbers: float = 3.0
    w_latin: float = 1.5
    w_names: float = 1.5
    w_punct: float = 0.6
    w_lexicon: float = 6.0
    w_draft: float = 4.0
    temperature: float = 1.0  # of the posterior that gives confidences
    band: int = 0  # half-width of the pass-1 band; 0 chooses from the document size
    full_matrix_cells: int = 4_000_000  # below this, pass 1 searches the whole matrix
    refine_band: int = 12  # half-width of the pass-2 band around the pass-1 path
    lexicon_iterations: int = 5
    lexicon_pairs: int = 2500  # most 1-1 beads of pass 1 the lexicon is trained on
    bundled_lexicon: bool = True  # start from the lexicon shipped with workbench (TICO-19)
    # A side longer than the other side's translation would be by more than this factor has
    # sentences with no counterpart: skipping its sentences gets cheaper (see _skip_cost).
    surplus_tolerance: float = 1.25
    # Inputs whose alignment would take more memory than this are refused before it starts
    # (see budget.py); long documents stay in it by searching bands, not the whole matrix.
    memory_mb: int = 800

    def prior(self, a: int, b: int) -> float:
        if (a, b) == (1, 1):
            return 0.0
        if a == 0 or b == 0:
            return self.skip
        if (a, b) in ((2, 1), (1, 2)):
            return self.merge
        if (a, b) == (2, 2):
            return self.merge22
        return self.merge3


@dataclass
class _Pairs:
    """The sentence pairs (r[x], c[x]) that share ``count[x]`` tokens, in order of r (a pair
    may be listed more than once: the counts add up)."""

    r: np.ndarray
    c: np.ndarray
    count: np.ndarray


@dataclass
class _Similarity:
    """Similarities of each Persian sentence r with the English sentences so[r] .. so[r] +
    width - 1: anchor tokens shared (sparse), dot products in band coordinates (row r: columns
    so[r] + k)."""

    so: np.ndarray
    width: int
    numbers: _Pairs
    latin: _Pairs
    names: _Pairs
    lexicon: np.ndarray | None
    draft: np.ndarray | None


@dataclass
class _Problem:
    fa: SideFeatures
    en: SideFeatures
    params: AlignParams
    lex_fa: np.ndarray | None = None  # Persian sentences translated: expected English words
    lex_known: np.ndarray | None = None
    lex_en: np.ndarray | None = None  # English words present
    lex_base: float = 0.0
    draft_fa: np.ndarray | None = None
    draft_en: np.ndarray | None = None
    draft_base: float = 0.0
    prefix: dict = field(default_factory=dict)
    fa_names: list[list[int]] = field(default_factory=list)  # hashed name skeletons of both sides
    en_names: list[list[int]] = field(default_factory=list)
    skip_fa: float = 0.0  # cost of a 1-0 bead in this document
    skip_en: float = 0.0  # of a 0-1 bead

    def __post_init__(self) -> None:
        self.fa_names, self.en_names = name_anchors(self.fa, self.en)
        fa_chars = float(self.fa.lengths.sum()) * self.params.len_ratio  # in English characters
        en_chars = float(self.en.lengths.sum())
        self.skip_fa = _skip_cost(fa_chars, en_chars, self.params)
        self.skip_en = _skip_cost(en_chars, fa_chars, self.params)

        def pre(x: np.ndarray) -> np.ndarray:
            summed = np.cumsum(x.astype(np.float64), axis=0).astype(np.float32)
            return np.concatenate([np.zeros((1,) + x.shape[1:], dtype=np.float32), summed])

        self.prefix = {
            "fa_len": pre(self.fa.lengths), "en_len": pre(self.en.lengths),
            "fa_num": pre(self.fa.number_count), "en_num": pre(self.en.number_count),
            "fa_lat": pre(self.fa.latin_count), "fa_punct": pre(self.fa.punct), "en_punct": pre(self.en.punct),
            "fa_names": pre(np.array([len(x) for x in self.fa_names], dtype=np.float32)),
            "en_names": pre(np.array([len(x) for x in self.en_names], dtype=np.float32)),
        }
        if self.lex_known is not None:
            self.prefix["known"] = pre(self.lex_known)

    def prior(self, a: int, b: int) -> float:
        if b == 0:
            return self.skip_fa
        return self.skip_en if a == 0 else self.params.prior(a, b)


def _skip_cost(chars: float, other_chars: float, params: AlignParams) -> float:
    """Cost of a bead leaving one sentence of a side without a counterpart, for a side of
    ``chars`` characters against ``other_chars`` on the other side (both in English characters).

    Merges and splits keep a text's length; only sentences with no counterpart make one side
    longer than the other's translation. Whole documents stay within 0.86-1.09 of their expected
    length (TICO-19 and our news), so the share of a side beyond ``surplus_tolerance`` times
    that length estimates the chance that one of its sentences has no counterpart: a skip then
    costs −log(e^−skip + that share), between 0 and ``skip``. Without this, the sentences a
    side has too many are glued onto whichever neighbours fit least badly, because a 1-3 bead
    absorbs two of them for ``merge3`` where skipping them costs twice ``skip``.
    """
    surplus = max(0.0, 1.0 - params.surplus_tolerance * other_chars / chars) if chars else 0.0
    return float(np.clip(-np.log(np.exp(-params.skip) + surplus), 0.0, params.skip))


def _band_similarity(problem: _Problem, band: Band, pad: int) -> _Similarity:
    """Similarities between every Persian sentence r and the English sentences its band rows
    can reach (columns so[r] .. so[r] + width - 1)."""
    n = len(problem.fa.lengths)
    width = band.width + 2 * pad
    so = band.c0[1:n + 1] - pad
    numbers = _shared_tokens(problem.fa.numbers, problem.en.numbers, so, width)
    latin = _shared_tokens(problem.fa.latin, problem.en.latin, so, width)
    names = _shared_tokens(problem.fa_names, problem.en_names, so, width)
    lexicon = draft = None
    if problem.lex_fa is not None:
        lexicon = _band_dots(problem.lex_fa, problem.lex_en, so, width)
    if problem.draft_fa is not None:
        draft = _band_dots(problem.draft_fa, problem.draft_en, so, width)
    return _Similarity(so=so, width=width, numbers=numbers, latin=latin, names=names, lexicon=lexicon, draft=draft)


def _shared_tokens(left: list[list[int]], right: list[list[int]], so: np.ndarray, width: int) -> _Pairs:
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
    return _Pairs(r=np.repeat(r, found), c=postings[at] % (m + 1), count=np.ones(len(at)))


def _pair_sums(pairs: _Pairs, band: Band, i0: int, i1: int, a: int, b: int) -> np.ndarray:
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


def _band_dots(left: np.ndarray, right: np.ndarray, so: np.ndarray, width: int) -> np.ndarray:
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
    total = None
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
    return total


def _last_row_slice(sim: np.ndarray, i0: int, i1: int, offset: int, width: int) -> np.ndarray:
    """sim[i - 1, offset:offset + width] for DP rows i0..i1-1 (zeros for row 0, which has no
    sentence before it). Row i - 1 of the band similarities starts SIM_PAD columns before DP row
    i's band, so the columns of DP cell k are k + offset for every row."""
    vals = sim[max(i0 - 1, 0):i1 - 1, offset:offset + width]
    if i0 == 0:
        vals = np.concatenate([np.zeros((1, width), dtype=sim.dtype), vals])
    return vals


@dataclass
class _SpanTables:
    """What a bead covers on each side, looked up rather than recomputed for every cell:
    ``fa[name][a][i]`` sums a Persian quantity over the ``a`` sentences before boundary i (fewer
    at the start), ``en[name][b][j]`` the same for English. The punctuation of a span is an id
    into ``punct``, the agreement term of every pair of punctuation counts the document has (a
    few dozen of each side), computed once instead of over three kinds in every cell."""

    fa: dict[str, list[np.ndarray]]
    en: dict[str, list[np.ndarray]]
    punct: np.ndarray  # flattened: Persian id × English ids + English id


def _span_totals(prefix: np.ndarray) -> list[np.ndarray]:
    """prefix[i] − prefix[max(i − k, 0)] for k = 0..SPAN."""
    at = np.arange(len(prefix))
    return [prefix - prefix[np.maximum(at - k, 0)] for k in range(SPAN + 1)]


def _span_ids(spans: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of the k-sentence spans (for every k) and each span's index among them.
    The rows are small counts: each is keyed by one integer (its digits in base max + 1), which
    np.unique sorts far faster than rows."""
    rows = np.concatenate(spans)
    counts = rows.astype(np.int64)
    base = int(counts.max(initial=0)) + 1
    keys = counts @ base ** np.arange(counts.shape[1] - 1, -1, -1)
    _, first, ids = np.unique(keys, return_index=True, return_inverse=True)
    return np.split(ids.reshape(-1), len(spans)), rows[first]


def _punct_agreement(pf: np.ndarray, pe: np.ndarray, weight: float) -> np.ndarray:
    """Punctuation that survives translation (? quotes parentheses), per kind present:
    2·agreement − 1 = (3·min − max) / (min + max); absent kinds give 0. Averaged over kinds."""
    low, high = np.minimum(pf, pe), np.maximum(pf, pe)
    kinds = (high > 0).sum(-1)
    score = ((3 * low - high) / np.maximum(low + high, 1)).sum(-1)
    return weight * score / np.maximum(kinds, 1)


def _span_tables(problem: _Problem) -> _SpanTables:
    pre = problem.prefix
    fa = {name: _span_totals(pre["fa_" + name]) for name in ("len", "num", "lat", "names", "punct")}
    en = {name: _span_totals(pre["en_" + name]) for name in ("len", "num", "names", "punct")}
    if "known" in pre:
        fa["known"] = _span_totals(pre["known"])
    en["len_fa"] = [le / problem.params.len_ratio for le in en["len"]]  # in Persian characters
    fa["punct"], fa_kinds = _span_ids(fa["punct"])
    en["punct"], en_kinds = _span_ids(en["punct"])
    table = _punct_agreement(fa_kinds[:, None, :], en_kinds[None, :, :], problem.params.w_punct)
    fa["punct"] = [ids * len(en_kinds) for ids in fa["punct"]]
    return _SpanTables(fa=fa, en=en, punct=table.reshape(-1))


def _costs(problem: _Problem, tables: _SpanTables, sim: _Similarity, band: Band, i0: int, i1: int) -> np.ndarray:
    """Costs of every bead of BEADS ending at DP rows i0..i1-1, every column of their band."""
    m = len(problem.en.lengths)
    rows = np.arange(i0, i1)[:, None]
    cols = band.c0[i0:i1, None] + np.arange(band.width)[None, :]
    at = np.clip(cols, 0, m)
    english: dict[int, dict[str, np.ndarray]] = {}  # shared by the beads with as many English sentences
    out = np.empty((len(BEADS), i1 - i0, band.width), dtype=np.float32)
    for t, (a, b) in enumerate(BEADS):
        cost = np.full(cols.shape, problem.prior(a, b), dtype=np.float32)
        if a and b:
            if b not in english:
                english[b] = {name: spans[b][at] for name, spans in tables.en.items()}
            persian = {name: spans[a][rows] for name, spans in tables.fa.items()}
            shared = _shared_sums(sim, band, i0, i1, a, b)
            _add_evidence(cost, problem, tables, persian, english[b], shared, a, b)
        valid = (rows >= a) & (cols >= b) & (cols <= m)
        out[t] = np.where(valid, cost, INF)
    return out


def _shared_sums(sim: _Similarity, band: Band, i0: int, i1: int, a: int, b: int) -> dict[str, np.ndarray]:
    """The similarities of beads (a, b) ending at DP rows i0..i1-1: summed over their sentence pairs."""
    shared = {name: _pair_sums(getattr(sim, name), band, i0, i1, a, b) for name in ("numbers", "latin", "names")}
    for name, x in (("lexicon", sim.lexicon), ("draft", sim.draft)):
        if x is not None:
            shared[name] = _span_sum(x, sim.so, band, i0, i1, a, b)
    return shared


def _add_evidence(cost: np.ndarray, problem: _Problem, tables: _SpanTables, fa: dict[str, np.ndarray],
                  en: dict[str, np.ndarray], shared: dict[str, np.ndarray], a: int, b: int) -> None:
    """Adds to ``cost`` the evidence for beads (a, b) whose Persian and English sides have the
    totals ``fa`` and ``en`` and the similarities ``shared``."""
    p = problem.params
    lf, le = fa["len"], en["len"]
    delta = (le - p.len_ratio * lf) / np.sqrt(p.len_var * (lf + en["len_fa"]) / 2 + 1.0)
    # Student-t rather than Gaussian: real translations have long length tails, and one
    # verbose sentence must not drag its neighbours out of place.
    cost += p.w_len * (p.len_dof + 1) / 2 * np.log1p(delta * delta / p.len_dof)
    # Numbers: Dice agreement of the numbers on both sides, from -1 (none shared) to +1.
    count = fa["num"] + en["num"]
    dice = np.minimum(1.0, 2 * shared["numbers"] / np.maximum(count, 1))
    cost -= np.where(count > 0, p.w_numbers * (2 * dice - 1), 0.0)
    # Latin-script words of the Persian (names, acronyms, URLs) found in the English.
    lat = fa["lat"]
    frac = np.minimum(1.0, shared["latin"] / np.maximum(lat, 1))
    cost -= np.where(lat > 0, p.w_latin * (2 * frac - 1), 0.0)
    # Names in both scripts, by their consonant skeletons: Dice as for numbers.
    count = fa["names"] + en["names"]
    dice = np.minimum(1.0, 2 * shared["names"] / np.maximum(count, 1))
    cost -= np.where(count > 0, p.w_names * (2 * dice - 1), 0.0)
    cost -= np.take(tables.punct, fa["punct"] + en["punct"])
    if "lexicon" in shared:
        # The share of the Persian words the lexicon knows (weighted by informativeness)
        # whose translation is in the English, above what random sentence pairs reach.
        known = fa["known"]
        coverage = np.minimum(1.0, shared["lexicon"] / np.maximum(known, 1))
        cost -= np.where(known > 0, p.w_lexicon * (coverage - problem.lex_base), 0.0)
    if "draft" in shared:
        overlap = shared["draft"] / np.sqrt(a * b)
        cost -= p.w_draft * (overlap - problem.draft_base)


class _BandCosts:
    """The costs of every bead ending in each cell of a band, a chunk of rows at a time (the
    band's similarities and the span tables prepared once). With ``keep``, what the Viterbi pass
    computed is kept for forward-backward to read again (4 bytes a bead and cell); without, a read
    computes it again, which takes time instead of memory."""

    def __init__(self, problem: _Problem, band: Band, keep: bool) -> None:
        self.problem, self.band = problem, band
        self.sim = _band_similarity(problem, band, pad=SIM_PAD)
        self.tables = _span_tables(problem)
        rows = len(problem.fa.lengths) + 1
        self.kept = np.empty((len(BEADS), rows, band.width), dtype=np.float32) if keep else None

    def compute(self, i0: int, i1: int) -> np.ndarray:
        costs = _costs(self.problem, self.tables, self.sim, self.band, i0, i1)
        if self.kept is not None:
            self.kept[:, i0:i1] = costs
        return costs

    def read(self, i0: int, i1: int) -> np.ndarray:
        """The costs of rows i0..i1-1, after ``compute`` has been through them."""
        if self.kept is not None:
            return self.kept[:, i0:i1]
        return _costs(self.problem, self.tables, self.sim, self.band, i0, i1)


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
    # Pass 1: length, anchors and the prior lexicon over the whole matrix; long documents are
    # searched in a band along the diagonal, on length and anchors alone (the lexicon's bulk
    # dot products would dominate the time there, and pass 2 brings it back).
    whole = (n + 1) * (m + 1) <= params.full_matrix_cells
    if whole:
        band = full_band(n, m)
    else:
        # Wide enough for the drift of ordinary documents; a path that touches the edge is
        # searched again in a band twice as wide, while that fits in memory.
        half = params.band or max(60, abs(n - m) * 2 + 40, int(0.015 * max(n, m)))
        band = diagonal_band(n, m, half)
    size = budget.text_size([*fa, *en])
    budget.check(_plan(n, m, size, band, params), params.memory_mb)  # before any work
    problem = _Problem(features(fa, "fa"), features(en, "en"), params)
    if fa_drafts is not None and any(fa_drafts):
        problem.draft_fa = char_ngrams(list(fa_drafts))
        problem.draft_en = char_ngrams(en)
        problem.draft_base = _baseline(problem.draft_fa, problem.draft_en)
    if params.bundled_lexicon:
        lexicon = bundled_lexicon().merge(lexicon) if lexicon is not None else bundled_lexicon()
    problem.lex_en = word_presence(problem.en.words)
    if whole and lexicon is not None and len(lexicon):
        _use_lexicon(problem, lexicon)
    while True:
        spans, edge = viterbi(n, m, band, _BandCosts(problem, band, keep=False))
        wider = diagonal_band(n, m, band.width)  # doubles the half-width
        if not edge or not budget.fits(_plan(n, m, size, wider, params), params.memory_mb):
            break
        band = wider
    # Self-trained lexicon from the 1-1 beads of pass 1.
    fa_words, en_words = problem.fa.words, problem.en.words
    ones = [(fa_words[i0], en_words[j0]) for i0, i1, j0, j1 in spans if i1 - i0 == 1 and j1 - j0 == 1]
    step = max(1, len(ones) // params.lexicon_pairs)  # an even sample keeps EM fast on long texts
    learned = Lexicon.train(ones[::step], params.lexicon_iterations)
    combined = lexicon.merge(learned) if lexicon is not None else learned
    if len(combined):
        _use_lexicon(problem, combined)
    # Pass 2: a narrow band around pass 1, with the lexicon; posteriors give confidences.
    band2 = path_band(spans, n, m, params.refine_band)
    plan = _plan(n, m, size, band, params)
    keep = budget.fits(plan, params.memory_mb, pass2_width=band2.width, kept_costs=len(BEADS) * 4)
    costs = _BandCosts(problem, band2, keep=keep)  # kept costs take 32 bytes a cell: kept when they fit
    spans, _ = viterbi(n, m, band2, costs)
    confidences = posteriors(n, m, band2, costs, spans, params.temperature)
    beads = [Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(c, 4))
             for (i0, i1, j0, j1), c in zip(spans, confidences)]
    return beads, learned


def _plan(n: int, m: int, size: tuple[int, int], band: Band, params: AlignParams) -> budget.Plan:
    return budget.Plan(fa=n, en=m, words=size[0], chars=size[1], pass1_width=band.width,
                       refine_band=params.refine_band, span=SPAN)


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

    def span(ids: tuple[int, ...], kept: list[int], empty: deque) -> tuple[int, ...]:
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


def _use_lexicon(problem: _Problem, lexicon: Lexicon) -> None:
    vectors, known = lexicon.translated(problem.fa.words, informativeness(problem.fa.words))
    problem.lex_fa, problem.lex_known = vectors, known
    coverage = problem.lex_fa @ problem.lex_en[: min(len(problem.en.words), 2000)].T
    per_sentence = coverage.mean(axis=1) / np.maximum(known, 1)
    problem.lex_base = float(per_sentence[known > 0].mean()) if (known > 0).any() else 0.0
    problem.prefix["known"] = np.concatenate([[0.0], np.cumsum(known.astype(np.float64))]).astype(np.float32)


def _baseline(left: np.ndarray, right: np.ndarray) -> float:
    sample = left[: 2000] @ right[: 2000].T
    return float(sample.mean())
