"""Persian normalization. ``clean`` is for display and storage-safe tidying; ``normalize`` is
the matching key (search, translation memory, alignment). Originals are always kept."""

from __future__ import annotations

import re
import unicodedata

from workbench.text.numbers import to_ascii_digits

ZWNJ = "\u200c"
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "هٔ", "ة": "ه"})
_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel
# می/نمی prefixed verbs written with a space or joined: "می کند", "میکند" → "می‌کند".
_MI_PREFIX = re.compile(r"(?<![\w\u200c])(ن?می)[ ]?(?=[\u0600-\u06ff]{2})")
# Plural and comparative suffixes written with a space: "کتاب ها" → "کتاب‌ها".
_SUFFIX = re.compile(r"(?<=[\u0600-\u06ff]) (ها|های|هایی|تر|ترین)(?![\w\u200c])")


def repair_zwnj(text: str) -> str:
    text = _MI_PREFIX.sub(lambda m: m.group(1) + ZWNJ, text)
    return _SUFFIX.sub(lambda m: ZWNJ + m.group(1), text)


def clean(text: str) -> str:
    """Unify Arabic letter forms to Persian, repair zero-width non-joiners, tidy spaces."""
    text = unicodedata.normalize("NFC", text).translate(_LETTERS)
    text = repair_zwnj(text)
    return _WS.sub(" ", text).strip()


def normalize(text: str) -> str:
    """The matching key: ``clean`` plus ASCII digits, no diacritics or tatweel, case folded."""
    return _WS.sub(" ", _DIACRITICS.sub("", to_ascii_digits(clean(text)))).strip().casefold()
