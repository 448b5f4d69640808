"""Searching the whole workspace: every document's pairs that match, as a concordance (the hit
in its context, Persian and English), with the selected pair in full below. Enter opens the
pair in its document; the search and the row are kept for the next ctrl+f.

Counting runs in a worker (a search over a big workspace takes a moment): the first rows come
first (``hits.first_ids``, hundredths of a second at 10M pairs) and are shown while the rest are
counted; rows are then read a page at a time like the pairs table's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from workbench.store import Pair, hits, search
from workbench.store.concordance import terms
from workbench.tui.display import Mode, sanitize, visual_line
from workbench.tui.keys import RESULT_KEYS, bindings
from workbench.tui.messages import JobFailed, SearchReady
from workbench.tui.rows import HEAD, RowSource
from workbench.tui.widgets.detail import PairDetail
from workbench.tui.widgets.results_table import ResultsTable
from workbench.tui.widgets.persian_input import PersianInput

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


@dataclass
class ResultsReady(SearchReady):
    """A workspace search counted, or its first rows found: how many documents its pairs are
    in, the row to show."""

    documents: int = 0
    cursor: int = 0


class SearchResultsScreen(Screen):
    HELP_SECTION = "Search results"  # the help screen (?) shows this screen's keys first
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    BINDINGS = bindings(RESULT_KEYS)
    DEFAULT_CSS = """
    SearchResultsScreen #title { height: 1; background: $panel; padding: 0 1; }
    SearchResultsScreen #query { height: 3; border: tall $accent; }
    SearchResultsScreen ResultsTable { height: 1fr; }
    SearchResultsScreen PairDetail { height: 35%; }
    """

    def __init__(self, text: str = "", cursor: int = 0) -> None:
        super().__init__()
        self.text = text.strip()
        self.start_cursor = cursor
        self.documents = 0  # how many documents the results are in
        self.counting: str | None = None  # the search whose first rows are shown, the rest being found

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield PersianInput(self.text, placeholder="search every document: words (Kazakh finds Kazakhstan), "
                           "\"a phrase\", en: / fa: / draft: / note: — enter searches, escape goes back", id="query")
        yield ResultsTable(id="results", mode=self.app.rtl_mode, on_change=self._moved)
        yield PairDetail(id="detail")
        yield Footer()

    @property
    def table(self) -> ResultsTable:
        return self.query_one(ResultsTable)

    @property
    def box(self) -> Input:
        return self.query_one("#query", Input)

    def on_mount(self) -> None:
        self.watch(self.app, "rtl_mode", self._rtl_changed, init=False)
        self.table.empty_text = "Type a search above and press enter."
        self.query_one(PairDetail).show_diff = self.app.show_diff
        if self.text:
            self._search(self.text, self.start_cursor)
            self.table.focus()
        else:
            self.box.focus()
        self.update_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.box.has_focus and action in ("open_result", "edit_search"):
            return False  # enter searches, / is typed
        return True

    # -- searching ----------------------------------------------------------------------------
    def _search(self, text: str, cursor: int = 0) -> None:
        self.text = text
        self.run_worker(partial(self._count, text, cursor), thread=True, group="search", exclusive=True,
                        exit_on_error=False)

    def _count(self, text: str, cursor: int) -> None:
        try:
            with self.app.worker_workspace() as ws:
                query = search.pair_query(ws, text=text)
                sparse = None
                if query.match is not None:
                    head = hits.first_ids(ws, query, HEAD)
                    if head.complete or len(head.ids) > cursor:
                        self.post_message(ResultsReady(query, len(head.ids), head.ids, complete=head.complete,
                                                       documents=head.documents, cursor=cursor))
                    if head.complete:
                        return
                    sparse = head.sparse
                found, documents = hits.ids_and_documents(ws, query, sparse=sparse)
        except Exception as e:  # a search must never end the session
            self.post_message(JobFailed("search", f"search failed: {e}"))
            return
        self.post_message(ResultsReady(query, len(found), found, documents=documents, cursor=cursor))

    def on_results_ready(self, message: ResultsReady) -> None:
        if message.query.text != self.text:
            return  # an older search finished after a newer one started
        table = self.table
        # The rest of the rows shown: the cursor stays where the editor may have moved it since.
        cursor = table.cursor if self.counting == message.query.text else message.cursor
        self.documents, self.counting = message.documents, None if message.complete else message.query.text
        table.terms = terms(message.query.match)
        table.doc_names = {d.id: d.name for d in self.app.ws.documents()}
        table.empty_text = f"No pair in any document matches {message.query.text!r} — / changes the search."
        table.set_source(RowSource(self.app.ws, message.query, ids=message.ids), cursor=cursor,
                         show_draft=False)
        self.update_title()

    def on_job_failed(self, message: JobFailed) -> None:
        self.notify(message.error, severity="error", timeout=10)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.update_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self._search(text)
            self.table.focus()

    def external_change(self) -> None:
        """Another editor saved something: the rows may have changed (numbers, texts, matches)."""
        if self.table.source is not None:
            self._search(self.text, self.table.cursor)

    # -- showing ------------------------------------------------------------------------------
    def _moved(self, pair: Pair | None) -> None:
        self.query_one(PairDetail).show(pair, self.app.rtl_mode)
        self.update_title()

    def _rtl_changed(self, mode: Mode) -> None:
        self.table.set_mode(mode)
        self.query_one(PairDetail).show(self.table.current, mode)
        self.update_title()

    def update_title(self) -> None:
        parts = ["Search in every document"]
        source = self.table.source
        if self.box.has_focus and self.box.value:
            parts.append(f"searching: {self.box.value}")  # as it reads (the box shows logical order)
        elif self.text:
            parts.append(f"search: {self.text}")
        if source is not None and self.counting is not None:
            parts.append(f"first {source.total:,} pairs, counting the rest…")
        elif source is not None:
            pairs = f"{source.total:,} pair{'s' * (source.total != 1)}"
            docs = f"{self.documents:,} document{'s' * (self.documents != 1)}"
            parts.append(f"{pairs} in {docs}" if source.total else "no pairs")
            if source.total:
                parts.append(f"row {self.table.cursor + 1:,}/{source.total:,}")
        parts.append(f"RTL: {self.app.rtl_mode}")
        if self.app.rtl_mode == "visual":  # each part on its own: "27 pairs" must not join a Persian search
            parts = [visual_line(sanitize(part), rtl=False) for part in parts]
        title = " · ".join(parts)
        self.query_one("#title", Static).update(Text(title), layout=False)

    # -- actions ------------------------------------------------------------------------------
    def action_open_result(self) -> None:
        pair = self.table.current
        if pair is None:
            return
        self.app.last_search = (self.text, self.table.cursor)
        self.app.open_pair(pair.doc_id, pair.id)

    def action_edit_search(self) -> None:
        self.box.focus()

    def action_close(self) -> None:
        if self.box.has_focus and self.table.source is not None:
            self.box.value = self.text
            self.table.focus()
            return
        if self.table.source is not None:
            self.app.last_search = (self.text, self.table.cursor)
        self.app.pop_screen()
