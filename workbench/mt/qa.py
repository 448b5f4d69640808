"""QA flags on machine drafts: cheap checks that point an editor at drafts likely to be wrong.

Each check is a pure function of the Persian source and the English draft; ``qa_flags`` runs them
all and returns the names of those that fire, in a fixed order. The names are stored with each
draft (``drafts.qa``) and exported.
"""

from __future__ import annotations

import re
from collections import Counter

from workbench.text import normalize, numbers
from workbench.text.numbers import amounts
from workbench.text.script import ARABIC_LETTER

EMPTY = "empty"
UNTRANSLATED = "untranslated"
REPETITION = "repetition"
NUMBERS = "numbers"
LENGTH = "length"
SHORT_SOURCE = "short-source"
FLAGS = (EMPTY, UNTRANSLATED, REPETITION, NUMBERS, LENGTH, SHORT_SOURCE)

_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")

SHORT_SOURCE_WORDS = 3  # headings, single words: one more look
LENGTH_RATIO = (0.5, 2.5)  # English characters per Persian character; outside is suspicious
LENGTH_MIN_SOURCE = 20  # characters; shorter sources vary too much to judge by length
TANDEM_REPEATS = 3  # "the the the", "of the of the of the"
TANDEM_LONG_NGRAM = 4  # an n-gram this long repeated even twice in a row is a loop
MAX_TANDEM_NGRAM = 8  # longer loops repeat their 3-grams, which the scattered check sees
SCATTERED_NGRAM, SCATTERED_REPEATS = 3, 3  # a 3-gram three times anywhere
# A loop below the word level, which the word checks cannot see: "zzzzzzzzzz",
# "marketmarketmarket…", ". . . . . ." — a unit of up to 8 non-digit characters (digits:
# "1000000000" is a number) five times or more in a row, over at least 10 characters.
_CHARACTER_LOOP = re.compile(r"(\D{1,8}?)\1{4,}")
CHARACTER_LOOP_MIN = 10
SMALL_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                      "ten", "eleven", "twelve")


def qa_flags(source: str, draft: str) -> list[str]:
    """The QA flags of ``draft`` as a translation of ``source``."""
    if not draft.strip():
        return [EMPTY] + ([SHORT_SOURCE] if short_source(source) else [])
    checks = (
        (UNTRANSLATED, untranslated(source, draft)),
        (REPETITION, repetition(draft, source)),
        (NUMBERS, numbers_differ(source, draft)),
        (LENGTH, length_outlier(source, draft)),
        (SHORT_SOURCE, short_source(source)),
    )
    return [name for name, fired in checks if fired]


def untranslated(source: str, draft: str) -> bool:
    """Persian (Arabic-script) letters left in the draft, or the draft is the source copied."""
    if ARABIC_LETTER.search(draft):  # letters only: a draft may keep "۱۹"
        return True
    return normalize(source) == normalize(draft) and bool(_LETTER.search(draft))


def repetition(draft: str, source: str = "") -> bool:
    """A decoding loop: an n-gram repeated back to back (three times, or twice when it is
    long), a 3-gram occurring three times anywhere, or characters looping inside a word or
    between words (unless the source has the same run, e.g. a "==========" rule)."""
    for loop in _CHARACTER_LOOP.finditer(draft):
        if len(loop.group()) >= CHARACTER_LOOP_MIN and loop.group(1).strip() and loop.group() not in source:
            return True
    words = [w.casefold() for w in _WORD.findall(draft)]
    if tandem_repeat(words):
        return True
    grams = Counter(tuple(words[i:i + SCATTERED_NGRAM]) for i in range(len(words) - SCATTERED_NGRAM + 1))
    return any(count >= SCATTERED_REPEATS for count in grams.values())


def tandem_repeat(words: list[str]) -> bool:
    """An n-gram (n ≤ 8) repeated back to back: three times, or twice when it is long."""
    for n in range(1, min(MAX_TANDEM_NGRAM, len(words) // 2) + 1):
        needed = 2 if n >= TANDEM_LONG_NGRAM else TANDEM_REPEATS
        # That is a run of (needed - 1) * n words each equal to the word n places on (one
        # pass per n, not a comparison of slices at every start).
        same = "".join("=" if a == b else "." for a, b in zip(words, words[n:]))
        if "=" * ((needed - 1) * n) in same:
            return True
    return False


def numbers_differ(source: str, draft: str) -> bool:
    """The numbers of source and draft differ as multisets (digits of any script compared as
    numbers; a small number may be spelled out in the draft: "۳" → "three"), both digit by
    digit and as amounts with their scale words ("۴۸ میلیون و ۷۰۰ هزار" = "48.7 million")."""
    return (_differ(numbers(source), numbers(draft), draft)
            and _differ(amounts(source), amounts(draft), draft))


def _differ(source_numbers: list[str], draft_numbers: list[str], draft: str) -> bool:
    missing = Counter(source_numbers)
    extra = Counter(draft_numbers)
    common = missing & extra
    missing -= common
    extra -= common
    if extra:
        return True
    words = set(_WORD.findall(draft.casefold()))
    return any(not (n.isdigit() and int(n) < len(SMALL_NUMBER_WORDS) and SMALL_NUMBER_WORDS[int(n)] in words)
               for n in missing)


def length_outlier(source: str, draft: str) -> bool:
    """Far shorter or longer than a translation of the source usually is."""
    source, draft = source.strip(), draft.strip()
    if len(source) < LENGTH_MIN_SOURCE:
        return False
    low, high = LENGTH_RATIO
    return not low <= len(draft) / len(source) <= high


def short_source(source: str) -> bool:
    """A heading or a single word: little context, so the draft deserves a second look."""
    return len(_WORD.findall(source)) <= SHORT_SOURCE_WORDS
