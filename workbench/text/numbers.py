"""Digits in Persian, Arabic-Indic and Latin script, compared as numbers."""

from __future__ import annotations

import re

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_DIGIT_MAP = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
# Arabic decimal separator (U+066B), thousands separator (U+066C), Persian comma.
_SEPARATOR_MAP = str.maketrans({"\u066b": ".", "\u066c": ",", "\u060c": ","})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits (and the Arabic decimal/thousands marks) to ASCII."""
    return text.translate(_DIGIT_MAP)


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
    ascii_text = to_ascii_digits(text).translate(_SEPARATOR_MAP)
    return [_canonical(m.group()) for m in _NUMBER.finditer(ascii_text)]
