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
        f_ids = [np.array([0] + [f_vocab.setdefault(w, len(f_vocab)) for w in fa]) for fa, _ in pairs]
        e_ids = [np.array([e_vocab.setdefault(w, len(e_vocab)) for w in en]) for _, en in pairs]
        # One link per English word of a pair (its group) and Persian word or NULL, group by group.
        sizes = np.concatenate([np.full(len(es), len(fs)) for fs, es in zip(f_ids, e_ids)])
        group = len(sizes)
        f_link = np.concatenate([np.tile(fs, len(es)) for fs, es in zip(f_ids, e_ids)])
        e_link = np.repeat(np.concatenate(e_ids), sizes)
        g_link = np.repeat(np.arange(group), sizes)
        keys, key_of_link = np.unique(f_link * len(e_vocab) + e_link, return_inverse=True)
        key_f = keys // len(e_vocab)
        t = np.full(len(keys), 1.0 / len(e_vocab))
        counts: np.ndarray = np.zeros(len(keys))  # bincount with weights gives floats
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
        table: dict[str, int] = {}  # word -> its row of `vocabulary`, -1 if the lexicon does not know it
        vocabulary: list[np.ndarray] = []
        sentence, row, weight = [], [], []  # the known words of each sentence, in the order it sums them
        for i, words in enumerate(sentences):
            for f in dict.fromkeys(words):  # each word once, in the sentence's order: a set's order
                # changes with the hash seed, and float32 sums with it (runs would differ)
                if f not in table:
                    table[f] = self._vector_row(f, vocabulary)
                if table[f] >= 0:
                    sentence.append(i)
                    row.append(table[f])
                    weight.append(weights.get(f, 1.0) if weights is not None else 1.0)
        vectors = np.zeros((len(sentences), DIM), dtype=np.float32)
        known = np.zeros(len(sentences), dtype=np.float32)
        if sentence:
            weights32 = np.array(weight, dtype=np.float32)  # as float32 arithmetic takes a Python float
            _add_sparse(vectors, np.array(sentence), np.array(row), weights32, np.array(vocabulary))
            np.add.at(known, sentence, weights32)
        return vectors, known

    def _vector_row(self, f: str, rows: list[np.ndarray]) -> int:
        """Appends f's expected English words, hashed into a vector, to ``rows``: its index, or
        -1 for a word the lexicon does not know."""
        probs = self.probabilities(f)
        if not probs:
            return -1
        vec = np.zeros(DIM, dtype=np.float32)
        for e, p in probs.items():
            vec[bucket(e, "w")] += p
        rows.append(vec)
        return len(rows) - 1

    def rows(self) -> Iterable[tuple[str, str, float]]:
        for f, es in self.counts.items():
            for e, c in es.items():
                yield f, e, c


def _add_sparse(out: np.ndarray, at: np.ndarray, rows: np.ndarray, weights: np.ndarray, vocabulary: np.ndarray) -> None:
    """out[at[x]] += weights[x] * vocabulary[rows[x]] for every x in order, in float32: the sums
    one term at a time would give, bit for bit. A word's vector has a few of its DIM buckets set,
    and adding the other buckets' exact zeros changes nothing, so only the set ones are added, by
    np.add.at, which adds to a repeated cell one value after another in the order given."""
    word, buckets = np.nonzero(vocabulary)  # every word's set buckets, word by word
    first = np.searchsorted(word, rows)
    count = np.searchsorted(word, rows, side="right") - first
    # the set buckets first[x] .. first[x] + count[x] - 1 of every term x, in order
    entry = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(count.sum())
    values = np.repeat(weights, count) * vocabulary[word[entry], buckets[entry]]
    np.add.at(out, (np.repeat(at, count), buckets[entry]), values)


def informativeness(sentences: Sequence[list[str]]) -> dict[str, float]:
    """Inverse document frequency of each word over the sentences, scaled to a mean of 1 per
    word occurrence: "و", "the" and other words found everywhere weigh next to nothing, so a
    short heading is matched on its content words, not on its "and"."""
    df: dict[str, int] = defaultdict(int)
    for words in sentences:
        for w in dict.fromkeys(words):
            df[w] += 1
    n = len(sentences)
    idf = {w: max(0.05, float(np.log((n + 1) / (d + 0.5)))) for w, d in df.items()}
    occurrences = [idf[w] for words in sentences for w in dict.fromkeys(words)]
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
