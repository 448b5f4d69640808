"""Sentence segmentation: the cases a Persian news editor meets, and F1 on the gold set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.text import segment, segment_paragraphs

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text, expected", [
    ("سلام دنیا. این یک آزمایش است!", ["سلام دنیا.", "این یک آزمایش است!"]),
    ("آیا آمد؟ بله آمد.", ["آیا آمد؟", "بله آمد."]),
    ("واقعاً؟! باورم نمی‌شود.", ["واقعاً؟!", "باورم نمی‌شود."]),
    ("او گفت: «این مهم است.» سپس رفت.", ["او گفت: «این مهم است.»", "سپس رفت."]),
    ("او پرسید: «چرا؟» کسی پاسخ نداد.", ["او پرسید: «چرا؟»", "کسی پاسخ نداد."]),
    ('He said "Yes." Then he left.', ['He said "Yes."', "Then he left."]),
    ("نرخ تورم ۳۹٫۵ درصد و قبلاً 40.2 درصد بود. بانک اعلام کرد.", ["نرخ تورم ۳۹٫۵ درصد و قبلاً 40.2 درصد بود.", "بانک اعلام کرد."]),
    ("قیمت ۲.۵ دلار است.", ["قیمت ۲.۵ دلار است."]),
    ("جلسه ساعت 10:30 آغاز شد. پایان یافت.", ["جلسه ساعت 10:30 آغاز شد.", "پایان یافت."]),
    ("نشانی https://example.com/a.b.html است. بعدی", ["نشانی https://example.com/a.b.html است.", "بعدی"]),
    ("متن در https://example.ir/x منتشر شد. بعد", ["متن در https://example.ir/x منتشر شد.", "بعد"]),
    ("به info@news.example.ir بنویسید. ممنون", ["به info@news.example.ir بنویسید.", "ممنون"]),
    ("دکتر م. رضایی توضیح داد. او استاد است.", ["دکتر م. رضایی توضیح داد.", "او استاد است."]),
    ("در سال ۵۵۰ ق.م ساخته شد. امروز پابرجاست.", ["در سال ۵۵۰ ق.م ساخته شد.", "امروز پابرجاست."]),
    ("حدود ۳۳۰ ق.م. ویران شد. بعد", ["حدود ۳۳۰ ق.م. ویران شد.", "بعد"]),
    ("جمهوری اسلامی (ج.ا.ا) اعلام کرد. بعد", ["جمهوری اسلامی (ج.ا.ا) اعلام کرد.", "بعد"]),
    ("Mr. Smith met Dr. J. R. Brown in the U.S. yesterday. They talked.",
     ["Mr. Smith met Dr. J. R. Brown in the U.S. yesterday.", "They talked."]),
    ("Use e.g. the default. Fine.", ["Use e.g. the default.", "Fine."]),
    ("درباره مذاکرات گفت... او جزئیاتی نگفت.", ["درباره مذاکرات گفت...", "او جزئیاتی نگفت."]),
    ("او آمد...و رفت.", ["او آمد...و رفت."]),
    ("«هرگز»؛ این جمله وزیر بود.", ["«هرگز»؛ این جمله وزیر بود."]),
    ("ساخت ۳ سال طول کشید.هزینه آن زیاد بود.", ["ساخت ۳ سال طول کشید.", "هزینه آن زیاد بود."]),
    ("تکثیر می‌شوند. mRNA ها رونوشت هستند.", ["تکثیر می‌شوند.", "mRNA ها رونوشت هستند."]),
    ("1. افزایش حقوق کارکنان", ["1. افزایش حقوق کارکنان"]),
    ("۲. کاهش مالیات. بند بعدی", ["۲. کاهش مالیات.", "بند بعدی"]),
])
def test_sentence_cases(text: str, expected: list[str]) -> None:
    assert segment(text) == expected


def test_lines_are_paragraphs_and_never_joined() -> None:
    text = "تیتر خبر\n\nمتن اول. متن دوم\n- بند فهرست\n(منبع: ایرنا) |\n"
    assert segment_paragraphs(text) == [["تیتر خبر"], ["متن اول.", "متن دوم"], ["- بند فهرست"], ["(منبع: ایرنا) |"]]


def test_text_is_unchanged_apart_from_trimming() -> None:
    text = "  مي‌رود  کتاب ها.   بعدي\u200c! "
    assert segment(text) == ["مي‌رود  کتاب ها.", "بعدي\u200c!"]


def test_ten_megabyte_line_segments() -> None:
    line = "این یک جمله است. " * 600_000
    assert len(segment(line)) == 600_000


def test_boundary_f1_on_the_gold_set() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from segment_eval import GOLD, SOURCES, read_gold, score

    tp = fp = fn = 0
    for source in SOURCES:
        counts = score(read_gold(GOLD / source), segment)
        tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    assert tp > 1000  # the gold set is really there
