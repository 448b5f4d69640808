"""Right-to-left text for the terminal, at render time only (stored text stays logical).

Neither Rich nor Textual reorders bidirectional text, and terminals differ: most (xterm,
kitty, alacritty, tmux panes) draw cells left to right as given, a few (Konsole, mlterm,
GNOME's VTE) reorder RTL runs themselves. Two display modes follow:

- ``visual``: the app shapes Persian letters (arabic-reshaper: joined presentation forms) and
  reorders each line (python-bidi: the Unicode bidi algorithm, brackets mirrored), so a
  plain terminal shows it right. Truncation and wrapping happen in logical order first, then each
  line is reordered, so a cut or a line break never lands in the middle of a reordered run.
- ``terminal``: logical order, unshaped; the terminal does the rest.

In both modes, bidi control characters found in the data (embeddings, overrides, isolates)
are removed for display, so a stray U+202E cannot flip the rest of a row, and widths are
measured with ``rich.cells.cell_len`` on the string that is actually drawn.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from rich.cells import cell_len

from workbench.text.protected import OPEN, TOKEN
from workbench.tui import bidi_legacy
from workbench.tui.bidi_layout import layout

Mode = Literal["visual", "terminal"]
MODES: tuple[Mode, ...] = ("visual", "terminal")
ELLIPSIS = "…"

_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# Explicit embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069): never drawn,
# never allowed to steer the layout.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Control characters would move the terminal cursor: shown as spaces.
_C0 = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Zero-width marks (ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, BOM): they steer shaping and the bidi
# algorithm, then are removed from the drawn line (terminals disagree on their width).
_MARKS = re.compile(r"[\u200b-\u200f\u061c\ufeff]")


def has_rtl(text: str) -> bool:
    return _RTL.search(text) is not None


_STRONG = re.compile(r"[A-Za-z\u00c0-\u024f]|" + _RTL.pattern)


def paragraph_rtl(text: str) -> bool:
    """Whether a paragraph of either language reads right to left: its first letter is Persian
    (the bidi algorithm's rule P2), e.g. a note written in Persian with an English name in it."""
    first = _STRONG.search(text)
    return first is not None and has_rtl(first.group())


def sanitize(text: str) -> str:
    """Text safe to put in one terminal row: no bidi controls, no control characters."""
    return _C0.sub(" ", _BIDI_CONTROLS.sub("", text))


@functools.lru_cache(maxsize=8192)
def _shape(text: str) -> str:
    from arabic_reshaper import reshape

    return reshape(text)


@functools.lru_cache(maxsize=8192)
def _reorder(text: str, base: str) -> str:
    # The pure-Python algorithm of python-bidi: unlike the compiled ``bidi.get_display`` (0.6)
    # it mirrors brackets and quotes in RTL runs (rule L4), so "(NATO)" stays "(NATO)".
    return _MARKS.sub("", bidi_legacy.display(text, base))


def visual_line(text: str, *, rtl: bool) -> str:
    """One logical line as drawn in visual mode: shaped and reordered with an RTL (Persian)
    or LTR (English) paragraph direction. Lines without RTL letters come back unchanged."""
    if not has_rtl(text):
        return _MARKS.sub("", text)
    if OPEN in text:  # inline-code tokens: drawn whole, left to right (bidi_layout knows them)
        return "".join(glyph for _, glyph, _ in layout(text, rtl=rtl, show_marks=False).cells)
    return _reorder(_shape(text), "R" if rtl else "L")


def shown_line(text: str, mode: Mode, *, rtl: bool = False) -> str:
    """One line of text (a label naming a Persian document, say) as drawn in ``mode``."""
    line = " ".join(sanitize(text).split())
    return visual_line(line, rtl=rtl) if mode == "visual" else line


def truncate(text: str, width: int) -> str:
    """The logical start of ``text`` that fits ``width`` cells, with an ellipsis if cut."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    head = _take(text, width - 1)
    if OPEN in head:  # never half an inline-code token ("⟦/1"): cut before it
        cut = next((m.start() for m in TOKEN.finditer(text) if m.start() < len(head) < m.end()), len(head))
        head = head[:cut]
    return head.rstrip() + ELLIPSIS


def _take(text: str, width: int) -> str:
    """The longest start of ``text`` that fits ``width`` cells."""
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            return text[:i]
    return text


def cell(text: str, width: int, *, mode: Mode, rtl: bool = False) -> str:
    """``text`` as one table cell exactly ``width`` cells wide. Persian cells (``rtl``) are
    right-aligned in visual mode, as a Persian reader expects."""
    line = " ".join(sanitize(text).split())
    line = truncate(line, width)
    if mode == "visual":
        line = visual_line(line, rtl=rtl)
        right = rtl and has_rtl(line)
    else:
        right = False
    return pad(line, width, right=right)


def pad(line: str, width: int, *, right: bool = False) -> str:
    gap = max(0, width - cell_len(line))
    return " " * gap + line if right else line + " " * gap


def wrap(text: str, width: int, *, mode: Mode, rtl: bool = False) -> list[str]:
    """``text`` as display lines of at most ``width`` cells. Wrapping happens on the logical
    text (each paragraph by words), then every line is reordered on its own: the first words
    of an RTL paragraph end up at the right of the first line, as on paper."""
    width = max(1, width)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n") if text else [""]:
        paragraph = " ".join(sanitize(paragraph).split())
        # Every line of a Persian paragraph is right-aligned, one of Latin words only too.
        right = rtl and has_rtl(paragraph)
        for line in _wrap_logical(paragraph, width):
            if mode == "visual":
                lines.append(pad(visual_line(line, rtl=rtl), width, right=right))
            else:
                lines.append(line)
    return lines


def _wrap_logical(text: str, width: int) -> list[str]:
    if not text:
        return [""]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        while cell_len(word) > width:  # a word longer than a line: cut it
            if current:
                lines.append(current)
                current = ""
            head = _take(word, width) or word[:1]
            lines.append(head)
            word = word[len(head):]
        candidate = f"{current} {word}" if current else word
        if current and cell_len(candidate) > width:
            lines.append(current)
            candidate = word
        current = candidate
    if current:
        lines.append(current)
    return lines
