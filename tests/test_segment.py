"""Sentence segmentation: the cases a Persian news editor meets, and F1 on the gold set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.text import segment, segment_paragraphs


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
    # "و ..." / "و …" is "etc.": the sentence goes on (also inside brackets).
    ("قیمت برنج، روغن و ... بالا رفت. بعد", ["قیمت برنج، روغن و ... بالا رفت.", "بعد"]),
    ("نمادها (خودرو، خساپا و …) افت کردند. بعد", ["نمادها (خودرو، خساپا و …) افت کردند.", "بعد"]),
    # A stop with nothing before it but a bracket or an opening quote ends nothing.
    ("این «اصلاح» (!) نام گرفت. بعد", ["این «اصلاح» (!) نام گرفت.", "بعد"]),
    ("او گفت: «... ما ادامه (...) می‌دهیم.» بعد", ["او گفت: «... ما ادامه (...) می‌دهیم.»", "بعد"]),
    # Inline list numbers after ":" "،" "و".
    ("سه محور دارد: ۱. تورم، ۲. اشتغال و ۳. تولید. بعد", ["سه محور دارد: ۱. تورم، ۲. اشتغال و ۳. تولید.", "بعد"]),
    ("تعداد آنها به ۱۲ رسید. ۳ نفر", ["تعداد آنها به ۱۲ رسید.", "۳ نفر"]),
    # Latin initials spelled in Persian, spaced or glued; او/وی/دی/سی only next to another initial.
    ("جی. دی. ونس و جورج دبلیو. بوش آمدند. بعد", ["جی. دی. ونس و جورج دبلیو. بوش آمدند.", "بعد"]),
    # suffixes typed after a space instead of a ZWNJ are not letter names
    ("ایران برنامه هسته ای. او گفت", ["ایران برنامه هسته ای.", "او گفت"]),
    ("من این را گفته ام. او رفت", ["من این را گفته ام.", "او رفت"]),
    ("شبکه سی.ان.ان و (اف.بی.آی) گزارش دادند. بعد", ["شبکه سی.ان.ان و (اف.بی.آی) گزارش دادند.", "بعد"]),
    ("کتاب را به او. بعد", ["کتاب را به او.", "بعد"]),
    ("او گل زد. بازی تمام شد.", ["او گل زد.", "بازی تمام شد."]),
    # ?/! closing a title quoted after a noun does not end the sentence; speech after ":" does.
    ("فیلم «آیا باران می‌بارد؟» برنده شد. بعد", ["فیلم «آیا باران می‌بارد؟» برنده شد.", "بعد"]),
    ("نمایش «هملت!» اجرا شد.", ["نمایش «هملت!» اجرا شد."]),
    ("«ما قهرمان می‌شویم!» این جمله او بود.", ["«ما قهرمان می‌شویم!»", "این جمله او بود."]),
    ("پرسید که «مقصر کیست؟» پاسخی نیامد.", ["پرسید که «مقصر کیست؟»", "پاسخی نیامد."]),
    # Typos: ?/! glued to the next word, a space before a glued stop.
    ("مسئول کیست؟هیچ‌کس نمی‌داند!همه ساکت‌اند؟!بله", ["مسئول کیست؟", "هیچ‌کس نمی‌داند!", "همه ساکت‌اند؟!", "بله"]),
    ("منتقل شدند .علت روشن نیست.", ["منتقل شدند .", "علت روشن نیست."]),
    # English: abbreviations that can end a sentence, numbers after No./ext.
    ("It ended at 11:30 a.m. Nobody spoke. He was born in the U.S. He moved.",
     ["It ended at 11:30 a.m.", "Nobody spoke.", "He was born in the U.S.", "He moved."]),
    ("Mr. Smith left No. 10 at 9 a.m. on Monday. The answer was no. He left.",
     ["Mr. Smith left No. 10 at 9 a.m. on Monday.", "The answer was no.", "He left."]),
    ("Call ext. 12 now. Vice President J. D. Vance and U.S. officials met.",
     ["Call ext. 12 now.", "Vice President J. D. Vance and U.S. officials met."]),
    ("As in Fig. S1 and Nos. 4-6 of vol. II. Fine.", ["As in Fig. S1 and Nos. 4-6 of vol. II.", "Fine."]),
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


def test_many_quotes_on_one_line_segment() -> None:
    line = "فیلم «چرا؟» برنده شد. " * 100_000  # each title quote is looked up, not rescanned
    assert len(segment(line)) == 100_000


@pytest.mark.parametrize("source", ["seed-article.txt", "hard-cases.txt", "tico19-news.txt", "news-hard.txt"])
def test_boundary_f1_on_each_gold_set(source: str) -> None:
    from tests.segment_gold import GOLD, SOURCES, read_gold, score

    assert source in SOURCES
    paragraphs = read_gold(GOLD / source)
    tp, fp, fn = score(paragraphs, segment)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    assert tp + fn >= 25 and len(paragraphs) >= 25  # the gold set is really there


def test_segment_piped_into_a_reader_that_stops_is_quiet(tmp_path: Path) -> None:
    import subprocess

    text = tmp_path / "long.txt"
    text.write_text("این یک جمله است. " * 10 + "\n" + "جمله دیگر.\n" * 50_000, encoding="utf-8")  # > a pipe buffer
    workbench = Path(sys.executable).with_name("workbench")
    proc = subprocess.Popen([str(workbench), "segment", str(text)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().decode().strip() == "این یک جمله است."  # `| head -1`
    proc.stdout.close()
    assert proc.stderr.read().decode() == ""  # no "workbench: error: Broken pipe", no traceback
    assert proc.wait() == 141
