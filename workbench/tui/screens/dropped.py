"""E with more than one dropped edit: the list to choose from (newest first). Enter brings the
chosen edit back into the editor, delete throws it away, escape closes. The edits themselves are
kept by the store (``workbench.store.dropped``); this screen only shows them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from workbench.tui.screens.dialogs import DIALOG_CSS

Choice = tuple[str, int]  # ("restore" | "forget", the dropped edit's id)


class DroppedEditsScreen(ModalScreen[Choice | None]):
    DEFAULT_CSS = DIALOG_CSS.format(name="DroppedEditsScreen") + """
    DroppedEditsScreen OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("delete", "forget", "Throw away")]

    def __init__(self, items: list[tuple[int, str]]) -> None:
        """``items``: (dropped edit id, one line saying which pair, side, when, and the text)."""
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Your dropped edits ({len(self.items)}), newest first"), classes="title")
            yield OptionList(*(Option(Text(label), id=str(edit_id)) for edit_id, label in self.items))
            yield Label(Text("enter: back into the editor · delete: throw away · esc: close"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("restore", int(event.option.id or 0)))

    def action_forget(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(("forget", int(options.get_option_at_index(options.highlighted).id or 0)))

    def action_close(self) -> None:
        self.dismiss(None)
