"""The cost model: what a bead of the alignment costs (negative log-odds), from the lengths of
its two sides, the anchors they share (numbers, Latin-script words, names, punctuation), the
lexicon's translations and MT drafts. The search (search.py) asks for these costs a chunk of DP
rows at a time through ``BandCosts``; see docs/alignment.md for what each parameter does."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.align.dp import BEADS, INF, SPAN, Band
from workbench.align.features import SideFeatures, name_anchors
from workbench.align.lexicon import Lexicon, informativeness
from workbench.align.similarity import SIM_PAD, Similarity, band_dots, shared_sums, shared_tokens


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
class Problem:
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
    prefix: dict[str, np.ndarray] = field(default_factory=dict)  # running sums per feature
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


def _band_similarity(problem: Problem, band: Band, pad: int) -> Similarity:
    """Similarities between every Persian sentence r and the English sentences its band rows
    can reach (columns so[r] .. so[r] + width - 1)."""
    n = len(problem.fa.lengths)
    width = band.width + 2 * pad
    so = band.c0[1:n + 1] - pad
    numbers = shared_tokens(problem.fa.numbers, problem.en.numbers, so, width)
    latin = shared_tokens(problem.fa.latin, problem.en.latin, so, width)
    names = shared_tokens(problem.fa_names, problem.en_names, so, width)
    lexicon = draft = None
    if problem.lex_fa is not None and problem.lex_en is not None:
        lexicon = band_dots(problem.lex_fa, problem.lex_en, so, width)
    if problem.draft_fa is not None and problem.draft_en is not None:
        draft = band_dots(problem.draft_fa, problem.draft_en, so, width)
    return Similarity(so=so, width=width, numbers=numbers, latin=latin, names=names, lexicon=lexicon, draft=draft)


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
    agreement: np.ndarray = weight * score / np.maximum(kinds, 1)
    return agreement


def _span_tables(problem: Problem) -> _SpanTables:
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


def _costs(problem: Problem, tables: _SpanTables, sim: Similarity, band: Band, i0: int, i1: int) -> np.ndarray:
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
            shared = shared_sums(sim, band, i0, i1, a, b)
            _add_evidence(cost, problem, tables, persian, english[b], shared, a, b)
        valid = (rows >= a) & (cols >= b) & (cols <= m)
        out[t] = np.where(valid, cost, INF)
    return out


def _add_evidence(cost: np.ndarray, problem: Problem, tables: _SpanTables, fa: dict[str, np.ndarray],
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


class BandCosts:
    """The costs of every bead ending in each cell of a band, a chunk of rows at a time (the
    band's similarities and the span tables prepared once). With ``keep``, what the Viterbi pass
    computed is kept for forward-backward to read again (4 bytes a bead and cell); without, a read
    computes it again, which takes time instead of memory."""

    def __init__(self, problem: Problem, band: Band, keep: bool) -> None:
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


def use_lexicon(problem: Problem, lexicon: Lexicon) -> None:
    vectors, known = lexicon.translated(problem.fa.words, informativeness(problem.fa.words))
    problem.lex_fa, problem.lex_known = vectors, known
    assert problem.lex_en is not None  # set with the features, before a lexicon is used
    coverage = problem.lex_fa @ problem.lex_en[: min(len(problem.en.words), 2000)].T
    per_sentence = coverage.mean(axis=1) / np.maximum(known, 1)
    problem.lex_base = float(per_sentence[known > 0].mean()) if (known > 0).any() else 0.0
    problem.prefix["known"] = np.concatenate([[0.0], np.cumsum(known.astype(np.float64))]).astype(np.float32)


def baseline(left: np.ndarray, right: np.ndarray) -> float:
    sample = left[: 2000] @ right[: 2000].T
    return float(sample.mean())
