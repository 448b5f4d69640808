"""What the aligner knows about each sentence: its length and sparse signatures (numbers,
Latin-script tokens, punctuation, lexical translations, draft n-grams) hashed into dense
vectors, so bead similarities are dot products computed in bulk."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from workbench.text import normalize
from workbench.text.numbers import amounts

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
    return _fa_tokens(normalize(text))


def _fa_tokens(norm: str) -> list[str]:
    return [w.replace("\u200c", "") for w in _FA_WORD.findall(norm)]


# Names written in both scripts ("پرسپولیس" / "Persepolis", "علی‌آبادی" / "Aliabadi") compared by
# their consonant skeletons: vowels and the letters that often stand for vowels (ا و ی ع) dropped,
# sounds that romanizations render differently merged (ک گ ق غ خ / k g q kh gh; س ص ث ش / s sh).
# Cognate anchors after Simard et al. 1992, through transliteration.
_FA_SKELETON = str.maketrans({
    **dict.fromkeys("بپ", "b"), **dict.fromkeys("تط", "t"), **dict.fromkeys("ثسصش", "s"),
    **dict.fromkeys("جچ", "j"), **dict.fromkeys("حه", "h"), **dict.fromkeys("خکگغق", "k"),
    "د": "d", **dict.fromkeys("ذزضظژ", "z"), "ر": "r", "ف": "f", "ل": "l", "م": "m", "ن": "n",
    **dict.fromkeys("اآأإعءئؤویي\u200c", ""),
})
_EN_SKELETON = [("sh", "s"), ("zh", "z"), ("ch", "j"), ("kh", "k"), ("gh", "k"), ("ph", "f"),
                ("th", "t"), ("ck", "k"), ("x", "ks")]
_EN_LETTERS = str.maketrans({"p": "b", "c": "k", "g": "k", "q": "k", **dict.fromkeys("aeiouyw", "")})
_NAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*")
MIN_SKELETON = 3  # shorter skeletons match too much by chance


def _squeeze(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=200_000)
def fa_skeleton(word: str) -> str:
    return _squeeze(word.translate(_FA_SKELETON)).removesuffix("h")  # final ه is mostly a vowel


@lru_cache(maxsize=200_000)
def en_skeletons(word: str) -> frozenset[str]:
    """A name's skeletons; English v is Persian و (a vowel letter, dropped) or ف (Russian -ov)."""
    s = word.lower().replace("-", "")
    for pair, sound in _EN_SKELETON:
        s = s.replace(pair, sound)
    s = re.sub(r"c(?=[eiy])", "s", s).translate(_EN_LETTERS)
    return frozenset(_squeeze(s.replace(v, sound)).removesuffix("h") for v, sound in (("v", "f"), ("v", "")))


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
    names: list[set[str]]  # consonant skeletons: English capitalized words, every Persian word


def _hashed(rows: list[list[str]], salt: str) -> list[list[int]]:
    return [sorted({zlib.crc32(f"{salt}{t}".encode()) for t in tokens}) for tokens in rows]


def features(sentences: list[str], lang: str) -> SideFeatures:
    norm = [normalize(s) for s in sentences]
    nums = [amounts(s) for s in sentences]
    if lang == "fa":
        latin = [_LATIN.findall(s.lower()) for s in sentences]
        words = [_fa_tokens(s) for s in norm]
        marks = [p[0] for p in PUNCTUATION]
        names = [{k for k in map(fa_skeleton, ws) if len(k) >= MIN_SKELETON} for ws in words]
    else:
        words = [en_words(s) for s in sentences]
        latin = words
        marks = [p[1] for p in PUNCTUATION]
        names = [{k for w in _NAME.findall(s) for k in en_skeletons(w) if len(k) >= MIN_SKELETON}
                 for s in sentences]
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
        names=names,
    )


def name_anchors(fa: SideFeatures, en: SideFeatures) -> tuple[list[list[int]], list[list[int]]]:
    """Each sentence's skeletons (hashed) found on both sides of the document, about as often on
    each: a common Persian word such as "کرد" must not pass for "Garrido" seen once in the English."""
    def df(rows: list[set[str]]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for keys in rows:
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
        return counts

    fa_df, en_df = df(fa.names), df(en.names)
    shared = {k for k, d in fa_df.items() if k in en_df and d <= 2 * en_df[k] + 1 and en_df[k] <= 2 * d + 1}
    return _hashed([sorted(k & shared) for k in fa.names], "N"), _hashed([sorted(k & shared) for k in en.names], "N")


def char_ngrams(texts: Sequence[str | None], n: int = 3) -> np.ndarray:
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
