"""A bilingual lexicon learned from the text being aligned (IBM Model 1, vectorized EM).

The aligner first aligns on length and anchors, trains this table on its confident 1-1 beads and
aligns again with it (hunalign's realign idea). A workspace keeps the expected counts so the
lexicon grows with every document aligned in it.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.align.features import DIM, bucket

BUNDLED = Path(__file__).resolve().parent / "data" / "lexicon-tico19.tsv.gz"
NULL = "\0"
MIN_PROB = 0.02  # entries below this carry no signal and bloat the table


class Lexicon:
    """Expected counts c(f, e); t(e | f) = c(f, e) / Σ_e c(f, e)."""

    def __init__(self, counts: dict[str, dict[str, float]] | None = None) -> None:
        self.counts: dict[str, dict[str, float]] = counts or {}

    def __len__(self) -> int:
        return len(self.counts)

    @classmethod
    def train(cls, pairs: Sequence[tuple[list[str], list[str]]], iterations: int = 5) -> Lexicon:
        """IBM Model 1 on sentence pairs of (Persian words, English words)."""
        pairs = [(f, e) for f, e in pairs if f and e]
        if not pairs:
            return cls()
        f_vocab = {NULL: 0}
        e_vocab: dict[str, int] = {}
        f_ids, e_ids, groups = [], [], []
        group = 0
        for fa, en in pairs:
            fs = np.array([0] + [f_vocab.setdefault(w, len(f_vocab)) for w in fa])
            for word in en:
                e = e_vocab.setdefault(word, len(e_vocab))
                f_ids.append(fs)
                e_ids.append(np.full(len(fs), e))
                groups.append(np.full(len(fs), group))
                group += 1
        f_link = np.concatenate(f_ids)
        e_link = np.concatenate(e_ids)
        g_link = np.concatenate(groups)
        keys, key_of_link = np.unique(f_link * len(e_vocab) + e_link, return_inverse=True)
        key_f = keys // len(e_vocab)
        t = np.full(len(keys), 1.0 / len(e_vocab))
        counts = np.zeros(len(keys))
        for _ in range(iterations):
            link_t = t[key_of_link]
            denominators = np.bincount(g_link, weights=link_t, minlength=group)
            posterior = link_t / denominators[g_link]
            counts = np.bincount(key_of_link, weights=posterior, minlength=len(keys))
            totals = np.bincount(key_f, weights=counts, minlength=len(f_vocab))
            t = counts / totals[key_f]
        f_words = {i: w for w, i in f_vocab.items()}
        e_words = {i: w for w, i in e_vocab.items()}
        table: dict[str, dict[str, float]] = defaultdict(dict)
        keep = (t >= MIN_PROB) & (key_f != 0)
        for key, count in zip(keys[keep], counts[keep]):
            table[f_words[int(key // len(e_vocab))]][e_words[int(key % len(e_vocab))]] = float(count)
        return cls(dict(table))

    def merge(self, other: Lexicon) -> Lexicon:
        merged = {f: dict(es) for f, es in self.counts.items()}
        for f, es in other.counts.items():
            row = merged.setdefault(f, {})
            for e, c in es.items():
                row[e] = row.get(e, 0.0) + c
        return Lexicon(merged)

    def probabilities(self, f: str) -> dict[str, float]:
        row = self.counts.get(f)
        if not row:
            return {}
        total = sum(row.values())
        return {e: c / total for e, c in row.items() if c / total >= MIN_PROB}

    def translated(self, sentences: Sequence[list[str]],
                   weights: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """For each Persian sentence, its expected English words hashed into a vector, and how
        many of its words the lexicon knows, each word counted by its weight (default 1)."""
        cache: dict[str, np.ndarray | None] = {}
        vectors = np.zeros((len(sentences), DIM), dtype=np.float32)
        known = np.zeros(len(sentences), dtype=np.float32)
        for i, words in enumerate(sentences):
            for f in set(words):
                if f not in cache:
                    probs = self.probabilities(f)
                    vec = None
                    if probs:
                        vec = np.zeros(DIM, dtype=np.float32)
                        for e, p in probs.items():
                            vec[bucket(e, "w")] += p
                    cache[f] = vec
                if cache[f] is not None:
                    weight = weights.get(f, 1.0) if weights is not None else 1.0
                    vectors[i] += weight * cache[f]
                    known[i] += weight
        return vectors, known

    def rows(self) -> Iterable[tuple[str, str, float]]:
        for f, es in self.counts.items():
            for e, c in es.items():
                yield f, e, c


def informativeness(sentences: Sequence[list[str]]) -> dict[str, float]:
    """Inverse document frequency of each word over the sentences, scaled to a mean of 1 per
    word occurrence: "و", "the" and other words found everywhere weigh next to nothing, so a
    short heading is matched on its content words, not on its "and"."""
    df: dict[str, int] = defaultdict(int)
    for words in sentences:
        for w in set(words):
            df[w] += 1
    n = len(sentences)
    idf = {w: max(0.05, float(np.log((n + 1) / (d + 0.5)))) for w, d in df.items()}
    occurrences = [idf[w] for words in sentences for w in set(words)]
    mean = float(np.mean(occurrences)) if occurrences else 1.0
    return {w: v / mean for w, v in idf.items()}


def word_presence(sentences: Sequence[list[str]]) -> np.ndarray:
    out = np.zeros((len(sentences), DIM), dtype=np.float32)
    for i, words in enumerate(sentences):
        for w in set(words):
            out[i, bucket(w, "w")] = 1.0
    return out


@lru_cache(maxsize=1)
def bundled_lexicon() -> Lexicon:
    """The prior every alignment starts from: trained on TICO-19 (see bench/build_lexicon.py)."""
    counts: dict[str, dict[str, float]] = defaultdict(dict)
    if BUNDLED.exists():
        with gzip.open(BUNDLED, "rt", encoding="utf-8") as rows:
            for line in rows:
                if line.startswith("#"):
                    continue
                f, e, c = line.rstrip("\n").split("\t")
                counts[f][e] = float(c)
    return Lexicon(dict(counts))
