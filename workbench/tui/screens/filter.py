"""The filter dialog of the pairs view: status, QA flag, bead shape, alignment confidence below
a value, has a note. Its result narrows the table's query (search.PairQuery); paging stays by
key on the (doc_id, position) index."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
)

from workbench.store.search import UNEVEN, PairQuery
from workbench.tui.screens.dialogs import DIALOG_CSS

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


@dataclass(frozen=True)
class Filters:
    """What the dialog adds to the status filter (``f`` cycles statuses on its own)."""

    qa: bool = False
    shape: str = ""  # "" any, UNEVEN, or a shape such as "1-2"
    confidence_below: float | None = None
    noted: bool = False

    def apply(self, query: PairQuery) -> PairQuery:
        return replace(query, qa=self.qa, shapes=(self.shape,) if self.shape else (),
                       confidence_below=self.confidence_below, noted=self.noted)

    @classmethod
    def of(cls, query: PairQuery) -> Filters:
        return cls(qa=query.qa, shape=query.shapes[0] if query.shapes else "",
                   confidence_below=query.confidence_below, noted=query.noted)

    @property
    def active(self) -> bool:
        return self != Filters()


@dataclass(frozen=True)
class FilterChoice:
    status: str  # a name of searching.FILTERS
    filters: Filters


class FilterScreen(ModalScreen[FilterChoice | None]):
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    DEFAULT_CSS = DIALOG_CSS.format(name="FilterScreen") + """
    FilterScreen #columns { height: auto; }
    FilterScreen #columns > Vertical { width: 1fr; height: auto; }
    FilterScreen RadioSet { width: 1fr; }
    FilterScreen Select, FilterScreen Input { width: 30; margin-bottom: 1; }
    FilterScreen .label { margin-top: 1; }
    FilterScreen #buttons { margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("ctrl+d", "clear", "Show all", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, statuses: list[str], status: str, filters: Filters, doc_id: int) -> None:
        super().__init__()
        self.statuses, self.status, self.filters, self.doc_id = statuses, status, filters, doc_id

    def _shape_options(self, shapes: list[str]) -> list[tuple[str, str]]:
        options = [("any", ""), ("not 1-1", UNEVEN), ("1-1", "1-1")] + [(s, s) for s in shapes if s != "1-1"]
        if self.filters.shape and self.filters.shape not in [v for _, v in options]:
            options.append((self.filters.shape, self.filters.shape))
        return options

    def on_mount(self) -> None:
        self.run_worker(self._find_shapes, thread=True, exit_on_error=False)

    def _find_shapes(self) -> None:
        """The shapes the document has (a scan of its pairs: not on the UI thread)."""
        with self.app.worker_workspace() as ws:
            shapes = document_shapes(ws, self.doc_id)
        self.app.call_from_thread(self._show_shapes, shapes)

    def _show_shapes(self, shapes: list[str]) -> None:
        select = self.query_one("#shape", Select)
        value = select.value
        select.set_options(self._shape_options(shapes))
        select.value = value

    def compose(self) -> ComposeResult:
        options = self._shape_options([])
        below = self.filters.confidence_below
        with Vertical():
            yield Label("Show only the pairs that…", classes="title")
            with Horizontal(id="columns"):
                with RadioSet(id="status"):
                    for name in self.statuses:
                        yield RadioButton(f"status: {name}", value=name == self.status, name=name)
                with Vertical():
                    yield Checkbox("have a QA flag", self.filters.qa, id="qa")
                    yield Checkbox("have a note or a flag", self.filters.noted, id="noted")
                    yield Label("bead shape", classes="label")
                    yield Select(options, value=self.filters.shape, allow_blank=False, id="shape")
                    yield Label("alignment confidence below", classes="label")
                    yield Input("" if below is None else f"{below:g}", placeholder="e.g. 0.5 (empty: any)",
                                id="below", restrict=r"[0-9.]*")
            with Horizontal(id="buttons"):
                yield Button(Text("Apply [ctrl+s]"), id="apply", variant="primary")
                yield Button(Text("Show all [ctrl+d]"), id="clear")
                yield Button(Text("Cancel [esc]"), id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"apply": self.action_apply, "clear": self.action_clear}.get(event.button.id or "", self.action_cancel)()

    def action_apply(self) -> None:
        text = self.query_one("#below", Input).value.strip()
        try:
            below = float(text) if text else None
        except ValueError:
            self.notify(f"confidence: {text!r} is not a number (such as 0.5)", severity="warning")
            return
        pressed = self.query_one(RadioSet).pressed_button
        shape = self.query_one("#shape", Select).value
        filters = Filters(qa=self.query_one("#qa", Checkbox).value, shape=str(shape),
                          confidence_below=below, noted=self.query_one("#noted", Checkbox).value)
        self.dismiss(FilterChoice(pressed.name if pressed and pressed.name else self.status, filters))

    def action_clear(self) -> None:
        self.dismiss(FilterChoice(self.statuses[0], Filters()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def document_shapes(ws, doc_id: int) -> list[str]:
    """The bead shapes a document has, commonest first."""
    rows = ws.conn.execute("SELECT n_fa, n_en, COUNT(*) c FROM pairs WHERE doc_id = ? GROUP BY n_fa, n_en "
                           "ORDER BY c DESC", [doc_id]).fetchall()
    return [f"{a}-{b}" for a, b, _ in rows]

