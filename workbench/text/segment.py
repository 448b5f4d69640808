"""Sentence segmentation for Persian news text (and English translations).

Every non-empty line is a paragraph (headlines, captions and list items stay on their own);
inside a line, a sentence ends after . ! ? ؟ … (repeated or combined, like ?! or ...) and any
closing quotes or brackets, before whitespace, unless the stop belongs to something else:
decimals and times never match (no space), an abbreviation or an initial (Dr., U.S., ج.ا.ا, م.),
a numbered list item at the start of a line (1. / ۱.), a URL or e-mail address, or a stop
followed by a lowercase English word. A stop glued to the next Persian word ("است.این") still
splits. The Persian semicolon ؛ does not end a sentence: in news text it joins clauses.

Text is never changed: each sentence is a slice of its line, trimmed.
"""

from __future__ import annotations

import bisect
import re

# A run of stops and the closing quotes/brackets after it.
_STOP = re.compile(r"(?:[.!?؟…]+)[»\"”’'\)\]\u200f\u200e]*")
_PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s«»\"”]*[^\s«»\"”.,!?؟؛:)]"  # URLs (a final stop is not theirs)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w.])(?:[\u0600-\u06ff]\.){1,4}[\u0600-\u06ff](?![\w])"  # Persian abbreviations: ج.ا.ا، ق.م، ه.ش
)
_EN_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no",
    "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd",
    "co", "corp", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "mt", "fig", "figs", "p", "pp",
    "vol", "ed", "eds", "approx", "dept", "est", "al", "cf", "ca", "op", "ph.d", "a.m", "p.m", "u.s.a",
}
_PERSIAN_LETTER = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
_NON_SPACE = re.compile(r"\S")
_LIST_ITEM = re.compile(r"^\s*[\d۰-۹٠-٩]{1,3}[.)-]$")


def _protected_spans(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(line)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _word_before(line: str, pos: int) -> str:
    """The token (no spaces) that ends right before ``pos`` (at most 40 characters back)."""
    start = pos
    while start > 0 and pos - start < 40 and not line[start - 1].isspace():
        start -= 1
    return line[start:pos]


def _is_abbreviation(token: str) -> bool:
    """``token`` is the text before a single '.', e.g. "Dr", "U.S", "م" or "ق.م"."""
    bare = token.lstrip("«\"“(['")
    if not bare:
        return False
    if bare.lower() in _EN_ABBREVIATIONS:
        return True
    if len(bare) == 1 and (bare.isalpha()):  # an initial: J. / م.
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", bare):  # U.S / e.g / i.e
        return True
    return bool(re.fullmatch(r"(?:[\u0600-\u06ff]\.)+[\u0600-\u06ff]", bare))


def _ends_sentence(line: str, stop_start: int, stop_end: int, spans: list[tuple[int, int]]) -> bool:
    stop = line[stop_start:stop_end]
    if _inside(stop_start, spans):
        return False
    after = _NON_SPACE.search(line, stop_end)
    if after is None:
        return False  # end of line: the paragraph ends anyway
    following = after.group()
    glued = after.start() == stop_end
    token = _word_before(line, stop_start)
    if glued:
        # No space after the stop: only a Persian word glued to the next one ("است.این").
        return (stop.startswith(".") and len(stop.rstrip("»\"”’')]")) == 1
                and len(token) >= 2 and bool(_PERSIAN_LETTER.match(token[-1]))
                and bool(_PERSIAN_LETTER.match(following[0])) and not _is_abbreviation(token))
    if stop.rstrip("»\"”’')]\u200f\u200e") == ".":
        if _is_abbreviation(token):
            return False
        if stop_start < 5 and _LIST_ITEM.match(line[:stop_start + 1]):
            return False  # "1. " opening a list item
    if following[0].islower() and following[0].isascii() and token[-1:].isascii():
        return False  # "e.g. the", "approx. five": an English sentence starts with a capital
    return True


def split_line(line: str) -> list[str]:
    """Sentences of one line (paragraph)."""
    spans = _protected_spans(line)
    sentences = []
    start = 0
    for match in _STOP.finditer(line):
        if _ends_sentence(line, match.start(), match.end(), spans):
            piece = line[start:match.end()].strip()
            if piece:
                sentences.append(piece)
            start = match.end()
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def segment_paragraphs(text: str, lang: str = "fa") -> list[list[str]]:
    """Sentences per paragraph; a paragraph is a non-empty line."""
    return [split_line(line) for line in text.splitlines() if line.strip()]


def segment(text: str, lang: str = "fa") -> list[str]:
    """The sentences of a text, in order, each trimmed but otherwise unchanged."""
    return [s for para in segment_paragraphs(text, lang) for s in para]


def join_sentences(sentences: list[str], lang: str = "fa") -> str:
    return " ".join(sentences)
