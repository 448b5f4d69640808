"""Search and status filters of the pairs view: counting a search runs in a worker, and the
table shows its result when it comes back (an older search finishing late is ignored)."""

from __future__ import annotations

import sqlite3
from array import array
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual.widgets import Input

from workbench.errors import WorkbenchError
from workbench.qa.checker import update_cache
from workbench.store import Pair, Workspace, hits, search
from workbench.tui.messages import JobFailed, SearchReady
from workbench.tui.rows import HEAD
from workbench.tui.screens.filter import FilterChoice, Filters, FilterScreen
from workbench.tui.screens.pairs.part import ScreenPart

if TYPE_CHECKING:
    from workbench.tui.screens.pairs.screen import PairsScreen

FILTERS: list[tuple[str, tuple[str, ...]]] = [
    ("all", ()),
    ("undecided", ("draft", "review")),
    ("review", ("review",)),
    ("new", ("draft",)),  # stored status "draft": a bead nobody has looked at (labels.py)
    ("approved", ("approved",)),
    ("rejected", ("rejected",)),
]

NEEDS_NAMES = {"review": "needing review", "qa": "with a QA warning", "uneven": "that is not 1:1"}


class Search(ScreenPart):
    """What the pairs view shows: its status filter, the filter dialog's choices and the search
    (the box and its text). A change counts again in a worker; the screen loads the result."""

    def __init__(self, screen: PairsScreen) -> None:
        super().__init__(screen)
        self.filter_index = 0
        self.filters = Filters()  # the filter dialog's choices beyond the status (F)
        self.text = ""
        self.counting = False  # a search's first rows are shown, the rest being found
        self.keep: Pair | None = None  # the pair the cursor goes to when the search being run is shown

    @property
    def box(self) -> Input:
        return self.screen.query_one("#search", Input)

    @property
    def status_name(self) -> str:
        return FILTERS[self.filter_index][0]

    def cycle_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self.requery(self.text)
        self.screen.notify(f"showing {FILTERS[self.filter_index][0]} pairs", timeout=2)

    def set_filter(self, name: str) -> None:
        self.filter_index = [n for n, _ in FILTERS].index(name)
        self.requery(self.text)

    def requery(self, text: str, *, keep: Pair | None = None) -> None:
        """Show the pairs of the status filter, the filters and ``text`` (the cursor on ``keep``,
        else on the pair it is on)."""
        statuses = FILTERS[self.filter_index][1]
        self.keep = keep
        # The pairs of a chrF bar (from the scores screen) stay that bar's pairs when filtered.
        chrf = self.screen.start_query.chrf if self.screen.start_query else None
        self.text = text
        if not text and not self.filters.active:
            self.counting = False
            self.screen.load(search.PairQuery(doc_id=self.screen.doc.id, statuses=statuses, chrf=chrf),
                             keep=keep or self.screen.current or self.screen.last_pair)
            return
        # Searching (or a filter that leaves few pairs) may take a while on a big workspace:
        # count in a worker, then show.
        self.screen.run_worker(partial(self._search_worker, statuses, text, chrf, self.filters), thread=True,
                               group="search", exclusive=True, exit_on_error=False)

    def _search_worker(self, statuses: tuple[str, ...], text: str, chrf: tuple[float, float] | None,
                       filters: Filters) -> None:
        try:
            with self.app.worker_workspace() as ws:
                if filters.qa:
                    _bring_qa_up_to_date(ws, self.screen.doc.id)
                query = replace(search.pair_query(ws, doc_id=self.screen.doc.id, status=statuses or None, text=text),
                                chrf=chrf)
                query = filters.apply(query)
                sparse = None
                if query.match is not None:  # the first rows first: all of a common word take seconds at 10M
                    head = hits.first_ids(ws, query, HEAD)
                    self.screen.post_message(SearchReady(query, len(head.ids), head.ids, complete=head.complete))
                    if head.complete:
                        return
                    sparse = head.sparse
                found = hits.ids(ws, query, sparse=sparse)
        except Exception as e:
            self.screen.jobs.post_message(JobFailed("search", f"search failed: {e}"))  # said by the job line
            return
        self.screen.post_message(SearchReady(query, len(found), found))

    def find_again(self, keep: Pair | None) -> None:
        """After a change that may add or remove pairs of the search or filter shown: find them
        again in a worker, as a new search is (a common word at 10M pairs takes seconds; on the
        event loop it froze the app); meanwhile the rows shown are read afresh."""
        source = self.screen.table.source
        if source is not None:
            source.forget_pages()
        self.requery(self.text, keep=keep)

    def ready(self, message: SearchReady) -> None:
        asked = (message.query.text, message.query.statuses, Filters.of(message.query))
        if asked != (self.text, FILTERS[self.filter_index][1], self.filters):
            return  # an older search (other words, another filter) finished after a newer one started
        keep = self.keep or self.screen.current or self.screen.last_pair
        if not message.complete and (not message.ids or not self._within(keep, message.ids)):
            return  # the editor's pair lies beyond the first rows: the table waits for all of them
        self.counting = not message.complete
        if message.complete:
            self.keep = None
        # No focus change: the editor may be typing the next search already.
        self.screen.load(message.query, keep=keep, ids=message.ids)
        if message.total == 0 and message.query.text:
            self.screen.notify(f"no pair matches {message.query.text!r}", severity="warning", timeout=4)
        elif message.total == 0:
            self.screen.notify("no pair here passes these filters (F changes them)", severity="warning", timeout=4)

    def _within(self, pair: Pair | None, first: array) -> bool:
        """Whether ``pair`` comes no later than the last of a search's first rows (its place
        among them is then known without all of them)."""
        if pair is None:
            return True
        place = hits.ordinal_among(self.screen.ws, first, pair)
        return place is not None and place < len(first)

    def open_box(self) -> None:
        box = self.box
        box.add_class("-shown")
        box.value = self.text
        box.focus()

    def submitted(self, value: str) -> None:
        """Search and go back to the table (the title shows the search; / edits it again)."""
        self.box.remove_class("-shown")
        self.screen.table.focus()
        self.requery(value.strip())

    def next(self, needs: str, step: int = 1) -> None:
        """Move to the next pair (``step`` 1) or the previous one (-1) shown here that ``needs`` something."""
        source = self.screen.table.source
        if source is None:
            return
        if needs == "qa":  # findings are checked (and cached) in a worker first
            self.screen.glossary.next_qa(step)
            return
        found = search.find_next(self.screen.ws, source.query, self.screen.current, needs, step=step)
        if found is None:
            self.screen.notify(f"no pair {NEEDS_NAMES[needs]} here", timeout=3)
            return
        index = source.index_of(found)
        if index is not None:
            self.screen.table.cursor = index

    def dialog(self) -> None:
        """F: the filter dialog (status, and the filters beyond it)."""
        names = [name for name, _ in FILTERS]
        self.app.push_screen(FilterScreen(names, names[self.filter_index], self.filters, self.screen.doc.id),
                             self._apply)

    def _apply(self, choice: FilterChoice | None) -> None:
        if choice is None:
            return
        self.filter_index = [name for name, _ in FILTERS].index(choice.status)
        self.filters = choice.filters
        self.requery(self.text)

    def go_to(self, pair_id: int) -> bool:
        """Put the cursor on a pair of this document (the status filter and search are cleared
        if they hide it). False if the pair is gone."""
        pair = self.screen.existing(pair_id)
        if pair is None:
            return False
        source = self.screen.table.source
        index = source.index_of(pair) if source is not None else None
        if index is None:
            self.clear()
            index = self.screen.table.source.index_of(pair) if self.screen.table.source is not None else None
        if index is not None:
            self.screen.table.cursor = index
        return index is not None

    def empty_text(self, query: search.PairQuery) -> str:
        """What the table says when ``query`` shows no pair."""
        if query.text:
            return f"No pair matches {query.text!r} — / changes the search, escape clears it."
        if self.filters.active:
            return "No pair here passes these filters — F changes them."
        if query.statuses:
            return f"No {self.status_name} pairs here — f changes the filter."
        return "This document has no pairs."

    def clear(self) -> None:
        """No status filter, no search (to show a pair they hide)."""
        self.filter_index = 0
        self.text = ""
        self.requery("")


def _bring_qa_up_to_date(ws: Workspace, doc_id: int) -> None:
    """The "has a QA flag" filter reads cached findings: check the pairs not checked since they
    last changed first (pairs never shown on screen among them)."""
    try:
        update_cache(ws, doc_id)
    except (WorkbenchError, sqlite3.Error):
        pass  # another writer holds the lock: filter on what is cached
