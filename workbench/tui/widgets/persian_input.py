"""A text box that shows Persian as it reads: Textual's ``Input`` draws what is typed in
logical order, so in visual mode (xterm, kitty, tmux…) Persian came out unjoined and left to
right. ``PersianInput`` keeps all of ``Input`` (value, selection, clipboard, messages) and
draws through ``bidi_layout``: shaped and reordered in visual mode, right-aligned when the text
reads right to left, with the cursor and selection on the right letters.

The ZWNJ (zero-width non-joiner, the half-space of ``می‌دهد``) is shown as ``¦`` and can be
typed with shift+space or ctrl+space (xterm sends ctrl+space as ctrl+@) as well as from a
Persian keyboard layout. ``multiline`` wraps the text over the box's height (the Persian editor
of the detail pane); up and down move between its lines.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets._input import Selection

from workbench.tui.bidi_layout import ZWJ, ZWNJ, Layout, base_is_rtl, is_mark, layout, wrap_spans
from workbench.tui.keys import TEXT_KEYS, bindings

class PersianInput(Input):
    """An ``Input`` drawn right to left where the text is Persian."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(TEXT_KEYS) + [
        Binding("up", "line(-1)", "Line up", show=False),
        Binding("down", "line(1)", "Line down", show=False),
    ]
    COMPONENT_CLASSES = Input.COMPONENT_CLASSES | {"persian-input--mark"}
    DEFAULT_CSS = """
    PersianInput > .persian-input--mark { color: $accent; text-style: bold; }
    """

    def __init__(self, value: str | None = None, *, rtl: bool | None = None, multiline: bool = False,
                 mode: str = "visual", **kwargs) -> None:
        """``rtl``: the paragraph direction (None: from the first strong letter, as the
        Unicode algorithm does); ``mode``: "visual" or "terminal" (the app's display mode)."""
        # Set first: Input.__init__ sets the value, which may already measure and draw.
        self.rtl = rtl
        self.multiline = multiline
        self.mode = mode
        self._top = 0  # first line shown (multiline)
        self._left = 0  # first column shown (one line wider than the box)
        super().__init__(value, **kwargs)

    def on_mount(self) -> None:
        if hasattr(self.app, "rtl_mode"):
            self.mode = self.app.rtl_mode
            self.watch(self.app, "rtl_mode", self._mode_changed, init=False)

    def _mode_changed(self, mode: str) -> None:
        self.mode = mode
        self.refresh()

    # -- what is drawn where --------------------------------------------------------------------
    @property
    def reads_rtl(self) -> bool:
        return self.rtl if self.rtl is not None else base_is_rtl(self.value)

    @property
    def _width(self) -> int:
        return max(2, self.scrollable_content_region.width)

    def _spans(self) -> list[tuple[int, int]]:
        if not self.multiline:
            return [(0, len(self.value))]
        return wrap_spans(self.value, self._width - 1)

    def _layout(self, start: int, end: int) -> Layout:
        return layout(self.value[start:end], rtl=self.reads_rtl, visual=self.mode == "visual")

    def _origin(self, line: Layout) -> int:
        """The column where a line starts: right-aligned when it reads right to left, one cell
        kept free on its end side for the cursor."""
        if line.rtl and self.mode == "visual":
            return max(1, self._width - line.width)
        return 0

    def _cursor_place(self) -> tuple[int, int]:
        """(line, column in the box) of the cursor."""
        spans = self._spans()
        position = self.cursor_position
        row = _line_of(spans, position)
        start, end = spans[row]
        line = self._layout(start, end)
        return row, self._origin(line) + line.cursor_column(position - start)

    def _scroll_into_view(self, row: int, column: int, rows: int) -> None:
        if row < self._top:
            self._top = row
        elif row >= self._top + rows:
            self._top = row - rows + 1
        if not self.multiline:
            if column < self._left:
                self._left = column
            elif column >= self._left + self._width:
                self._left = column - self._width + 1

    # -- drawing --------------------------------------------------------------------------------
    def get_content_height(self, container, viewport, width: int) -> int:
        if not self.multiline:
            return 1
        return len(wrap_spans(self.value, max(1, width - 1)))

    @property
    def content_width(self) -> int:
        return self._width  # drawn within the box: no horizontal scrolling of Input's own

    def render_line(self, y: int) -> Strip:
        if not self.value:
            return super().render_line(y) if y == 0 else Strip.blank(self.size.width, self.rich_style)
        width = self._width
        spans = self._spans()
        cursor_row, cursor_column = self._cursor_place()
        self._scroll_into_view(cursor_row, cursor_column, max(1, self.scrollable_content_region.height))
        row = self._top + y
        base = self.rich_style
        if row >= len(spans):
            return Strip.blank(width, base)
        start, end = spans[row]
        line = self._layout(start, end)
        origin = self._origin(line)
        mark = self.get_component_rich_style("persian-input--mark")
        cursor_style = self.get_component_rich_style("input--cursor")
        selected_style = self.get_component_rich_style("input--selection")
        low, high = sorted(self.selection)
        cursor_here = self.has_focus and self._cursor_visible and row == cursor_row
        segments: list[Segment] = []
        column = origin  # columns of the whole line; the box shows them from self._left
        for index, glyph, cells in line.cells:
            style = base
            logical = start + index
            if is_mark(self.value[logical]):
                style += mark
            if self.has_focus and low <= logical < high:
                style += selected_style
            if cursor_here and column == cursor_column:
                style += cursor_style
            segments.append(Segment(glyph, style))
            column += cells
        shift = origin - self._left
        strip = Strip([Segment(" " * shift, base), *segments]) if shift >= 0 else Strip(segments).crop(-shift)
        strip = strip.extend_cell_length(width, base)
        if cursor_here and not origin <= cursor_column < origin + line.width:
            # after the last letter (or on an empty line): the cursor takes a cell of its own
            at = cursor_column - self._left
            if 0 <= at < width:
                strip = Strip.join([strip.crop(0, at), Strip([Segment(" ", base + cursor_style)]),
                                    strip.crop(at + 1, width)])
        return strip.crop(0, width)

    @property
    def _cursor_offset(self) -> int:
        return self._cursor_place()[1] - self._left

    @property
    def cursor_screen_offset(self) -> Offset:
        x, y, _, _ = self.content_region
        row, column = self._cursor_place()
        return Offset(x + column - self._left, y + row - self._top)

    # -- typing and moving ----------------------------------------------------------------------
    async def _on_key(self, event: events.Key) -> None:
        # A Persian keyboard types the ZWNJ (shift+space) as a character that Input, which
        # takes only printable ones, would drop.
        if event.character in (ZWNJ, ZWJ):
            event.stop()
            event.prevent_default()
            self._insert(event.character)
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        if self.multiline and event.text:  # one paragraph: the lines of a pasted text joined
            self._insert(" ".join(event.text.split("\n")))
            event.stop()
            return
        super()._on_paste(event)

    def _insert(self, text: str) -> None:
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)

    def action_insert_zwnj(self) -> None:
        self._insert(ZWNJ)

    def _visual_rtl(self) -> bool:
        return self.mode == "visual" and self.reads_rtl

    # In a line that reads right to left, ← moves on in the text and → back.
    def action_cursor_left(self, select: bool = False) -> None:
        (super().action_cursor_right if self._visual_rtl() else super().action_cursor_left)(select)

    def action_cursor_right(self, select: bool = False) -> None:
        (super().action_cursor_left if self._visual_rtl() else super().action_cursor_right)(select)

    def action_cursor_left_word(self, select: bool = False) -> None:
        (super().action_cursor_right_word if self._visual_rtl() else super().action_cursor_left_word)(select)

    def action_cursor_right_word(self, select: bool = False) -> None:
        (super().action_cursor_left_word if self._visual_rtl() else super().action_cursor_right_word)(select)

    def action_line(self, step: int) -> None:
        """Up or down a wrapped line, to the letter nearest the same column."""
        spans = self._spans()
        row, column = self._cursor_place()
        target = row + step
        if not 0 <= target < len(spans):
            return
        start, end = spans[target]
        line = self._layout(start, end)
        self.cursor_position = start + min(line.position_at(column - self._origin(line)), end - start)

    def _cell_offset_to_index(self, offset: int) -> int:
        return self._position_at(offset, 0)

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        self._pause_blink(visible=True)
        offset = event.get_content_offset_capture(self)
        self.selection = Selection.cursor(self._position_at(offset.x, offset.y))
        self._selecting = True
        self.capture_mouse()

    async def _on_mouse_move(self, event: events.MouseMove) -> None:
        if self._selecting:
            offset = event.get_content_offset_capture(self)
            self.selection = Selection(self.selection.start, self._position_at(offset.x, offset.y))

    def _position_at(self, x: int, y: int) -> int:
        spans = self._spans()
        row = max(0, min(len(spans) - 1, self._top + y))
        start, end = spans[row]
        line = self._layout(start, end)
        return start + min(line.position_at(x + self._left - self._origin(line)), end - start)


def _line_of(spans: list[tuple[int, int]], position: int) -> int:
    """The line a cursor position is on: the first whose end it does not pass."""
    for row, (start, end) in enumerate(spans):
        if position <= end:
            return row
    return len(spans) - 1
