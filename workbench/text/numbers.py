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
# A number may start with its decimal point in English (".08%"), not after a word or number.
_NUMBER = re.compile(r"(?:(?<![\w.,])\.(?=\d))?\d+(?:[.,]\d+)*")
# A time on the hour ("8:00 a.m.") is its hour: the Persian says "ساعت ۸ صبح".
_ON_THE_HOUR = re.compile(r"(?<![\d:])(\d{1,2}):00(?![\d:])")
_MINUTES = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
# The Iranian slash decimal: "۹۹/۹۸" is 99.98 (Persian digits only; a date otherwise, below).
_SLASH = re.compile(r"(?<![\d/])([۰-۹٠-٩]+)/([۰-۹٠-٩]+)(/[۰-۹٠-٩]+)?(?![\d/])")
SOLAR_YEARS = range(1200, 1500)  # a four-digit number in this range is a Solar Hijri year
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
    whole, _, frac = token.partition(".")
    frac = frac.rstrip("0")
    return (whole.lstrip("0") or "0") + ("." + frac if frac else "")


def numbers(text: str) -> list[str]:
    """The numbers in a text as canonical strings, in order, whatever the digits' script:
    "۲٫۵" → "2.5", "1,290" → "1290", "007" → "7"."""
    if not _DIGIT.search(text):  # digits of any script stay digits below: no digit, no number
        return []
    return [_canonical(m.group()) for m in _NUMBER.finditer(_prepared(text))]


def _prepared(text: str) -> str:
    """The text with ASCII digits and separators, slash decimals as points, times as numbers."""
    if "/" in text:
        text = _SLASH.sub(_slash, text)
    text = _ascii_separators(to_ascii_digits(text))
    if ":" in text:
        text = _MINUTES.sub(r"\1 \2", _ON_THE_HOUR.sub(r"\1", text))
    return text


def _slash(m: re.Match[str]) -> str:
    """"۹۹/۹۸" → "۹۹.۹۸"; a date stays ("۱۴۰۲/۰۳/۱۵": three parts; "۱۴۰۲/۳": a Solar year and a
    month; "۱۹۶۸/۱۹۶۹": two years)."""
    whole, part = int(to_ascii_digits(m[1])), int(to_ascii_digits(m[2]))
    if m[3] or (whole in SOLAR_YEARS and 1 <= part <= 12) or (len(m[1]) == 4 and len(m[2]) in (2, 4)):
        return m.group()
    return f"{m[1]}.{m[2]}"


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
_NUMBER_START = ".0123456789"
_TOKEN = re.compile(_NUMBER.pattern + r"|[^\W\d_]+")
_ANY_SCALE = re.compile("|".join(_SCALES), re.IGNORECASE)


def amounts(text: str) -> list[str]:
    """Like ``numbers``, but a number with scale words is one amount: "۵۹ هزار و ۵۰۰" → "59500",
    "2.14 million" → "2140000", "۵ هزار میلیارد" → "5000000000000"."""
    if not _ANY_SCALE.search(text):
        return numbers(text)
    ascii_text = _prepared(text)
    tokens = list(_TOKEN.finditer(ascii_text))
    words = [t.group().lower() for t in tokens]

    def adjacent(k: int) -> bool:  # token k follows token k - 1 with only spaces between
        return not ascii_text[tokens[k - 1].end():tokens[k].start()].strip(" \u200c\u00a0")

    def term(k: int) -> tuple[Decimal, int, int] | None:
        """The number starting at token k with its scale words: (value, exponent, next token)."""
        if k >= len(words):
            return None
        if words[k][0] in _NUMBER_START:
            value = Decimal(_canonical(words[k]))
        elif words[k] in _WORD_NUMBERS:
            value = Decimal(_WORD_NUMBERS[words[k]])
        else:
            return None
        exponent, j = 0, k + 1
        while j < len(words) and words[j] in _SCALES and adjacent(j):
            exponent += _SCALES[words[j]]
            j += 1
        if exponent == 0 and not words[k][0] in _NUMBER_START:
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


# Number words past twelve, spelled out on one side where the other has digits: "بیست و پنج" = 25,
# "سیزدهم" = 13th, "صد هزار" = 100,000; "twenty-five", "thirteen".
_FA_UNITS = {"یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9}
_FA_WORDS = {**_FA_UNITS, "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15,
             "شانزده": 16, "هفده": 17, "هجده": 18, "هیجده": 18, "نوزده": 19, "بیست": 20, "سی": 30,
             "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90, "صد": 100,
             "یکصد": 100, "دویست": 200, "سیصد": 300, "چهارصد": 400, "پانصد": 500, "ششصد": 600,
             "هفتصد": 700, "هشتصد": 800, "نهصد": 900}
_EN_WORDS = {w: n for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven",
             "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen"))}
_EN_WORDS |= {w: 10 * n for n, w in enumerate(("twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                                                 "eighty", "ninety"), 2)}
_EN_WORDS["hundred"] = 100
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fifth": 5, "eighth": 8, "ninth": 9, "twelfth": 12}
_WORD_SCALES = {"هزار": 1000, "میلیون": 10**6, "میلیارد": 10**9, "thousand": 1000, "million": 10**6,
                "billion": 10**9}
_WORDS = re.compile(r"[^\W\d_]+")


def _word_value(word: str, table: dict[str, int]) -> int | None:
    """A number word's value; an ordinal too ("سیزدهم", "بیست‌وپنجمین", "thirteenth")."""
    if word in table:
        return table[word]
    if word in _EN_ORDINALS:
        return _EN_ORDINALS[word]
    for suffix in ("مین", "م", "th", "ieth"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            stem = word[: -len(suffix)]
            if suffix == "ieth":
                stem += "y"
            if stem in table and table[stem] > 3:  # "دوم", "سوم": the table of small numbers has them
                return table[stem]
            if suffix == "م" and stem.endswith("و") and stem[:-1] in table:  # "سوم" → "سه"
                return table[stem[:-1]]
    return None


def word_numbers(text: str) -> list[int]:
    """The numbers a text spells out, each compound as one: "بیست و پنج" → 25, "صد هزار" →
    100000, "twenty-five" → 25, "three hundred" → 300. Small words alone ("یک", "one") are
    left out: they are more often articles and pronouns than numbers."""
    persian = bool(re.search("[\u0600-\u06ff]", text))
    table = _FA_WORDS if persian else _EN_WORDS
    words = [w.casefold() for w in _WORDS.findall(text.replace("\u200c", " ").replace("-", " "))]
    out: list[int] = []
    k = 0
    while k < len(words):
        total, current, j, parts = 0, 0, k, 0
        while j < len(words):
            w = words[j]
            if w in _AND and parts and j + 1 < len(words) and _word_value(words[j + 1], table) is not None:
                j += 1
                continue
            if w in _WORD_SCALES and parts:
                total += max(current, 1) * _WORD_SCALES[w]
                current = 0
            elif w == "hundred" and parts:
                current = max(current, 1) * 100
            else:
                value = _word_value(w, table)
                if value is None:
                    break
                if w == "صد" and not parts:
                    value = 100
                current += value
            parts += 1
            j += 1
        value = total + current
        if parts and (parts > 1 or value > 12):
            out.append(value)
        k = max(j, k + 1)
    return out
