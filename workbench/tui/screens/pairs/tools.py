"""Notes, the draft diff, wrapped rows and find-and-replace in the pairs view. Each opens a dialog of its own
(screens/note.py, replace.py); what they change goes through the store with the versions the
editor saw."""

from __future__ import annotations

from functools import partial

from workbench.store import Pair
from workbench.tui.config import remember
from workbench.tui.screens.note import NoteResult, NoteScreen
from workbench.tui.screens.pairs.jobs import replace_job
from workbench.tui.screens.pairs.part import ScreenPart
from workbench.tui.screens.replace import ReplaceRequest, ReplaceScreen


class Tools(ScreenPart):
    """Notes, diff, replace: the dialogs of the pairs view that are not review actions."""

    # -- notes ----------------------------------------------------------------------------------
    def note(self) -> None:
        screen = self.screen
        pair = screen.current
        if pair is None or not screen.writable():
            return
        number, doc = screen.ws.pair_label(pair.id)
        flags = [row[0] for row in screen.ws.conn.execute(
            "SELECT DISTINCT flag FROM pairs WHERE flag != '' AND doc_id = ? LIMIT 50", [pair.doc_id])]
        self.app.push_screen(NoteScreen(f"pair {number} of {doc!r}", pair.note, pair.flag, self.app.rtl_mode, flags),
                             partial(self._save_note, pair))

    def _save_note(self, pair: Pair, result: NoteResult | None) -> None:
        if result is None:
            return
        if (result.note.strip(), " ".join(result.flag.split())) == (pair.note, pair.flag):
            self.screen.notify("no change: nothing to save", timeout=2)
            return
        done = "note removed" if not (result.note.strip() or result.flag.strip()) else "note saved"
        # The version the dialog was opened on: a note someone else wrote meanwhile is not overwritten.
        self.screen.store_action(
            lambda ws, _: ws.edits.set_note(pair.id, result.note, result.flag, expected_version=pair.version),
            what="save the note of", done=f"{done} (ctrl+z undoes)")

    # -- the draft → English diff -------------------------------------------------------------
    def toggle_diff(self) -> None:
        app, detail = self.app, self.screen.detail
        app.show_diff = not app.show_diff
        detail.show_diff = app.show_diff
        detail.show(self.screen.current, app.rtl_mode)
        self.screen.notify("draft → English changes shown" if app.show_diff else "draft → English changes hidden",
                           timeout=2)

    # -- wrapped rows ---------------------------------------------------------------------------
    def toggle_wrap(self) -> None:
        table = self.screen.table
        table.set_wrapped(not table.wrapped)
        self.app.config.wrapped = table.wrapped  # other documents opened now, and the next run
        problem = remember("wrapped", table.wrapped, self.app.config.path)
        kept = f" (not remembered: {problem})" if problem else ""
        self.screen.notify(("wrapped rows: whole sentences" if table.wrapped else "one line a pair") + kept, timeout=2)

    # -- find and replace ---------------------------------------------------------------------
    def replace(self) -> None:
        if not self.screen.writable():
            return
        self.app.push_screen(ReplaceScreen(self.screen.doc), self._replace)

    def _replace(self, request: ReplaceRequest | None) -> None:
        if request is not None:
            self.screen.start_job("replace", partial(replace_job, self.screen.jobs, request))
