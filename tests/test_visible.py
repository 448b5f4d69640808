"""has_visible: whether a side shows anything (an empty-looking side is stored as empty)."""

from __future__ import annotations

import sys

from hypothesis import given, strategies as st

from workbench.text import visible
from workbench.text.visible import has_visible


def scanned(text: str) -> bool:
    """The whole scan, without the shortcut for a text starting with a letter or digit."""
    return visible._NOTHING_VISIBLE.fullmatch(text) is None


def test_the_letters_and_digits_that_show_nothing_are_the_shortcuts_exceptions() -> None:
    """A text starting with a letter or digit is visible without a scan, but for the fillers
    (Hangul's) that are letters a reader does not see: every such character, and only those."""
    invisible = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isalnum() and not scanned(chr(c))}
    assert invisible == visible._INVISIBLE_ALNUM == {"\u115f", "\u1160", "\u3164", "\uffa0"}


def test_a_side_of_fillers_joiners_and_spaces_shows_nothing() -> None:
    assert not has_visible("\u3164\u200c \u115f")
    assert not has_visible("\uffa0")
    assert has_visible("\u3164a") and has_visible("کتاب") and has_visible("\u200cکتاب")


@given(st.text(alphabet=st.sampled_from(["a", "ک", "۱", "\u3164", "\u115f", "\u1160", "\uffa0", "\u200c",
                                         "\u200b", " ", "\t", "\u00ad", "\ufeff", "\u061c", "x"]), max_size=6)
       | st.text(max_size=6))
def test_the_shortcut_answers_as_the_scan(text: str) -> None:
    assert has_visible(text) is scanned(text)
