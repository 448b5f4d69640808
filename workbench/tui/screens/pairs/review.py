"""Review actions of the pairs view: statuses, the draft, merge, split, shift, approve-through,
undo and redo. Each is one store change made with the versions of the pairs the editor sees."""

from __future__ import annotations

from functools import partial

from workbench.errors import EditConflict, WorkbenchError, WouldReplaceEnglish
from workbench.qa.cache import CARRIED
from workbench.store import HistoryEntry, Pair, Workspace, search
from workbench.tui.history_text import describe_step
from workbench.tui.keys import SPECS, shown_keys
from workbench.tui.labels import plural
from workbench.tui.screens.dialogs import ConfirmScreen, ReplaceEnglishScreen, SplitScreen
from workbench.tui.screens.pairs.jobs import approve_job, draft_job, history_job, realign_job
from workbench.tui.screens.pairs.part import ScreenPart
from workbench.tui.screens.pairs.writes import conflict_subject


# An undo or redo restoring more pairs than this (undoing approve-all on a long document) runs as
# a background job: restoring thousands of snapshots takes seconds.
BIG_HISTORY_STEP = 200


class Review(ScreenPart):
    """The review actions of the pairs view, on the pair under its cursor."""

    def approve(self) -> None:
        pair = self.screen.current
        if pair is not None and not pair.en.strip():  # the store refuses it too; say why, with the keys
            keys = self.app.config.keys
            self.screen.notify(f"cannot approve pair {self._number(pair)}: it has no English — "
                               f"{shown_keys(SPECS['edit'], keys)} writes it, {shown_keys(SPECS['take_draft'], keys)} "
                               "takes the MT draft", severity="warning", timeout=6)
            return
        repeat = self.screen.app.config.repetitions  # identical Persian gets this English (one undo)
        self.screen.store_action(lambda ws, p: ws.edits.approve(p.id, expected_version=p.version, repeat=repeat),
                                 what="approve", advance=True, structural=bool,  # repetitions filled: all rows
                                 done=lambda filled: f"approved; its English given to {plural(len(filled), 'repetition')}"
                                 " (review) — ctrl+z undoes both" if isinstance(filled, list) and filled else "")

    def reject(self) -> None:
        self.screen.store_action(lambda ws, p: ws.edits.set_status(p.id, "rejected", expected_version=p.version),
                                 what="reject", advance=True)

    def take_draft(self, replace: bool = False) -> None:
        pair = self.screen.current
        if pair is None:
            return

        def ask(e: WorkbenchError) -> bool:
            if not isinstance(e, WouldReplaceEnglish):
                return False
            fresh = self.screen.ws.pair(pair.id)  # what the question is about, and the version it answers
            self.screen.refresh_rows(pair.id)

            def answered(yes: bool | None) -> None:
                if yes:
                    self.screen.store_action(lambda ws, p: ws.edits.take_draft(p.id, expected_version=fresh.version,
                                                                         replace=True), what="take the draft")

            question = (f"Pair {self._number(fresh)} already has English ({plural(fresh.n_en, 'sentence')}). "
                        "Replace it with the MT draft? (ctrl+z undoes)")
            self.app.push_screen(ReplaceEnglishScreen(question, fresh.en, fresh.n_en, fresh.draft or "",
                                                      self.app.rtl_mode), answered)
            return True

        self.screen.store_action(lambda ws, p: ws.edits.take_draft(p.id, expected_version=p.version), what="take the draft",
                                 on_refused=ask)

    def merge(self) -> None:
        pair = self.screen.current
        seen = self._seen_neighbour(pair, 1) if pair else {}
        self.screen.store_action(lambda ws, p: ws.structure.merge_with_next(p.id, expected_version=p.version, seen=seen,
                                                                            carry=CARRIED),
                                 what="merge", structural=True, done="merged with the next pair")

    def shift_english(self, step: int) -> None:
        where = "next" if step > 0 else "previous"
        pair = self.screen.current
        seen = self._seen_neighbour(pair, step) if pair else {}
        self.screen.store_action(lambda ws, p: ws.structure.shift_english(p.id, step, expected_version=p.version, seen=seen),
                                 what="move a sentence of", structural=True,
                                 done=f"moved an English sentence to the {where} pair")

    def _seen_neighbour(self, pair: Pair, step: int) -> dict[int, int]:
        """The neighbour in the document as the editor sees it (its row in the unfiltered
        table), with its version: a merge or shift made after someone changed it meanwhile is
        a conflict, not a silent change of a pair the editor has not seen that way."""
        source = self.screen.table.source
        neighbour = None
        if source is not None and not source.query.filtered:
            row = source.get(self.screen.table.cursor + step)
            neighbour = row if row is not None and row.doc_id == pair.doc_id else None
        else:
            neighbour = self.screen.ws.neighbour(pair, step)
        return {neighbour.id: neighbour.version} if neighbour is not None else {}

    def _number(self, pair: Pair) -> int:
        source = self.screen.table.source
        if source is not None and not source.query.filtered and self.screen.current is not None \
                and self.screen.current.id == pair.id:
            return self.screen.table.cursor + 1
        return self.screen.ws.pair_label(pair.id)[0]

    def split(self) -> None:
        pair = self.screen.current
        if pair is None:
            return
        if pair.n_fa + pair.n_en < 2:
            self.screen.notify("this pair has a single sentence: nothing to split", severity="warning")
            return
        fa = [s.text for s in self.screen.ws.sentences(pair.id, "fa")]
        en = [s.text for s in self.screen.ws.sentences(pair.id, "en")]

        def split_at(cut: tuple[int, int] | None) -> None:
            if cut is not None:
                self.screen.store_action(lambda ws, p: ws.structure.split(p.id, cut[0], cut[1], expected_version=pair.version),
                                         what="split", structural=True, done="split the pair")

        self.app.push_screen(SplitScreen(fa, en, self.app.rtl_mode), split_at)

    def approve_above(self) -> None:
        pair = self.screen.current
        if pair is None:
            return
        confirmed = search.undecided_through(self.screen.ws, pair)  # the pairs and versions put to the editor
        n = len(confirmed)
        if n == 0:
            self.screen.notify("no undecided pair with English from the top down to here", severity="warning")
            return

        def approve(yes: bool | None) -> None:
            if yes:  # thousands of pairs take seconds: a job, so the screen stays usable
                self.screen.start_job("approve", partial(approve_job, self.screen.jobs, pair.id, confirmed))

        scope = (" (all of them, not only the pairs this search or filter shows)"
                 if self.screen.table.source is not None and self.screen.table.source.query.filtered else "")
        self.app.push_screen(ConfirmScreen(f"Approve {plural(n, 'undecided pair')} with English, from "
                                           f"the top of the document down to this one{scope}?"), approve)

    def draft_pair(self) -> None:
        pair = self.screen.current
        if pair is not None:
            self.screen.start_job("draft", partial(draft_job, self.screen.jobs, None, [pair.id]))

    def draft_document(self) -> None:
        self.screen.start_job("draft", partial(draft_job, self.screen.jobs, self.screen.doc.id, None))

    def realign(self) -> None:
        table = self.screen.table
        if table.mark_pair is None:
            self.screen.notify("mark the start of the range with v, move to its end, then press R", severity="warning")
            return
        if table.source is None or table.source.query.filtered or table.mark is None:
            self.screen.notify("realign in the unfiltered view (f until 'all'): a range must be consecutive pairs",
                               severity="warning")
            return
        first, last = sorted((table.mark, table.cursor))
        first_pair, last_pair = table.source.get(first), table.source.get(last)
        if first_pair is None or last_pair is None:
            return
        table.set_mark(False)
        self.screen.start_job("realign", partial(realign_job, self.screen.jobs, self.screen.doc.id, first_pair.id,
                                                 last_pair.id))

    def history(self, which: str) -> None:
        if not self.screen.writable():
            return
        if self.screen.ws.history.step_size(which) > BIG_HISTORY_STEP:
            self.screen.start_job(which, partial(history_job, self.screen.jobs, which))
            return

        def step(ws: Workspace) -> tuple[HistoryEntry | None, str]:
            entry = ws.history.undo() if which == "undo" else ws.history.redo()
            return entry, describe_step(ws, entry, which) if entry is not None else f"nothing to {which}"

        def done(result: tuple[HistoryEntry | None, str]) -> None:
            entry, summary = result
            if entry is not None:
                self.screen.refresh_rows(self.screen.first_existing(entry.pair_ids), structural=True)
            self.screen.notify(summary, timeout=4)

        def conflicted(e: EditConflict) -> None:
            self.screen.notify(f"cannot {which}: {conflict_subject(e)} was changed by someone else since",
                               severity="warning")

        self.screen.writes.write(which, step, on_done=done, on_conflict=conflicted)
