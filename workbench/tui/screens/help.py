"""The help screen: every key (as remapped), the display modes, where the config lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from workbench.tui.config import config_path
from workbench.tui.keys import (
    APP_KEYS,
    DOCUMENT_KEYS,
    PAIR_KEYS,
    QA_KEYS,
    RESULT_KEYS,
    SCORE_KEYS,
    TABLE_KEYS,
    TEXT_KEYS,
    shown_keys,
)

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

SECTIONS = [("Moving", TABLE_KEYS), ("Reviewing pairs", PAIR_KEYS), ("Text boxes", TEXT_KEYS),
            ("Documents", DOCUMENT_KEYS), ("Scores", SCORE_KEYS), ("Search results", RESULT_KEYS), ("QA list", QA_KEYS),
            ("Everywhere", APP_KEYS)]

NOTES = [
    'Right-to-left display (f2 switches; now "{mode}"). "visual": the app shapes and reorders Persian, '
    "for terminals that draw cells left to right (xterm, kitty, alacritty, tmux, Windows Terminal). "
    '"terminal": text goes out in logical order, for terminals that reorder it themselves (Konsole, mlterm, '
    "GNOME Terminal with bidi). Stored and exported text is always in logical order. Set the mode with "
    'WORKBENCH_RTL=visual|terminal or [display] rtl = "terminal" in the config file.',
    'Remap any key by its id in the [keys] table of the config file, {config} (or $WORKBENCH_CONFIG), '
    'for example: approve = "a,space". The command palette (ctrl+p) lists every action too.',
]


class HelpScreen(ModalScreen[None]):
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    HelpScreen .note { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, first: str | None = None) -> None:
        super().__init__()
        self.first = first  # the section of the screen it was opened from: shown on top

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._table(self.app.config.keys, self.first))
            for note in NOTES:
                yield Static(Text(note.format(mode=self.app.rtl_mode, config=config_path())), classes="note")

    @staticmethod
    def _table(keymap: dict[str, str], first: str | None = None) -> Table:
        table = Table(show_header=True, header_style="bold", box=None, expand=True, padding=(0, 1))
        table.add_column("Keys", style="bold", width=16, no_wrap=True)
        table.add_column("Does")
        table.add_column("Id (config)", style="dim", no_wrap=True)
        for title, specs in sorted(SECTIONS, key=lambda section: section[0] != first):
            table.add_row(Text(title, style="bold underline"), "", "")
            for spec in specs:
                table.add_row(shown_keys(spec, keymap), spec.help, spec.id)
        return table

    def action_close(self) -> None:
        self.dismiss(None)
