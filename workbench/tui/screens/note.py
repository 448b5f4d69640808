"""The note dialog: an editor's comment on a pair and a short flag ("ask the client").

Text boxes draw what is typed in logical order, which most terminals show backwards and
unjoined for Persian; in the visual display mode a line under each box shows the text as it
reads (the same trick as the pairs view's title line).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from workbench.tui.display import Mode, has_rtl, paragraph_rtl, sanitize, shown_line, visual_line
from workbench.tui.screens.dialogs import DIALOG_CSS

# Offered as the flag is typed (with the flags already used in the workspace).
COMMON_FLAGS = ["ask the client", "check terminology", "check the numbers", "come back later", "style"]


@dataclass(frozen=True)
class NoteResult:
    note: str
    flag: str


def shown_as_read(text: str, mode: Mode) -> str:
    """A line of typed text as it reads, for the line under a text box ('' if it needs none)."""
    if mode != "visual" or not has_rtl(text):
        return ""
    return visual_line(" ".join(sanitize(text).split()), rtl=paragraph_rtl(text))


class NoteScreen(ModalScreen[NoteResult | None]):
    """Dismissed with the note and flag to store (both empty: remove them), or None to cancel."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NoteScreen") + """
    NoteScreen Input { margin-top: 1; }
    NoteScreen .reads { color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+d", "clear", "Remove the note", priority=True),
    ]

    def __init__(self, label: str, note: str, flag: str, mode: Mode, flags: list[str]) -> None:
        super().__init__()
        self.label, self.note, self.flag, self.mode = label, note, flag, mode
        self.flags = list(dict.fromkeys(COMMON_FLAGS + flags))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(shown_line(f"Note on {self.label}", self.mode)), classes="title")
            yield Input(self.note, placeholder="a comment for whoever reads this pair next", id="note")
            yield Static("", id="note-reads", classes="reads")
            yield Input(self.flag, placeholder="a flag, such as: ask the client (tab completes)", id="flag",
                        suggester=SuggestFromList(self.flags, case_sensitive=False))
            yield Static("", id="flag-reads", classes="reads")
            with Horizontal():  # labels as Text: markup would read "[ctrl+s]" as a style
                yield Button(Text("Save [ctrl+s]"), id="save", variant="primary")
                yield Button(Text("Remove note [ctrl+d]"), id="clear", variant="warning")
                yield Button(Text("Cancel [esc]"), id="cancel")
            yield Label("enter in the note goes to the flag; enter in the flag saves", classes="hint")

    def on_mount(self) -> None:
        self._show_reading("note", self.note)
        self._show_reading("flag", self.flag)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_reading(event.input.id or "", event.value)

    def _show_reading(self, box: str, value: str) -> None:
        reads = shown_as_read(value, self.mode)
        self.query_one(f"#{box}-reads", Static).update(Text(f"reads: {reads}" if reads else ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "note":
            self.query_one("#flag", Input).focus()
        else:
            self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"save": self.action_save, "clear": self.action_clear}.get(event.button.id or "", self.action_cancel)()

    def action_save(self) -> None:
        self.dismiss(NoteResult(self.query_one("#note", Input).value, self.query_one("#flag", Input).value))

    def action_clear(self) -> None:
        self.dismiss(NoteResult("", ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
