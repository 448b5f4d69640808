"""Glossary and QA actions of the pairs screen (a mixin, so the screen itself only names them):
insert a term's English into the editor, add a term from the pair, list the QA findings, go to
the next pair with a finding.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.tui.qa_view import memo

if TYPE_CHECKING:
    from workbench.store import Pair


class QaActions:
    """Mixed into ``PairsScreen``: uses its ``current``, ``editing``, ``detail``, ``table``."""

    # -- terms --------------------------------------------------------------------------------
    def action_insert_term(self: Any) -> None:
        from workbench.tui.screens.terms import TermPickScreen

        pair: Pair | None = self.current if self.editing is None else self.ws.pair(self.editing.pair_id)
        if pair is None:
            return
        qa = memo(self.app)
        if not qa.ready:
            self.notify("the glossary is still loading — try again in a moment", timeout=3)
            return
        choices = [(hit.surface, english) for hit in qa.terms(pair) for english in hit.entry.en]
        if not choices:
            self.notify("no glossary term in this pair's Persian (+ adds one)", severity="warning", timeout=4)
            return
        if len(choices) == 1:
            self._insert_english(choices[0][1])
            return
        self.app.push_screen(TermPickScreen(choices, self.app.rtl_mode), self._insert_english)

    def _insert_english(self: Any, english: str | None) -> None:
        if not english:
            return
        if self.editing is None:
            self.action_edit()
            if self.editing is None:  # read-only workspace, a job holding the lock: said already
                return
        editor = self.detail.editor
        row, column = editor.cursor_location
        before = editor.document.get_line(row)[:column]
        editor.insert((" " if before and before[-1].isalnum() else "") + english)
        editor.focus()

    def action_add_term(self: Any) -> None:
        from workbench.tui.screens.terms import AddTermScreen

        pair = self.current
        if pair is None or not self._writable():
            return
        english = ""
        if self.editing is not None:
            english = self.detail.editor.selected_text.strip()
        self.app.push_screen(AddTermScreen(pair.fa, english, self.app.rtl_mode), partial(self._add_term, pair))

    def _add_term(self: Any, pair: Pair, values: tuple[str, str, str, list[str]] | None) -> None:
        from workbench.terms import TermMatcher, glossary, make_entry
        from workbench.tui.screens.terms import shown

        if values is None or not self._writable():
            return
        fa, en, note, forbidden = values
        try:
            entry, outcome = glossary.add(self.ws, make_entry(fa, [en] if en else [], forbidden=forbidden, note=note))
        except (WorkbenchError, sqlite3.Error) as e:
            self.notify(f"not added: {e}", severity="error", timeout=8)
            return
        where = "" if TermMatcher([entry]).find(pair.fa) else " (not found in this pair's Persian as typed)"
        message = f"glossary: {outcome} {entry.fa} → {' / '.join(entry.en) or '(no English)'}{where}"
        self.notify(shown(message, self.app.rtl_mode).plain, timeout=5)  # the Persian as it reads
        self.detail.show(self.current, self.app.rtl_mode, keep_place=True)  # the glossary is read again

    # -- QA -----------------------------------------------------------------------------------
    def action_qa_list(self: Any) -> None:
        from workbench.tui.screens.findings import QaScreen

        self.app.push_screen(QaScreen(self.doc))

    def next_qa(self: Any, step: int) -> None:
        """Bring the document's cached findings up to date in a worker, then go to the next pair
        (after the cursor, ``step`` 1, or before it, -1) with a finding shown."""
        self.notify("checking the document…", timeout=1)
        self.run_worker(partial(self._next_qa_worker, step), thread=True, group="qa-next", exclusive=True,
                        exit_on_error=False)

    def _next_qa_worker(self: Any, step: int) -> None:
        from workbench.qa.checker import update_cache

        try:
            with self.app.worker_workspace() as ws:
                update_cache(ws, self.doc.id)
        except (WorkbenchError, sqlite3.Error) as e:
            self.app.call_from_thread(self.notify, f"QA failed: {e}", severity="error")
            return
        self.app.call_from_thread(self._go_next_qa, step)

    def _go_next_qa(self: Any, step: int) -> None:
        from workbench.store import search

        source = self.table.source
        if source is None:
            return
        found = search.find_next(self.ws, source.query, self.current, "qa", step=step)
        if found is None:
            self.notify("no pair with a QA finding here", timeout=3)
            return
        index = source.index_of(found)
        if index is not None:
            self.table.cursor = index

    def go_to_pair(self: Any, pair_id: int) -> bool:
        """Put the cursor on a pair of this document (the status filter and search are cleared
        if they hide it). False if the pair is gone."""
        pair = self._existing(pair_id)
        if pair is None:
            return False
        source = self.table.source
        index = source.index_of(pair) if source is not None else None
        if index is None:
            self.filter_index = 0
            self.search_text = ""
            self._requery("")
            index = self.table.source.index_of(pair)
        if index is not None:
            self.table.cursor = index
        return index is not None
