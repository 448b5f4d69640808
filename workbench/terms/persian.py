"""Persian words as glossary matching sees them: a normalized key per word, and the stems an
inflected word may come from.

A word's key is ``normalize`` (ی/ي, ک/ك, digits, diacritics, case) with the zero-width
non-joiner removed and hamza seats folded (علائم/علایم), so "کتاب‌ها", "کتابها" and "كتابها" share one key. Inflection is undone by
stripping suffix chains (plural, comparative, ezafe or indefinite ی, possessive and pronoun
clitics), attached or ZWNJ-joined alike: "کتاب‌هایشان" gives the stem "کتاب". A term matches a
word when the term's key is the word's key or one of its stems.
"""

from __future__ import annotations

import itertools
import re
from typing import cast
from workbench.text import normalize

ZWNJ = "\u200c"
# A Persian (or any) word: letters and digits with the marks and joiners that sit inside words
# (harakat, superscript alef, hamza above, tatweel, ZWNJ, ZWJ).
WORD = re.compile(r"[\w\u064b-\u065f\u0670\u0640\u200c\u200d]+")

_PLURALS = ("", "ها", "ان", "ات", "یان", "گان")  # گان: پرنده → پرندگان (the ه comes back)
_COMPARATIVES = ("", "تر", "ترین")
_LINKS = ("", "ی", "ای", "یی")  # ezafe and indefinite: کتابِ → کتاب‌ی, خانه‌ای, دانشجویی
_CLITICS = ("", "م", "ت", "ش", "مان", "تان", "شان", "ام", "ات", "اش", "امان", "اتان", "اشان",
            "یم", "یت", "یش", "یمان", "یتان", "یشان")
SUFFIXES = frozenset("".join(parts) for parts in itertools.product(_PLURALS, _COMPARATIVES, _LINKS, _CLITICS)) - {""}
# Suffixes written as a word of their own ("کتاب ها", "بزرگ تر"): skipped between a term's words.
DETACHED = frozenset(s for s in SUFFIXES if len(s) > 1)
_LONGEST = max(map(len, SUFFIXES))
MIN_STEM = 2  # letters left after stripping a suffix
# After a one-letter suffix (م ت ش ی): "کارت" is a card more often than "your work", "دستی" manual.
MIN_STEM_SHORT_SUFFIX = 4
# Ezafe ی is written only after a vowel letter (خانه‌ی, دانشجوی, کتاب‌های); after a consonant
# a ی is the adjective/abstract suffix (پزشکی medical, ویروسی viral, کودکی childhood), a word of
# its own: not an inflection of پزشک/ویروس/کودک.
_VOWEL_ENDS = frozenset("اآوهی")

# Hamza seats written either way in current Persian: علائم/علایم, مسائل/مسایل, پائیز/پاییز,
# مؤسسه/موسسه, أمر/امر. Only the matching key folds them (search keeps what was typed).
_HAMZA = str.maketrans({"ئ": "ی", "ؤ": "و", "أ": "ا", "إ": "ا"})
_keys: dict[str, str] = {}
_stems: dict[str, frozenset[str]] = {}


def word_key(word: str) -> str:
    """The matching key of one word (cached: running text repeats its words)."""
    key = _keys.get(word)
    if key is None:
        key = normalize(word).replace(ZWNJ, "").replace("\u200d", "").translate(_HAMZA)
        if len(_keys) < 500_000:
            _keys[word] = key
    return key


def stems(key: str) -> frozenset[str]:
    """The key itself and every stem it may be an inflection of."""
    found = _stems.get(key)
    if found is not None:
        return found
    out = {key}
    for k in range(1, min(_LONGEST, len(key) - MIN_STEM) + 1):
        suffix = key[-k:]
        if suffix not in SUFFIXES:
            continue
        stem = key[:-k]
        if k == 1 and len(stem) < MIN_STEM_SHORT_SUFFIX:
            continue
        if suffix[0] == "ی" and stem[-1] not in _VOWEL_ENDS:
            continue
        out.add(stem)
        if suffix.startswith("گان"):
            out.add(stem + "ه")
    found = frozenset(out)
    if len(_stems) < 500_000:
        _stems[key] = found
    return found


def keys(text: str) -> list[str]:
    """The key of each word of ``text``, in order ("" for a word of marks only)."""
    words = WORD.findall(text)
    cached = list(map(_keys.get, words))  # one C-level pass over the cache; new words below
    if None in cached:
        return [k if k is not None else word_key(w) for k, w in zip(cached, words)]
    return cast(list[str], cached)  # no None in it (tested just above)


def spans(text: str) -> list[tuple[int, int]]:
    """Where each word of ``text`` stands (the same words as ``keys``)."""
    return [m.span() for m in WORD.finditer(text)]


def term_forms(term: str) -> list[tuple[str, ...]]:
    """The word-key sequences a glossary term is found as: its words, and for a word written
    with a ZWNJ inside ("نخست‌وزیر") also its parts as separate words ("نخست وزیر")."""
    words = [m.group() for m in WORD.finditer(term)]
    keys = tuple(k for k in (word_key(w) for w in words) if k)
    if not keys:
        return []
    forms = [keys]
    if any(ZWNJ in w for w in words):
        split = tuple(k for w in words for part in w.split(ZWNJ) if (k := word_key(part)))
        if split != keys:
            forms.append(split)
    return forms


def term_key(term: str) -> str:
    """One string per term (the glossary's unique key): its word keys, space-separated."""
    forms = term_forms(term)
    return " ".join(forms[0]) if forms else ""
