"""The "ignore all like this" dialog of the QA list: the word (or pattern) a finding names, to be
ignored in every pair for that check, and the reason (kept in the workspace's QA profile)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from workbench.tui.display import Mode, shown_line
from workbench.tui.screens.dialogs import DIALOG_CSS
from workbench.tui.widgets.persian_input import PersianInput


@dataclass(frozen=True)
class IgnoreRequest:
    text: str
    reason: str
    every_check: bool  # not only the finding's check


class IgnoreScreen(ModalScreen[IgnoreRequest | None]):
    """Dismissed with what to ignore, or None to cancel."""

    DEFAULT_CSS = DIALOG_CSS.format(name="IgnoreScreen") + "IgnoreScreen Input { margin-top: 1; }"
    BINDINGS = [Binding("ctrl+s", "save", "Ignore", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, check: str, text: str, mode: Mode) -> None:
        super().__init__()
        self.check, self.text, self.mode = check, text, mode

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(shown_line(f"Ignore every {self.check} finding that names:", self.mode)), classes="title")
            yield PersianInput(self.text, id="text", mode=self.mode)
            # Persian reasons read as Persian (joined, right to left), as in the note dialog
            yield PersianInput(placeholder="why (kept with the ignore: workbench qa ignore list)", id="reason",
                               mode=self.mode)
            yield Checkbox("in every check's findings, not only " + self.check, id="every")
            with Horizontal():
                yield Button(Text("Ignore [ctrl+s]"), id="save", variant="primary")
                yield Button(Text("Cancel [esc]"), id="cancel")
            yield Label("enter in the word goes to the reason; enter in the reason ignores", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "text":
            self.query_one("#reason", Input).focus()
        else:
            self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        (self.action_save if event.button.id == "save" else self.action_cancel)()

    def action_save(self) -> None:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.notify("nothing to ignore: the word is empty", severity="warning")
            return
        self.dismiss(IgnoreRequest(text, self.query_one("#reason", Input).value.strip(),
                                   self.query_one("#every", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReasonScreen(ModalScreen[str | None]):
    """Why a finding is a false positive: dismissed with the reason (may be empty), or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReasonScreen") + "ReasonScreen Input { margin-top: 1; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, message: str, mode: Mode) -> None:
        super().__init__()
        self.message, self.mode = message, mode

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(shown_line(f"False positive: {self.message}", self.mode)), classes="title")
            yield PersianInput(placeholder="why (optional; the QA report shows it)", id="reason", mode=self.mode)
            yield Label("enter marks it · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
