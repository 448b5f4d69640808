"""A key word in context: one table cell with the hit at a fixed column and as much of the
sentence on each side as fits, so a column of results lines their hits up.

English (and any text in the ``terminal`` display mode) reads left to right: what comes before
the hit is on its left. Persian in the ``visual`` mode reads right to left: what comes before the
hit is on its right, and each piece is shaped and reordered on its own (display.visual_line), so
the hit stays where the column puts it whatever the bidi algorithm does with the rest.
"""

from __future__ import annotations

from rich.cells import cell_len

from workbench.tui.display import (
    ELLIPSIS,
    Mode,
    cell,
    pad,
    sanitize,
    truncate,
    visual_line,
)

LEAD = 0.4  # the share of the cell before the hit (left in English, right in Persian)

Segment = tuple[str, bool]  # (text as drawn, is the hit)


def _clean(text: str) -> str:
    return " ".join(sanitize(text).split())


def tail(text: str, width: int) -> str:
    """The logical end of ``text`` that fits ``width`` cells, with an ellipsis before it if cut."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    used, start = 0, len(text)
    for i in range(len(text) - 1, -1, -1):
        used += cell_len(text[i])
        if used > width - 1:
            break
        start = i
    return ELLIPSIS + text[start:].lstrip()


def kwic(text: str, span: tuple[int, int] | None, width: int, *, mode: Mode, rtl: bool) -> list[Segment]:
    """``text`` as segments filling exactly ``width`` cells, the hit ``span`` (offsets in
    ``text``) at the concordance column; without a span, the start of the text as a plain cell."""
    if span is None or width < 8:
        return [(cell(text, width, mode=mode, rtl=rtl), False)]
    before, hit, after = (_clean(part) for part in (text[:span[0]], text[span[0]:span[1]], text[span[1]:]))
    # A space between the hit and its context where the text has one ("Kazakhstan," stays joined).
    gap_before = " " if before and text[:span[0]][-1:].isspace() else ""
    gap_after = " " if after and text[span[1]:][:1].isspace() else ""
    hit = truncate(hit, max(1, width - 4))
    hit_width = cell_len(hit)
    lead = min(round(width * LEAD), width - hit_width - 1)
    rest = width - lead - hit_width
    if mode == "visual" and rtl:
        before_shown = visual_line(tail(before, lead - len(gap_before)), rtl=True) if before else ""
        after_shown = visual_line(truncate(after, rest - len(gap_after)), rtl=True) if after else ""
        return [(pad(after_shown + gap_after, rest, right=True), False),
                (visual_line(hit, rtl=True), True),
                (pad(gap_before + before_shown, lead), False)]
    shown = (lambda s: visual_line(s, rtl=False)) if mode == "visual" else (lambda s: s)
    return [(pad(shown(tail(before, lead - len(gap_before))) + gap_before if before else "", lead, right=True), False),
            (shown(hit), True),
            (pad(gap_after + shown(truncate(after, rest - len(gap_after))) if after else "", rest), False)]
