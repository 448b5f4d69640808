"""Digits in Persian, Arabic-Indic and Latin script, compared as numbers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal


def translator(table: Mapping[int, int | str]) -> Callable[[str], str]:
    """``str.translate`` with ``table``, applied to the runs of its characters only: CPython
    translates non-ASCII text one character at a time through the table's dict, and on text
    with few such characters a regex that finds them is many times faster."""
    runs = re.compile("[" + "".join(re.escape(chr(c)) for c in table) + "]+")
    return lambda text: runs.sub(lambda run: run.group().translate(table), text)


PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_DIGIT_MAP = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
# Arabic decimal separator (U+066B), thousands separator (U+066C), Persian comma.
_SEPARATOR_MAP = str.maketrans({"\u066b": ".", "\u066c": ",", "\u060c": ","})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DIGIT = re.compile(r"\d")
_ascii_digits = translator(_DIGIT_MAP)
_ascii_separators = translator(_SEPARATOR_MAP)


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits (and the Arabic decimal/thousands marks) to ASCII."""
    return _ascii_digits(text)


def _canonical(token: str) -> str:
    if "," in token and "." not in token:
        groups = token.split(",")
        if any(len(g) != 3 for g in groups[1:]):
            token = token.replace(",", ".", 1).replace(",", "")  # decimal comma: 2,5
        else:
            token = "".join(groups)  # thousands grouping: 1,290
    else:
        token = token.replace(",", "")  # 1,234.5
    whole, dot, frac = token.partition(".")
    frac = frac.rstrip("0")
    return (whole.lstrip("0") or "0") + ("." + frac if frac else "")


def numbers(text: str) -> list[str]:
    """The numbers in a text as canonical strings, in order, whatever the digits' script:
    "۲٫۵" → "2.5", "1,290" → "1290", "007" → "7"."""
    if not _DIGIT.search(text):  # digits of any script stay digits below: no digit, no number
        return []
    ascii_text = _ascii_separators(to_ascii_digits(text))
    return [_canonical(m.group()) for m in _NUMBER.finditer(ascii_text)]


# Scale words: news writes "۴۸ میلیون و ۷۰۰ هزار" where the English says "48.7 million" or
# "48,700,000"; compared as numbers, all three are one amount.
_SCALES = {"هزار": 3, "میلیون": 6, "میلیارد": 9, "بیلیون": 9, "تریلیون": 12,
           "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
# Number words count only before a scale word ("یک میلیون", "two billion"): elsewhere they are
# too often articles or pronouns ("یک نشست", "one of them").
_WORD_NUMBERS = {w: n for n, words in enumerate((
    (), ("یک", "one", "a"), ("دو", "two"), ("سه", "three"), ("چهار", "four"), ("پنج", "five"),
    ("شش", "six"), ("هفت", "seven"), ("هشت", "eight"), ("نه", "nine"), ("ده", "ten"))) for w in words}
_AND = {"و", "and"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_ANY_SCALE = re.compile("|".join(_SCALES), re.IGNORECASE)


def amounts(text: str) -> list[str]:
    """Like ``numbers``, but a number with scale words is one amount: "۵۹ هزار و ۵۰۰" → "59500",
    "2.14 million" → "2140000", "۵ هزار میلیارد" → "5000000000000"."""
    if not _ANY_SCALE.search(text):
        return numbers(text)
    ascii_text = _ascii_separators(to_ascii_digits(text))
    tokens = list(_TOKEN.finditer(ascii_text))
    words = [t.group().lower() for t in tokens]

    def adjacent(k: int) -> bool:  # token k follows token k - 1 with only spaces between
        return not ascii_text[tokens[k - 1].end():tokens[k].start()].strip(" \u200c\u00a0")

    def term(k: int) -> tuple[Decimal, int, int] | None:
        """The number starting at token k with its scale words: (value, exponent, next token)."""
        if k >= len(words):
            return None
        if words[k][0].isdigit():
            value = Decimal(_canonical(words[k]))
        elif words[k] in _WORD_NUMBERS:
            value = Decimal(_WORD_NUMBERS[words[k]])
        else:
            return None
        exponent, j = 0, k + 1
        while j < len(words) and words[j] in _SCALES and adjacent(j):
            exponent += _SCALES[words[j]]
            j += 1
        if exponent == 0 and not words[k][0].isdigit():
            return None
        return value * (Decimal(10) ** exponent), exponent, j

    out: list[str] = []
    k = 0
    while k < len(words):
        first = term(k)
        if first is None:
            k += 1
            continue
        total, exponent, k = first
        # "48 million and 700 thousand": smaller parts joined by "and" add up.
        while exponent and k + 1 < len(words) and words[k] in _AND and adjacent(k) and adjacent(k + 1):
            part = term(k + 1)
            if part is None or part[1] >= exponent or part[0] >= Decimal(10) ** exponent:
                break
            total, exponent, k = total + part[0], part[1], part[2]
        out.append(_canonical(format(total.normalize(), "f")))
    return out
