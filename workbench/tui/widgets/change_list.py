"""The preview of a find-and-replace: every pair that would change, as "pair N of 'doc'" and
the change in context (removed words struck through in red, added ones in green). A line-API
widget: only the lines on screen are drawn, so a preview of 50,000 pairs scrolls like one of 5."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.store.edits import Replacement
from workbench.tui.display import Mode, shown_line, truncate
from workbench.tui.widgets.diff import diff_excerpt, wrap_styled

BLOCK = 3  # lines per change: where, then the change in up to two lines


class ChangeList(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    ChangeList { height: 1fr; min-height: 6; border: round $panel; scrollbar-size-vertical: 1; }
    ChangeList:focus { border: round $accent; }
    """
    BINDINGS = [("down,j", "scroll_down", "Down"), ("up,k", "scroll_up", "Up"),
                ("pagedown", "page_down", "Page down"), ("pageup", "page_up", "Page up")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.changes: list[Replacement] = []
        self.labels: dict[int, str] = {}  # pair id → "pair N of 'doc'"
        self.mode: Mode = "visual"
        self._lines: LRUCache[tuple[int, int], list[Text]] = LRUCache(512)  # (change, width) → its lines

    def show(self, changes: list[Replacement], labels: dict[int, str], mode: Mode) -> None:
        self.changes, self.labels, self.mode = changes, labels, mode
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(changes) * BLOCK)
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        number, offset = divmod(line, BLOCK)
        if number >= len(self.changes):
            return Strip.blank(width, self.rich_style)
        lines = self._block(number, width)
        if offset >= len(lines):
            return Strip.blank(width, self.rich_style)
        segments = Segment.apply_style(lines[offset].render(self.app.console, end=""), self.rich_style)
        return Strip(list(segments)).adjust_cell_length(width, self.rich_style)

    def _block(self, number: int, width: int) -> list[Text]:
        key = (number, width)
        if self._lines.get(key) is None:
            change = self.changes[number]
            where = shown_line(self.labels.get(change.pair_id, ""), self.mode)  # a Persian document name
            lines = wrap_styled(diff_excerpt(change.old, change.new), max(1, width - 2), mode=self.mode)
            if len(lines) > BLOCK - 1:
                lines = lines[:BLOCK - 1]
                lines[-1] = lines[-1][:max(1, width - 3)]
                lines[-1].append("…")
            self._lines[key] = [Text(truncate(where, width), style="bold")] + [Text("  ") + line for line in lines]
        return self._lines[key]

    def on_resize(self, event: object) -> None:
        self.virtual_size = Size(self.size.width, len(self.changes) * BLOCK)

