"""A paragraph of text that may hold Persian (a question naming a document, someone's name),
wrapped first and then drawn as the display mode wants, line by line, like the detail pane.
Textual's Label would send it in logical order: reversed and unjoined in xterm."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.tui.bidi_layout import base_is_rtl
from workbench.tui.display import Mode
from workbench.tui.widgets.detail import Section, TextPane

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class Paragraph(TextPane):
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    DEFAULT_CSS = """
    Paragraph { height: auto; padding: 0; }
    """

    def __init__(self, text: str, *, style: str = "", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id)
        if classes:
            self.add_class(*classes.split())
        self.text, self.paragraph_style = text, style

    def on_mount(self) -> None:
        self._draw(self.app.rtl_mode)
        self.watch(self.app, "rtl_mode", self._draw, init=False)

    def _draw(self, mode: Mode) -> None:
        self.show([Section("", self.text, rtl=base_is_rtl(self.text), style=self.paragraph_style)], mode)
