"""Whether a text shows anything: a side made only of spaces, joiners, zero-width spaces,
byte-order marks, bidi and other format controls is empty to a reader, and is stored as empty."""

from __future__ import annotations

import re

# Unicode whitespace (\s: Zs, Zl, Zp and the C0/C1 separators), C0/C1 controls, and the characters
# Unicode says to show as nothing (Default_Ignorable_Code_Point: soft hyphen, combining grapheme
# joiner, Arabic letter mark, fillers, Mongolian and other variation selectors, ZWSP/ZWNJ/ZWJ,
# LRM/RLM, bidi embeddings and isolates, word joiner and invisible operators, BOM, tags).
_NOTHING_VISIBLE = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]*"
)


# The letters and digits among those (str.isalnum): fillers a reader does not see. Any other letter
# or digit shows: a text starting with one is visible without the scan (a corpus side nearly
# always starts so; tests/test_visible.py checks this set against every character).
_INVISIBLE_ALNUM = frozenset("\u115f\u1160\u3164\uffa0")


def has_visible(text: str) -> bool:
    """Whether ``text`` holds at least one character a reader would see."""
    first = text[:1]
    if first.isalnum() and first not in _INVISIBLE_ALNUM:
        return True
    return _NOTHING_VISIBLE.fullmatch(text) is None
