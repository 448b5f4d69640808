"""Small modal screens: an edit conflict, a split point, a yes/no question."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label

from workbench.tui.display import Mode, wrap
from workbench.tui.widgets.detail import Section, TextPane
from workbench.tui.widgets.paragraph import Paragraph

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; max-width: 110; height: auto; max-height: 90%;
    border: thick $accent; background: $surface; padding: 1 2;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} .hint {{ color: $text-muted; margin-top: 1; width: 100%; }}
{name} Horizontal {{ height: auto; }}
{name} Button {{ margin-right: 2; }}
"""


class ConflictScreen(ModalScreen[str]):
    """Someone else saved this pair while you edited it: see both texts, choose.
    Dismissed with "mine" (save mine over theirs), "theirs" (drop mine) or "edit"."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConflictScreen") + """
    ConflictScreen VerticalScroll { height: auto; max-height: 20; }
    ConflictScreen VerticalScroll > TextPane { border: round $panel; margin-bottom: 1; height: auto; }
    """
    BINDINGS = [
        Binding("k", "choose('mine')", "Keep mine"),
        Binding("t", "choose('theirs')", "Take theirs"),
        Binding("e,escape", "choose('edit')", "Keep editing"),
    ]

    def __init__(self, theirs: str, who: str, mine: str, mode: Mode, *, number: int | None = None,
                 side: str = "English") -> None:
        super().__init__()
        self.theirs, self.who, self.mine, self.mode = theirs, who, mine, mode
        self.number, self.side = number, side

    def compose(self) -> ComposeResult:
        pair = f"Pair {self.number}" if self.number is not None else "This pair"
        rtl = self.side == "Persian"
        with Vertical():
            yield Paragraph(f"{pair} was changed by {self.who or 'someone else'} while you were editing its "
                            f"{self.side}. Nothing has been overwritten.", style="bold", classes="title")
            with VerticalScroll():
                theirs, mine = TextPane(id="theirs"), TextPane(id="mine")
                empty = f"(no {self.side})"
                theirs.show([Section("Theirs (now stored)", self.theirs or empty, rtl=rtl)], self.mode)
                mine.show([Section("Mine (not saved)", self.mine or empty, rtl=rtl)], self.mode)
                yield theirs
                yield mine
            with Horizontal():  # labels as Text: markup would read "[k]" as a style and drop it
                yield Button(Text("Keep mine [k]"), id="mine", variant="warning")
                yield Button(Text("Take theirs [t]"), id="theirs")
                yield Button(Text("Keep editing [e]"), id="edit", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "edit")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ReplaceEnglishScreen(ModalScreen[bool]):
    """Taking the draft would replace English that is there: show both, ask (y replaces)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReplaceEnglishScreen") + """
    ReplaceEnglishScreen VerticalScroll { height: auto; max-height: 20; }
    ReplaceEnglishScreen VerticalScroll > TextPane { border: round $panel; margin-bottom: 1; height: auto; }
    """
    BINDINGS = [Binding("y", "answer(True)", "Replace"), Binding("n,escape", "answer(False)", "Keep")]

    def __init__(self, question: str, english: str, n_en: int, draft: str, mode: Mode) -> None:
        super().__init__()
        self.question, self.english, self.n_en, self.draft, self.mode = question, english, n_en, draft, mode

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Paragraph(self.question, style="bold", classes="title")
            with VerticalScroll():
                now, draft = TextPane(id="now"), TextPane(id="draft")
                sentences = "1 sentence" if self.n_en == 1 else f"{self.n_en} sentences"
                now.show([Section(f"English now ({sentences}), replaced", self.english)], self.mode)
                draft.show([Section("MT draft, taken as the English", self.draft)], self.mode)
                yield now
                yield draft
            with Horizontal():
                yield Button(Text("Replace [y]"), id="yes", variant="warning")
                yield Button(Text("Keep the English [n]"), id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Paragraph(self.question, style="bold", classes="title")
            with Horizontal():
                yield Button(Text("Yes [y]"), id="yes", variant="warning")
                yield Button(Text("No [n]"), id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class SentenceList(Widget):
    """Sentences wrapped (and in visual mode reordered) line by line, with a cut line."""

    DEFAULT_CSS = "SentenceList { height: auto; }"

    def __init__(self, *, rtl: bool, mode: Mode, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rtl, self.mode = rtl, mode
        self.sentences: list[str] = []
        self.at = 0

    def show(self, sentences: list[str], at: int) -> None:
        self.sentences, self.at = sentences, at
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[tuple[str, str]]:
        lines: list[tuple[str, str]] = []
        for i in range(len(self.sentences) + 1):
            if i == self.at:
                lines.append(("──── cut ────", "bold yellow"))
            if i < len(self.sentences):
                lines += [(line, "") for line in wrap(self.sentences[i], width, mode=self.mode, rtl=self.rtl)]
                lines.append(("", ""))
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        for n, (line, style) in enumerate(self._lines(self.content_size.width)):
            text.append(("\n" if n else "") + line, style=style)
        return text


class SplitScreen(ModalScreen[tuple[int, int] | None]):
    """Choose where to split a pair: after which Persian and which English sentence."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SplitScreen") + """
    SplitScreen #sides { height: auto; max-height: 55vh; }
    SplitScreen SentenceList { width: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("down,j", "move('fa', 1)", "Persian cut down"),
        Binding("up,k", "move('fa', -1)", "Persian cut up"),
        Binding("shift+down,J,right,l", "move('en', 1)", "English cut down"),
        Binding("shift+up,K,left,h", "move('en', -1)", "English cut up"),
        Binding("enter", "split", "Split"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, fa: list[str], en: list[str], mode: Mode) -> None:
        super().__init__()
        self.fa, self.en, self.mode = fa, en, mode
        self.fa_at = max(1, (len(fa) + 1) // 2) if len(fa) > 1 else 1
        self.en_at = round(len(en) * self.fa_at / max(1, len(fa)))
        if (self.fa_at, self.en_at) == (len(fa), len(en)):
            self.en_at = max(0, len(en) - 1) if len(en) else self.en_at
            if (self.fa_at, self.en_at) == (len(fa), len(en)) or (self.fa_at, self.en_at) == (0, 0):
                self.fa_at = max(0, len(fa) - 1)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Split the pair: the first part keeps the sentences above each cut.", classes="title")
            with VerticalScroll(id="sides"), Horizontal():
                yield SentenceList(id="fa-side", rtl=True, mode=self.mode)
                yield SentenceList(id="en-side", rtl=False, mode=self.mode)
            yield Label("enter splits here · escape cancels · j/k ↑/↓ move the Persian cut · h/l ←/→ move the "
                        "English cut", classes="hint")

    def on_mount(self) -> None:
        self._draw()

    @property
    def valid(self) -> bool:
        return (self.fa_at, self.en_at) not in ((0, 0), (len(self.fa), len(self.en)))

    def _draw(self) -> None:
        self.query_one("#fa-side", SentenceList).show(self.fa, self.fa_at)
        self.query_one("#en-side", SentenceList).show(self.en, self.en_at)

    def action_move(self, side: str, step: int) -> None:
        if side == "fa":
            self.fa_at = max(0, min(len(self.fa), self.fa_at + step))
        else:
            self.en_at = max(0, min(len(self.en), self.en_at + step))
        self._draw()

    def action_split(self) -> None:
        if self.valid:
            self.dismiss((self.fa_at, self.en_at))
        else:
            self.notify("that cut leaves an empty pair: move one of the cuts", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
