"""Glossary dialogs: pick a term's English to insert, add a term from the pair.

Persian in them follows the app's display mode: the pair's Persian and the typed term are shown
shaped and reordered in visual mode (an Input draws what is typed in logical order, which reads
backwards in most terminals, so a line under it shows the term as it reads).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from workbench.tui.display import Mode, sanitize, visual_line, wrap


def shown(text: str, mode: Mode, *, rtl: bool = False) -> Text:
    """One line as the app draws text in ``mode`` (Persian runs shaped and reordered in visual)."""
    line = " ".join(sanitize(text).split())
    return Text(visual_line(line, rtl=rtl) if mode == "visual" else line)


class TermPickScreen(ModalScreen[str | None]):
    """The English terms of the glossary terms found in the pair: enter inserts one."""

    DEFAULT_CSS = """
    TermPickScreen { align: center middle; }
    TermPickScreen > Vertical { width: 80; max-width: 100%; height: auto; max-height: 80%;
                                border: thick $accent; background: $surface; padding: 0 1; }
    TermPickScreen OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel")]

    def __init__(self, choices: list[tuple[str, str]], mode: Mode) -> None:
        super().__init__()
        self.choices = choices
        self.mode = mode

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Insert which term? (enter inserts, escape cancels)")
            yield OptionList(*[Option(shown(f"{n}. «{fa}» → {en}", self.mode), id=str(n - 1))
                               for n, (fa, en) in enumerate(self.choices, 1)], id="terms")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None  # every option is made with its index as id
        self.dismiss(self.choices[int(event.option.id)][1])

    def action_close(self) -> None:
        self.dismiss(None)


class AddTermScreen(ModalScreen[tuple[str, str, str, list[str]] | None]):
    """Persian term, English, note, forbidden variants; ctrl+s (or enter in the last box) adds."""

    DEFAULT_CSS = """
    AddTermScreen { align: center middle; }
    AddTermScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 90%;
                               border: thick $accent; background: $surface; padding: 0 1; }
    AddTermScreen #pair { color: $text-muted; margin-bottom: 1; }
    AddTermScreen #fa-shown { color: $accent; height: 1; }
    AddTermScreen Input { margin-bottom: 0; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel"), Binding("ctrl+s", "add", "Add")]

    def __init__(self, pair_fa: str, english: str, mode: Mode) -> None:
        super().__init__()
        self.pair_fa = pair_fa
        self.english = english
        self.mode = mode

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add a glossary term (ctrl+s adds, escape cancels)")
            yield Static(Text("\n".join(wrap(self.pair_fa, 84, mode=self.mode, rtl=True))), id="pair")
            yield Input(placeholder="Persian term (as in the pair above)", id="fa")
            yield Static("", id="fa-shown")
            yield Input(value=self.english, placeholder="English", id="en")
            yield Input(placeholder="note (optional)", id="note")
            yield Input(placeholder="forbidden English variants, separated by | (optional)", id="forbidden")

    def on_mount(self) -> None:
        self.query_one("#fa", Input).focus()

    @on(Input.Changed, "#fa")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#fa-shown", Static).update(shown(event.value, self.mode, rtl=True) if event.value else "")

    @on(Input.Submitted)
    def _next_box(self, event: Input.Submitted) -> None:
        if event.input.id == "forbidden":
            self.action_add()
        else:
            self.focus_next()

    def action_add(self) -> None:
        fa = self.query_one("#fa", Input).value.strip()
        en = self.query_one("#en", Input).value.strip()
        forbidden = [v.strip() for v in self.query_one("#forbidden", Input).value.split("|") if v.strip()]
        if not fa or not (en or forbidden):
            self.notify("a term needs its Persian and its English", severity="warning", timeout=3)
            return
        self.dismiss((fa, en, self.query_one("#note", Input).value.strip(), forbidden))

    def action_close(self) -> None:
        self.dismiss(None)
