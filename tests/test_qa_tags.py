"""The `tags` check and the token scanner it shares with the XLIFF import (workbench/text/tokens.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TICO_GZ, run_workbench
from workbench.qa.tags import tags
from workbench.text.protected import token
from workbench.text.tokens import CODE, EMAIL, INLINE, PLACEHOLDER, URL, scan


@pytest.mark.parametrize(("text", "kind", "token"), [
    ("see https://who.int/news/item-1.", URL, "https://who.int/news/item-1"),
    ("در https://www.ncbi.nlm.nih.gov/pubmed/)، آمده", URL, "https://www.ncbi.nlm.nih.gov/pubmed/"),
    ("mail info@who.int today", EMAIL, "info@who.int"),
    ("HCoV-NL63 was isolated", CODE, "HCoV-NL63"),
    ("کد NL۶۳ است", CODE, "NL۶۳"),
    ("the ISBN-10 of it", CODE, "ISBN-10"),
    ("Hello {{ limit }} items", PLACEHOLDER, "{{ limit }}"),
    ("Hello {name}!", PLACEHOLDER, "{name}"),
    ("printf %s and", PLACEHOLDER, "%s"),
    ("printf %1$s and", PLACEHOLDER, "%1$s"),
    ("printf %(count)d and", PLACEHOLDER, "%(count)d"),
    ("a ⟦1⟧bold⟦/1⟧ word", INLINE, "⟦1⟧"),
])
def test_scanner_finds_each_kind(text: str, kind: str, token: str) -> None:
    assert (kind, token) in [(t.kind, t.text) for t in scan(text)]


@pytest.mark.parametrize("text", ["50% of the 10th case in the 1930s", "5mg twice", "a 100%s", "COVID"])
def test_scanner_leaves_ordinary_text(text: str) -> None:
    assert scan(text) == []


def test_inline_code_forms() -> None:
    # The scanner finds the tokens XLIFF import writes (text/protected.py: one notation).
    assert (token(1), token(1, closing=True)) == ("⟦1⟧", "⟦/1⟧")
    assert [t.text for t in scan("a ⟦1⟧b⟦/1⟧ c ⟦2⟧")] == ["⟦1⟧", "⟦/1⟧", "⟦2⟧"]


@pytest.mark.parametrize(("fa", "en", "message"), [
    ("حداکثر {{ limit }} مورد", "At most {{limit}} items", "placeholder `{{limit}}` for placeholder `{{ limit }}` in the English"),
    ("سلام {name}", "Hello", "placeholder `{name}` missing from the English"),
    ("سلام %1$s و %2$s", "Hello %1$s", "placeholder `%2$s` missing from the English"),
    ("سلام", "Hello %s", "placeholder `%s` in the English, not in the Persian"),
    ("به https://who.int بروید", "Go to https://who.com.", "url `https://who.int` missing from the English"),
    ("نشانی info@who.int", "Write to info@who.org", "email `info@who.int` missing from the English"),
    ("کتاب ISBN-10 است", "The ISBN10 book", "code `ISBN10` for code `ISBN-10` in the English"),
    ("HCoV-NL6 جدا شد", "HCoV-NL63 was isolated", "code `HCoV-NL6` missing from the English"),
    ("یک ⟦1⟧کلمه⟦/1⟧ پررنگ", "a bold ⟦1⟧word", "inline `⟦/1⟧` missing from the English"),
    ("یک کلمه", "a ⟦3⟧ word", "inline `⟦3⟧` in the English, not in the Persian"),
])
def test_tags_names_what_is_missing_or_changed(fa: str, en: str, message: str) -> None:
    assert message in tags(fa, en)


@pytest.mark.parametrize(("fa", "en"), [
    ("حداکثر {{ limit }} مورد", "At most {{ limit }} items"),
    ("کد NL۶۳ است", "The code NL63"),  # digits of any script
    ("SARS-CoV-2 و SARS-CoV-2", "SARS-CoV-2 and the latter"),  # a code counts once
    ("آنتی‌بادی ضد IL6", "an anti-IL6 antibody"),  # inside a hyphenated word
    ("کرونا", "COVID-19 is here"),  # a code the English adds
    ("به سایت بروید", "Go to www.CDC.Gov for details."),  # an address the English adds
    ("به https://who.int/ بروید", "Go to https://who.int."),  # a final slash, the full stop
    ("یک ⟦1⟧کلمه⟦/1⟧ پررنگ", "a bold ⟦1⟧word⟦/1⟧"),
])
def test_tags_lets_faithful_tokens_pass(fa: str, en: str) -> None:
    assert tags(fa, en) == []


def test_tags_from_the_cli(tmp_path: Path) -> None:
    tsv = tmp_path / "t.tsv"
    tsv.write_text("حداکثر {{ limit }} مورد\tAt most {{limit}} items\nسلام {name}\tHello {name}\n", encoding="utf-8")
    wsf = tmp_path / "w.sqlite"
    assert run_workbench("import", tsv, "--ws", wsf, cwd=tmp_path).returncode == 0
    done = run_workbench("qa", "--json", "--check", "tags", "--ws", wsf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert [(f["pair"], f["check"], f["severity"]) for f in found] == [(1, "tags", "error")]
    assert "`{{limit}}` for placeholder `{{ limit }}`" in found[0]["message"]


def test_tags_adds_no_false_alarm_on_tico() -> None:
    """TICO-19 as it is: the two findings are real differences of the corpus (`HCoV-NL6` for
    NL63, `.ARCoV2` for ARCoV.2); the count may only go down."""
    from workbench.formats.tmx import read_tmx

    flagged = {i + 1 for i, u in enumerate(read_tmx(TICO_GZ)) if tags(u.fa, u.en)}
    assert flagged == {489, 647}


@pytest.mark.parametrize(("fa", "en"), [
    ("یک ⟦1⟧کلمه⟦/1⟧ پررنگ", "a bold word"),
    ("سلام %1$s و %2$s", "Hello %1$s"),
    ("به https://who.int/page/2019 بروید", "Go to the page"),
])
def test_a_lost_token_is_tags_alone_not_number_too(fa: str, en: str) -> None:
    """Digits inside inline codes, placeholders and addresses are no numbers of the sentence."""
    from workbench.qa.text_checks import number

    assert tags(fa, en) and number(fa, en) == []
    assert number(fa + " ۵", en + " 6")  # the sentence's own numbers are still compared
