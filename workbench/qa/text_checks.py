"""QA checks on one pair's text alone (brackets, spaces, punctuation and capitals: typography.py): each takes the Persian and the English (and the bead
shape where it matters) and returns messages, one per problem found. Pure and cheap: a 100k-pair
workspace runs them all in seconds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from workbench.text import normalize
from workbench.text.dates import DateMention, agrees, gregorian_dates, gregorian_of, solar_dates, spoken
from workbench.text.numbers import amounts, numbers, to_ascii_digits, word_numbers
from workbench.text.tokens import EMAIL, INLINE, PLACEHOLDER, URL, scan

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
    """The numbers of the two sides differ as multisets (a number twice in the Persian must be
    twice in the English): digits of any script compared as numbers (۲٫۵ = 2.5, ۱٬۲۹۰ = 1,290,
    ۹۹/۹۸ = 99.98, .08 = 0.08, 8:00 = ۸), a number with scale words as one amount (۲٫۵ میلیون =
    "2.5 million"), a number spelled out on the other side (۳ = "three", 25 = "بیست و پنج"), a
    decade (دهه ۶۰ = the 1960s or, Solar, the 1980s), a length or weight converted (miles ↔ km
    within 2%), a Solar date the English gives converted (the `date` check judges it); a
    percentage or a minus sign on one side only; Persian digits or a decimal comma in the English."""
    out = []
    fa, en = _without_tokens(fa), _without_tokens(en)
    if eastern := _EASTERN_DIGITS.search(en):
        out.append(f"Persian digits in the English: {eastern.group()}")
    if comma := _DECIMAL_COMMA.search(en):
        out.append(f"decimal comma in the English: {comma.group()} (English writes {comma.group().replace(',', '.')})")
    fa, en = _without_dates(fa, en)
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
    fa_minus, en_minus = _negatives(fa, _MINUS_FA), _negatives(en, _MINUS_EN)
    if fa_minus != en_minus:
        lost = sorted((fa_minus - en_minus).elements()) or sorted((en_minus - fa_minus).elements())
        side = "the English" if fa_minus - en_minus else "the Persian"
        out.append(f"a minus sign missing in {side}: -{lost[0]}")
    return out


# "2,5" in English is a decimal comma (a thousands group has three digits): English writes 2.5.
_DECIMAL_COMMA = re.compile(r"(?<![\d,.])\d+,\d{1,2}(?![\d,]|\.\d)")
_MINUS_FA = re.compile(r"(?:منفی\s*|(?<![^\s(])[-−])([\d۰-۹٠-٩]+(?:[.٫/][\d۰-۹٠-٩]+)?)")
_MINUS_WORD = re.compile(r"minus|negative", re.IGNORECASE)
_MINUS_EN = re.compile(r"(?:\b(?:minus|negative)\s+|(?<![^\s(])[-−])(\d+(?:\.\d+)?)", re.IGNORECASE)


def _negatives(text: str, pattern: re.Pattern[str]) -> Counter[str]:
    """The numbers a text writes negative; a dash after a number or a dash ("۶ - -۹۹", "2-​-44":
    a range) is no minus sign."""
    out: Counter[str] = Counter()
    if "-" not in text and "−" not in text and "منفی" not in text and not _MINUS_WORD.search(text):
        return out
    for m in pattern.finditer(text):
        before = text[:m.start()].rstrip(" \u200b\u200c\u00a0")
        if before and (before[-1] in "-–−" or before[-1].isdigit()):
            continue
        out.update(numbers(m[1]))
    return out


# -- date -------------------------------------------------------------------------------------


def date(fa: str, en: str) -> list[str]:
    """A Solar Hijri date (۱۵ خرداد ۱۴۰۲, ۱۴۰۲/۰۳/۱۵, سال ۱۴۰۲) whose English gives a Gregorian
    date converted wrongly; a year alone may be either Gregorian year it spans."""
    out = []
    for solar, gregorian, right in _date_pairs(fa, en):
        if gregorian is not None and not right:
            out.append(f"{spoken(solar, solar=True)} is {gregorian_of(solar)}, "
                       f"the English says {spoken(gregorian, solar=False)}")
    return out


def _date_pairs(fa: str, en: str) -> list[tuple[DateMention, DateMention | None, bool]]:
    """Each Solar date of the Persian with the English date given for it (the one that agrees,
    else the first left of the same precision, else any left; None when the English has none)."""
    solar = solar_dates(fa) if fa else []
    if not solar:
        return []
    left = gregorian_dates(en)
    out: list[tuple[DateMention, DateMention | None, bool]] = []
    for s in solar:
        right = [g for g in left if agrees(s, g)]
        alike = [g for g in left if (g.day is None) == (s.day is None) and (g.month is None) == (s.month is None)]
        chosen = next(iter(right or alike or left), None)
        if chosen is not None:
            left.remove(chosen)
        out.append((s, chosen, bool(right)))
    return out


_NOT_NUMBERS = (INLINE, PLACEHOLDER, URL, EMAIL)


def _without_tokens(text: str) -> str:
    """The text less its inline codes, placeholders and addresses: their digits (⟦1⟧, %1$s,
    /2019/) are no numbers of the sentence, and `tags` judges them."""
    tokens = [t for t in scan(text) if t.kind in _NOT_NUMBERS] if any(c in text for c in "⟦%{/@") else []
    for t in reversed(tokens):
        text = text[:t.start] + " " + text[t.end:]
    return text


def _without_dates(fa: str, en: str) -> tuple[str, str]:
    """The texts without the Solar dates the English gives as Gregorian ones (and those): the
    `date` check judges them, and their numbers differ by nature (۱۴۰۲ is 2023)."""
    for solar, gregorian, _ in _date_pairs(fa, en):
        if gregorian is not None:
            fa = fa[:solar.start] + " " * (solar.end - solar.start) + fa[solar.end:]
            en = en[:gregorian.start] + " " * (gregorian.end - gregorian.start) + en[gregorian.end:]
    return fa, en


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
    if missing:  # spelled out past twelve: "25" = "twenty-five"
        missing -= Counter(str(n) for n in word_numbers(en))
    if extra and fa:  # "25" = "بیست و پنج", "13th" = "سیزدهم"
        extra -= Counter(str(n) for n in word_numbers(fa))
    if missing and extra:
        _cancel(missing, extra, _same_amount(fa, en))
    if bool(missing) != bool(extra):  # only one side differs: its name numbers are names
        side, text = (missing, fa) if missing else (extra, en)
        names = Counter(_name_numbers(text)) + Counter(_date_years(text))
        for n in list(side):
            side[n] = max(0, side[n] - names[n])
    return sorted(missing.elements(), key=_numeric), sorted(extra.elements(), key=_numeric)


# Units a translator converts (English per Persian unit, either way): miles ↔ km, pounds ↔ kg,
# feet ↔ metres, inches ↔ cm, °F ↔ °C is not a ratio and is left alone.
_CONVERSIONS = (1.609344, 2.20462, 3.28084, 2.54)
_UNIT = re.compile(r"\b(?:miles?|km|kilomet|pounds?|lbs?|kg|kilogram|f(?:ee|oo)t|ft|met(?:er|re)|inch|cm)",
                   re.IGNORECASE)
# Whole words: "کمتر" (fewer) holds "متر" (metre).
_UNIT_FA = re.compile(r"\b(?:مایل|کیلومتر|پوند|کیلوگرم|فوت|متر|اینچ|سانتی‌?متر)\b")
_DECADE_FA = re.compile(r"دهه\s*(\d{2,4})(\s*(?:ی\s*)?میلادی)?")
_DECADE_EN = re.compile(r"\b(\d{2,3}0)['’]?s\b")
# A year range with the second year cut short: "1968/69", "2010–11"; Persian writes "11-2010".
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[/–-]\s*(\d\d)\b|\b(\d\d)\s*[/–-]\s*((?:19|20)\d\d)\b")


def _same_amount(fa: str, en: str) -> Callable[[str, str], bool]:
    """Whether a Persian number and an English one the multisets left unmatched are one amount
    written otherwise: a decade, a year cut short in a range, a unit converted."""
    fa_ascii, en_ascii = to_ascii_digits(fa), to_ascii_digits(en)
    decades = {(m[1], bool(m[2])) for m in _DECADE_FA.finditer(fa_ascii)}
    en_decades = {m[1] for m in _DECADE_EN.finditer(en_ascii)}
    short = {(m[1] or m[4], m[2] or m[3]) for text in (fa_ascii, en_ascii) for m in _YEAR_RANGE.finditer(text)}
    units = bool(_UNIT.search(en) or _UNIT_FA.search(fa))

    def same(f: str, e: str) -> bool:
        for d, western in decades:
            if f in (d, str(int(d))) and e in en_decades and _decade_of(d, western, int(e)):
                return True
        for full, cut in short:
            if {f, e} == {full[:2] + cut, str(int(cut))}:
                return True
        if units:
            a, b = _numeric(f), _numeric(e)
            return a > 0 and b > 0 and any(abs(b / a / k - 1) <= 0.02 or abs(a / b / k - 1) <= 0.02
                                           for k in _CONVERSIONS)
        return False
    return same


def _decade_of(decade: str, western: bool, year: int) -> bool:
    """"دهه ۳۰ میلادی" is the 1930s; a bare "دهه ۶۰" is a Solar decade too: 1360s = the 1980s."""
    n = int(decade)
    if n >= 100:
        return year == n
    if year % 100 == n:
        return True
    return not western and year == (1300 + n + 621) // 10 * 10


def _cancel(missing: Counter[str], extra: Counter[str], same: Callable[[str, str], bool]) -> None:
    for f in list(missing):
        for e in list(extra):
            while missing[f] > 0 and extra[e] > 0 and same(f, e):
                missing[f] -= 1
                extra[e] -= 1
    missing += Counter()  # drops the zeros
    extra += Counter()


# The year of a day and month ("20 January 2020", "۲۰ ژانویه ۲۰۲۰"): a translator adds or drops
# it where the context gives it, no mismatch when it is all that differs.
_DATE_YEAR = re.compile(r"(?:january|february|march|april|may|june|july|august|september|october|november|"
                        r"december|ژانویه|فوریه|مارس|آوریل|مه|می|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر)"
                        r",?\s+((?:19|20)\d\d)\b", re.IGNORECASE)


def _date_years(text: str) -> list[str]:
    return [m[1] for m in _DATE_YEAR.finditer(to_ascii_digits(text))]


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


# Two set phrases meeting on one word: "all right right now", "so far far away".
_PHRASES = {("all", "right"), ("right", "now"), ("right", "away"), ("right", "here"), ("right", "there"),
            ("so", "far"), ("far", "away"), ("far", "from")}


def _meant_double(en: str, m: re.Match[str]) -> bool:
    """A doubled word people write on purpose: an initial ("Hussein A A", "Ali B. B."), or the
    end of one set phrase and the start of the next ("all right right now")."""
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True
    before = _WORD.findall(en[:m.start()].casefold())[-1:]
    after = _WORD.findall(en[m.end():].casefold())[:1]
    w = word.casefold()
    return bool(before and (before[0], w) in _PHRASES and after and (w, after[0]) in _PHRASES)


def repeated_word(fa: str, en: str, *, machine: bool = False) -> list[str]:
    """A word doubled ("the the") or an n-gram repeated back to back; in machine output
    (``machine``) also a decoder's loops: characters looping ("marketmarketmarket…", unless the
    Persian has the same run) and a 3-gram three times anywhere, which people write only on
    purpose ("SARS-CoV-2 … SARS-CoV-2 …")."""
    words = _WORD.findall(en.casefold())
    if any(a == b and not a.isdigit() for a, b in zip(words, words[1:])):  # the regex only where it may find
        for m in _DOUBLED.finditer(en):
            if m.group(1).casefold() not in ALLOWED_DOUBLES and not _meant_double(en, m):
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


# -- length -----------------------------------------------------------------------------------

# English characters per Persian character. TICO-19's 3,071 units (1-1) run from 0.56 to 1.69 in
# 99.8% of cases (median 1.07); beads whose sides have different sentence counts vary more.
LENGTH_RATIO = {"even": (0.5, 2.0), "uneven": (0.4, 2.5)}
LENGTH_MIN_SOURCE = 20  # characters; shorter sources vary too much to judge by length


def length(fa: str, en: str, shape: str = "1-1", *, ratios: dict[str, tuple[float, float]] | None = None,
           min_source: float = LENGTH_MIN_SOURCE) -> list[str]:
    """``ratios`` and ``min_source``: a QA profile's thresholds (the constants above by default)."""
    fa_len, en_len = len(" ".join(fa.split())), len(" ".join(en.split()))
    if fa_len < min_source or not en_len:
        return []
    n_fa, _, n_en = shape.partition("-")
    low, high = (ratios or LENGTH_RATIO)["even" if n_fa == n_en else "uneven"]
    ratio = en_len / fa_len
    if low <= ratio <= high:
        return []
    side = "short" if ratio < low else "long"
    return [f"English {ratio:.1f}× the Persian's length: too {side} for a {shape} pair ({low}–{high})"]
