"""Normalization and segmentation properties (hypothesis) and the Persian cases behind them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.text import clean, normalize, numbers, segment

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
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


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
