"""Search and status filters of the pairs view: counting a search runs in a worker, and the
table shows its result when it comes back (an older search finishing late is ignored)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from functools import partial

from textual.widgets import Input

from workbench.errors import WorkbenchError
from workbench.store import Workspace, search
from workbench.tui.messages import JobFailed, SearchReady
from workbench.tui.screens.filter import Filters

FILTERS: list[tuple[str, tuple[str, ...]]] = [
    ("all", ()),
    ("undecided", ("draft", "review")),
    ("review", ("review",)),
    ("new", ("draft",)),  # stored status "draft": a bead nobody has looked at (labels.py)
    ("approved", ("approved",)),
    ("rejected", ("rejected",)),
]


class SearchActions:
    """Searching and filtering (a part of PairsScreen)."""

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
        if not text and not self.filters.active:
            self.load(search.PairQuery(doc_id=self.doc.id, statuses=statuses, chrf=chrf),
                      keep=self.current or self._last_pair)
            return
        # Searching (or a filter that leaves few pairs) may take a while on a big workspace:
        # count in a worker, then show.
        self.run_worker(partial(self._search_worker, statuses, text, chrf, self.filters), thread=True,
                        group="search", exclusive=True, exit_on_error=False)

    def _search_worker(self, statuses: tuple[str, ...], text: str, chrf: tuple[float, float] | None,
                       filters: Filters) -> None:
        try:
            with self.app.worker_workspace() as ws:
                if filters.qa:
                    _bring_qa_up_to_date(ws, self.doc.id)
                query = replace(search.pair_query(ws, doc_id=self.doc.id, status=statuses or None, text=text),
                                chrf=chrf)
                query = filters.apply(query)
                found = search.ids(ws, query)
        except Exception as e:
            self.post_message(JobFailed("search", f"search failed: {e}"))
            return
        self.post_message(SearchReady(query, len(found), found))

    def on_search_ready(self, message: SearchReady) -> None:
        asked = (message.query.text, message.query.statuses, Filters.of(message.query))
        if asked != (self.search_text, FILTERS[self.filter_index][1], self.filters):
            return  # an older search (other words, another filter) finished after a newer one started
        # No focus change: the editor may be typing the next search already.
        self.load(message.query, keep=self.current or self._last_pair, ids=message.ids)
        if message.total == 0 and message.query.text:
            self.notify(f"no pair matches {message.query.text!r}", severity="warning", timeout=4)
        elif message.total == 0:
            self.notify("no pair here passes these filters (F changes them)", severity="warning", timeout=4)

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("-shown")
        box.value = self.search_text
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.update_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Search and go back to the table (the title shows the search; / edits it again)."""
        if event.input.id != "search":
            return
        self.query_one("#search", Input).remove_class("-shown")
        self.table.focus()
        self._requery(event.value.strip())


def _bring_qa_up_to_date(ws: Workspace, doc_id: int) -> None:
    """The "has a QA flag" filter reads cached findings: check the pairs not checked since they
    last changed first (pairs never shown on screen among them)."""
    from workbench.qa.checker import update_cache

    try:
        update_cache(ws, doc_id)
    except (WorkbenchError, sqlite3.Error):
        pass  # another writer holds the lock: filter on what is cached
