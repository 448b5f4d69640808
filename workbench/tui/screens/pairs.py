"""The pairs view: the table of one document's pairs, the detail pane with the English editor,
search, filters, and every review action.

All edits go through the store with the version the pair had when it was read, so an edit made
meanwhile by someone else (another app, a script) is never overwritten silently. Slow work
(drafting, realigning, searching) runs in thread workers with their own workspace connection.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Document, HistoryEntry, Pair, Workspace, search
from workbench.tui.display import sanitize, visual_line
from workbench.tui.keys import PAIR_KEYS, bindings
from workbench.tui.messages import JobFailed, JobFinished, JobProgress, SearchReady, SuggestionsReady
from workbench.tui.rows import RowSource
from workbench.tui.screens.dialogs import ConfirmScreen, ConflictScreen, SplitScreen
from workbench.tui.screens.qa_actions import QaActions
from workbench.tui.widgets.detail import PairDetail
from workbench.tui.widgets.pair_table import PairTable

FILTERS: list[tuple[str, tuple[str, ...]]] = [
    ("all", ()),
    ("undecided", ("draft", "review")),
    ("review", ("review",)),
    ("draft", ("draft",)),
    ("approved", ("approved",)),
    ("rejected", ("rejected",)),
]
NEEDS_NAMES = {"review": "needing review", "qa": "with a QA warning", "uneven": "that is not 1:1"}
# Jobs that hold the workspace's write lock from start to end (one transaction): while they run,
# an edit on the UI thread would wait for the lock and freeze the screen, so edits wait instead.
LOCKING_JOBS = {"approve", "realign", "undo", "redo"}
# An undo or redo restoring more pairs than this (undoing approve-all on a long document) runs as
# a background job: restoring thousands of snapshots takes seconds.
BIG_HISTORY_STEP = 200
STOPPABLE_JOBS = {"draft"}  # drafting commits batch by batch; the others are one transaction
# What may run while the English is being edited (everything else waits for save or cancel).
WHILE_EDITING = {"save", "cancel", "insert_term"}


@dataclass
class EditState:
    pair_id: int
    version: int  # the version the edit started from: saving checks it
    text: str  # the English of that version: saving it unchanged stores nothing


class PairsScreen(QaActions, Screen):
    BINDINGS = bindings(PAIR_KEYS)
    DEFAULT_CSS = """
    PairsScreen #title { height: 1; background: $panel; padding: 0 1; }
    PairsScreen #search { display: none; height: 3; border: tall $accent; }
    PairsScreen #search.-shown { display: block; }
    PairsScreen PairTable { height: 1fr; }
    PairsScreen #job { display: none; height: 1; padding: 0 1; }
    PairsScreen #job.-running { display: block; }
    PairsScreen #job Label { width: auto; margin-right: 2; }
    PairsScreen #job ProgressBar { width: 1fr; }
    """

    def __init__(self, doc: Document, *, start_pair_id: int | None = None,
                 query: search.PairQuery | None = None) -> None:
        super().__init__()
        self.doc = doc
        self.start_pair_id = start_pair_id
        self.start_query = query  # e.g. a chrF range chosen on the scores screen
        self.filter_index = 0
        self.search_text = ""
        self.editing: EditState | None = None
        self.job: Worker | None = None
        self.job_name = ""
        self._tm_timer: Timer | None = None
        self._last_pair: Pair | None = None  # where to go back to after a view with no pairs

    # -- layout and state ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Input(placeholder="search Persian, English and drafts — \"phrase\", prefix*, NEAR(a b), "
                    "en: / fa: / draft: — enter searches, escape closes", id="search")
        yield PairTable(id="pairs", mode=self.app.rtl_mode, on_change=self._moved)
        yield PairDetail(id="detail")
        with Horizontal(id="job"):
            yield Label("", id="job-label")
            yield ProgressBar(id="job-bar", show_eta=False)
        yield Footer()

    @property
    def ws(self) -> Workspace:
        return self.app.ws

    @property
    def table(self) -> PairTable:
        return self.query_one(PairTable)

    @property
    def detail(self) -> PairDetail:
        return self.query_one(PairDetail)

    @property
    def current(self) -> Pair | None:
        return self.table.current

    def on_mount(self) -> None:
        self.watch(self.app, "rtl_mode", self._rtl_changed, init=False)
        query = self.start_query or search.PairQuery(doc_id=self.doc.id)
        # Open on the pair asked for, else where the work is: the first pair needing review.
        start = self._existing(self.start_pair_id) or search.find_next(self.ws, query, None, "review")
        self.load(query, keep=start)
        self.table.focus()

    def load(self, query: search.PairQuery, *, keep: Pair | None = None, total: int | None = None) -> None:
        source = RowSource(self.ws, query, total)
        cursor = source.nearest_index(keep) if keep is not None and source.total else 0
        if query.text:
            self.table.empty_text = f"No pair matches {query.text!r} — / changes the search, escape clears it."
        elif query.statuses:
            self.table.empty_text = f"No {FILTERS[self.filter_index][0]} pairs here — f changes the filter."
        else:
            self.table.empty_text = "This document has no pairs."
        self.table.set_source(source, cursor=cursor, show_draft=search.has_drafts(self.ws, self.doc.id))
        self.update_title()

    def update_title(self) -> None:
        table = self.table
        source = table.source
        total = source.total if source else 0
        parts = [self.doc.name, f"{table.cursor + 1 if total else 0:,}/{total:,}"]
        name = FILTERS[self.filter_index][0]
        if name != "all":
            parts.append(f"filter: {name}")
        box = self.query_one("#search", Input)
        if box.has_class("-shown") and box.value:
            # The Input draws what is typed in logical order (Persian reads backwards in most
            # terminals); the title, drawn like every other line, shows it as it reads.
            parts.append(f"searching: {box.value}")
        elif source and source.query.text:
            parts.append(f"search: {source.query.text}")
        if source and source.query.chrf:
            parts.append(f"chrF {source.query.chrf[0]:.0f}–{source.query.chrf[1]:.0f}")
        if table.mark_pair is not None:
            parts.append(f"range from row {table.mark + 1}" if table.mark is not None else "range start not shown")
        parts.append(f"RTL: {self.app.rtl_mode}")
        if self.ws.read_only:
            parts.append("read-only")
        if self.editing:
            parts.append("EDITING — ctrl+s saves, escape cancels")
        title = " · ".join(parts)
        if self.app.rtl_mode == "visual":  # a Persian document name inside an English line
            title = visual_line(sanitize(title), rtl=False)
        self.query_one("#title", Static).update(Text(title), layout=False)

    def _rtl_changed(self, mode: str) -> None:
        self.table.set_mode(mode)
        self.detail.show(self.current, mode)
        self.update_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        review_action = action in {s.action.split("(")[0] for s in PAIR_KEYS}
        if self.editing is not None:
            return action in WHILE_EDITING or not review_action
        if self.query_one("#search", Input).has_focus:  # ctrl+z there must not undo a stored change
            return action == "cancel" or not review_action
        return action != "save"

    # -- following the cursor -------------------------------------------------------------------
    def _moved(self, pair: Pair | None) -> None:
        """The table selected another pair, or the selected pair changed."""
        self._last_pair = pair or self._last_pair
        self.detail.show(pair, self.app.rtl_mode)
        self.update_title()
        if self._tm_timer is not None:
            self._tm_timer.stop()
        if pair is not None:
            # Wait until the cursor rests: scrolling fast must not start a search per row.
            self._tm_timer = self.set_timer(0.2, partial(self._find_suggestions, pair))

    def _find_suggestions(self, pair: Pair) -> None:
        self.run_worker(partial(self._suggestions_worker, pair), thread=True, group="tm", exclusive=True,
                        exit_on_error=False)

    def _suggestions_worker(self, pair: Pair) -> None:
        try:
            from workbench.mt import suggestions

            with self.app.worker_workspace() as ws:
                found = suggestions(ws, pair)
        except Exception:  # suggestions are a help, never a reason to interrupt the editor
            return
        lines = [f"{round(match.score)}%  {match.en}" for match in found]
        self.post_message(SuggestionsReady(pair.id, lines))

    @on(SuggestionsReady)
    def _show_suggestions(self, message: SuggestionsReady) -> None:
        pair = self.current
        if pair is not None and pair.id == message.pair_id:
            self.detail.show_suggestions(pair, message.lines, self.app.rtl_mode)

    # -- applying changes -----------------------------------------------------------------------
    def store_action(self, change: Callable[[Pair], object], *, structural: bool = False,
                     advance: bool = False, done: str | None = None) -> None:
        """Run one store change on the selected pair, then show its result. A version conflict
        reloads the pair and says so; it never retries on the user's behalf."""
        pair = self.current
        if pair is None:
            self.notify("no pair selected", severity="warning")
            return
        if not self._writable():
            return
        try:
            change(pair)
        except EditConflict:
            self.refresh_rows(pair.id, structural=True)
            self.notify("this pair was changed by someone else meanwhile: reloaded it, nothing was "
                        "overwritten — look and try again", severity="warning", timeout=8)
            return
        except (WorkbenchError, sqlite3.Error) as e:  # the store names the pair by its id, not its row
            self.notify(re.sub(rf"\bpair {pair.id}\b", "this pair", str(e)), severity="error")
            return
        self.refresh_rows(pair.id, structural=structural)
        if advance and self.app.config.advance and self.table.source.index_of(self.ws.pair(pair.id)) is not None:
            self.table.cursor += 1
        if done:
            self.notify(done, timeout=3)

    def refresh_rows(self, pair_id: int | None, *, structural: bool = False) -> None:
        """Show the store's current state: re-read the selected pair after an in-place change,
        or (structural changes, other pairs) count again and keep the cursor on ``pair_id``."""
        table = self.table
        source = table.source
        if source is None:
            return
        pair = self._existing(pair_id)
        current = self.current
        if not structural and pair is not None and current is not None and current.id == pair.id:
            source.changed(pair, table.cursor)
        else:
            keep = pair or current
            source.reload()
            if keep is not None and source.total:
                table.set_reactive(PairTable.cursor, source.nearest_index(keep))
        table.rows_changed(force=self.editing is None)
        self.update_title()

    def _writable(self) -> bool:
        """Before a change or a job starts: can the workspace take it now? Say why not."""
        try:
            if self.job is not None and self.job.is_running and self.job_name in LOCKING_JOBS:
                raise WorkbenchError(f"wait until the {self.job_name} job is done (moving and reading work meanwhile)")
            if self.ws.read_only:
                raise WorkbenchError("this workspace is read-only")
            self.ws.check_file()
        except WorkbenchError as e:
            self.notify(str(e), severity="error")
            return False
        return True

    def _first_existing(self, pair_ids: list[int]) -> int | None:
        """The first of ``pair_ids`` still stored (a merge or undo may have removed the others)."""
        return next((pid for pid in pair_ids if self._existing(pid)), None)

    def _existing(self, pair_id: int | None) -> Pair | None:
        if pair_id is None:
            return None
        try:
            return self.ws.pair(pair_id)
        except WorkbenchError:
            return None

    def external_change(self) -> None:
        """Another connection wrote to the workspace: show it (the edit in progress stays)."""
        current = self.current
        self.refresh_rows(current.id if current else None, structural=True)

    # -- review actions -------------------------------------------------------------------------
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

    # -- moving ---------------------------------------------------------------------------------
    def action_next(self, needs: str, step: int = 1) -> None:
        source = self.table.source
        if source is None:
            return
        if needs == "qa":  # findings are checked (and cached) in a worker first
            self.next_qa(step)
            return
        found = search.find_next(self.ws, source.query, self.current, needs, step=step)
        if found is None:
            self.notify(f"no pair {NEEDS_NAMES[needs]} here", timeout=3)
            return
        index = source.index_of(found)
        if index is not None:
            self.table.cursor = index

    def action_cycle_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self._requery(self.search_text)
        self.notify(f"showing {FILTERS[self.filter_index][0]} pairs", timeout=2)

    def action_set_filter(self, name: str) -> None:
        self.filter_index = [n for n, _ in FILTERS].index(name)
        self._requery(self.search_text)

    def _requery(self, text: str) -> None:
        statuses = FILTERS[self.filter_index][1]
        # The pairs of a chrF bar (from the scores screen) stay that bar's pairs when filtered.
        chrf = self.start_query.chrf if self.start_query else None
        self.search_text = text
        if not text:
            self.load(search.PairQuery(doc_id=self.doc.id, statuses=statuses, chrf=chrf),
                      keep=self.current or self._last_pair)
            return
        # Searching may take a while on a big workspace: count in a worker, then show.
        self.run_worker(partial(self._search_worker, statuses, text, chrf), thread=True, group="search",
                        exclusive=True, exit_on_error=False)

    def _search_worker(self, statuses: tuple[str, ...], text: str, chrf: tuple[float, float] | None) -> None:
        try:
            with self.app.worker_workspace() as ws:
                query = replace(search.pair_query(ws, doc_id=self.doc.id, status=statuses or None, text=text),
                                chrf=chrf)
                total = search.count(ws, query)
        except Exception as e:
            self.post_message(JobFailed("search", f"search failed: {e}"))
            return
        self.post_message(SearchReady(query, total))

    @on(SearchReady)
    def _search_ready(self, message: SearchReady) -> None:
        if (message.query.text, message.query.statuses) != (self.search_text, FILTERS[self.filter_index][1]):
            return  # an older search (other words, another filter) finished after a newer one started
        # No focus change: the editor may be typing the next search already.
        self.load(message.query, keep=self.current or self._last_pair, total=message.total)
        if message.total == 0:
            self.notify(f"no pair matches {message.query.text!r}", severity="warning", timeout=4)

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("-shown")
        box.value = self.search_text
        box.focus()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        self.update_title()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        """Search and go back to the table (the title shows the search; / edits it again)."""
        self.query_one("#search", Input).remove_class("-shown")
        self.table.focus()
        self._requery(event.value.strip())

    def action_mark(self) -> None:
        table = self.table
        table.set_mark(table.mark_pair is None)
        self.update_title()
        if table.mark is not None:
            self.notify("range started: move to its end and press R to realign it", timeout=4)

    def action_scroll_detail(self, step: int) -> None:
        self.detail.scroll_text(step)

    def action_documents(self) -> None:
        self.app.action_documents()

    # -- editing the English --------------------------------------------------------------------
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

    # -- background jobs: drafting and realigning --------------------------------------------------
    def action_draft_pair(self) -> None:
        pair = self.current
        if pair is not None:
            self._start_job("draft", partial(self._draft_job, None, [pair.id]))

    def action_draft_document(self) -> None:
        self._start_job("draft", partial(self._draft_job, self.doc.id, None))

    def action_realign(self) -> None:
        table = self.table
        if table.mark_pair is None:
            self.notify("mark the start of the range with v, move to its end, then press R", severity="warning")
            return
        if table.source is None or table.source.query.filtered or table.mark is None:
            self.notify("realign in the unfiltered view (f until 'all'): a range must be consecutive pairs",
                        severity="warning")
            return
        first, last = sorted((table.mark, table.cursor))
        first_pair, last_pair = table.source.get(first), table.source.get(last)
        if first_pair is None or last_pair is None:
            return
        table.set_mark(False)
        self._start_job("realign", partial(self._realign_job, first_pair.id, last_pair.id))

    def _start_job(self, name: str, work: Callable[[], tuple[str, list[int]]]) -> None:
        """Run ``work`` (returning a summary and the pairs to show) in a thread worker with its
        own connection; its end or its error comes back as a message."""
        if self.job is not None and self.job.is_running:
            self.notify(f"the {self.job_name} job is still running", severity="warning")
            return
        if not self._writable():
            return
        self.job_name = name
        self._show_job(f"{name}: starting…", None)
        self.job = self.run_worker(partial(self._run_job, name, work), thread=True, group="job",
                                   exit_on_error=False)

    def _run_job(self, name: str, work: Callable[[], tuple[str, list[int]]]) -> None:
        try:
            summary, pair_ids = work()
        except WorkbenchError as e:
            self.post_message(JobFailed(name, str(e)))
        except Exception as e:  # a broken model or file must not take the editor's session down
            self.post_message(JobFailed(name, f"{name} failed: {type(e).__name__}: {e}"))
        else:
            self.post_message(JobFinished(name, summary, pair_ids))

    def _approve_job(self, pair_id: int) -> tuple[str, list[int]]:
        with self.app.worker_workspace() as ws:
            n = ws.approve_through(pair_id)
        return f"approved {n:,} pairs (ctrl+z undoes)", [pair_id]

    def _draft_job(self, doc_id: int | None, pair_ids: list[int] | None) -> tuple[str, list[int]]:
        from workbench.mt import draft_pairs

        worker = get_current_worker()
        engine = self.app.engine()
        with self.app.worker_workspace() as ws:
            result = draft_pairs(
                ws, engine, doc_id=doc_id, pair_ids=pair_ids, redraft=pair_ids is not None,
                on_progress=lambda done, total: self.post_message(JobProgress("draft", done, total)),
                should_stop=lambda: worker.is_cancelled,
            )
        return ("stopped" if worker.is_cancelled else f"drafted {result.drafted:,} pairs"), pair_ids or []

    def _realign_job(self, first_id: int, last_id: int) -> tuple[str, list[int]]:
        from workbench.align import realign_range

        with self.app.worker_workspace() as ws:
            created = realign_range(ws, self.doc.id, first_id, last_id)
        return ("realigned the range (ctrl+z undoes)" if created else "the range was aligned already"), created

    def _show_job(self, label: str, total: int | None, done: int = 0) -> None:
        self.query_one("#job").add_class("-running")
        stop = " · escape stops" if self.job_name in STOPPABLE_JOBS else ""
        self.query_one("#job-label", Label).update(Text(f"{label}{stop}"))
        self.query_one("#job-bar", ProgressBar).update(total=total, progress=done)

    @on(JobProgress)
    def _job_progress(self, message: JobProgress) -> None:
        self._show_job(f"{message.job}: {message.done:,}/{message.total:,}", message.total, message.done)

    @on(JobFinished)
    def _job_finished(self, message: JobFinished) -> None:
        self.query_one("#job").remove_class("-running")
        self.table.show_draft = search.has_drafts(self.ws, self.doc.id)  # the first drafts add the column
        self.refresh_rows(self._first_existing(message.pair_ids), structural=True)
        self.notify(message.summary, timeout=4)

    @on(JobFailed)
    def _job_failed(self, message: JobFailed) -> None:
        self.query_one("#job").remove_class("-running")
        self.notify(message.error, severity="error", timeout=10)
