"""Where each character of a logical line is drawn: the layout behind the Persian text boxes.

``display.visual_line`` turns a line into the string a plain terminal shows right; a text box
also needs to know where each logical character lands, to draw its cursor and selection and to
map a click back to a position. ``layout`` computes the same picture with that map: letters
shaped (joined presentation forms, lam-alef ligatures), bidi levels from python-bidi's Unicode
algorithm (rules up to I2), then lines reordered (L1, L2) and brackets mirrored (L4) here, so the
permutation is known.

Zero-width and control characters (ZWNJ, ZWJ, bidi marks) are drawn as visible marks while
editing (``show_marks``): a Persian editor must see the ZWNJ in ``می‌دهد``. Harakat are not
drawn, as in the table (a terminal would attach them to the wrong letter once reordered).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rich.cells import cell_len

from workbench.text.protected import OPEN, TOKEN
from workbench.tui import bidi_legacy

ZWNJ, ZWJ = "\u200c", "\u200d"
# What a mark looks like while editing: a broken bar for the ZWNJ (a break inside a word).
MARKS_SHOWN = {ZWNJ: "¦"}
OTHER_MARK = "·"  # ZWJ, LRM/RLM, bidi embeddings and isolates, control characters
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u061c\ufeff\u202a-\u202e\u2066-\u2069]")
_HARAKAT = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d4-\u08ff]")
_LAM = "\u0644"
# lam + alef variant → (isolated, final) ligature
_LAM_ALEF = {"\u0627": ("\ufefb", "\ufefc"), "\u0622": ("\ufef5", "\ufef6"),
             "\u0623": ("\ufef7", "\ufef8"), "\u0625": ("\ufef9", "\ufefa")}


@dataclass(frozen=True)
class Layout:
    """One logical line as drawn: ``cells`` left to right, each (logical index, text, width),
    and per logical index the column of the glyph that draws it."""

    text: str
    rtl: bool  # paragraph direction
    cells: tuple[tuple[int, str, int], ...]
    columns: tuple[int, ...]  # logical index → column
    levels: tuple[int, ...]  # logical index → bidi level (odd: right to left)

    @property
    def width(self) -> int:
        return sum(w for _, _, w in self.cells)

    def cursor_column(self, position: int) -> int:
        """The column of a cursor before logical ``position`` (``len(text)``: after the last
        character, on its reading side, so it may be -1 or ``width``)."""
        if position < len(self.text):
            return self.columns[position]
        if not self.text:
            return -1 if self.rtl else 0
        last = len(self.text) - 1
        if self.levels[last] % 2:
            return self.columns[last] - 1
        return self.columns[last] + max(1, _drawn_width(self, last))

    def position_at(self, column: int) -> int:
        """The logical position a click on ``column`` puts the cursor at."""
        x = 0
        for index, _, width in self.cells:
            if x <= column < x + max(width, 1):
                return index
            x += width
        if not self.text:
            return 0
        # beyond the text: its end if that is the side clicked, else its start
        end_side_left = self.levels[-1] % 2 == 1
        return len(self.text) if (column < 0) == end_side_left else 0


def _drawn_width(layout: Layout, index: int) -> int:
    for i, _, width in layout.cells:
        if i == index:
            return width
    return 0


def is_mark(ch: str) -> bool:
    """A character drawn as a mark while editing (ZWNJ, ZWJ, bidi marks, controls)."""
    return _INVISIBLE.match(ch) is not None


def drawn_width(ch: str, *, show_marks: bool) -> int:
    """Cells a character takes in a text box (for wrapping)."""
    if _INVISIBLE.match(ch):
        return 1 if show_marks else 0
    if _HARAKAT.match(ch):
        return 0
    return cell_len(ch)


@functools.lru_cache(maxsize=2048)
def layout(text: str, *, rtl: bool, visual: bool = True, show_marks: bool = True) -> Layout:
    """The layout of one line. ``visual``: shaped and reordered (the app's visual mode);
    otherwise logical order (the terminal reorders it)."""
    glyphs = _glyphs(text, show_marks=show_marks, shape=visual)
    if visual:
        levels = _levels(text, rtl)
        order = _reorder(text, levels, rtl)
        glyphs = [_mirror(g) if levels[i] % 2 else g for i, g in enumerate(glyphs)]
    else:
        levels = [1 if rtl else 0] * len(text)
        order = list(range(len(text)))
    cells: list[tuple[int, str, int]] = []
    columns = [0] * len(text)
    x = 0
    pending: list[int] = []  # drawn by the next glyph (ligature halves, harakat)
    for index in order:
        glyph = glyphs[index]
        if not glyph:
            pending.append(index)
            continue
        width = cell_len(glyph)
        cells.append((index, glyph, width))
        columns[index] = x
        for other in pending:
            columns[other] = x
        pending.clear()
        x += width
    for other in pending:  # nothing drawn after them: attach to the last glyph
        columns[other] = max(0, x - 1)
    # a character drawn by a neighbour (the alef of a lam-alef): the column of its ligature
    for index, glyph in enumerate(glyphs):
        if not glyph and index > 0 and text[index] in _LAM_ALEF and glyphs[index - 1] in _LIGATURES:
            columns[index] = columns[index - 1]
    return Layout(text, rtl, tuple(cells), tuple(columns), tuple(levels))


_LIGATURES = {form for forms in _LAM_ALEF.values() for form in forms}
_MIRROR: dict[str, str] | None = None


def _mirror(glyph: str) -> str:
    global _MIRROR
    if _MIRROR is None:
        _MIRROR = bidi_legacy.mirrored()
    return _MIRROR.get(glyph, glyph) if len(glyph) == 1 else glyph


def _glyphs(text: str, *, show_marks: bool, shape: bool) -> list[str]:
    """What each logical character is drawn as ("" when another glyph draws it, or nothing)."""
    out = []
    for ch in text:
        if _INVISIBLE.match(ch):
            out.append(MARKS_SHOWN.get(ch, OTHER_MARK) if show_marks else "")
        elif _HARAKAT.match(ch):
            out.append("")
        elif ch == "\t":
            out.append(" ")
        else:
            out.append(ch)
    if shape:
        _shape_into(text, out)
    return out


def _shape_into(text: str, out: list[str]) -> None:
    """Arabic-script joining (the rules arabic-reshaper applies), letter by letter, so each
    glyph stays at its character's index; lam + alef becomes one ligature glyph."""
    from arabic_reshaper.letters import FINAL, INITIAL, ISOLATED, LETTERS_ARABIC, MEDIAL

    letters = LETTERS_ARABIC
    joins_before = [False] * len(text)
    joins_after = [False] * len(text)
    previous: int | None = None  # the last letter, harakat skipped
    for i, ch in enumerate(text):
        if _HARAKAT.match(ch):
            continue
        if ch == ZWJ:  # joins what is on both sides
            if previous is not None and _forms(letters, text[previous])[MEDIAL if joins_before[previous] else INITIAL]:
                joins_after[previous] = True
                previous = -1  # a marker: the next letter joins before
            continue
        forms = _forms(letters, ch)
        if previous is not None and ch in letters and (forms[FINAL] or forms[MEDIAL]):
            if previous == -1:
                joins_before[i] = True
            else:
                before = _forms(letters, text[previous])
                if before[MEDIAL if joins_before[previous] else INITIAL]:
                    joins_after[previous] = joins_before[i] = True
        previous = i if ch in letters and ch != ZWJ else None
    for i, ch in enumerate(text):
        if ch not in letters or ch == ZWJ or not out[i]:
            continue
        form = {(False, False): ISOLATED, (False, True): INITIAL, (True, True): MEDIAL,
                (True, False): FINAL}[(joins_before[i], joins_after[i])]
        out[i] = letters[ch][form] or letters[ch][ISOLATED] or ch
    for i, ch in enumerate(text):  # lam-alef: the lam draws the pair, the alef nothing
        if ch == _LAM and joins_after[i]:
            j = _next_letter(text, i)
            if j is not None and text[j] in _LAM_ALEF:
                out[i] = _LAM_ALEF[text[j]][1 if joins_before[i] else 0]
                out[j] = ""


def _forms(letters: dict, ch: str) -> tuple:
    return letters.get(ch, ("", "", "", ""))


def _next_letter(text: str, i: int) -> int | None:
    for j in range(i + 1, len(text)):
        if not _HARAKAT.match(text[j]):
            return j
    return None


def _levels(text: str, rtl: bool) -> list[int]:
    """Resolved bidi levels (rules P to I2 of UAX #9, python-bidi's pure implementation).
    Characters the algorithm sets aside (X9: ZWNJ, marks, embeddings, here made inert first)
    take the level of the character before them."""
    base = 1 if rtl else 0
    inert = _INVISIBLE.sub(ZWNJ, text.replace("\t", " "))
    resolved: list[int] = []
    for level in bidi_legacy.levels(inert, rtl):
        resolved.append(level if level is not None else resolved[-1] if resolved else base)
    # L1: whitespace and marks at the end of the line go back to the paragraph level
    for i in range(len(text) - 1, -1, -1):
        if not (text[i].isspace() or _INVISIBLE.match(text[i])):
            break
        resolved[i] = base
    _tokens_left_to_right(text, resolved)
    return resolved


def _tokens_left_to_right(text: str, levels: list[int]) -> None:
    """An inline-code token (``⟦/1⟧``) is drawn whole, as it is typed and as the English has it:
    it keeps its place among the Persian words (the level its brackets resolved to), but inside
    it reads left to right, unmirrored, as if isolated (LRI…PDI), so ``⟦/1⟧`` never shows as
    ``⟦1/⟧``."""
    if OPEN not in text:
        return
    for match in TOKEN.finditer(text):
        span = range(match.start(), match.end())
        level = min(levels[i] for i in span)
        for i in span:
            levels[i] = level + 1 if level % 2 else level


def _reorder(text: str, levels: list[int], rtl: bool) -> list[int]:
    """L2: from the highest level down to the lowest odd one, reverse every run at or above it."""
    order = list(range(len(text)))
    if not order:
        return order
    highest = max(levels)
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(highest, min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


def base_is_rtl(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character is Persian (P2, P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def wrap_spans(text: str, width: int, *, show_marks: bool = True) -> list[tuple[int, int]]:
    """Where a paragraph breaks into lines of at most ``width`` cells: [start, end) spans of
    the logical text, broken at spaces (the space at a break belongs to no line), a word
    longer than a line cut. Always at least one (possibly empty) span."""
    width = max(1, width)
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        used, end, last_space = 0, start, None
        while end < len(text):
            w = drawn_width(text[end], show_marks=show_marks)
            if used + w > width and end > start:
                break
            if text[end] == " ":
                last_space = end
            used += w
            end += 1
        if end >= len(text):
            spans.append((start, len(text)))
            return spans
        if text[end] == " ":
            spans.append((start, end))
            start = end + 1
        elif last_space is not None and last_space > start:
            spans.append((start, last_space))
            start = last_space + 1
        else:
            spans.append((start, end))
            start = end
