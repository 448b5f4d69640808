"""Where a search hits inside a text, for a concordance (key word in context) view.

FTS5 says which pairs match; to show the hit in its sentence we find the words again in the
original text (not the normalized one the index holds, whose letters and offsets differ): each
word of the text is normalized like the index normalizes it and compared with the search terms
(whole word, or prefix for a term searched as a prefix).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from workbench.store.search import _BAREWORD, _FTS_PIECE, _KEYWORDS
from workbench.text import normalize

# A word as FTS5's unicode61 tokenizer sees one: letters, digits and combining marks (a ZWNJ
# separates, so "کتاب" is a word of "کتاب‌ها").
_WORD = re.compile(r"[\w\u064b-\u065f\u0670]+")


@dataclass(frozen=True)
class Term:
    word: str  # normalized
    prefix: bool


def terms(expression: str | None) -> list[Term]:
    """The words an FTS5 expression (as ``search.fts_expression`` makes it) looks for: keywords,
    column names and NEAR distances left out; a quoted phrase gives each of its words."""
    if not expression:
        return []
    pieces = [p for p in _FTS_PIECE.findall(expression) if not p.isspace()]
    found: list[Term] = []
    for i, piece in enumerate(pieces):
        after = pieces[i + 1] if i + 1 < len(pieces) else ""
        before = pieces[i - 1] if i else ""
        if piece.startswith('"'):
            words = _WORD.findall(piece.strip('"').replace('""', '"'))
            found += [Term(_key(w), after == "*" and n == len(words) - 1) for n, w in enumerate(words)]
        elif _BAREWORD.fullmatch(piece) and piece not in _KEYWORDS and after != ":" and before not in (",", "{"):
            found += [Term(_key(w), after == "*") for w in _WORD.findall(piece)]
    return [t for t in dict.fromkeys(found) if t.word]


def _key(word: str) -> str:
    """A word as the index holds it: normalized, and Latin accents removed (remove_diacritics)."""
    key = normalize(word)
    if not key.isascii():
        key = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
    return key


def hits(text: str, wanted: list[Term]) -> list[tuple[int, int]]:
    """The (start, end) offsets in ``text`` of the words that match a term, in order."""
    if not wanted:
        return []
    spans = []
    for match in _WORD.finditer(text):
        key = _key(match.group())
        if any(key == t.word or (t.prefix and key.startswith(t.word)) for t in wanted):
            spans.append(match.span())
    return spans
