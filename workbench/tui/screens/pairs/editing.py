"""Editing the English of a pair in the detail pane: save checks the version the edit started
from; a conflict shows both texts and the editor chooses."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial

from textual.widgets import Input

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Pair
from workbench.tui.screens.dialogs import ConflictScreen

STOPPABLE_JOBS = {"draft"}  # drafting commits batch by batch; the others are one transaction


@dataclass
class EditState:
    pair_id: int
    version: int  # the version the edit started from: saving checks it
    text: str  # the English of that version: saving it unchanged stores nothing



class EditingActions:
    """The English editor (a part of PairsScreen)."""

    def action_edit(self) -> None:
        pair = self.current
        if pair is None:
            return
        if not self._writable():
            return
        self.editing = EditState(pair.id, pair.version, pair.en)
        editor = self.detail.start_editing(pair.en)
        editor.focus()
        editor.move_cursor(editor.document.end)
        self.update_title()
        self.refresh_bindings()

    def action_save(self) -> None:
        if self.editing is None:
            return
        if self.detail.editor.text == self.editing.text:  # no new version, no empty undo step
            self._stop_editing()
            self.notify("no change: nothing to save", timeout=2)
            return
        self._save(self.detail.editor.text, self.editing.version)

    def _save(self, text: str, version: int) -> None:
        assert self.editing is not None
        pair_id = self.editing.pair_id
        if not self._writable():  # still editing: the text is not lost
            return
        try:
            self.ws.set_english(pair_id, text, expected_version=version)
        except EditConflict:
            theirs = self.ws.pair(pair_id)
            self.app.push_screen(ConflictScreen(theirs.en, theirs.updated_by, text, self.app.rtl_mode),
                                 partial(self._resolve_conflict, theirs, text))
            return
        except (WorkbenchError, sqlite3.Error) as e:  # still editing: the text is not lost
            self.notify(f"not saved: {e} (escape drops the edit)", severity="error", timeout=10)
            return
        self._stop_editing()
        self.refresh_rows(pair_id)
        self.notify("saved", timeout=2)

    def _resolve_conflict(self, theirs: Pair, mine: str, choice: str | None) -> None:
        if self.editing is None:
            return
        if choice == "mine":  # a deliberate overwrite of the version the editor has now seen
            self._save(mine, theirs.version)
        elif choice == "theirs":
            self._stop_editing()
            self.refresh_rows(theirs.id)
        else:  # keep editing, now on top of their version
            self.editing.version, self.editing.text = theirs.version, theirs.en
            self.detail.editor.focus()
            self.notify("still editing: saving now replaces their text", timeout=4)

    def unsaved_edit(self) -> bool:
        """An edit is open and its text differs from the stored English."""
        return self.editing is not None and self.detail.editor.text != self.editing.text

    def action_cancel(self) -> None:
        """Escape: leave whatever is in progress, innermost first."""
        box = self.query_one("#search", Input)
        if self.editing is not None:
            self._stop_editing()
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

    def _stop_editing(self) -> None:
        self.editing = None
        self.detail.stop_editing()
        self.detail.show(self.current, self.app.rtl_mode)
        self.table.focus()
        self.update_title()
        self.refresh_bindings()

