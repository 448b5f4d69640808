"""What the aligner knows about each sentence: its length and sparse signatures (numbers,
Latin-script tokens, punctuation, lexical translations, draft n-grams) hashed into dense
vectors, so bead similarities are dot products computed in bulk."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from workbench.text import normalize, numbers

DIM = 256  # hashed vector size: collisions are rare for the few tokens of a sentence
_LATIN = re.compile(r"[a-z][a-z0-9]+")  # Latin words inside Persian text: names, acronyms, URLs
_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_FA_WORD = re.compile(r"[\u0600-\u06ff\u200c]+|[a-z0-9]+")
# Punctuation that survives translation: (Persian marks, English marks).
PUNCTUATION = (("?؟", "?"), ("«»\"“”", "\"“”"), ("()", "()"))


@lru_cache(maxsize=200_000)
def bucket(token: str, salt: str = "") -> int:
    return zlib.crc32(f"{salt}{token}".encode()) % DIM


def fa_words(text: str) -> list[str]:
    """Persian matching tokens: normalized, ZWNJ-joined words kept whole, prefixes split off
    the way translation lexicons like them (the ZWNJ joins are removed)."""
    return [w.replace("\u200c", "") for w in _FA_WORD.findall(normalize(text))]


def en_words(text: str) -> list[str]:
    return _EN_WORD.findall(text.lower())


@dataclass
class SideFeatures:
    """Per-sentence features of one side of a document."""

    lengths: np.ndarray  # characters of normalized text
    numbers: list[list[int]]  # hashed numbers of each sentence (as numbers, any script)
    number_count: np.ndarray
    latin: list[list[int]]  # hashed Persian side: its Latin tokens; English side: all its words
    latin_count: np.ndarray  # Persian side: how many Latin tokens it has
    punct: np.ndarray  # n × len(PUNCTUATION) counts
    words: list[list[str]]


def _hashed(rows: list[list[str]], salt: str) -> list[list[int]]:
    return [sorted({zlib.crc32(f"{salt}{t}".encode()) for t in tokens}) for tokens in rows]


def features(sentences: list[str], lang: str) -> SideFeatures:
    norm = [normalize(s) for s in sentences]
    nums = [numbers(s) for s in sentences]
    if lang == "fa":
        latin = [_LATIN.findall(s.lower()) for s in sentences]
        words = [fa_words(s) for s in sentences]
        marks = [p[0] for p in PUNCTUATION]
    else:
        words = [en_words(s) for s in sentences]
        latin = words
        marks = [p[1] for p in PUNCTUATION]
    punct = np.array([[sum(s.count(ch) for ch in m) for m in marks] for s in sentences],
                     dtype=np.float32).reshape(len(sentences), len(PUNCTUATION))
    # Quote marks come in pairs: count pairs, so « » and "…" weigh the same.
    punct[:, 1] = np.ceil(punct[:, 1] / 2)
    punct[:, 2] = np.ceil(punct[:, 2] / 2)
    return SideFeatures(
        lengths=np.array([len(s) for s in norm], dtype=np.float64),
        numbers=_hashed(nums, "#"),
        number_count=np.array([len(set(x)) for x in nums], dtype=np.float32),
        latin=_hashed(latin, "L"),
        latin_count=np.array([len(set(t)) for t in latin], dtype=np.float32) if lang == "fa"
        else np.zeros(len(sentences), dtype=np.float32),
        punct=punct,
        words=words,
    )


def char_ngrams(texts: list[str | None], n: int = 3) -> np.ndarray:
    """Hashed character n-gram profiles, L2-normalized (for draft-vs-English similarity)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        if not text:
            continue
        t = f" {' '.join(en_words(text))} "
        for k in range(len(t) - n + 1):
            out[i, bucket(t[k:k + n], "c")] += 1.0
        norm = np.linalg.norm(out[i])
        if norm:
            out[i] /= norm
    return out
