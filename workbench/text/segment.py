"""Sentence segmentation for Persian news text (and English translations).

Every non-empty line is a paragraph (headlines, captions and list items stay on their own);
inside a line, a sentence ends after . ! ? ؟ … (repeated or combined, like ?! or ...) and any
closing quotes or brackets, before whitespace, unless the stop belongs to something else:
decimals and times never match (no space), an abbreviation or an initial (Dr., U.S., ج.ا.ا, م.,
جی. دی. ونس, سی.ان.ان), a list number (1. at the start of a line, or after ":" "،" "و"), a URL
or e-mail address, a stop in brackets ("(!)", "(...)") or opening a quote ("«... ما"), an
"etc." ellipsis ("برنج، روغن و ... گران شد"), a ?/! closing a title quoted inside a sentence
(فیلم «چه کسی امیر را کشت؟» برنده شد), or a stop followed by a lowercase English word.
A stop glued to the next Persian word ("است.این", "است؟او") still splits. The Persian
semicolon ؛ does not end a sentence: in news text it joins clauses.

Text is never changed: each sentence is a slice of its line, trimmed. Every rule looks at a
bounded window around the stop, so a line is segmented in linear time.
"""

from __future__ import annotations

import bisect
import re

_CLOSERS = "»\"”’')]\u200f\u200e"
_OPENERS = "«\"“‘'(["
# A run of stops and the closing quotes/brackets after it.
_STOP = re.compile(rf"(?:[.!?؟…]+)[{re.escape(_CLOSERS)}]*")
# Persian spellings of Latin letter names (J. D. → جی. دی.), longest first for the regex.
# Not زد (Z): it is the common verb "hit".
_LETTER_NAMES = ("دبلیو", "ایکس", "کیو", "وای", "ای", "بی", "سی", "دی", "اف", "جی", "اچ", "آی", "کی", "ال",
                 "ام", "ان", "او", "پی", "آر", "اس", "تی", "یو", "وی", "زی")
# Letter names that are also everyday words (he, month Dey, thirty) or, typed with a space
# instead of a ZWNJ, word endings ("هسته ای.", "گفته ام."): initials only after another one.
_AMBIGUOUS_LETTERS = {"او", "وی", "دی", "سی", "ای", "ام"}
_PERSIAN_INITIAL = rf"(?:{'|'.join(_LETTER_NAMES)}|[\u0600-\u06ff])"
_PERSIAN_ABBREVIATION = re.compile(rf"(?:{_PERSIAN_INITIAL}\.)+{_PERSIAN_INITIAL}")
_PROTECTED = re.compile(
    r"(?:https?://|www\.)[^\s«»\"”]*[^\s«»\"”.,!?؟؛:)]"  # URLs (a final stop is not theirs)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    # Persian abbreviations and spelled-out initials: ج.ا.ا، ق.م، ه.ش، سی.ان.ان، اف.بی.آی
    rf"|(?<![\w.])(?:{_PERSIAN_INITIAL}\.){{1,4}}{_PERSIAN_INITIAL}(?![\w])"
)
# English abbreviations that do not end a sentence (titles, months, "e.g", "al" of "et al.").
_EN_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "mt",
    "ed", "eds", "approx", "dept", "est", "al", "cf", "ca", "op", "ph.d", "fig", "figs", "pp", "vol", "ext", "tel",
}
# "No. 10" but "The answer was no. He left.": an abbreviation only before a number.
_NUMBER_ABBREVIATIONS = {"no", "nos"}
# Abbreviations that often end an English sentence too; they do when a sentence opener follows.
_FINAL_ABBREVIATIONS = {"etc", "u.s", "u.k", "u.n", "u.s.a", "inc", "ltd", "co", "corp", "jr", "sr", "a.m", "p.m"}
_OPENER_WORDS = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "He", "She", "His", "Her", "They",
    "Their", "We", "Our", "I", "You", "Your", "There", "But", "And", "So", "Yet", "However", "Meanwhile",
    "In", "On", "At", "For", "After", "Before", "If", "When", "While", "Nobody", "No", "Some", "Many", "Most",
}
_PERSIAN_LETTER = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
_NON_SPACE = re.compile(r"\S")
_ENUMERATOR = re.compile(r"[\d۰-۹٠-٩]{1,3}")
_WORD = re.compile(r"\S{1,40}")
_QUOTE_OPENERS = re.compile(r"[«“\"]")
_LIST_WORDS = {"و", "یا", "and", "or"}


def _protected_spans(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(line)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def _word_before(line: str, pos: int) -> tuple[int, str]:
    """Start and text of the token (no spaces) before ``pos``, skipping spaces first."""
    end = pos
    while end > 0 and pos - end < 40 and line[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and end - start < 40 and not line[start - 1].isspace():
        start -= 1
    return start, line[start:end]


def _word_after(line: str, pos: int) -> str:
    match = _WORD.search(line, pos, pos + 80)
    return match.group() if match else ""


def _is_initial(line: str, start: int, bare: str) -> bool:
    """``bare`` (before a '.') is one letter or a Persian letter name (جی in جی. دی. ونس)."""
    if len(bare) == 1 and bare.isalpha():
        return True
    if bare not in _LETTER_NAMES:
        return False
    if bare not in _AMBIGUOUS_LETTERS:
        return True
    _, previous = _word_before(line, start)
    previous = previous.lstrip(_OPENERS)
    return previous.endswith(".") and previous[:-1] in _LETTER_NAMES


def _is_abbreviation(line: str, start: int, token: str, following: str) -> bool:
    """``token``, starting at ``start``, is the text before a single '.': "Dr", "U.S", "م", "ق.م"."""
    bare = token.lstrip(_OPENERS)
    if not bare:
        return False
    lower = bare.lower()
    if lower in _NUMBER_ABBREVIATIONS:
        return following[:1].isdigit()
    if lower in _FINAL_ABBREVIATIONS or (len(bare) == 1 and bare.isascii()):
        # "at 9 a.m. The meeting", "World War I. The": an opener word starts a new sentence.
        return following.rstrip(",") not in _OPENER_WORDS
    if lower in _EN_ABBREVIATIONS or _is_initial(line, start, bare):
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", bare):  # U.S / e.g / i.e
        return True
    return bool(_PERSIAN_ABBREVIATION.fullmatch(bare))


def _is_enumerator(line: str, start: int, token: str) -> bool:
    """A list number: "1." opening a line, or inline after ":" "،" "؛" or "و" ("محور دارد: ۱. …")."""
    if not _ENUMERATOR.fullmatch(token):
        return False
    _, previous = _word_before(line, start)
    return not previous or previous[-1] in ":،؛,;" or previous == "و"


def _in_embedded_quote(line: str, stop_start: int, quotes: list[int]) -> bool:
    """The quote closed after the stop opened right after a noun (فیلم «…؟» برنده شد): a title.

    Speech opens after ":" or at the start of a sentence, a quoted clause after "که".
    """
    k = bisect.bisect_left(quotes, stop_start) - 1
    if k < 0:
        return False
    _, before = _word_before(line, quotes[k])
    return before[-1:].isalnum() and before != "که"


def _ends_sentence(line: str, stop_start: int, stop_end: int, spans: list[tuple[int, int]],
                   quotes: list[int]) -> bool:
    stop = line[stop_start:stop_end]
    core = stop.rstrip(_CLOSERS)
    if _inside(stop_start, spans):
        return False
    after = _NON_SPACE.search(line, stop_end)
    if after is None:
        return False  # end of line: the paragraph ends anyway
    following = after.group()
    start, token = _word_before(line, stop_start)
    if token and not token.strip(_OPENERS):
        return False  # "(!)", "(...)", "«... ما": nothing before the stop to end
    if after.start() == stop_end:
        # No space after the stop: only a Persian word glued to the next one ("است.این", "است؟او").
        if not (_PERSIAN_LETTER.match(following) and _PERSIAN_LETTER.match(token[-1:])):
            return False
        if core == ".":
            return len(token) >= 2 and not _is_abbreviation(line, start, token, following)
        return set(core) <= set("?!؟")
    if core == ".":
        if _is_abbreviation(line, start, token, _word_after(line, stop_end)):
            return False
        if _is_enumerator(line, start, token):
            return False
    if ("…" in core or ".." in core) and (token in _LIST_WORDS or token[-1:] in "،,"):
        return False  # "برنج، روغن و ... گران شد": the ellipsis is "etc.", the sentence goes on
    if set(core) <= set("?!؟") and len(stop) > len(core) and stop[len(core)] in "»”\"" \
            and _in_embedded_quote(line, stop_start, quotes):
        return False
    if following[0].islower() and following[0].isascii() and token[-1:].isascii():
        return False  # "e.g. the", "approx. five": an English sentence starts with a capital
    return True


def split_line(line: str) -> list[str]:
    """Sentences of one line (paragraph)."""
    spans = _protected_spans(line)
    quotes = [m.start() for m in _QUOTE_OPENERS.finditer(line)]
    sentences = []
    start = 0
    for match in _STOP.finditer(line):
        if _ends_sentence(line, match.start(), match.end(), spans, quotes):
            piece = line[start:match.end()].strip()
            if piece:
                sentences.append(piece)
            start = match.end()
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def segment_paragraphs(text: str, lang: str = "fa") -> list[list[str]]:
    """Sentences per paragraph; a paragraph is a non-empty line. ``lang`` is accepted for callers
    that know it, but the rules decide by the script around each stop, not by it."""
    return [split_line(line) for line in text.splitlines() if line.strip()]


def segment(text: str, lang: str = "fa") -> list[str]:
    """The sentences of a text, in order, each trimmed but otherwise unchanged."""
    return [s for para in segment_paragraphs(text, lang) for s in para]


def join_sentences(sentences: list[str], lang: str = "fa") -> str:
    return " ".join(sentences)
