"""Normalization and segmentation properties (hypothesis) and the Persian cases behind them."""

from __future__ import annotations

import importlib
import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbench.text import clean, normalize, numbers, segment
from workbench.text.numbers import _canonical

_numbers = importlib.import_module("workbench.text.numbers")  # the module, not the function

ZWNJ = "\u200c"
PERSIAN = st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكىۀة۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬،؛؟«»")
                          + [" ", ZWNJ, "می", "نمی", " ها", "های", ".", "!", "\u064b", "\u0640", "\u202b", "\u2067",
                             # the segmenter's triggers: ellipses, brackets, quotes, initials, list numbers
                             "…", "...", "(", ")", "\"", "“", "”", ":", " و ", "جی", "او", "۱", "U.S", "a.m", "No"])
TEXT = st.text(st.characters(codec="utf-8")) | st.lists(PERSIAN, max_size=40).map("".join)
SETTINGS = settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", 300)), deadline=None)


@SETTINGS
@given(TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@SETTINGS
@given(TEXT)
@example("0 \u200c 0")  # hypothesis found it: the joiner dropped, two spaces were left
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


def test_a_joiner_between_two_spaces_leaves_one_space() -> None:
    assert clean("سلام \u200c دنیا") == "سلام دنیا"
    assert clean("a \u200c\u200c b \u200c") == "a b"


@SETTINGS
@given(TEXT)
def test_segmentation_keeps_every_non_space_character_in_order(text: str) -> None:
    def visible(s: str) -> str:
        return "".join(ch for ch in s if not ch.isspace())

    sentences = segment(text)
    assert visible("".join(sentences)) == visible(text)
    assert all(s == s.strip() and s for s in sentences)


@pytest.mark.parametrize("a, b", [
    ("می‌کند", "میکند"), ("می کند", "می‌کند"), ("مي كند", "می‌کند"), ("كتاب", "کتاب"),
    ("کتاب‌ها", "کتاب ها"), ("بزرگ‌تر", "بزرگ تر"), ("۲٫۵", "2.5"), ("٢٠٢٤", "2024"), ("سَلام", "سلام"),
    ("خوشـــحال", "خوشحال"), ("  فاصله   زیاد ", "فاصله زیاد"), ("A\u202bب", "aب"),
])
def test_matching_key_unifies_spellings(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize("raw, shown", [
    ("میکند", "می‌کند"), ("نمیتوانیم", "نمی‌توانیم"), ("می کند", "می‌کند"), ("موشکهای", "موشک‌های"),
    ("کتاب ها", "کتاب‌ها"), ("بزرگ ترین", "بزرگ‌ترین"), ("كشور", "کشور"),
])
def test_clean_repairs_zero_width_non_joiners(raw: str, shown: str) -> None:
    assert clean(raw) == shown


@pytest.mark.parametrize("word", ["میلیون", "میان", "میز", "میراث", "میدان", "میزان", "تهران", "کشورها", "تنها",
                                  "انتها", "دفتر", "بستر", "بهترین", "میوه‌ها"])
def test_clean_leaves_words_that_only_look_like_prefix_or_suffix(word: str) -> None:
    assert clean(word) == word


def test_numbers_compare_across_scripts() -> None:
    assert numbers("۲۵ نفر") == numbers("٢٥ نفر") == numbers("25 people") == ["25"]
    assert numbers("۳٫۵ و 1,290 و 007") == ["3.5", "1290", "7"]
    assert numbers("2,5") == ["2.5"]


# normalize, clean and numbers as they were before their fast paths (ASCII text; rules and
# translations skipped on text without the characters they need). Search and the translation memory
# store these keys, and the aligner's features are built on them: no input may give another result.
_n = importlib.import_module("workbench.text.normalize")
_OLD_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ە": "ه", "ۀ": "هٔ", "ة": "ه"})
_OLD_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_OLD_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)


_P = _n._PERSIAN
_OLD_MI_GLUED = re.compile(rf"(?<![{_P}\u200c])(ن?می)(?=[{_P}]{{2,}})([{_P}]+)")
_OLD_MI_SPACED = re.compile(rf"(?<![{_P}\u200c])(ن?می) (?=[{_P}]{{2,}})")
_OLD_SUFFIX_SPACED = re.compile(rf"(?<=[{_P}]) (ها|های|هایی|هایم|هایت|هایش|تر|ترین)(?![{_P}\u200c])")
_OLD_PLURAL_GLUED = re.compile(rf"(?<![{_P}‌])([{_P}]{{3,}}?)(ها|های|هایی)(?![{_P}‌])")


def _old_mi_glued(match: re.Match[str]) -> str:
    prefix, rest = match.group(1), match.group(2)
    word = prefix + rest
    if word in _n._NOT_MI_VERBS or (prefix == "نمی" and "می" + rest in _n._NOT_MI_VERBS):
        return word
    for ending in ("ها", "های", "هایی", "ی"):
        if word.endswith(ending) and word[: -len(ending)] in _n._NOT_MI_VERBS:
            return word
    return word if len(rest) < 2 else prefix + ZWNJ + rest


def _old_plural_glued(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in _n._NOT_PLURALS or match.group(1)[-1] in _n._NON_JOINING:
        return word
    return match.group(1) + ZWNJ + match.group(2)


def _old_clean(text: str) -> str:
    text = _OLD_SPACES.sub(" ", unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).translate(_OLD_LETTERS)))
    text = _n._ZWNJ_EDGE.sub("", re.sub("\u200c+", ZWNJ, text))
    text = _OLD_SPACES.sub(" ", text)  # the idempotence fix (a joiner dropped between two spaces), kept
    text = _OLD_MI_SPACED.sub(lambda m: m.group(1) + ZWNJ, text)
    text = _OLD_MI_GLUED.sub(_old_mi_glued, text)
    text = _OLD_PLURAL_GLUED.sub(_old_plural_glued, text)
    return _OLD_SUFFIX_SPACED.sub(lambda m: ZWNJ + m.group(1), text).strip()


def _old_normalize(text: str) -> str:
    bare = unicodedata.normalize("NFC", text).translate(_OLD_LETTERS)
    bare = _n._MATCH_DROP.sub("", _n._DIACRITICS.sub("", bare))
    key = _old_clean(bare).translate(_OLD_DIGITS).translate(str.maketrans({"\u066b": ".", "\u066c": ","}))
    key = _n._MATCH_DROP.sub("", _n._DIACRITICS.sub("", key))
    return _OLD_SPACES.sub(" ", key).strip().casefold()


def _old_numbers(text: str) -> list[str]:
    """numbers() without its fast path: every text through the whole preparation."""
    return [_canonical(m.group()) for m in _numbers._NUMBER.finditer(_numbers._prepared(text))]


KEY_TEXT = TEXT | st.lists(PERSIAN | st.sampled_from(
    ["\t", "\n", "\r", "\x0b", "\x1c", "  ", "\u00a0", "\u2009", "\u3000", "\u200b", "\u200d", "\u200e", "\u2066",
     "A", "Ä", "ß", "İ", "ſ", "K", "1,5", "2.14 million", "Million", "هزار", " تر", "ترین", "ها ", "مي", "٫", "٬", "७"]),
    max_size=40).map("".join)


@settings(SETTINGS, max_examples=SETTINGS.max_examples * 5)
@given(KEY_TEXT)
@example("0 \u200c 0")
def test_normalize_clean_and_numbers_are_what_they_were_before_their_fast_paths(text: str) -> None:
    assert normalize(text) == _old_normalize(text)
    assert clean(text) == _old_clean(text)
    assert numbers(text) == _old_numbers(text)


# The spelling rules' pieces: verb prefixes and suffixes at a word's start, inside a word, after a
# joiner, a ن or a space; the words the rules leave alone.
RULE_TEXT = st.lists(st.sampled_from(
    ["ن", "می", "نمی", " ", "\u200c", "ا", "ک", "ت", "ر", "د", "ه", "ی", "م", "ها", "های", "هایی", "هایم", "تر",
     "ترین", " ها", " تر", "کند", "شود", "میز", "میلیون", "میوه", "x", "1", ".", "،", "زن", "کتاب", "انتها", "میان",
     "نمیر"]), max_size=14).map("".join)


@settings(SETTINGS, max_examples=SETTINGS.max_examples * 10)
@given(RULE_TEXT)
@example("زنمی کند")
@example("نمی کند")
@example("ننمیکند")
@example("نمیلیون و میزها")
def test_the_spelling_rules_found_by_their_literal_give_what_their_look_behind_patterns_gave(text: str) -> None:
    """The می and spaced-suffix rules start with a literal and look behind in Python (their
    patterns with a look-behind tried every position): no text may be spelled otherwise."""
    assert clean(text) == _old_clean(text)
