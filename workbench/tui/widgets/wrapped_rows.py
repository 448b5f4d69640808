"""The wrapped view of the pairs table (InterText's parallel view): each pair on as many lines
as its longest side needs, so whole sentences can be read and compared.

Rows still come one page at a time from SQLite; only the rows on screen are wrapped. The table
scrolls by rows: its first visible row is ``scroll_y``, and the lines on screen are laid out
from it down (``screen_lines``), so a 100k-pair document costs what the screen shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.cache import LRUCache

from workbench.store import Pair
from workbench.tui.display import Mode, has_rtl, pad, wrap


@dataclass(frozen=True)
class RowLines:
    """The wrapped text of one row, each line exactly its column's width (less the padding)."""

    fa: tuple[str, ...]
    draft: tuple[str, ...]
    en: tuple[str, ...]

    @property
    def height(self) -> int:
        return max(len(self.fa), len(self.draft), len(self.en), 1)

    def line(self, side: str, k: int, width: int) -> str:
        lines = getattr(self, side)
        return lines[k] if k < len(lines) else " " * width


class WrappedRows:
    def __init__(self) -> None:
        self._cache: LRUCache[tuple, RowLines] = LRUCache(512)

    def clear(self) -> None:
        self._cache.clear()

    def lines(self, pair: Pair, widths: tuple[int, int, int], mode: Mode) -> RowLines:
        """``widths``: the text widths of the Persian, draft (0: none) and English columns."""
        key = (pair.id, pair.version, pair.draft_id, widths, mode)
        found = self._cache.get(key)
        if found is None:
            fa, draft, en = widths
            found = RowLines(_cell_lines(pair.fa, fa, mode, rtl=True),
                             _cell_lines(pair.draft or "", draft, mode) if draft else (),
                             _cell_lines(pair.en, en, mode))
            self._cache[key] = found
        return found


def _cell_lines(text: str, width: int, mode: Mode, *, rtl: bool = False) -> tuple[str, ...]:
    width = max(1, width)
    lines = wrap(text, width, mode=mode, rtl=rtl) if text.strip() else [""]
    return tuple(pad(line, width, right=rtl and mode == "visual" and has_rtl(line)) for line in lines)


def screen_lines(top: int, total: int, available: int, height: Callable[[int], int]) -> list[tuple[int, int]]:
    """The (row, line of the row) shown on each of ``available`` screen lines, from row ``top``."""
    out: list[tuple[int, int]] = []
    row = top
    while len(out) < available and row < total:
        out += [(row, k) for k in range(height(row))]
        row += 1
    return out[:available]


def top_for(cursor: int, top: int, available: int, height: Callable[[int], int], *, center: bool = False) -> int:
    """The first row to show so the cursor's row is on screen, whole if it fits: unchanged if
    it already is, else moved as little as possible (``center``: the cursor a third down)."""
    if center:
        top, used = cursor, height(cursor)
        while top > 0 and used + height(top - 1) <= available // 3:
            top -= 1
            used += height(top)
        return top
    if cursor < top:
        return cursor
    top = max(top, cursor - available + 1)  # every row takes a line at least
    used = sum(height(row) for row in range(top, cursor + 1))
    while top < cursor and used > available:
        used -= height(top)
        top += 1
    return top


def rows_shown(top: int, total: int, available: int, height: Callable[[int], int]) -> int:
    """How many rows from ``top`` fit whole on screen (at least one): a page."""
    used = count = 0
    row = top
    while row < total:
        used += height(row)
        if used > available:
            break
        count += 1
        row += 1
    return max(1, count)
