"""Editing a side of a pair in the detail pane: the English (enter) or the Persian (p). Save
checks the version the edit started from; a conflict shows both texts and the editor chooses.
Escape cancels at once (after a question, for an edit of more than ASK_ABOVE_WORDS words), and
the text it drops is kept in the workspace for this user (``store.dropped``), as is an edit left
open when the app closes: E brings one back into the editor (a list to choose from when there
are several), after other drops, a restart or the end of a served session."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.widgets import TextArea

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Pair, Workspace, dropped
from workbench.text import printable
from workbench.tui.keys import SPECS, shown_keys
from workbench.tui.screens.dialogs import ConfirmScreen, ConflictScreen
from workbench.tui.screens.dropped import Choice, DroppedEditsScreen
from workbench.tui.screens.pairs.part import ScreenPart
from workbench.tui.widgets.persian_input import PersianInput

if TYPE_CHECKING:
    from workbench.tui.screens.pairs.screen import PairsScreen

SIDES = {"en": "English", "fa": "Persian"}
# Escape asks first when an edit changed more words than this ("a few words" drop at once).
ASK_ABOVE_WORDS = 5


@dataclass
class EditState:
    pair_id: int
    version: int  # the version the edit started from: saving checks it
    text: str  # the text of that version: saving it unchanged stores nothing
    lang: str = "en"  # the side being edited
    dropped_id: int | None = None  # the kept dropped edit this one was brought back from


class Editing(ScreenPart):
    """The English and Persian editors of the pairs view: the edit open (``state``) and the
    dropped edits the workspace could not keep. The screen opens, saves and cancels through it."""

    def __init__(self, screen: PairsScreen) -> None:
        super().__init__(screen)
        self.state: EditState | None = None
        # Dropped edits the workspace could not take (its file replaced, the disk full): kept for
        # this session only, with negative ids, so escape still cancels at once and E still works.
        self.unkept: list[dropped.DroppedEdit] = []
        # The open editor: still readable when the app closes and the screen's widgets are gone.
        self._widget: TextArea | PersianInput | None = None

    def open(self, lang: str, typed: str | None = None, state: EditState | None = None) -> None:
        pair = self.screen.current
        if pair is None or not self.screen.writable():
            return
        stored = pair.en if lang == "en" else pair.fa
        self.state = state or EditState(pair.id, pair.version, stored, lang)
        text = stored if typed is None else typed
        if lang == "en":
            english = self.screen.detail.start_editing(text)
            english.move_cursor(english.document.end)
            self._widget = english
        else:
            persian = self.screen.detail.start_editing_persian(text)
            persian.cursor_position = len(text)
            self._widget = persian
        self._widget.focus()
        self.screen.update_title()
        self.screen.refresh_bindings()

    def text(self) -> str:
        """What the open editor holds."""
        editor = self._widget
        if editor is None:
            return self.screen.detail.editor.text
        return editor.value if isinstance(editor, PersianInput) else editor.text

    def save(self) -> None:
        if self.state is None:
            return
        if self.text() == self.state.text:  # no new version, no empty undo step
            self.stop()
            self.screen.notify("no change: nothing to save", timeout=2)
            return
        self._save(self.text(), self.state.version)

    def _save(self, text: str, version: int) -> None:
        assert self.state is not None
        pair_id, lang = self.state.pair_id, self.state.lang
        if not self.screen.writable():  # still editing: the text is not lost
            return
        self._set_editor_read_only(True)  # while the save may wait for another writer

        def change(ws: Workspace) -> Pair:
            if lang == "fa":
                return ws.edits.set_persian(pair_id, text, expected_version=version)
            return ws.edits.set_english(pair_id, text, expected_version=version)

        dropped_id = self.state.dropped_id

        def saved(_pair: Pair) -> None:
            if dropped_id is not None:  # saved at last: it leaves the list of dropped edits
                self._quietly(lambda: dropped.forget(self.screen.ws, dropped_id))
            self.stop()
            self.screen.refresh_rows(pair_id)
            self.screen.notify("saved", timeout=2)

        def conflicted(_e: EditConflict) -> None:
            self._set_editor_read_only(False)
            theirs = self.screen.ws.pair(pair_id)
            number, _ = self.screen.ws.pair_label(pair_id)
            self.app.push_screen(ConflictScreen(theirs.en if lang == "en" else theirs.fa, theirs.updated_by, text,
                                                self.app.rtl_mode, number=number, side=SIDES[lang]),
                                 partial(self._resolve_conflict, theirs, text))

        def refused(e: WorkbenchError) -> bool:  # still editing: the text is not lost
            self._set_editor_read_only(False)
            self.screen.notify(f"not saved: {e} (escape drops the edit)", severity="error", timeout=10)
            return True

        self.screen.writes.write(f"save the {SIDES[lang]} of", change, on_done=saved, on_conflict=conflicted,
                                 on_refused=refused)

    def _set_editor_read_only(self, read_only: bool) -> None:
        if self.state is None:
            return
        if self.state.lang == "fa":
            self.screen.detail.persian_editor.disabled = read_only
            if not read_only:
                self.screen.detail.persian_editor.focus()
        else:
            self.screen.detail.editor.read_only = read_only

    def _resolve_conflict(self, theirs: Pair, mine: str, choice: str | None) -> None:
        if self.state is None:
            return
        if choice == "mine":  # a deliberate overwrite of the version the editor has now seen
            self._save(mine, theirs.version)
        elif choice == "theirs":
            self.stop()
            self.screen.refresh_rows(theirs.id)
        else:  # keep editing, now on top of their version
            self.state.version = theirs.version
            self.state.text = theirs.en if self.state.lang == "en" else theirs.fa
            (self.screen.detail.persian_editor if self.state.lang == "fa" else self.screen.detail.editor).focus()
            self.screen.notify("still editing: saving now replaces their text", timeout=4)

    def unsaved(self) -> bool:
        """An edit is open and its text differs from the stored text."""
        return self.state is not None and self.text() != self.state.text

    def drop(self, confirmed: bool = False) -> None:
        """Cancel at once, keeping typed text that differs from the stored one (in the
        workspace), and say how to get it back; an edit of more than a few words asks first."""
        state = self.state
        assert state is not None
        typed = self.text()
        if typed == state.text:
            self.stop()
            return
        side = SIDES[state.lang]
        source, current = self.screen.table.source, self.screen.current
        number = (self.screen.table.cursor + 1 if source is not None and not source.query.filtered
                  and current is not None and current.id == state.pair_id else None)
        where = f" of pair {number}" if number else ""
        key = shown_keys(SPECS["restore_edit"], self.app.config.keys)
        changed = dropped.words_changed(state.text, typed)
        if changed > ASK_ABOVE_WORDS and not confirmed:
            def answered(yes: bool | None) -> None:
                if self.state is not state:
                    return
                if yes:
                    self.drop(confirmed=True)
                else:
                    (self.screen.detail.persian_editor if state.lang == "fa" else self.screen.detail.editor).focus()

            self.app.push_screen(ConfirmScreen(f"Drop your {side} edit{where}? It changes {changed} words. It is "
                                               f"kept: {key} brings it back."), answered)
            return
        problem = self._keep_dropped(state, typed)
        if problem is not None:
            unkept_id = min((e.id for e in self.unkept), default=0) - 1
            self.unkept = [dropped.DroppedEdit(unkept_id, "", state.pair_id, state.lang, state.version, state.text,
                                               typed, ""), *self.unkept]
        kept = "" if problem is None else f"; kept in this session only: {problem}"
        self.screen.notify(f"dropped your {side} edit{where} (not saved{kept}) — {key} brings it back",
                           severity="warning", timeout=10)
        self.stop()

    def _keep_dropped(self, state: EditState, typed: str) -> str | None:
        """Keep a dropped edit in the workspace; what went wrong, if it could not be."""
        try:
            dropped.keep(self.screen.ws, state.pair_id, state.lang, state.version, state.text, typed,
                         replaces=state.dropped_id)
        except (WorkbenchError, sqlite3.Error) as e:
            return str(e)
        return None

    def keep_open(self) -> None:
        """The app is closing (quit, a served session ending) on an unsaved edit: keep it."""
        if self.unsaved():
            assert self.state is not None
            self._keep_dropped(self.state, self.text())

    def _quietly(self, change: Callable[[], object]) -> None:
        """A store call whose failure costs nothing (forgetting a saved dropped edit)."""
        try:
            change()
        except (WorkbenchError, sqlite3.Error):
            pass

    def restore(self, choose: bool = False) -> None:
        """E: bring back the dropped edit into the editor, or choose one of several (newest
        first). One that cannot open here (its pair merged away, or in another document) is
        listed too, so it can be thrown away."""
        try:
            kept = self.unkept + dropped.listed(self.screen.ws)
        except (WorkbenchError, sqlite3.Error):
            kept = self.unkept
        single = kept[0] if len(kept) == 1 and not choose else None
        pair = self.screen.existing(single.pair_id) if single is not None else None
        if not kept:
            self.screen.notify("no dropped edit to bring back", timeout=3)
        elif single is not None and pair is not None and pair.doc_id == self.screen.doc.id:
            self._restore(single)
        else:
            self.app.push_screen(DroppedEditsScreen([(d.id, self._describe(d)) for d in kept]), self._chosen)

    def _describe(self, edit: dropped.DroppedEdit) -> str:
        """One line of the list: which pair, which side, when, and the text."""
        pair = self.screen.existing(edit.pair_id)
        if pair is None:
            where = "a pair merged away"
        else:
            number, doc = self.screen.ws.pair_label(pair.id)
            where = f"pair {number}" + (f" of {printable(doc)}" if pair.doc_id != self.screen.doc.id else "")
        when = edit.at[:16].replace("T", " ") or "not kept in the workspace"
        return f"{where} · {SIDES[edit.lang]} · {when} — {printable(_around_change(edit))}"

    def _chosen(self, choice: Choice | None) -> None:
        if choice is None:
            return
        what, edit_id = choice
        if what == "forget":
            self.unkept = [e for e in self.unkept if e.id != edit_id]
            self._quietly(lambda: dropped.forget(self.screen.ws, edit_id))
            self.screen.notify("dropped edit thrown away", timeout=3)
            self.restore(choose=True)
            return
        edit = next((e for e in self.unkept if e.id == edit_id), None) or dropped.get(self.screen.ws, edit_id)
        if edit is not None:
            self._restore(edit)

    def _restore(self, edit: dropped.DroppedEdit) -> None:
        """Open a dropped edit on its pair, with the text as it was typed. Saving it checks the
        version the edit started from, so a change made meanwhile is a conflict."""
        if not self.screen.writable():
            return
        pair = self.screen.existing(edit.pair_id)
        if pair is None:
            self.screen.notify(f"the pair of this dropped edit was merged or deleted; its text: {edit.typed[:300]}",
                               severity="warning", timeout=15)
            return
        if pair.doc_id != self.screen.doc.id:
            number, doc = self.screen.ws.pair_label(pair.id)
            self.screen.notify(f"this dropped edit is of pair {number} of {printable(doc)!r}: open that document "
                               "(o), then E", severity="warning", timeout=8)
            return
        source = self.screen.table.source
        index = source.index_of(pair) if source is not None else None
        if index is None:
            self.screen.notify("the pair of the dropped edit is not in this view (filtered out)", severity="warning")
            return
        self.screen.table.cursor = index
        self.unkept = [e for e in self.unkept if e.id != edit.id]  # in the editor now (escape keeps it again)
        state = EditState(edit.pair_id, edit.version, edit.base, edit.lang, dropped_id=max(edit.id, 0) or None)
        self.open(edit.lang, typed=edit.typed, state=state)

    def stop(self) -> None:
        self.state = None
        self.screen.detail.stop_editing()
        self.screen.detail.show(self.screen.current, self.app.rtl_mode)
        self.screen.table.focus()
        self.screen.update_title()
        self.screen.refresh_bindings()


def _around_change(edit: dropped.DroppedEdit, width: int = 60) -> str:
    """The typed text on one line, ``width`` characters of it from just before where it differs
    from the text the edit started from (what tells two dropped edits of a pair apart)."""
    text, base = " ".join(edit.typed.split()), " ".join(edit.base.split())
    start = max(0, min(len(os.path.commonprefix([text, base])) - width // 3, len(text) - width))
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")
