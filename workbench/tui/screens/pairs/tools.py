"""Notes, filters, the draft diff and find-and-replace in the pairs view (a part of PairsScreen).
Each opens a dialog of its own (screens/note.py, filter.py, replace.py); what they change goes
through the store with the versions the editor saw."""

from __future__ import annotations

from functools import partial

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Pair
from workbench.tui.screens.filter import FilterChoice, FilterScreen
from workbench.tui.screens.note import NoteResult, NoteScreen
from workbench.tui.screens.pairs.searching import FILTERS
from workbench.tui.screens.replace import ReplaceRequest, ReplaceScreen


class ToolActions:
    """Notes, filters, diff, replace (a part of PairsScreen)."""

    # -- notes ----------------------------------------------------------------------------------
    def action_note(self) -> None:
        pair = self.current
        if pair is None or not self._writable():
            return
        number, doc = self.ws.pair_label(pair.id)
        flags = [row[0] for row in self.ws.conn.execute(
            "SELECT DISTINCT flag FROM pairs WHERE flag != '' AND doc_id = ? LIMIT 50", [pair.doc_id])]
        self.app.push_screen(NoteScreen(f"pair {number} of {doc!r}", pair.note, pair.flag, self.app.rtl_mode, flags),
                             partial(self._save_note, pair))

    def _save_note(self, pair: Pair, result: NoteResult | None) -> None:
        if result is None:
            return
        if (result.note.strip(), " ".join(result.flag.split())) == (pair.note, pair.flag):
            self.notify("no change: nothing to save", timeout=2)
            return
        done = "note removed" if not (result.note.strip() or result.flag.strip()) else "note saved"
        # The version the dialog was opened on: a note someone else wrote meanwhile is not overwritten.
        self.store_action(lambda ws, _: ws.edits.set_note(pair.id, result.note, result.flag, expected_version=pair.version),
                          what="save the note of", done=f"{done} (ctrl+z undoes)")

    # -- filters --------------------------------------------------------------------------------
    def action_filter_dialog(self) -> None:
        names = [name for name, _ in FILTERS]
        self.app.push_screen(FilterScreen(names, names[self.filter_index], self.filters, self.doc.id),
                             self._apply_filters)

    def _apply_filters(self, choice: FilterChoice | None) -> None:
        if choice is None:
            return
        self.filter_index = [name for name, _ in FILTERS].index(choice.status)
        self.filters = choice.filters
        self._requery(self.search_text)

    # -- the draft → English diff -------------------------------------------------------------
    def action_toggle_diff(self) -> None:
        self.app.show_diff = not self.app.show_diff
        self.detail.show_diff = self.app.show_diff
        self.detail.show(self.current, self.app.rtl_mode)
        self.notify("draft → English changes shown" if self.app.show_diff else "draft → English changes hidden",
                    timeout=2)

    # -- find and replace ---------------------------------------------------------------------
    def action_replace(self) -> None:
        if not self._writable():
            return
        self.app.push_screen(ReplaceScreen(self.doc), self._replace)

    def _replace(self, request: ReplaceRequest | None) -> None:
        if request is not None:
            self._start_job("replace", partial(self._replace_job, request))

    def _replace_job(self, request: ReplaceRequest) -> tuple[str, list[int]]:
        with self.app.worker_workspace() as ws:
            try:
                changed = ws.edits.replace_english(request.find, request.replacement, regex=request.regex,
                                             ignore_case=request.ignore_case, doc_id=request.doc_id,
                                             seen=request.seen)
            except EditConflict as e:
                raise WorkbenchError(f"pair {e.number} of {e.doc!r} was changed by someone else since the "
                                     "preview: nothing was replaced; ctrl+r previews again") from None
        n = len(changed)
        # No pairs to show: the cursor stays where the editor is.
        return f"replaced in {n:,} pair{'s' * (n != 1)} (ctrl+z undoes them all)", []
