"""Words as CAT tools count and compare them, in Persian as it is written.

A word is a run of letters, digits and combining marks; a ZWNJ (U+200C) between two such runs
joins them into one word (می‌روم, کتاب‌ها), as the reader sees one word. ``words`` is what an
analysis counts; ``tokens`` adds the punctuation marks, each one a token, which a fuzzy match
compares too (a changed comma costs a token, as in CAT tools, but is not a word to pay for).
"""

from __future__ import annotations

import re

_WORD = r"[\w\u064b-\u065f\u0670]+(?:\u200c[\w\u064b-\u065f\u0670]+)*"
_WORDS = re.compile(_WORD)
_TOKENS = re.compile(_WORD + r"|[^\w\s\u200c\u200d\u200e\u200f]")


def words(text: str) -> list[str]:
    """The words of ``text`` (a ZWNJ joins one word)."""
    return _WORDS.findall(text)


def word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def tokens(text: str) -> list[str]:
    """Words and punctuation marks, in order, spaces left out."""
    return _TOKENS.findall(text)


__all__ = ["tokens", "word_count", "words"]
