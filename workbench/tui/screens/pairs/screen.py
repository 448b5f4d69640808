"""The pairs view: the table of one document's pairs, the detail pane with the English editor,
search, filters, and every review action. The screen lays out the widgets, follows the cursor
and names the actions; each part owns its own state beside it: the table (PairTable) and the
detail pane (PairDetail), the editor (Editing), what is shown (Search: filters and the search),
the review actions (Review), notes, diff and replace (Tools), terms and QA (Glossary), the job
that runs (JobBar) and the change that waits for another writer (WriteQueue). Workers report by
message (a search's result, a job's end, a waiting change done), handled by the part that asked.

Edits carry the version the pair had when read: another's edit made meanwhile is never overwritten
silently. Slow work (drafting, realigning, searching) runs in thread workers with their own connection."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import Document, Pair, Workspace, search
from workbench.text import printable
from workbench.tui.display import Mode, sanitize, visual_line
from workbench.tui.keys import PAIR_KEYS, bindings
from workbench.tui.messages import JobFinished, SearchReady, SuggestionsReady
from workbench.tui.rows import RowSource
from workbench.tui.screens.pairs.editing import EditState, Editing
from workbench.tui.screens.pairs.glossary import Glossary
from workbench.tui.screens.pairs.jobs import JobBar, Work
from workbench.tui.screens.pairs.review import Review
from workbench.tui.screens.pairs.searching import Search
from workbench.tui.screens.pairs.suggestions import Suggestions
from workbench.tui.screens.pairs.tools import Tools
from workbench.tui.screens.pairs.writes import WriteQueue, conflict_subject
from workbench.tui.widgets.detail import PairDetail
from workbench.tui.widgets.pair_table import PairTable
from workbench.tui.widgets.persian_input import PersianInput

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

WIDE = 100  # from this many columns the footer also shows the command palette's key

# What may run while the English is being edited (everything else waits for save or cancel).
WHILE_EDITING = {"save", "cancel", "insert_term", "insert_token"}


class PairsScreen(Screen[None]):
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

    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    def __init__(self, doc: Document, *, start_pair_id: int | None = None,
                 query: search.PairQuery | None = None) -> None:
        super().__init__()
        self.doc = doc
        self.start_pair_id = start_pair_id
        self.start_query = query  # e.g. a chrF range chosen on the scores screen
        self.editor = Editing(self)
        self.filtering = Search(self)
        self.review = Review(self)
        self.tools = Tools(self)
        self.glossary = Glossary(self)
        self.suggestions = Suggestions(self)
        self.last_pair: Pair | None = None  # where to go back to after a view with no pairs

    # -- layout and state ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield PersianInput(placeholder="search Persian, English and drafts — \"phrase\", prefix*, NEAR(a b), "
                           "en: / fa: / draft: — enter searches, escape closes", id="search")
        table = PairTable(id="pairs", mode=self.app.rtl_mode, on_change=self._moved)
        table.wrapped = self.app.config.wrapped
        yield table
        yield PairDetail(id="detail")
        yield WriteQueue(id="waiting")
        yield JobBar(id="job")
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
    def writes(self) -> WriteQueue:
        return self.query_one(WriteQueue)

    @property
    def jobs(self) -> JobBar:
        return self.query_one(JobBar)

    @property
    def current(self) -> Pair | None:
        return self.table.current

    # What the app and other screens ask of a pairs view (each part owns the answer).
    @property
    def editing(self) -> EditState | None:
        return self.editor.state

    @property
    def search_text(self) -> str:
        return self.filtering.text

    def on_mount(self) -> None:
        self.watch(self.app, "rtl_mode", self._rtl_changed, init=False)
        self.detail.show_diff = self.app.show_diff
        query = self.start_query or search.PairQuery(doc_id=self.doc.id)
        # Open on the pair asked for, else where the work is: the first pair needing review.
        start = self.existing(self.start_pair_id) or search.find_next(self.ws, query, None, "review")
        self.load(query, keep=start)
        self.table.focus()

    def on_unmount(self) -> None:
        """The app is closing on this screen (quit, ctrl+c, a served session ending): an edit
        still open is kept with the dropped ones (E brings it back next time)."""
        self.editor.keep_open()

    def load(self, query: search.PairQuery, *, keep: Pair | None = None, total: int | None = None,
             ids: array | None = None) -> None:
        source = RowSource(self.ws, query, total, ids)
        cursor = source.nearest_index(keep) if keep is not None and source.total else 0
        self.table.empty_text = self.filtering.empty_text(query)
        self.table.set_source(source, cursor=cursor, show_draft=search.has_drafts(self.ws, self.doc.id))
        self.update_title()

    def update_title(self) -> None:
        table = self.table
        source = table.source
        total = source.total if source else 0
        # LRM after the name: a Persian name must not pull the row count after it into its run
        count = f"{table.cursor + 1 if total else 0:,}/{total:,}{'+ (counting the rest…)' * self.filtering.counting}"
        parts = [printable(self.doc.name) + "\u200e", count]
        name = self.filtering.status_name
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

    def _rtl_changed(self, mode: Mode) -> None:
        self.table.set_mode(mode)
        self.detail.show(self.current, mode)
        self.update_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        review_action = action in {s.action.split("(")[0] for s in PAIR_KEYS}
        if self.editing is not None:
            return action in WHILE_EDITING or not review_action
        if self.filtering.box.has_focus:  # ctrl+z there must not undo a stored change
            return action == "cancel" or not review_action
        return action != "save"

    # -- following the cursor -------------------------------------------------------------------
    def _moved(self, pair: Pair | None) -> None:
        """The table selected another pair, or the selected pair changed (redrawn in place: the
        detail pane stays where the editor scrolled it)."""
        same = pair is not None and self.last_pair is not None and pair.id == self.last_pair.id
        self.last_pair = pair or self.last_pair
        self.detail.show(pair, self.app.rtl_mode, keep_place=same)
        self.update_title()
        self.suggestions.follow(pair)

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        self.suggestions.show(message)

    # -- applying changes -----------------------------------------------------------------------
    def store_action(self, change: Callable[[Workspace, Pair], object], *, what: str,
                     structural: bool | Callable[[object], bool] = False,
                     advance: bool = False, done: str | Callable[[object], str] | None = None,
                     on_refused: Callable[[WorkbenchError], bool] | None = None) -> None:
        """Make one store change, ``change(ws, pair)``, on the selected pair, then show its
        result. A version conflict reloads the pair and says so; it never retries on the user's
        behalf. ``what`` names the change ("approve") while it waits for another writer.
        ``structural`` may be a test of the change's result (other pairs changed too)."""
        pair, source = self.current, self.table.source
        if pair is None or source is None:
            self.notify("no pair selected", severity="warning")
            return
        if not self.writable():
            return
        number = self.table.cursor + 1 if not source.query.filtered else None

        def finished(result: object) -> None:
            on_row = self.current is not None and self.current.id == pair.id
            self.refresh_rows(pair.id, structural=structural(result) if callable(structural) else structural)
            shown = self.table.source  # reloaded by refresh_rows
            if (advance and on_row and self.app.config.advance and shown is not None
                    and shown.index_of(self.ws.pair(pair.id)) is not None):
                self.table.cursor += 1
            if message := done(result) if callable(done) else done:  # a test of the result, as structural
                self.notify(message, timeout=3)

        def conflicted(e: EditConflict) -> None:
            self.refresh_rows(pair.id, structural=True)
            self.notify(f"{conflict_subject(e)} was changed by someone else meanwhile: reloaded, nothing was "
                        "overwritten — look and try again", severity="warning", timeout=8)

        self.writes.write(f"{what} pair {number}" if number else f"{what} the selected pair",
                          lambda ws: change(ws, pair), on_done=finished, on_conflict=conflicted, on_refused=on_refused)

    def refresh_rows(self, pair_id: int | None, *, structural: bool = False) -> None:
        """Show the store's current state: re-read the selected pair after an in-place change,
        or (structural changes, other pairs) count again and keep the cursor on ``pair_id``."""
        table = self.table
        source = table.source
        if source is None:
            return
        pair = self.existing(pair_id)
        current = self.current
        keep = pair or current
        if not structural and pair is not None and current is not None and current.id == pair.id:
            source.changed(pair, table.cursor)
        elif source.ids is not None:  # a search's or a filter's pairs: found again in a worker
            self.filtering.find_again(keep)
        else:
            source.reload()
            if keep is not None and source.total:
                table.set_reactive(PairTable.cursor, source.nearest_index(keep))
        table.rows_changed(force=self.editing is None)
        self.update_title()

    def writable(self) -> bool:
        """Before a change or a job starts: can the workspace take it now? Say why not."""
        try:
            pending, jobs = self.writes.pending, self.jobs
            if pending is not None:
                raise WorkbenchError(f"{pending.what} is still waiting for another writer: "
                                     "other changes wait for it (escape gives it up)")
            if jobs.locking:
                raise WorkbenchError(f"wait until the {jobs.job_name} job is done (moving and reading work meanwhile)")
            if self.ws.read_only:
                raise WorkbenchError("this workspace is read-only")
            self.ws.check_file()
        except WorkbenchError as e:
            self.notify(str(e), severity="error")
            return False
        return True

    def first_existing(self, pair_ids: list[int]) -> int | None:
        """The first of ``pair_ids`` still stored (a merge or undo may have removed the others)."""
        return next((pid for pid in pair_ids if self.existing(pid)), None)

    def existing(self, pair_id: int | None) -> Pair | None:
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

    # -- messages from the parts' workers ----------------------------------------------------------
    def on_search_ready(self, message: SearchReady) -> None:
        self.filtering.ready(message)

    def on_job_finished(self, message: JobFinished) -> None:
        """A job ended (its line is hidden already): show the pairs it changed."""
        self.table.show_draft = search.has_drafts(self.ws, self.doc.id)  # the first drafts add the column
        self.refresh_rows(self.first_existing(message.pair_ids), structural=True)
        self.notify(message.summary, timeout=4)

    def start_job(self, name: str, work: Work) -> None:
        """Run ``work`` as the screen's one background job, if the workspace can take it now."""
        if self.jobs.running:
            self.notify(f"the {self.jobs.job_name} job is still running", severity="warning")
            return
        if self.writable():
            self.jobs.start(name, work)

    # -- moving ---------------------------------------------------------------------------------
    def action_next(self, needs: str, step: int = 1) -> None:
        self.filtering.next(needs, step)

    def action_mark(self) -> None:  # v, and escape with a range started
        table = self.table
        table.set_mark(table.mark_pair is None)
        self.update_title()
        if table.mark is not None:
            self.notify("range started: move to its end and press R to realign it", timeout=4)

    def action_toggle_wrap(self) -> None:
        self.tools.toggle_wrap()

    def action_scroll_detail(self, step: int) -> None:
        self.detail.scroll_text(step)

    def action_documents(self) -> None:
        self.app.action_documents()

    # -- the actions of the parts (the key table names them on the screen) ---------------------------
    def action_cancel(self) -> None:
        """Escape: leave whatever is in progress, innermost first."""
        box = self.filtering.box
        if self.writes.stop_waiting():
            self.notify("giving up the change that waits for another writer…", timeout=3)
        elif self.editor.state is not None:
            self.editor.drop()
        elif box.has_focus:
            box.remove_class("-shown")
            self.table.focus()
        elif self.table.mark_pair is not None:
            self.action_mark()
        elif self.jobs.running:
            self.jobs.stop()
        elif self.filtering.text:
            box.value = ""
            self.filtering.requery("")
        elif self.start_query is not None and self.start_query.chrf:
            self.app.pop_screen()  # the pairs of a chrF bar: back to the scores

    def action_edit(self) -> None: self.editor.open("en")
    def action_edit_persian(self) -> None: self.editor.open("fa")
    def action_save(self) -> None: self.editor.save()
    def action_restore_edit(self, choose: bool = False) -> None: self.editor.restore(choose)
    def action_approve(self) -> None: self.review.approve()
    def action_reject(self) -> None: self.review.reject()
    def action_take_draft(self, replace: bool = False) -> None: self.review.take_draft(replace)
    def action_take_match(self, number: int) -> None: self.suggestions.take(number)
    def action_merge(self) -> None: self.review.merge()
    def action_split(self) -> None: self.review.split()
    def action_shift_english(self, step: int) -> None: self.review.shift_english(step)
    def action_approve_above(self) -> None: self.review.approve_above()
    def action_undo(self) -> None: self.review.history("undo")
    def action_redo(self) -> None: self.review.history("redo")
    def action_search(self) -> None: self.filtering.open_box()
    def action_cycle_filter(self) -> None: self.filtering.cycle_filter()
    def action_set_filter(self, name: str) -> None: self.filtering.set_filter(name)
    def action_filter_dialog(self) -> None: self.filtering.dialog()
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.update_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.filtering.submitted(event.value)

    def action_draft_pair(self) -> None: self.review.draft_pair()
    def action_draft_document(self) -> None: self.review.draft_document()
    def action_realign(self) -> None: self.review.realign()
    def action_note(self) -> None: self.tools.note()
    def action_toggle_diff(self) -> None: self.tools.toggle_diff()
    def action_replace(self) -> None: self.tools.replace()
    def action_insert_term(self) -> None: self.glossary.insert_term()
    def action_insert_token(self) -> None: self.glossary.insert_token()
    def action_add_term(self) -> None: self.glossary.add_term()
    def action_qa_list(self) -> None: self.glossary.qa_list()
