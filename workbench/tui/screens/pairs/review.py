"""Review actions of the pairs view: statuses, the draft, merge, split, shift, approve-through,
undo and redo. Each is one store change made with the versions of the pairs the editor sees."""

from __future__ import annotations

import sqlite3
from functools import partial

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import HistoryEntry, Workspace, search
from workbench.tui.screens.dialogs import ConfirmScreen, SplitScreen

# An undo or redo restoring more pairs than this (undoing approve-all on a long document) runs as
# a background job: restoring thousands of snapshots takes seconds.
BIG_HISTORY_STEP = 200


class ReviewActions:
    """Review actions (a part of PairsScreen)."""

    def action_approve(self) -> None:
        self.store_action(lambda p: self.ws.set_status(p.id, "approved", expected_version=p.version),
                          advance=True)

    def action_reject(self) -> None:
        self.store_action(lambda p: self.ws.set_status(p.id, "rejected", expected_version=p.version),
                          advance=True)

    def action_take_draft(self) -> None:
        self.store_action(lambda p: self.ws.take_draft(p.id, expected_version=p.version))

    def action_merge(self) -> None:
        self.store_action(lambda p: self.ws.merge_with_next(p.id, expected_version=p.version), structural=True,
                          done="merged with the next pair")

    def action_shift_english(self, step: int) -> None:
        where = "next" if step > 0 else "previous"
        self.store_action(lambda p: self.ws.shift_english(p.id, step, expected_version=p.version),
                          structural=True, done=f"moved an English sentence to the {where} pair")

    def action_split(self) -> None:
        pair = self.current
        if pair is None:
            return
        if pair.n_fa + pair.n_en < 2:
            self.notify("this pair has a single sentence: nothing to split", severity="warning")
            return
        fa = [s.text for s in self.ws.sentences(pair.id, "fa")]
        en = [s.text for s in self.ws.sentences(pair.id, "en")]

        def split(cut: tuple[int, int] | None) -> None:
            if cut is not None:
                self.store_action(lambda p: self.ws.split(p.id, cut[0], cut[1], expected_version=pair.version),
                                  structural=True, done="split the pair")

        self.app.push_screen(SplitScreen(fa, en, self.app.rtl_mode), split)

    def action_approve_above(self) -> None:
        pair = self.current
        if pair is None:
            return
        n = search.undecided_through(self.ws, pair)
        if n == 0:
            self.notify("no undecided pair with English from the top down to here", severity="warning")
            return

        def approve(yes: bool | None) -> None:
            if yes:  # thousands of pairs take seconds: a job, so the screen stays usable
                self._start_job("approve", partial(self._approve_job, pair.id))

        scope = (" (all of them, not only the pairs this search or filter shows)"
                 if self.table.source is not None and self.table.source.query.filtered else "")
        self.app.push_screen(ConfirmScreen(f"Approve {n:,} undecided pair{'s' * (n != 1)} with English, from "
                                           f"the top of the document down to this one{scope}?"), approve)

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        if not self._writable():
            return
        if self.ws.history_step_size(which) > BIG_HISTORY_STEP:
            self._start_job(which, partial(self._history_job, which))
            return
        try:
            entry = self._step_history(self.ws, which)
        except WorkbenchError as e:
            self.notify(str(e), severity="warning")
            return
        except sqlite3.Error as e:
            self.notify(str(e), severity="error")
            return
        if entry is None:
            self.notify(f"nothing to {which}", timeout=3)
            return
        self.refresh_rows(self._first_existing(entry.pair_ids), structural=True)
        self.notify(f"{which} done", timeout=2)

    @staticmethod
    def _step_history(ws: Workspace, which: str) -> HistoryEntry | None:
        """Undo or redo on ``ws``; a conflict becomes a WorkbenchError that names the pair."""
        try:
            return ws.undo() if which == "undo" else ws.redo()
        except EditConflict as e:
            raise WorkbenchError(f"cannot {which}: pair {e.pair_id} was changed by someone else since") from None

    def _history_job(self, which: str) -> tuple[str, list[int]]:
        with self.app.worker_workspace() as ws:
            entry = self._step_history(ws, which)
        if entry is None:
            return f"nothing to {which}", []
        return f"{which} done: {len(entry.pair_ids):,} pairs", entry.pair_ids

