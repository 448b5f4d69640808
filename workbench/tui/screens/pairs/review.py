"""Review actions of the pairs view: statuses, the draft, merge, split, shift, approve-through,
undo and redo. Each is one store change made with the versions of the pairs the editor sees."""

from __future__ import annotations

from functools import partial

from textual.worker import get_current_worker

from workbench.errors import EditConflict, WorkbenchError, WouldReplaceEnglish
from workbench.store import HistoryEntry, Pair, Workspace, search
from workbench.tui.history_text import describe_step
from workbench.tui.keys import SPECS, shown_keys
from workbench.tui.labels import plural
from workbench.tui.screens.dialogs import ConfirmScreen, ReplaceEnglishScreen, SplitScreen
from workbench.tui.screens.pairs.writes import conflict_subject, retry_while_busy

# An undo or redo restoring more pairs than this (undoing approve-all on a long document) runs as
# a background job: restoring thousands of snapshots takes seconds.
BIG_HISTORY_STEP = 200


class ReviewActions:
    """Review actions (a part of PairsScreen)."""

    def action_approve(self) -> None:
        pair = self.current
        if pair is not None and not pair.en.strip():  # the store refuses it too; say why, with the keys
            keys = self.app.config.keys
            self.notify(f"cannot approve pair {self._number(pair)}: it has no English — "
                        f"{shown_keys(SPECS['edit'], keys)} writes it, {shown_keys(SPECS['take_draft'], keys)} "
                        "takes the MT draft", severity="warning", timeout=6)
            return
        self.store_action(lambda ws, p: ws.edits.set_status(p.id, "approved", expected_version=p.version),
                          what="approve", advance=True)

    def action_reject(self) -> None:
        self.store_action(lambda ws, p: ws.edits.set_status(p.id, "rejected", expected_version=p.version),
                          what="reject", advance=True)

    def action_take_draft(self, replace: bool = False) -> None:
        pair = self.current
        if pair is None:
            return

        def ask(e: WorkbenchError) -> bool:
            if not isinstance(e, WouldReplaceEnglish):
                return False
            fresh = self.ws.pair(pair.id)  # what the question is about, and the version it answers
            self.refresh_rows(pair.id)

            def answered(yes: bool | None) -> None:
                if yes:
                    self.store_action(lambda ws, p: ws.edits.take_draft(p.id, expected_version=fresh.version,
                                                                   replace=True), what="take the draft")

            question = (f"Pair {self._number(fresh)} already has English ({plural(fresh.n_en, 'sentence')}). "
                        "Replace it with the MT draft? (ctrl+z undoes)")
            self.app.push_screen(ReplaceEnglishScreen(question, fresh.en, fresh.n_en, fresh.draft or "",
                                                      self.app.rtl_mode), answered)
            return True

        self.store_action(lambda ws, p: ws.edits.take_draft(p.id, expected_version=p.version), what="take the draft",
                          on_refused=ask)

    def action_merge(self) -> None:
        pair = self.current
        seen = self._seen_neighbour(pair, 1) if pair else {}
        self.store_action(lambda ws, p: ws.structure.merge_with_next(p.id, expected_version=p.version, seen=seen),
                          what="merge", structural=True, done="merged with the next pair")

    def action_shift_english(self, step: int) -> None:
        where = "next" if step > 0 else "previous"
        pair = self.current
        seen = self._seen_neighbour(pair, step) if pair else {}
        self.store_action(lambda ws, p: ws.structure.shift_english(p.id, step, expected_version=p.version, seen=seen),
                          what="move a sentence of", structural=True,
                          done=f"moved an English sentence to the {where} pair")

    def _seen_neighbour(self, pair: Pair, step: int) -> dict[int, int]:
        """The neighbour in the document as the editor sees it (its row in the unfiltered
        table), with its version: a merge or shift made after someone changed it meanwhile is
        a conflict, not a silent change of a pair the editor has not seen that way."""
        source = self.table.source
        neighbour = None
        if source is not None and not source.query.filtered:
            row = source.get(self.table.cursor + step)
            neighbour = row if row is not None and row.doc_id == pair.doc_id else None
        else:
            neighbour = self.ws.neighbour(pair, step)
        return {neighbour.id: neighbour.version} if neighbour is not None else {}

    def _number(self, pair: Pair) -> int:
        source = self.table.source
        if source is not None and not source.query.filtered and self.current is not None \
                and self.current.id == pair.id:
            return self.table.cursor + 1
        return self.ws.pair_label(pair.id)[0]

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
                self.store_action(lambda ws, p: ws.structure.split(p.id, cut[0], cut[1], expected_version=pair.version),
                                  what="split", structural=True, done="split the pair")

        self.app.push_screen(SplitScreen(fa, en, self.app.rtl_mode), split)

    def action_approve_above(self) -> None:
        pair = self.current
        if pair is None:
            return
        confirmed = search.undecided_through(self.ws, pair)  # the pairs and versions put to the editor
        n = len(confirmed)
        if n == 0:
            self.notify("no undecided pair with English from the top down to here", severity="warning")
            return

        def approve(yes: bool | None) -> None:
            if yes:  # thousands of pairs take seconds: a job, so the screen stays usable
                self._start_job("approve", partial(self._approve_job, pair.id, confirmed))

        scope = (" (all of them, not only the pairs this search or filter shows)"
                 if self.table.source is not None and self.table.source.query.filtered else "")
        self.app.push_screen(ConfirmScreen(f"Approve {plural(n, 'undecided pair')} with English, from "
                                           f"the top of the document down to this one{scope}?"), approve)

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        if not self._writable():
            return
        if self.ws.history.step_size(which) > BIG_HISTORY_STEP:
            self._start_job(which, partial(self._history_job, which))
            return

        def step(ws: Workspace) -> tuple[HistoryEntry | None, str]:
            entry = ws.history.undo() if which == "undo" else ws.history.redo()
            return entry, describe_step(ws, entry, which) if entry is not None else f"nothing to {which}"

        def done(result: tuple[HistoryEntry | None, str]) -> None:
            entry, summary = result
            if entry is not None:
                self.refresh_rows(self._first_existing(entry.pair_ids), structural=True)
            self.notify(summary, timeout=4)

        def conflicted(e: EditConflict) -> None:
            self.notify(f"cannot {which}: {conflict_subject(e)} was changed by someone else since", severity="warning")

        self.write(which, step, on_done=done, on_conflict=conflicted)

    def _history_job(self, which: str) -> tuple[str, list[int]]:
        with self.app.worker_workspace() as ws:
            try:
                entry = retry_while_busy(ws, lambda w: w.history.undo() if which == "undo" else w.history.redo(),
                                         lambda: get_current_worker().is_cancelled)
            except EditConflict as e:
                raise WorkbenchError(f"cannot {which}: {conflict_subject(e)} was changed by someone else since") from None
            if entry is None:
                return f"nothing to {which}", []
            return describe_step(ws, entry, which), entry.pair_ids
