"""The pairs view: the table of one document's pairs, the detail pane with the English editor,
search, filters, and every review action. The screen holds the layout, the state and what
follows the cursor; the actions live beside it by area (review, editing, searching, jobs).

All edits go through the store with the version the pair had when it was read, so an edit made
meanwhile by someone else (another app, a script) is never overwritten silently. Slow work
(drafting, realigning, searching) runs in thread workers with their own workspace connection.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Document, Pair, Workspace, search
from workbench.text import printable
from workbench.tui.config import remember
from workbench.tui.display import sanitize, visual_line
from workbench.tui.keys import PAIR_KEYS, bindings
from workbench.tui.messages import SuggestionsReady
from workbench.tui.rows import RowSource
from workbench.tui.screens.pairs.editing import EditingActions, EditState
from workbench.tui.screens.pairs.jobs import LOCKING_JOBS, JobActions
from workbench.tui.screens.pairs.review import ReviewActions
from workbench.tui.screens.filter import Filters
from workbench.tui.screens.pairs.searching import FILTERS, SearchActions
from workbench.tui.screens.pairs.tools import ToolActions
from workbench.tui.screens.pairs.writes import WriteActions, conflict_subject
from workbench.tui.screens.qa_actions import QaActions
from workbench.tui.widgets.detail import PairDetail
from workbench.tui.widgets.pair_table import PairTable
from workbench.tui.widgets.persian_input import PersianInput

WIDE = 100  # from this many columns the footer also shows the command palette's key

NEEDS_NAMES = {"review": "needing review", "qa": "with a QA warning", "uneven": "that is not 1:1"}
# What may run while the English is being edited (everything else waits for save or cancel).
WHILE_EDITING = {"save", "cancel", "insert_term"}


class PairsScreen(ReviewActions, EditingActions, SearchActions, JobActions, ToolActions, QaActions, WriteActions,
                  Screen):
    BINDINGS = bindings(PAIR_KEYS)
    DEFAULT_CSS = """
    PairsScreen #title { height: 1; background: $panel; padding: 0 1; }
    PairsScreen #search { display: none; height: 3; border: tall $accent; }
    PairsScreen #search.-shown { display: block; }
    PairsScreen PairTable { height: 1fr; }
    PairsScreen #waiting { display: none; height: auto; padding: 0 1; background: $warning 30%; }
    PairsScreen #waiting.-shown { display: block; }
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
        self.filters = Filters()  # the filter dialog's choices beyond the status (F)
        self.search_text = ""
        self.editing: EditState | None = None
        self.job: Worker | None = None
        self.job_name = ""
        self._tm_timer: Timer | None = None
        self._last_pair: Pair | None = None  # where to go back to after a view with no pairs

    # -- layout and state ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield PersianInput(placeholder="search Persian, English and drafts — \"phrase\", prefix*, NEAR(a b), "
                           "en: / fa: / draft: — enter searches, escape closes", id="search")
        table = PairTable(id="pairs", mode=self.app.rtl_mode, on_change=self._moved)
        table.wrapped = self.app.config.wrapped
        yield table
        yield PairDetail(id="detail")
        yield Static(id="waiting")
        with Horizontal(id="job"):
            yield Label("", id="job-label")
            yield ProgressBar(id="job-bar", show_eta=False)
        yield Footer(compact=True, show_command_palette=self.app.size.width >= WIDE)

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
        self.detail.show_diff = self.app.show_diff
        query = self.start_query or search.PairQuery(doc_id=self.doc.id)
        # Open on the pair asked for, else where the work is: the first pair needing review.
        start = self._existing(self.start_pair_id) or search.find_next(self.ws, query, None, "review")
        self.load(query, keep=start)
        self.table.focus()

    def on_unmount(self) -> None:
        """The app is closing on this screen (quit, ctrl+c, a served session ending): an edit
        still open is kept with the dropped ones (E brings it back next time)."""
        self.keep_open_edit()

    def load(self, query: search.PairQuery, *, keep: Pair | None = None, total: int | None = None,
             ids: array | None = None) -> None:
        source = RowSource(self.ws, query, total, ids)
        cursor = source.nearest_index(keep) if keep is not None and source.total else 0
        if query.text:
            self.table.empty_text = f"No pair matches {query.text!r} — / changes the search, escape clears it."
        elif self.filters.active:
            self.table.empty_text = "No pair here passes these filters — F changes them."
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
        # LRM after the name: a Persian name must not pull the row count after it into its run
        parts = [printable(self.doc.name) + "\u200e", f"{table.cursor + 1 if total else 0:,}/{total:,}"]
        name = FILTERS[self.filter_index][0]
        if name != "all":
            parts.append(f"filter: {name}")
        if source and source.query.describe():
            parts.append(f"only: {source.query.describe()}")
        if source and source.query.text:
            parts.append(f"search: {source.query.text}")
        if source and source.query.chrf:
            parts.append(f"chrF {source.query.chrf[0]:.0f}–{source.query.chrf[1]:.0f}")
        if table.mark_pair is not None:
            parts.append(f"range from row {table.mark + 1}" if table.mark is not None else "range start not shown")
        parts.append(f"RTL: {self.app.rtl_mode}")
        if self.ws.read_only:
            parts.append("read-only")
        if self.editing:
            parts.append("EDITING: ctrl+s saves, esc cancels")
        title = " · ".join(parts)
        if self.app.rtl_mode == "visual":  # a Persian document name inside an English line
            title = visual_line(sanitize(title), rtl=False)
        self.query_one("#title", Static).update(Text(title), layout=False)

    def on_resize(self) -> None:
        """At 80 columns every footer key keeps its label: the command palette's own entry
        goes (ctrl+p still opens it; the help screen says so)."""
        footer = self.query_one(Footer)
        wide = self.size.width >= WIDE
        if footer.show_command_palette != wide:
            footer.show_command_palette = wide
            footer.refresh(recompose=True)

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
        """The table selected another pair, or the selected pair changed (redrawn in place: the
        detail pane stays where the editor scrolled it)."""
        same = pair is not None and self._last_pair is not None and pair.id == self._last_pair.id
        self._last_pair = pair or self._last_pair
        self.detail.show(pair, self.app.rtl_mode, keep_place=same)
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
    def store_action(self, change: Callable[[Workspace, Pair], object], *, what: str, structural: bool = False,
                     advance: bool = False, done: str | None = None,
                     on_refused: Callable[[WorkbenchError], bool] | None = None) -> None:
        """Make one store change, ``change(ws, pair)``, on the selected pair, then show its
        result. A version conflict reloads the pair and says so; it never retries on the user's
        behalf. ``what`` names the change ("approve") while it waits for another writer."""
        pair = self.current
        if pair is None:
            self.notify("no pair selected", severity="warning")
            return
        if not self._writable():
            return
        number = self.table.cursor + 1 if not self.table.source.query.filtered else None

        def finished(_result: object) -> None:
            on_row = self.current is not None and self.current.id == pair.id
            self.refresh_rows(pair.id, structural=structural)
            if (advance and on_row and self.app.config.advance
                    and self.table.source.index_of(self.ws.pair(pair.id)) is not None):
                self.table.cursor += 1
            if done:
                self.notify(done, timeout=3)

        def conflicted(e: EditConflict) -> None:
            self.refresh_rows(pair.id, structural=True)
            self.notify(f"{conflict_subject(e)} was changed by someone else meanwhile: reloaded, nothing was "
                        "overwritten — look and try again", severity="warning", timeout=8)

        self.write(f"{what} pair {number}" if number else f"{what} the selected pair", lambda ws: change(ws, pair),
                   on_done=finished, on_conflict=conflicted, on_refused=on_refused)

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
            if self.pending_write is not None:
                raise WorkbenchError(f"{self.pending_write.what} is still waiting for another writer: "
                                     "other changes wait for it (escape gives it up)")
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
        """Another connection wrote to the workspace: show it (the edit in progress stays).
        Drafts a `workbench translate` made meanwhile add the draft column."""
        self.table.show_draft = search.has_drafts(self.ws, self.doc.id)
        current = self.current
        self.refresh_rows(current.id if current else None, structural=True)


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

    def action_mark(self) -> None:
        table = self.table
        table.set_mark(table.mark_pair is None)
        self.update_title()
        if table.mark is not None:
            self.notify("range started: move to its end and press R to realign it", timeout=4)

    def action_toggle_wrap(self) -> None:
        self.table.set_wrapped(not self.table.wrapped)
        self.app.config.wrapped = self.table.wrapped  # other documents opened now, and the next run
        problem = remember("wrapped", self.table.wrapped, self.app.config.path)
        kept = f" (not remembered: {problem})" if problem else ""
        self.notify(("wrapped rows: whole sentences" if self.table.wrapped else "one line a pair") + kept, timeout=2)

    def action_scroll_detail(self, step: int) -> None:
        self.detail.scroll_text(step)

    def action_documents(self) -> None:
        self.app.action_documents()

