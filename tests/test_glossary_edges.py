"""The glossary's edges: files out and back in give exactly what went in (CSV, TSV, TBX, any
characters), spreadsheet formulas defused in CSV/TSV, and terms that could never be seen or
stored (nothing visible, NUL, ESC) refused in one line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.store import Workspace
from workbench.terms import glossary, make_entry
from workbench.terms.files import read_glossary, write_glossary

FORMATS = ("csv", "tsv", "tbx")
TRICKY = ["AT&T; Inc", "C|C++", 'say "hi"', "back\\slash", "ends\\", "a \\| b", "x;y|z\\;", "'s-Hertogenbosch",
          "''", "=1+2", "+98", "-minus", "@SUM(A1:A2)", "'=quoted", "<b>&amp;</b>", "]]>", "[/]", "[bold]x[/bold]"]


def stored(ws_path: Path) -> list[dict]:
    with Workspace(ws_path) as ws:
        return [e.content() for e in glossary.entries(ws)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tricky_terms_come_back_exactly_through_export_and_import(cli, ws_path: Path, tmp_path: Path,
                                                                   fmt: str) -> None:
    cli("glossary", "add", "واکسن", *TRICKY[:9], "--note", "back\\slash; a|b \"q\"", "--forbidden", "=bad")
    cli("glossary", "add", "قرنطینه", *TRICKY[9:], "--note", "=HYPERLINK(\"http://x\")", "--forbidden", "'s")
    cli("glossary", "add", "-- =کتاب", "book", "--note", "-")
    first = stored(ws_path)
    assert first[0]["en"] == TRICKY[:9]
    assert cli("glossary", "export", "-o", tmp_path / f"out.{fmt}").exit_code == 0
    other = tmp_path / "other.sqlite"
    result = cli("--ws", other, "glossary", "import", tmp_path / f"out.{fmt}")
    assert result.exit_code == 0, result.output
    assert stored(other) == first


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(cli, ws_path: Path, tmp_path: Path,
                                                               fmt: str) -> None:
    cli("glossary", "add", "کتاب", "=1+2", "book", "--note", "@cmd", "--forbidden", "+1")
    cli("glossary", "add", "قلم", "'s pen", "--note", "-2", "--forbidden", "'=x")
    cli("glossary", "add", "دفتر", "notebook", "--note", "plain")
    out = tmp_path / f"out.{fmt}"
    cli("glossary", "export", "-o", out)
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="," if fmt == "csv" else "\t"))
    assert rows[1] == ["کتاب", "'=1+2 | book", "'@cmd", "'+1"]
    assert rows[2] == ["قلم", "''s pen", "'-2", "''=x"]
    assert rows[3] == ["دفتر", "notebook", "plain", ""]
    cli("--ws", tmp_path / "back.sqlite", "glossary", "import", out)
    assert stored(tmp_path / "back.sqlite") == stored(ws_path)


def test_a_hand_made_file_keeps_a_leading_apostrophe_it_did_not_escape(cli, ws_path: Path, tmp_path: Path) -> None:
    (tmp_path / "terms.csv").write_text("fa,en\nشهر,'s-Hertogenbosch\n", encoding="utf-8")
    assert cli("glossary", "import", tmp_path / "terms.csv").exit_code == 0
    assert stored(ws_path)[0]["en"] == ["'s-Hertogenbosch"]


# Characters a term may hold, the separators, quotes, escapes and formula starts most often.
SPECIAL = st.sampled_from(list(";|\\\"',=+-@<>&[]/ \u200c\u200f\u202e") + ["]]>", "\\|", "\\;", "\\\\"])
ANY_CHAR = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
TERM = st.lists(st.one_of(SPECIAL, ANY_CHAR, st.sampled_from("abcXYZ")), min_size=1, max_size=10).map("".join)
PERSIAN = st.lists(st.one_of(SPECIAL, st.sampled_from("کتابقلمدفترشهر")), min_size=1, max_size=10).map("".join)


@st.composite
def entries(draw: st.DrawFn) -> list:
    made = {}
    for _ in range(draw(st.integers(1, 4))):
        try:
            entry = make_entry(draw(PERSIAN), draw(st.lists(TERM, max_size=3)),
                               forbidden=draw(st.lists(TERM, max_size=2)), note=draw(st.one_of(st.just(""), TERM)))
        except WorkbenchError:
            continue
        made.setdefault(entry.key, entry)
    assume(made)
    return list(made.values())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.filter_too_much])
@given(entries(), st.sampled_from(FORMATS))
def test_export_then_import_gives_the_same_glossary_for_any_characters(tmp_path: Path, made: list,
                                                                      fmt: str) -> None:
    path = tmp_path / f"glossary.{fmt}"
    write_glossary(made, path)
    assert [e.content() for e in read_glossary(path).entries] == [e.content() for e in made]


# -- terms that cannot be seen or stored ----------------------------------------------------------

@pytest.mark.parametrize("term", ["\u200b", "\u200c", "\ufeff", "\u200b\u200d \u2060"])
def test_an_english_term_with_nothing_visible_is_refused_in_one_line(cli, ws_path: Path, term: str) -> None:
    cli("glossary", "add", "کتاب", "book")
    result = cli("glossary", "add", "قلم", "pen", term)
    assert result.exit_code == 1
    assert result.output.startswith("workbench: error: ") and "nothing visible" in result.output
    assert result.output.count("\n") == 1
    assert [e["fa"] for e in stored(ws_path)] == ["کتاب"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("terms.csv", "fa,en\nکتاب,book\nقلم\x00,pen\n", "control character '\\x00'"),
    ("terms.tsv", "fa\ten\nکتاب\tbook\nقلم\tpen | \u200b\n", "nothing visible"),
    ("terms.tsv", "fa\ten\tforbidden\nکتاب\tbook\t\ufeff\n", "nothing visible"),
    ("terms.csv", "fa,en,note\nکتاب,book,red \x1b[31m\n", "control character '\\x1b'"),
    ("terms.tbx", '<martif type="TBX"><text><body><termEntry><langSet xml:lang="fa"><tig><term>کتاب</term></tig>'
                  '</langSet><langSet xml:lang="en"><tig><term>&#x200C;&#x200B;</term></tig></langSet></termEntry>'
                  "</body></text></martif>", "nothing visible"),
])
def test_a_file_with_such_a_term_imports_nothing(cli, ws_path: Path, tmp_path: Path, name: str, content: str,
                                                 message: str) -> None:
    cli("glossary", "add", "دفتر", "notebook")
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = cli("glossary", "import", tmp_path / name)
    assert result.exit_code == 1
    assert result.output.startswith("workbench: error: ") and message in result.output
    assert result.output.count("\n") == 1 and "\x1b" not in result.output
    assert [e["fa"] for e in stored(ws_path)] == ["دفتر"]
