"""Right-to-left display helpers: what the terminal is sent, cell for cell."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from workbench.errors import WorkbenchError
from workbench.tui.config import load_config
from workbench.tui.display import cell, sanitize, visual_line, wrap

MIXED = "روسیه و قزاقستان ۱۲ سند همکاری در سال 2023 امضا کردند (NATO) و می‌گویند."
WORDS = ["روسیه", "و", "قزاقستان", "۱۲", "سند", "همکاری", "در", "سال", "2023", "امضا", "کردند", "(NATO)"]


def unshape(text: str) -> str:
    """Presentation forms back to base letters (NFKC), so tests can look for words."""
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def test_visual_line_reverses_persian_words_but_not_numbers_or_latin() -> None:
    shown = unshape(visual_line("سال 2023 و NATO", rtl=True))
    # Read left to right on screen: the last logical word first, digits and Latin intact.
    assert shown == "NATO و 2023 لاس"


def test_brackets_are_mirrored_in_rtl_text() -> None:
    assert unshape(visual_line("با (توکایف) دیدار", rtl=True)) == "رادید (فیاکوت) اب"
    assert "(NATO)" in visual_line(MIXED, rtl=True)


def test_letters_are_shaped_into_joined_forms() -> None:
    shown = visual_line("کتاب", rtl=True)
    assert shown != "باتک" and unshape(shown) == "باتک"  # presentation forms, reversed
    assert all("\ufb50" <= ch <= "\ufeff" for ch in shown)
    # Lam-alef becomes one ligature: one cell fewer, and widths are measured after shaping.
    assert cell_len(visual_line("سلام", rtl=True)) == 3
    assert cell("سلام", 6, mode="visual", rtl=True) == "   " + visual_line("سلام", rtl=True)


def test_english_cells_and_lines_without_rtl_are_untouched() -> None:
    assert visual_line("Putin met Tokayev (2023).", rtl=False) == "Putin met Tokayev (2023)."
    assert cell("Hello", 8, mode="visual") == "Hello   "


def test_persian_name_inside_english_keeps_the_english_order() -> None:
    shown = unshape(visual_line("He visited تهران today.", rtl=False))
    assert shown.startswith("He visited ") and shown.endswith(" today.")
    assert "نارهت" in shown


@pytest.mark.parametrize("width", [1, 5, 12, 30, 80])
@pytest.mark.parametrize("mode", ["visual", "terminal"])
def test_cells_are_exactly_as_wide_as_asked(width: int, mode: str) -> None:
    for text in (MIXED, "Putin said 12 agreements were signed.", "", "کِتاب‌ها", "\u202eevil\u202c ۱۲۳"):
        assert cell_len(cell(text, width, mode=mode, rtl=True)) == width
        assert cell_len(cell(text, width, mode=mode)) == width


def test_truncation_keeps_the_logical_start_and_puts_the_ellipsis_at_the_end_of_reading() -> None:
    shown = cell(MIXED, 20, mode="visual", rtl=True)
    assert shown.startswith("…")  # the end of an RTL line is at its left
    assert unshape(shown).endswith("هیسور")  # the first word at the right edge


def test_persian_cells_are_right_aligned_in_visual_mode_only() -> None:
    assert cell("سلام", 10, mode="visual", rtl=True).startswith("      ")
    assert cell("سلام", 10, mode="terminal", rtl=True) == "سلام      "


def test_terminal_mode_sends_logical_order() -> None:
    assert cell("سال 2023", 12, mode="terminal", rtl=True).rstrip() == "سال 2023"


def test_bidi_controls_in_data_are_removed_for_display() -> None:
    evil = "abc\u202edef\u202c \u2067x\u2069 \u200fy"
    assert sanitize(evil) == "abcdef x \u200fy"
    for mode in ("visual", "terminal"):
        shown = cell(evil, 20, mode=mode)
        assert not any(ch in shown for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "\x1b" not in cell("red \x1b[31m text\n", 20, mode="visual")


def test_wrapping_an_rtl_paragraph_starts_at_the_right_of_the_first_line() -> None:
    lines = wrap(MIXED, 24, mode="visual", rtl=True)
    assert len(lines) > 2
    assert all(cell_len(line) == 24 for line in lines)
    first = unshape(lines[0])
    assert first.rstrip().endswith("هیسور")  # "روسیه", the first word, at the right
    # Every word appears once, whole, on some line (no word is split by reordering).
    joined = " ".join(unshape(line) for line in lines)
    for word in WORDS:
        shown = word if not any("\u0600" <= ch <= "\u06ff" for ch in word) or word.isdigit() else word[::-1]
        if word == "(NATO)":
            shown = "(NATO)"
        assert shown in joined, word


def test_wrapping_in_terminal_mode_keeps_logical_lines() -> None:
    lines = wrap(MIXED, 24, mode="terminal", rtl=True)
    assert " ".join(lines) == MIXED
    assert all(cell_len(line) <= 24 for line in lines)


def test_config_file_and_environment(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[display]\nrtl = "terminal"\n[keys]\napprove = "space, a"\nnope = "z"\n')
    config = load_config(path, env={})
    assert config.rtl == "terminal"
    assert config.keys == {"approve": "space,a"}
    assert any("nope" in w for w in config.warnings)
    assert load_config(path, env={"WORKBENCH_RTL": "visual"}).rtl == "visual"
    with pytest.raises(WorkbenchError, match="WORKBENCH_RTL"):
        load_config(path, env={"WORKBENCH_RTL": "sideways"})
    path.write_text("[display\n")
    with pytest.raises(WorkbenchError, match="config.toml"):
        load_config(path, env={})
    assert load_config(tmp_path / "missing.toml", env={}).rtl == "visual"


def test_wrap_keeps_paragraph_breaks() -> None:
    assert [line.rstrip() for line in wrap("first line\nsecond\x1b line", 30, mode="visual")] == [
        "first line", "second line"]  # the escape character is shown as a space, spaces collapse


def test_config_advance_must_be_a_boolean(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[review]\nadvance = "false"\n')
    with pytest.raises(WorkbenchError, match=r"advance must be true or false, not 'false'"):
        load_config(path, env={})
    path.write_text("[review]\nadvance = false\n")
    assert load_config(path, env={}).advance is False


def test_a_cell_cut_short_never_shows_half_an_inline_code_token() -> None:
    """A Persian cell cut at the column's width ends before a token the cut would split (⟦/1
    drawn alone would read as nonsense), in both display modes."""
    text = "برای اطلاعات بیشتر ⟦1⟧اینجا⟦/1⟧ را ببینید."
    for width in range(len("برای اطلاعات بیشتر ⟦1⟧اینجا") + 1, len("برای اطلاعات بیشتر ⟦1⟧اینجا⟦/1⟧") + 1):
        for mode in ("visual", "terminal"):
            shown = cell(text, width, mode=mode, rtl=True)
            assert shown.count("⟦") == shown.count("⟧") and "⟦/" not in shown.replace("⟦/1⟧", ""), (width, shown)
