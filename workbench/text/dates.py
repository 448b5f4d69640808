"""Solar Hijri dates in Persian text and Gregorian dates in English text, found and compared: an
Iranian text dates by the Solar Hijri calendar (۱۵ خرداد ۱۴۰۲, ۱۴۰۲/۰۳/۱۵, سال ۱۴۰۲) and its
English translation often gives the Gregorian date instead (5 June 2023)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import jdatetime

from workbench.text.numbers import to_ascii_digits

SOLAR_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
                "بهمن", "اسفند")
ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december")
SOLAR_YEARS = range(1200, 1500)  # a four-digit number here after سال or in a date is a Solar year
_FA_MONTH = "|".join(SOLAR_MONTHS)
_SOLAR = re.compile(
    rf"(?:(?P<d>\d{{1,2}})(?:\s*ام|م)?\s+)?(?P<m>{_FA_MONTH})(?:\s+(?:ماه\s+)?(?:سال\s+)?(?P<y>\d{{4}}))"
    r"|(?<![\d/])(?P<sy>\d{4})/(?P<sm>\d{1,2})(?:/(?P<sd>\d{1,2}))?(?![\d/])"
    r"|سال\s+(?P<yo>\d{4})(?!\d)")
_FOUR_DIGITS = re.compile(r"\d{4}")
_EN_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_GREGORIAN = re.compile(
    rf"(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_EN_MONTH}),?\s+(?P<y>\d{{4}}))"
    rf"|(?:(?P<m2>{_EN_MONTH})\s+(?:(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(?P<y2>\d{{4}}))"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    r"|(?<![\d.,/])(?P<yo>(?:19|20)\d\d)(?![\d/]|[.,]\d|s\b)", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date as a text gives it: a year alone, a month of a year, or a day."""

    start: int
    end: int
    year: int
    month: int | None = None
    day: int | None = None


def solar_dates(fa: str) -> list[DateMention]:
    """The Solar Hijri dates of a Persian text (offsets into ``fa``; digits of any script)."""
    text = to_ascii_digits(fa)
    out: list[DateMention] = []
    if not _FOUR_DIGITS.search(text):  # every form has a four-digit year: most texts stop here
        return out
    for m in _SOLAR.finditer(text):
        if m["m"]:
            year, month, day = int(m["y"]), SOLAR_MONTHS.index(m["m"]) + 1, m["d"]
        elif m["sy"]:
            year, month, day = int(m["sy"]), int(m["sm"]), m["sd"]
        else:
            year, month, day = int(m["yo"]), None, None
        if year not in SOLAR_YEARS or (month is not None and not 1 <= month <= 12):
            continue
        out.append(DateMention(m.start(), m.end(), year, month, int(day) if day else None))
    return out


def is_solar_date(whole: int, part: int, *, three_parts: bool = False) -> bool:
    """Whether a Persian ``whole/part`` reads as a date rather than a slash decimal (۹۹/۹۸ =
    99.98): three parts, or a Solar year with a valid month."""
    return three_parts or (whole in SOLAR_YEARS and 1 <= part <= 12)


def gregorian_dates(en: str) -> list[DateMention]:
    """The Gregorian dates of an English text: "5 June 2023", "June 5, 2023", "June 2023",
    "2023-06-05", a year alone (1900–2099)."""
    out = []
    for m in _GREGORIAN.finditer(en):
        if m["iy"]:
            year, month, day = int(m["iy"]), int(m["im"]), int(m["id"])
        elif m["yo"]:
            year, month, day = int(m["yo"]), None, None
        else:
            name = (m["m"] or m["m2"]).lower().rstrip(".")
            months = [i for i, full in enumerate(ENGLISH_MONTHS, 1) if full.startswith(name[:3])]
            if not months:
                continue
            year, month = int(m["y"] or m["y2"]), months[0]
            d = m["d"] or m["d2"]
            day = int(d) if d else None
        out.append(DateMention(m.start(), m.end(), year, month, day))
    return out


def to_gregorian(date: DateMention) -> tuple[datetime.date, datetime.date]:
    """The Gregorian days a Solar date spans: a day is one day, a month about thirty, a year
    runs from 21 March to 20 March (1402 = March 2023–March 2024)."""
    first = jdatetime.date(date.year, date.month or 1, date.day or 1).togregorian()
    if date.day:
        return first, first
    if date.month:
        days = jdatetime.j_days_in_month[date.month - 1]
        if date.month == 12 and jdatetime.date(date.year, 1, 1).isleap():
            days += 1
        return first, jdatetime.date(date.year, date.month, days).togregorian()
    return first, jdatetime.date(date.year + 1, 1, 1).togregorian() - datetime.timedelta(days=1)


def agrees(solar: DateMention, gregorian: DateMention) -> bool:
    """Whether an English date can be the Solar date converted (a Solar year is either of the two
    Gregorian years it spans; a day must be the very day)."""
    try:
        first, last = to_gregorian(solar)
    except ValueError:  # a day the month does not have
        return False
    if gregorian.day and gregorian.month:
        try:
            day = datetime.date(gregorian.year, gregorian.month, gregorian.day)
        except ValueError:
            return False
        return first <= day <= last if not solar.day else day == first
    if gregorian.month:
        return (first.year, first.month) <= (gregorian.year, gregorian.month) <= (last.year, last.month)
    return first.year <= gregorian.year <= last.year


def spoken(date: DateMention, *, solar: bool) -> str:
    """A date as a message says it: "5 June 2023", "June 2023", "2023"; a Solar one in Persian."""
    if not date.month:
        return str(date.year)
    month = SOLAR_MONTHS[date.month - 1] if solar else ENGLISH_MONTHS[date.month - 1].capitalize()
    return " ".join(str(p) for p in (date.day, month, date.year) if p)


def gregorian_of(date: DateMention) -> str:
    """The Gregorian date a Solar date is, as a message says it (a year alone spans two)."""
    first, last = to_gregorian(date)
    if date.day:
        return spoken(DateMention(0, 0, first.year, first.month, first.day), solar=False)
    if date.month:
        return f"{first.day} {ENGLISH_MONTHS[first.month - 1].capitalize()}–{last.day} " \
               f"{ENGLISH_MONTHS[last.month - 1].capitalize()} {last.year}"
    return f"March {first.year}–March {last.year}"
