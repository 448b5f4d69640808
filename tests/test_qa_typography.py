"""QA rules on punctuation, spacing, capitals, repeated words and quotes (issue 19): each rule a
finding a user sees on a pair, and the real-text cases that must stay quiet."""

from __future__ import annotations

import json

import pytest

from tests.test_qa import checks_of
from workbench.store import Workspace


@pytest.mark.parametrize(("fa", "en", "check", "words"), [
    # no space after a full stop (TICO-19 has ~190 of these)
    ("درمان توصیه می‌شود.", "It needs therapy.Recommended doses vary.", "spaces", ["therapy.Recommended"]),
    ("در سال ۲۰۲۰ آغاز شد.", "It began in 2020.The virus spread.", "spaces", ["2020.The"]),
    # end punctuation and Persian punctuation in the English
    ("آیا تب دارید؟", "Do you have a fever.", "punctuation", ["question in the Persian"]),
    ("او تب دارد.", "Does he have a fever?", "punctuation", ["question in the English"]),
    ("او رفت. او به تهران رفت.", "He left. He went to Tehran", "punctuation", ["'.'", "no end punctuation"]),
    ("او، به تهران رفت.", "He، went to Tehran.", "punctuation", ["'،'"]),
    ("او گفت «برو».", "He said «go».", "punctuation", ["'«'"]),
    ("آیا او رفت؟", "Did he go؟", "punctuation", ["'؟'"]),
    # a quoted question the English no longer asks, and a lowercase start after a quoted statement
    ("او پرسید: «چرا؟»", "He asked why.", "punctuation", ["question in the Persian"]),
    ("او گفت: «برو.» او رفت.", '"Go." he went.', "capitalization", ["'he'"]),
    # capitals: a sentence start, an acronym's case
    ("او به تهران رفت.", "he went to Tehran.", "capitalization", ["'he'"]),
    ("او رفت. او ماند.", "He went. she stayed.", "capitalization", ["'she'"]),
    ("گزارش WHO منتشر شد.", "The Who report was published.", "capitalization", ["'WHO'", "'Who'"]),
    ("بیماری COVID-19 شایع است.", "Covid-19 is widespread.", "capitalization", ["'COVID-19'", "'Covid-19'"]),
    # what stays an error
    ("او به تهران رفت.", "He went to a a house.", "repeated-word", ["a a"]),
    ("او به تهران رفت.", "He went right right away.", "repeated-word", ["right right"]),
    ("او گفت برو.", 'He said "go to Tehran.', "brackets", ['"']),
])
def test_rule_fires(ws: Workspace, fa: str, en: str, check: str, words: list[str]) -> None:
    found = checks_of(ws, fa, en)
    assert check in found, found
    assert all(w in found[check] for w in words), found[check]


@pytest.mark.parametrize(("fa", "en"), [
    # abbreviations, initials, decimals, web addresses: no missing space
    ("مثلاً در آمریکا.", "For example, e.g. in the U.S. and the U.K. today."),
    ("یعنی ۲٫۵ درصد.", "That is, i.e. 2.5 percent."),
    ("به سایت who.int بروید.", "Go to who.int or www.CDC.Gov for details."),
    ("به https://example.org/News.Html بروید.", "See https://example.org/News.Html for more."),
    ("دکترای او.", "His Ph.D thesis was done."),
    # initials and set phrases meeting on one word
    ("حسین ع ع گفت.", "Hussein A A said so."),
    ("الان حالم خوب است.", "I am all right right now."),
    # a quote opened in the previous segment
    ("ما در خانه می‌مانیم.", "we will stay home,\" he said.".capitalize()),
    ("ما در خانه می‌مانیم.", "We will stay home,” he said."),
    # sentence ends the Persian has none of, a heading, "e.g. the" and brands
    ("علائم بیماری", "Symptoms of the disease"),
    ("کنترل خطرات محیط کار برای کووید-۱۹.", "Workplace hazard controls for COVID-19"),  # a heading
    ("مثلاً داروها.", "Drugs, e.g. the antivirals."),
    ("آیفون او.", "iPhone sales fell."),
    ("آیا او رفت؟", "Did he go?”"),
    ("خبر CBS NEWS.", "CBS News reported it."),
    ("گزارش WHO منتشر شد.", "The WHO report was published."),
    # news (bench/data/news/politics): the reporting clause moved after a quoted question
    ("یکی از نمایندگان خوزستان پرسید: «چرا مردم اهواز در گرمای 50 درجه باید ساعت‌ها بدون برق بمانند؟»",
     '"Why should the people of Ahvaz go without electricity for hours in 50-degree heat?" asked a lawmaker '
     'from Khuzestan.'),
    ("او فریاد زد: «بایستید!»", "“Stop!” shouted the guard."),
])
def test_real_text_stays_quiet(ws: Workspace, fa: str, en: str) -> None:
    assert checks_of(ws, fa, en) == {}


@pytest.mark.parametrize("en", [
    "and reducing infant mortality at home births.",  # the rest of the segment before's sentence
    "in the development and manufacture of a vaccine.",
    "digital surveillance would have to avoid discrimination;",  # a list item
    "businesses need local government permission to re-open",
])
def test_a_segment_continuing_a_sentence_may_start_lowercase(ws: Workspace, en: str) -> None:
    assert "capitalization" not in checks_of(ws, "و کاهش مرگ و میر نوزادان هنگام زایمان در خانه", en)


def test_qa_names_the_new_checks_from_the_cli(cli, tmp_path) -> None:
    (tmp_path / "t.tsv").write_text(
        "fa\ten\n"
        "درمان توصیه می‌شود. دوز آن فرق دارد.\tIt needs therapy.Recommended doses vary.\n"
        "آیا تب دارید؟\tDo you have a fever.\n"
        "گزارش WHO منتشر شد.\tThe Who report was published.\n"
        "مثلاً در آمریکا ۲٫۵ درصد.\tE.g. in the U.S. it is 2.5 percent.\n", encoding="utf-8")
    assert cli("import", tmp_path / "t.tsv").exit_code == 0
    result = cli("qa", "--json", "--check", "spaces", "--check", "punctuation", "--check", "capitalization")
    assert result.exit_code == 0
    got = {(r["pair"], r["check"]) for r in json.loads(result.output)}
    assert got == {(1, "spaces"), (2, "punctuation"), (3, "capitalization")}
