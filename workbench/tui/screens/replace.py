"""Find and replace in the English of a document or of the whole workspace: literal text or a
regular expression, case-sensitive or not. Enter previews every change (found in a worker with
its own connection); ctrl+s replaces exactly the previewed pairs, at the versions previewed, as
one change in history (ctrl+z undoes it whole). A pair someone else changed after the preview
makes the whole replacement refuse (store: EditConflict), so nothing unseen is replaced."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet

from workbench.errors import WorkbenchError
from workbench.store import Document, numbering
from workbench.store.edits import Replacement
from workbench.tui.display import shown_line
from workbench.tui.screens.dialogs import DIALOG_CSS
from workbench.tui.widgets.change_list import ChangeList

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


@dataclass(frozen=True)
class ReplaceRequest:
    find: str
    replacement: str
    regex: bool
    ignore_case: bool
    doc_id: int | None  # None: every document
    seen: dict[int, int] = field(default_factory=dict)  # the previewed pairs and their versions


@dataclass
class PreviewReady(Message):
    request: ReplaceRequest
    changes: list[Replacement]
    labels: dict[int, str]  # pair id → "pair N of 'doc'"


@dataclass
class PreviewFailed(Message):
    request: ReplaceRequest
    error: str


class ReplaceScreen(ModalScreen[ReplaceRequest | None]):
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    DEFAULT_CSS = DIALOG_CSS.format(name="ReplaceScreen") + """
    ReplaceScreen > Vertical { height: 90%; max-height: 90%; }
    ReplaceScreen #options { height: auto; }
    ReplaceScreen #options Checkbox { width: auto; }
    ReplaceScreen RadioSet { width: auto; layout: horizontal; }
    ReplaceScreen #summary { margin-top: 1; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "replace", "Replace all", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, doc: Document) -> None:
        super().__init__()
        self.doc = doc
        self.previewed: ReplaceRequest | None = None  # what the change list shows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Find and replace in the English", classes="title")
            yield Input(placeholder="find (text, or a regular expression)", id="find")
            yield Input(placeholder="replace with (with a regular expression: \\1 or \\g<name> for groups)",
                        id="replacement")
            with Horizontal(id="options"):
                yield Checkbox("regular expression", id="regex")
                yield Checkbox("ignore case", id="ignore-case")
                with RadioSet(id="scope"):
                    label = shown_line(f"this document ({self.doc.name})", self.app.rtl_mode)
                    yield RadioButton(Text(label), value=True, name="doc")
                    yield RadioButton("every document", name="all")
            yield Label(Text("enter previews every change"), id="summary")
            yield ChangeList(id="changes")
            with Horizontal():
                yield Button(Text("Preview [enter]"), id="preview")
                yield Button(Text("Replace all [ctrl+s]"), id="replace", variant="warning")
                yield Button(Text("Cancel [esc]"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#find", Input).focus()

    def request(self) -> ReplaceRequest:
        scope = self.query_one("#scope", RadioSet).pressed_button
        return ReplaceRequest(
            find=self.query_one("#find", Input).value, replacement=self.query_one("#replacement", Input).value,
            regex=self.query_one("#regex", Checkbox).value, ignore_case=self.query_one("#ignore-case", Checkbox).value,
            doc_id=None if scope is not None and scope.name == "all" else self.doc.id)

    def _stale(self) -> None:
        """A choice changed: the preview no longer shows what ctrl+s would do."""
        if self.previewed is not None:
            self.previewed = None
            self.query_one(ChangeList).show([], {}, self.app.rtl_mode)
            self._say("changed: enter previews again")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._stale()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._stale()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._stale()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"preview": self.action_preview, "replace": self.action_replace}
        actions.get(event.button.id or "", self.action_cancel)()

    def _say(self, text: str) -> None:
        self.query_one("#summary", Label).update(Text(shown_line(text, self.app.rtl_mode)))

    # -- preview ------------------------------------------------------------------------------
    def action_preview(self) -> None:
        request = self.request()
        if not request.find:
            self._say("type what to find first")
            return
        self._say("finding…")
        self.run_worker(partial(self._preview, request), thread=True, group="preview", exclusive=True,
                        exit_on_error=False)

    def _preview(self, request: ReplaceRequest) -> None:
        try:
            with self.app.worker_workspace() as ws:
                changes = ws.edits.preview_replace(request.find, request.replacement, regex=request.regex,
                                             ignore_case=request.ignore_case, doc_id=request.doc_id)
                numbers = numbering.numbers_of(ws, [c.pair_id for c in changes])
                names = {d.id: d.name for d in ws.documents()}
        except WorkbenchError as e:
            self.post_message(PreviewFailed(request, str(e)))
            return
        labels = {c.pair_id: f"pair {numbers.get(c.pair_id, '?')} of {names.get(c.doc_id, '?')!r}" for c in changes}
        self.post_message(PreviewReady(request, changes, labels))

    def on_preview_ready(self, message: PreviewReady) -> None:
        if message.request != self.request():
            return  # the choices changed while it ran: a newer preview is wanted
        changes = message.changes
        seen = {c.pair_id: c.version for c in changes}
        self.previewed = ReplaceRequest(**{**message.request.__dict__, "seen": seen})
        self.query_one(ChangeList).show(changes, message.labels, self.app.rtl_mode)
        if not changes:
            self._say(f"no English {'here' if message.request.doc_id else 'in any document'} has {message.request.find!r}")
            return
        docs = len({c.doc_id for c in changes})
        where = f" in {docs} documents" if docs > 1 else ""
        self._say(f"{len(changes):,} pair{'s' * (len(changes) != 1)}{where} change — ctrl+s replaces them all "
                  "(one undo step), escape cancels")

    def on_preview_failed(self, message: PreviewFailed) -> None:
        if message.request == self.request():
            self._say(message.error)

    # -- replace ------------------------------------------------------------------------------
    def action_replace(self) -> None:
        if self.previewed is None:
            self.action_preview()
            self.notify("look at the preview, then ctrl+s replaces", timeout=4)
            return
        if not self.previewed.seen:
            self.notify("nothing to replace", severity="warning")
            return
        self.dismiss(self.previewed)

    def action_cancel(self) -> None:
        self.dismiss(None)
