"""Editing a side of a pair in the detail pane: the English (enter) or the Persian (p). Save
checks the version the edit started from; a conflict shows both texts and the editor chooses.
Escape cancels at once, but the text it drops is kept: E brings it back into the editor."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.widgets import Input

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Pair
from workbench.tui.keys import SPECS, shown_keys
from workbench.tui.screens.dialogs import ConflictScreen

STOPPABLE_JOBS = {"draft"}  # drafting commits batch by batch; the others are one transaction
SIDES = {"en": "English", "fa": "Persian"}


@dataclass
class EditState:
    pair_id: int
    version: int  # the version the edit started from: saving checks it
    text: str  # the text of that version: saving it unchanged stores nothing
    lang: str = "en"  # the side being edited


@dataclass(frozen=True)
class DroppedEdit:
    """An edit escape threw away: enough to open it again where it was."""

    state: EditState
    typed: str
    number: int | None  # the pair's row, for the message


class EditingActions:
    """The English and Persian editors (a part of PairsScreen)."""

    dropped: DroppedEdit | None = None

    def action_edit(self) -> None:
        self._open_editor("en")

    def action_edit_persian(self) -> None:
        self._open_editor("fa")

    def _open_editor(self, lang: str, typed: str | None = None, state: EditState | None = None) -> None:
        pair = self.current
        if pair is None or not self._writable():
            return
        stored = pair.en if lang == "en" else pair.fa
        self.editing = state or EditState(pair.id, pair.version, stored, lang)
        text = stored if typed is None else typed
        if lang == "en":
            editor = self.detail.start_editing(text)
            editor.move_cursor(editor.document.end)
        else:
            editor = self.detail.start_editing_persian(text)
            editor.cursor_position = len(text)
        editor.focus()
        self.update_title()
        self.refresh_bindings()

    def editor_text(self) -> str:
        """What the open editor holds."""
        if self.editing is not None and self.editing.lang == "fa":
            return self.detail.persian_editor.value
        return self.detail.editor.text

    def action_save(self) -> None:
        if self.editing is None:
            return
        if self.editor_text() == self.editing.text:  # no new version, no empty undo step
            self._stop_editing()
            self.notify("no change: nothing to save", timeout=2)
            return
        self._save(self.editor_text(), self.editing.version)

    def _save(self, text: str, version: int) -> None:
        assert self.editing is not None
        pair_id, lang = self.editing.pair_id, self.editing.lang
        if not self._writable():  # still editing: the text is not lost
            return
        self._set_editor_read_only(True)  # while the save may wait for another writer

        def change(ws):
            if lang == "fa":
                return ws.set_persian(pair_id, text, expected_version=version)
            return ws.set_english(pair_id, text, expected_version=version)

        def saved(_pair: Pair) -> None:
            self._stop_editing()
            self.refresh_rows(pair_id)
            self.notify("saved", timeout=2)

        def conflicted(_e: EditConflict) -> None:
            self._set_editor_read_only(False)
            theirs = self.ws.pair(pair_id)
            number, _ = self.ws.pair_label(pair_id)
            self.app.push_screen(ConflictScreen(theirs.en if lang == "en" else theirs.fa, theirs.updated_by, text,
                                                self.app.rtl_mode, number=number, side=SIDES[lang]),
                                 partial(self._resolve_conflict, theirs, text))

        def refused(e: WorkbenchError) -> bool:  # still editing: the text is not lost
            self._set_editor_read_only(False)
            self.notify(f"not saved: {e} (escape drops the edit)", severity="error", timeout=10)
            return True

        self.write(f"save the {SIDES[lang]} of", change, on_done=saved, on_conflict=conflicted, on_refused=refused)

    def _set_editor_read_only(self, read_only: bool) -> None:
        if self.editing is None:
            return
        if self.editing.lang == "fa":
            self.detail.persian_editor.disabled = read_only
            if not read_only:
                self.detail.persian_editor.focus()
        else:
            self.detail.editor.read_only = read_only

    def _resolve_conflict(self, theirs: Pair, mine: str, choice: str | None) -> None:
        if self.editing is None:
            return
        if choice == "mine":  # a deliberate overwrite of the version the editor has now seen
            self._save(mine, theirs.version)
        elif choice == "theirs":
            self._stop_editing()
            self.refresh_rows(theirs.id)
        else:  # keep editing, now on top of their version
            self.editing.version = theirs.version
            self.editing.text = theirs.en if self.editing.lang == "en" else theirs.fa
            (self.detail.persian_editor if self.editing.lang == "fa" else self.detail.editor).focus()
            self.notify("still editing: saving now replaces their text", timeout=4)

    def unsaved_edit(self) -> bool:
        """An edit is open and its text differs from the stored text."""
        return self.editing is not None and self.editor_text() != self.editing.text

    def action_cancel(self) -> None:
        """Escape: leave whatever is in progress, innermost first."""
        box = self.query_one("#search", Input)
        if self.stop_waiting():
            self.notify("giving up the change that waits for another writer…", timeout=3)
        elif self.editing is not None:
            self._drop_edit()
        elif box.has_focus:
            box.remove_class("-shown")
            self.table.focus()
        elif self.table.mark_pair is not None:
            self.action_mark()
        elif self.job is not None and self.job.is_running:
            if self.job_name not in STOPPABLE_JOBS:
                self.notify(f"the {self.job_name} job cannot be stopped halfway; ctrl+z undoes it once done",
                            timeout=4)
                return
            self.job.cancel()
            self.notify("stopping…", timeout=2)
        elif self.search_text:
            box.value = ""
            self._requery("")
        elif self.start_query is not None and self.start_query.chrf:
            self.app.pop_screen()  # the pairs of a chrF bar: back to the scores

    def _drop_edit(self) -> None:
        """Cancel at once; keep typed text that differs from the stored one, and say how to get
        it back."""
        assert self.editing is not None
        typed = self.editor_text()
        if typed != self.editing.text:
            source = self.table.source
            current = self.current
            number = (self.table.cursor + 1 if source is not None and not source.query.filtered
                      and current is not None and current.id == self.editing.pair_id else None)
            self.dropped = DroppedEdit(self.editing, typed, number)
            key = shown_keys(SPECS["restore_edit"], self.app.config.keys)
            where = f" of pair {number}" if number else ""
            self.notify(f"dropped your {SIDES[self.editing.lang]} edit{where} (not saved) — {key} brings it back",
                        severity="warning", timeout=10)
        self._stop_editing()

    def action_restore_edit(self) -> None:
        """Open the edit escape dropped, on its pair, with the text as it was typed. Saving it
        checks the version the edit started from, so a change made meanwhile is a conflict."""
        dropped = self.dropped
        if dropped is None:
            self.notify("no dropped edit to bring back", timeout=3)
            return
        pair = self._existing(dropped.state.pair_id)
        source = self.table.source
        index = source.index_of(pair) if pair is not None and source is not None else None
        if index is None:
            self.notify("the pair of the dropped edit is not in this view (merged, or filtered out)",
                        severity="warning")
            return
        self.table.cursor = index
        self.dropped = None
        state = EditState(dropped.state.pair_id, dropped.state.version, dropped.state.text, dropped.state.lang)
        self._open_editor(state.lang, typed=dropped.typed, state=state)

    def _stop_editing(self) -> None:
        self.editing = None
        self.detail.stop_editing()
        self.detail.show(self.current, self.app.rtl_mode)
        self.table.focus()
        self.update_title()
        self.refresh_bindings()
