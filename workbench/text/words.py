"""Words as CAT tools count and compare them, in Persian as it is written.

A word is a run of letters, digits and combining marks; a ZWNJ (U+200C) between two such runs
joins them into one word (می‌روم, کتاب‌ها), as the reader sees one word. ``words`` is what an
analysis counts; ``tokens`` adds the punctuation marks, each one a token, which a fuzzy match
compares too (a changed comma costs a token, as in CAT tools, but is not a word to pay for).
An inline-code token (``⟦1⟧``, ``⟦/1⟧``: XLIFF's codes, text/protected.py) is no word either, and one
token, not the four marks and digits it is written with: a match that differs from a segment only
by its codes is a high fuzzy match, as in CAT tools.
"""

from __future__ import annotations

import re

from workbench.text.protected import OPEN, TOKEN

_WORD = r"[\w\u064b-\u065f\u0670]+(?:\u200c[\w\u064b-\u065f\u0670]+)*"
_WORDS = re.compile(_WORD)
_TOKENS = re.compile(TOKEN.pattern + "|" + _WORD + r"|[^\w\s\u200c\u200d\u200e\u200f]")


def words(text: str) -> list[str]:
    """The words of ``text`` (a ZWNJ joins one word; inline-code tokens are none)."""
    return _WORDS.findall(_without_codes(text))


def word_count(text: str) -> int:
    return len(_WORDS.findall(_without_codes(text)))


def _without_codes(text: str) -> str:
    return TOKEN.sub(" ", text) if OPEN in text else text


def tokens(text: str) -> list[str]:
    """Words, punctuation marks and inline-code tokens, in order, spaces left out."""
    return [m.group(0) for m in _TOKENS.finditer(text)]


__all__ = ["tokens", "word_count", "words"]
