"""QA checks on one pair's text alone: each takes the Persian and the English (and the bead
shape where it matters) and returns messages, one per problem found. Pure and cheap: a 100k-pair
workspace runs them all in seconds.
"""

from __future__ import annotations

import re
from collections import Counter

from workbench.text import normalize
from workbench.text.numbers import amounts, numbers, to_ascii_digits

_WORD = re.compile(r"\w+")
_PERSIAN_WORD = re.compile(r"[\w\u200c]+")
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_RUN = re.compile(
    r"[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
    r"[\u0600-\u06ff\u200c\ufb50-\ufdff\ufe70-\ufefc ]*")
_EASTERN_DIGITS = re.compile(r"[۰-۹٠-٩]+(?:[٫٬.,][۰-۹٠-٩]+)*")

# -- empty ------------------------------------------------------------------------------------


def empty(fa: str, en: str) -> list[str]:
    if not en.strip() and fa.strip():
        return ["no English (and no draft)"]
    if not fa.strip() and en.strip():
        return ["no Persian: English left without a source sentence"]
    return []


# -- untranslated -----------------------------------------------------------------------------


def untranslated(fa: str, en: str) -> list[str]:
    """Persian letters left in the English, or the English is the Persian copied."""
    run = _ARABIC_RUN.search(en)
    if run:
        return [f"Persian left in the English: «{run.group().strip()[:40]}»"]
    if en.strip() and not _ARABIC_RUN.search(fa) and normalize(fa) == normalize(en) and _LETTER.search(en):
        return ["the English is a copy of the Persian"]
    return []


# -- number -----------------------------------------------------------------------------------

SMALL_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                      "ten", "eleven", "twelve")
_PERCENT_FA = re.compile(r"[٪%]|درصد")
_PERCENT_EN = re.compile(r"%|\bper ?cent|\bpercentage", re.IGNORECASE)


def number(fa: str, en: str) -> list[str]:
    """The numbers of the two sides differ as multisets: digits of any script compared as
    numbers (۲٫۵ = 2.5, ۱٬۲۹۰ = 1,290), a number with scale words as one amount (۲٫۵ میلیون =
    "2.5 million"), a small number spelled out in English ("۳" = "three"); a percentage on one
    side only; Persian digits left in the English."""
    out = []
    if eastern := _EASTERN_DIGITS.search(en):
        out.append(f"Persian digits in the English: {eastern.group()}")
    missing, extra = _difference(numbers(fa), numbers(en), en, fa)
    if missing or extra:
        amount_missing, amount_extra = _difference(amounts(fa), amounts(en), en, fa)
        if amount_missing or amount_extra:
            parts = []
            if missing:
                parts.append(f"{', '.join(missing)} in the Persian missing from the English")
            if extra:
                parts.append(f"{', '.join(extra)} in the English not in the Persian")
            out.append("numbers differ: " + "; ".join(parts))
    fa_percent, en_percent = bool(_PERCENT_FA.search(fa)), bool(_PERCENT_EN.search(en))
    if fa_percent != en_percent:
        out.append("a percentage in the Persian but not in the English" if fa_percent
                   else "a percentage in the English but not in the Persian")
    return out


_PERSIAN_NUMBER_WORDS = {
    0: ("صفر",), 1: ("یک", "اول", "نخست"), 2: ("دو", "دوم"), 3: ("سه", "سوم"), 4: ("چهار", "چهارم"),
    5: ("پنج", "پنجم"), 6: ("شش", "ششم"), 7: ("هفت", "هفتم"), 8: ("هشت", "هشتم"), 9: ("نه", "نهم"),
    10: ("ده", "دهم"), 11: ("یازده", "یازدهم"), 12: ("دوازده", "دوازدهم"),
}
# A number inside a name or code ("COVID-19", "SARS-CoV-2", "H5N1", "کووید-۱۹"): a translation may
# name the thing without it ("کرونا"), so one side's name numbers alone are no mismatch.
_NAME_NUMBER = re.compile(r"(?<=[^\W\d_])-?(\d+)|(\d+)(?=[^\W\d_])")


def _difference(fa_numbers: list[str], en_numbers: list[str], en: str, fa: str = "") -> tuple[list[str], list[str]]:
    missing, extra = Counter(fa_numbers), Counter(en_numbers)
    common = missing & extra
    missing -= common
    extra -= common
    if missing:  # "۳" may be "three" in English
        words = set(_WORD.findall(en.casefold()))
        for n in list(missing):
            if n.isdigit() and int(n) < len(SMALL_NUMBER_WORDS) and SMALL_NUMBER_WORDS[int(n)] in words:
                del missing[n]
    if extra and fa:  # and "3" may be "سه" in Persian
        words = set(_PERSIAN_WORD.findall(normalize(fa)))  # "سه‌شنبه" (Tuesday) is no "سه" (three)
        for n in list(extra):
            if n.isdigit() and any(w in words for w in _PERSIAN_NUMBER_WORDS.get(int(n), ())):
                del extra[n]
    if bool(missing) != bool(extra):  # only one side differs: its name numbers are names
        side, text = (missing, fa) if missing else (extra, en)
        names = Counter(_name_numbers(text))
        for n in list(side):
            side[n] = max(0, side[n] - names[n])
    return sorted(missing.elements(), key=_numeric), sorted(extra.elements(), key=_numeric)


def _name_numbers(text: str) -> list[str]:
    return [str(int(m.group(1) or m.group(2))) for m in _NAME_NUMBER.finditer(to_ascii_digits(text))]


def _numeric(n: str) -> float:
    try:
        return float(n)
    except ValueError:
        return 0.0


# -- repeated-word ----------------------------------------------------------------------------

_DOUBLED = re.compile(r"\b([^\W\d_]+)(\s+\1\b)+", re.IGNORECASE)
ALLOWED_DOUBLES = {"had", "that", "bye", "very", "so", "no", "far", "again", "more", "knock", "tut", "ha"}
TANDEM_LONG_NGRAM = 4  # an n-gram this long repeated even twice in a row is a loop
MAX_TANDEM_NGRAM = 8
SCATTERED_NGRAM, SCATTERED_REPEATS = 3, 3  # a 3-gram three times anywhere
# A loop below the word level: "zzzzzzzzzz", "marketmarketmarket…", ". . . . . ."
_CHARACTER_LOOP = re.compile(r"(\D{1,8}?)\1{4,}")
CHARACTER_LOOP_MIN = 10
# An n-gram back to back, on the words joined by single spaces (2–3 words must come three times).
_TANDEM = re.compile(r"(?<!\S)((?:\S+ ){2,%d})\1" % MAX_TANDEM_NGRAM)


def repeated_word(fa: str, en: str, *, machine: bool = False) -> list[str]:
    """A word doubled ("the the") or an n-gram repeated back to back; in machine output
    (``machine``) also a decoder's loops: characters looping ("marketmarketmarket…", unless the
    Persian has the same run) and a 3-gram three times anywhere, which people write only on
    purpose ("SARS-CoV-2 … SARS-CoV-2 …")."""
    words = _WORD.findall(en.casefold())
    if any(a == b and not a.isdigit() for a, b in zip(words, words[1:])):  # the regex only where it may find
        for m in _DOUBLED.finditer(en):
            if m.group(1).casefold() not in ALLOWED_DOUBLES:
                return [f"repeated word: '{' '.join(m.group().split())}'"]
    joined = " ".join(words) + " "
    for loop in _TANDEM.finditer(joined):
        gram = loop.group(1)
        if gram.count(" ") >= TANDEM_LONG_NGRAM or joined.startswith(gram, loop.end()):
            return [f"repeated phrase: '{gram.strip()}'"]
    if not machine:
        return []
    for loop in _CHARACTER_LOOP.finditer(en):
        if len(loop.group()) >= CHARACTER_LOOP_MIN and loop.group(1).strip() and loop.group() not in fa:
            return [f"repeated characters: '{loop.group()[:30]}'"]
    words = joined.split()
    grams = Counter(tuple(words[i:i + SCATTERED_NGRAM]) for i in range(len(words) - SCATTERED_NGRAM + 1))
    looped = [g for g, count in grams.items() if count >= SCATTERED_REPEATS]
    return [f"repeated phrase: '{' '.join(looped[0])}' {grams[looped[0]]} times"] if looped else []


# -- brackets ---------------------------------------------------------------------------------

_PAIRS = {")": "(", "]": "[", "}": "{", "»": "«", "”": "“"}
_OPENERS = {v: k for k, v in _PAIRS.items()}
_BRACKET = re.compile('[()\\[\\]{}«»“”"]')
# A list marker "1)" or "a)" closes nothing: not a bracket of the text.
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z])\)")


def brackets(fa: str, en: str) -> list[str]:
    """Brackets and quotes in the English left unpaired: () [] {} «» “” and straight double
    quotes; an imbalance the Persian has too (a list marker, a quote split across segments) is
    the source's, not the translation's."""
    if not _BRACKET.search(en):
        return []
    unpaired = _unpaired(en)
    if not unpaired:
        return []
    source = _unpaired(fa)
    out = []
    for mark in unpaired:
        if mark in source or (mark in "“”\"" and any(m in source for m in "«»“”\"")):
            continue
        out.append(f"unpaired {mark!r}")
    return out[:1] if out else []


def _unpaired(text: str) -> list[str]:
    text = _LIST_MARKER.sub(" ", text, count=1)
    stack: list[str] = []
    lone: list[str] = []
    for ch in text:
        if ch in _OPENERS:
            stack.append(ch)
        elif ch in _PAIRS:
            if stack and stack[-1] == _PAIRS[ch]:
                stack.pop()
            elif _PAIRS[ch] in stack:  # "( [ )": the [ is the one left open
                while stack and stack[-1] != _PAIRS[ch]:
                    lone.append(stack.pop())
                stack.pop()
            else:
                lone.append(ch)
    lone += stack
    if text.count('"') % 2:
        lone.append('"')
    return lone


# -- spaces -----------------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"\S( {2,}|\t+)\S")


def spaces(fa: str, en: str) -> list[str]:
    out = []
    if en and (en[0].isspace() or en[-1].isspace()):
        out.append("space at the start or end of the English")
    m = _DOUBLE_SPACE.search(en)
    if m:
        out.append(f"double space: '{en[max(0, m.start() - 10):m.end() + 10].strip()}'")
    return out


# -- length -----------------------------------------------------------------------------------

# English characters per Persian character. TICO-19's 3,071 units (1-1) run from 0.56 to 1.69 in
# 99.8% of cases (median 1.07); beads whose sides have different sentence counts vary more.
LENGTH_RATIO = {"even": (0.5, 2.0), "uneven": (0.4, 2.5)}
LENGTH_MIN_SOURCE = 20  # characters; shorter sources vary too much to judge by length


def length(fa: str, en: str, shape: str = "1-1") -> list[str]:
    fa_len, en_len = len(" ".join(fa.split())), len(" ".join(en.split()))
    if fa_len < LENGTH_MIN_SOURCE or not en_len:
        return []
    n_fa, _, n_en = shape.partition("-")
    low, high = LENGTH_RATIO["even" if n_fa == n_en else "uneven"]
    ratio = en_len / fa_len
    if low <= ratio <= high:
        return []
    side = "short" if ratio < low else "long"
    return [f"English {ratio:.1f}× the Persian's length: too {side} for a {shape} pair ({low}–{high})"]
