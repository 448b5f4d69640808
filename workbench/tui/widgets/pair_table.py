"""The pairs table: a line-API widget drawing only the rows on screen.

Rows come from a ``RowSource`` (pages read from SQLite on demand), so the table's cost does not
grow with the document. Line 0 is a fixed header; line ``y`` shows row ``scroll_y + y - 1``, or,
in the wrapped view (``wrapped``), a line of a row as laid out from row ``scroll_y`` down
(``wrapped_rows``).
"""

from __future__ import annotations

from collections.abc import Callable

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
from workbench.tui.display import Mode, pad
from workbench.tui.keys import TABLE_KEYS, bindings
from workbench.tui.labels import status_label
from workbench.tui.qa_view import qa_count
from workbench.tui.rows import RowSource
from workbench.tui.widgets.columns import STATUS_WIDTH, Columns, flags, padded
from workbench.tui.widgets.wrapped_rows import RowLines, WrappedRows, rows_shown, screen_lines, top_for

class PairTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Persian | draft | English | status | QA, one row per pair, with a cursor row."""

    BINDINGS = bindings(TABLE_KEYS)
    COMPONENT_CLASSES = {
        "pair-table--header", "pair-table--cursor", "pair-table--mark", "pair-table--separator",
        "pair-table--approved", "pair-table--review", "pair-table--draft", "pair-table--rejected",
        "pair-table--flags", "pair-table--number", "pair-table--alt",
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
        & > .pair-table--alt { background: $foreground 6%; }
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
        self.wrapped = False  # each pair on as many lines as its sentences need
        self._wrapped_rows = WrappedRows()
        self._shown: tuple[tuple, list[tuple[int, int]]] | None = None  # wrapped: the screen's lines

    # -- data ---------------------------------------------------------------------------------
    def set_source(self, source: RowSource, *, cursor: int = 0, show_draft: bool = True) -> None:
        self.source = source
        self.show_draft = show_draft
        self._forget_drawn()
        self._set_virtual_size()
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
        self._forget_drawn()  # a new theme: cached rows have the old colours

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self._forget_drawn()
        self.refresh()

    def set_wrapped(self, wrapped: bool) -> None:
        """Switch between one line a pair and the wrapped view."""
        self.wrapped = wrapped
        self._forget_drawn()
        self._set_virtual_size()
        self._scroll_to_cursor(center=True)
        self.refresh()

    def rows_changed(self, *, force: bool = False) -> None:
        """Cached rows were replaced or reloaded: redraw and tell the screen (``force``: even
        if the selected pair looks the same, e.g. once an edit in progress has ended)."""
        self._forget_drawn()
        if self.source:
            self._set_virtual_size()
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
    def lines_available(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    @property
    def rows_visible(self) -> int:
        """Rows on screen (wrapped: those shown whole from the top): a page."""
        if not self.wrapped or self.source is None:
            return self.lines_available
        return rows_shown(round(self.scroll_y), self.source.total, self.lines_available, self._height)

    def _height(self, index: int) -> int:
        """Lines of row ``index`` in the wrapped view."""
        pair = self.source.get(index) if self.source else None
        return self._lines(pair).height if pair is not None else 1

    def _columns(self) -> Columns:
        largest = self.source.largest_number if self.source else 0
        show_flags = self.source.has_flags() if self.source else False
        return Columns.fit(self.scrollable_content_region.width, largest, self.show_draft, show_flags)

    def _lines(self, pair: Pair, columns: Columns | None = None) -> RowLines:
        return self._wrapped_rows.lines(pair, (columns or self._columns()).text_widths, self.mode)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.announce()

    def validate_cursor(self, value: int) -> int:
        total = self.source.total if self.source else 0
        return max(0, min(value, total - 1))

    def _scroll_to_cursor(self, center: bool = False) -> None:
        top = round(self.scroll_y)
        if self.wrapped and self.source is not None and self.source.total:
            new = top_for(self.cursor, top, self.lines_available, self._height, center=center)
            if new != top:
                self.scroll_to(y=new, animate=False, immediate=True)
            return
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
        if offset is None or offset.y < 1:
            return
        if self.wrapped and self.source is not None:
            shown = self._screen_lines()
            if offset.y - 1 < len(shown):
                self.cursor = shown[offset.y - 1][0]
            return
        self.cursor = round(self.scroll_y) + offset.y - 1

    def _screen_lines(self) -> list[tuple[int, int]]:
        """(row, line of the row) per screen line, laid out once per frame, not once per line."""
        total = self.source.total if self.source else 0
        key = (round(self.scroll_y), total, self.lines_available, self.scrollable_content_region.width)
        if self._shown is None or self._shown[0] != key:
            self._shown = (key, screen_lines(key[0], total, self.lines_available, self._height))
        return self._shown[1]

    def _forget_drawn(self) -> None:
        """Rows changed (or their look): drop the cached lines."""
        self._strips.clear()
        self._shown = None

    def on_resize(self, event: events.Resize) -> None:
        self._forget_drawn()
        if self.source:
            self._set_virtual_size()
        self._scroll_to_cursor()

    def _set_virtual_size(self) -> None:
        # Scrolling is by rows; wrapped, the last row may be the first one shown.
        extra = self.lines_available - 1 if self.wrapped else 0
        self.virtual_size = Size(self.size.width, self.source.total + 1 + extra if self.source else 1)

    # -- drawing ------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        total = self.source.total if self.source else 0
        columns = self._columns()
        if y == 0:
            return self._header(columns, width)
        line = 0
        if self.wrapped and total:
            shown = self._screen_lines()
            if y - 1 >= len(shown):
                return Strip.blank(width, self.rich_style)
            index, line = shown[y - 1]
        else:
            index = round(self.scroll_y) + y - 1
        pair = self.source.get(index) if self.source else None
        if pair is None:
            if y == 2 and total == 0:
                return Strip([Segment("  " + self.empty_text, self.rich_style + self._fg("draft"))]).adjust_cell_length(
                    width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        qa = qa_count(self, pair)
        if not columns.flags and flags(pair, qa) and self.source is not None:  # flags where there were none
            self.source.flags_seen()
            self._forget_drawn()
            self.refresh()
        selected = index == self.cursor
        marked = self.mark is not None and min(self.mark, self.cursor) <= index <= max(self.mark, self.cursor)
        key = (pair.id, pair.version, pair.draft_id, index, width, self.mode, selected, marked, columns,
               self.has_focus, self.wrapped, line, qa)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._row(pair, index, columns, width, selected, marked, line, qa)
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
                  (padded("Status", STATUS_WIDTH, mode="terminal"), style)]
        if columns.flags:
            cells.append((padded("QA", columns.flags, mode="terminal"), style))
        return self._join(cells, width, style)

    def _row(self, pair: Pair, index: int, columns: Columns, width: int, selected: bool, marked: bool,
             line: int = 0, qa: int | None = None) -> Strip:
        base = self.rich_style
        if self.wrapped and index % 2:
            base += self._style("alt")
        if marked:
            base += self._style("mark")
        if selected:
            base += self._style("cursor")

        def fg(name: str) -> Style:  # the cursor bar keeps its own colour: green on cyan cannot be read
            return Style() if selected else self._fg(name)

        first = line == 0
        number = str(self.source.number(index, pair) if self.source else index + 1) if first else ""
        if self.wrapped:
            lines = self._lines(pair, columns)
            fa_w, draft_w, en_w = columns.text_widths
            texts = [f" {lines.line('fa', line, fa_w)} ", f" {lines.line('draft', line, draft_w)} ",
                     f" {lines.line('en', line, en_w)} "]
        else:
            texts = [padded(pair.fa, columns.fa, mode=self.mode, rtl=True),
                     padded(pair.draft or "", columns.draft, mode=self.mode) if columns.draft else "",
                     padded(pair.en, columns.en, mode=self.mode)]
        cells = [(pad(number, columns.number - 1, right=True) + " ", base + fg("number")), (texts[0], base)]
        if columns.draft:
            cells.append((texts[1], base + fg("draft")))
        cells += [(texts[2], base),
                  (padded(status_label(pair.status) if first else "", STATUS_WIDTH, mode="terminal"),
                   base + fg(pair.status))]
        if columns.flags:
            cells.append((padded(flags(pair, qa) if first else "", columns.flags, mode="terminal"), base + fg("flags")))
        return self._join(cells, width, base)

    def _join(self, cells: list[tuple[str, Style]], width: int, style: Style) -> Strip:
        separator = Segment("│", style + self._fg("separator"))
        segments: list[Segment] = []
        for i, (text, cell_style) in enumerate(cells):
            if i > 1:  # no bar after the row number
                segments.append(separator)
            segments.append(Segment(text, cell_style))
        return Strip(segments).adjust_cell_length(width, style)
