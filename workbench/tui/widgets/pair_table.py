"""The pairs table: a line-API widget drawing only the rows on screen.

Rows come from a ``RowSource`` (pages read from SQLite on demand), so the table's cost does not
grow with the document. Line 0 is a fixed header; line ``y`` shows row ``scroll_y + y - 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.errors import WorkbenchError
from workbench.store import Pair
from workbench.tui.display import Mode, cell, pad
from workbench.tui.keys import TABLE_KEYS, bindings
from workbench.tui.rows import RowSource

STATUS_WIDTH = 10  # with a space each side: "approved", "rejected"
FLAGS_WIDTH = 9


@dataclass(frozen=True)
class Columns:
    number: int
    fa: int
    draft: int  # 0: no draft column
    en: int

    @classmethod
    def fit(cls, width: int, total: int, show_draft: bool) -> Columns:
        number = len(str(max(total, 1))) + 1
        seps = 4 if show_draft else 3  # bars between the text, status and QA columns
        free = max(12, width - number - STATUS_WIDTH - FLAGS_WIDTH - seps)
        if show_draft:
            fa = free * 36 // 100
            draft = free * 30 // 100
            return cls(number, fa, draft, free - fa - draft)
        fa = free // 2
        return cls(number, fa, 0, free - fa)


def padded(text: str, width: int, *, mode: Mode, rtl: bool = False) -> str:
    """A cell with one space of room on each side, ``width`` cells in all."""
    return " " + cell(text, width - 2, mode=mode, rtl=rtl) + " "


NOTE_MARK = "✎"  # the pair has a note
FLAG_MARK = "⚑"  # the pair has a flag ("ask the client"), with or without a note


def flags(pair: Pair) -> str:
    """The QA column: the bead shape when it is not 1-1, the number of QA flags, and a mark for
    a note or a flag."""
    parts = []
    if pair.shape != "1-1":
        parts.append(pair.shape)
    if pair.qa:
        parts.append(f"!{len(pair.qa)}")
    if pair.flag or pair.note:
        parts.append(FLAG_MARK if pair.flag else NOTE_MARK)
    return " ".join(parts)


class PairTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Persian | draft | English | status | QA, one row per pair, with a cursor row."""

    BINDINGS = bindings(TABLE_KEYS)
    COMPONENT_CLASSES = {
        "pair-table--header", "pair-table--cursor", "pair-table--mark", "pair-table--separator",
        "pair-table--approved", "pair-table--review", "pair-table--draft", "pair-table--rejected",
        "pair-table--flags", "pair-table--number",
    }
    DEFAULT_CSS = """
    PairTable {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        & > .pair-table--header { text-style: bold; background: $panel; }
        & > .pair-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .pair-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
        }
        & > .pair-table--mark { background: $secondary 35%; }
        & > .pair-table--separator { color: $foreground 25%; }
        & > .pair-table--approved { color: $success; }
        & > .pair-table--review { color: $warning; }
        & > .pair-table--draft { color: $foreground 60%; }
        & > .pair-table--rejected { color: $error; }
        & > .pair-table--flags { color: $warning; }
        & > .pair-table--number { color: $foreground 50%; }
    }
    """

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    def __init__(self, *, on_change: Callable[[Pair | None], None], mode: Mode = "visual",
                 id: str | None = None) -> None:
        """``on_change`` is called with the selected pair whenever the cursor moves to another
        pair or that pair changes. A direct call, not a message: the detail pane then redraws
        in the same frame as the table (one frame per key instead of two)."""
        super().__init__(id=id)
        self.on_change = on_change
        self.source: RowSource | None = None
        self.mode: Mode = mode
        self.show_draft = True
        self.mark: int | None = None  # row where a range starts (of ``mark_pair``; None if not shown)
        self.mark_pair: Pair | None = None
        self.empty_text = "No pairs."  # shown when the source has no rows
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._shown_pair: tuple | None = None  # (id, version, draft id) of the pair last announced

    # -- data ---------------------------------------------------------------------------------
    def set_source(self, source: RowSource, *, cursor: int = 0, show_draft: bool = True) -> None:
        self.source = source
        self.show_draft = show_draft
        self._strips.clear()
        self.virtual_size = Size(self.size.width, source.total + 1)
        self.set_reactive(PairTable.cursor, max(0, min(cursor, source.total - 1)))
        self._place_mark()
        self._scroll_to_cursor(center=True)
        self.refresh()
        self.announce(force=True)

    @property
    def current(self) -> Pair | None:
        return self.source.get(self.cursor) if self.source else None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a new theme: cached rows have the old colours

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self._strips.clear()
        self.refresh()

    def rows_changed(self, *, force: bool = False) -> None:
        """Cached rows were replaced or reloaded: redraw and tell the screen (``force``: even
        if the selected pair looks the same, e.g. once an edit in progress has ended)."""
        self._strips.clear()
        if self.source:
            self.virtual_size = Size(self.size.width, self.source.total + 1)
            if self.cursor >= self.source.total:
                self.set_reactive(PairTable.cursor, max(0, self.source.total - 1))
            self._place_mark()
        self._scroll_to_cursor()
        self.refresh()
        self.announce(force=force)

    def set_mark(self, on: bool) -> None:
        """Start (at the selected pair) or clear the range mark."""
        self.mark_pair = self.current if on else None
        self.mark = self.cursor if self.mark_pair else None
        self.rows_changed()

    def _place_mark(self) -> None:
        """The mark belongs to a pair, not a row: rows come and go (merges, splits, filters,
        another editor), and a realignment must start where the editor put the mark."""
        if self.mark_pair is None or self.source is None:
            return
        try:
            self.mark_pair = self.source.ws.pair(self.mark_pair.id)
        except WorkbenchError:  # merged away meanwhile
            self.mark_pair = self.mark = None
            return
        self.mark = self.source.index_of(self.mark_pair)

    def announce(self, force: bool = False) -> None:
        pair = self.current
        key = (pair.id, pair.version, pair.draft_id) if pair else None
        if force or key != self._shown_pair:
            self._shown_pair = key
            self.on_change(pair)

    # -- moving -------------------------------------------------------------------------------
    @property
    def rows_visible(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.announce()

    def validate_cursor(self, value: int) -> int:
        total = self.source.total if self.source else 0
        return max(0, min(value, total - 1))

    def _scroll_to_cursor(self, center: bool = False) -> None:
        top = round(self.scroll_y)
        if center and not (top <= self.cursor < top + self.rows_visible):
            self.scroll_to(y=max(0, self.cursor - self.rows_visible // 2), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + self.rows_visible:
            self.scroll_to(y=self.cursor - self.rows_visible + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self.rows_visible

    def action_page_up(self) -> None:
        self.cursor -= self.rows_visible

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = (self.source.total if self.source else 1) - 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.cursor = round(self.scroll_y) + offset.y - 1

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        if self.source:
            self.virtual_size = Size(self.size.width, self.source.total + 1)
        self._scroll_to_cursor()

    # -- drawing ------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        total = self.source.total if self.source else 0
        columns = Columns.fit(width, self.source.largest_number if self.source else 0, self.show_draft)
        if y == 0:
            return self._header(columns, width)
        index = round(self.scroll_y) + y - 1
        pair = self.source.get(index) if self.source else None
        if pair is None:
            if y == 2 and total == 0:
                return Strip([Segment("  " + self.empty_text, self.rich_style + self._fg("draft"))]).adjust_cell_length(
                    width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        marked = self.mark is not None and min(self.mark, self.cursor) <= index <= max(self.mark, self.cursor)
        key = (pair.id, pair.version, pair.draft_id, index, width, self.mode, selected, marked, self.show_draft,
               self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._row(pair, index, columns, width, selected, marked)
            self._strips[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"pair-table--{name}")

    def _fg(self, name: str) -> Style:
        """Only the colour and weight of a component: drawn over the row's own background."""
        style = self._style(name)
        return Style(color=style.color, bold=style.bold, dim=style.dim, italic=style.italic)

    def _header(self, columns: Columns, width: int) -> Strip:
        style = self._style("header")
        cells = [(pad("#", columns.number - 1, right=True) + " ", style),
                 (padded("Persian", columns.fa, mode="terminal"), style)]
        if columns.draft:
            cells.append((padded("Draft", columns.draft, mode="terminal"), style))
        cells += [(padded("English", columns.en, mode="terminal"), style),
                  (padded("Status", STATUS_WIDTH, mode="terminal"), style),
                  (padded("QA", FLAGS_WIDTH, mode="terminal"), style)]
        return self._join(cells, width, style)

    def _row(self, pair: Pair, index: int, columns: Columns, width: int, selected: bool, marked: bool) -> Strip:
        base = self.rich_style
        if marked:
            base += self._style("mark")
        if selected:
            base += self._style("cursor")

        def fg(name: str) -> Style:  # the cursor bar keeps its own colour: green on cyan cannot be read
            return Style() if selected else self._fg(name)

        number = self.source.number(index, pair) if self.source else index + 1
        cells = [(pad(str(number), columns.number - 1, right=True) + " ", base + fg("number")),
                 (padded(pair.fa, columns.fa, mode=self.mode, rtl=True), base)]
        if columns.draft:
            cells.append((padded(pair.draft or "", columns.draft, mode=self.mode), base + fg("draft")))
        cells += [(padded(pair.en, columns.en, mode=self.mode), base),
                  (padded(pair.status, STATUS_WIDTH, mode="terminal"), base + fg(pair.status)),
                  (padded(flags(pair), FLAGS_WIDTH, mode="terminal"), base + fg("flags"))]
        return self._join(cells, width, base)

    def _join(self, cells: list[tuple[str, Style]], width: int, style: Style) -> Strip:
        separator = Segment("│", style + self._fg("separator"))
        segments: list[Segment] = []
        for i, (text, cell_style) in enumerate(cells):
            if i > 1:  # no bar after the row number
                segments.append(separator)
            segments.append(Segment(text, cell_style))
        return Strip(segments).adjust_cell_length(width, style)
