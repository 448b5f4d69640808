"""The glossary and QA in the pairs view: insert a term's English (or a missing inline-code token)
into the editor, add a term from the pair, list the QA findings, go to the next pair with a
finding (checked in a worker)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from functools import partial

from workbench.errors import WorkbenchError
from workbench.qa.checker import update_cache
from workbench.store import Pair, search
from workbench.text.protected import protected_tokens
from workbench.terms import TermMatcher, glossary, make_entry
from workbench.tui.qa_view import memo
from workbench.tui.screens.findings import QaScreen
from workbench.tui.screens.pairs.part import ScreenPart
from workbench.tui.screens.terms import AddTermScreen, TermPickScreen, shown


class Glossary(ScreenPart):
    """Terms and QA findings of the pair under the cursor."""

    # -- terms --------------------------------------------------------------------------------
    def insert_term(self) -> None:
        screen = self.screen
        editing = screen.editing
        pair = screen.current if editing is None else screen.ws.pair(editing.pair_id)
        if pair is None:
            return
        qa = memo(self.app)
        if not qa.ready:
            screen.notify("the glossary is still loading — try again in a moment", timeout=3)
            return
        choices = [(hit.surface, english) for hit in qa.terms(pair) for english in hit.entry.en]
        if not choices:
            screen.notify("no glossary term in this pair's Persian (+ adds one)", severity="warning", timeout=4)
            return
        if len(choices) == 1:
            self._insert_english(choices[0][1])
            return
        self.app.push_screen(TermPickScreen(choices, self.app.rtl_mode), self._insert_english)

    def insert_token(self) -> None:
        """The first inline-code token of the Persian (in its order) that the English, as being
        edited, lacks: what the tags check and the save ask for, and no key of a terminal types."""
        screen = self.screen
        editing = screen.editing
        pair = screen.current if editing is None else screen.ws.pair(editing.pair_id)
        if pair is None:
            return
        english = screen.detail.editor.text if editing is not None else pair.en
        have = Counter(protected_tokens(english))
        for token in protected_tokens(pair.fa):
            if have[token]:
                have[token] -= 1
            else:
                self._insert_english(token, spaced=False)
                return
        screen.notify("the English has every inline-code token of the Persian", timeout=3)

    def _insert_english(self, english: str | None, *, spaced: bool = True) -> None:
        if not english:
            return
        screen = self.screen
        if screen.editing is None:
            screen.editor.open("en")
            if screen.editing is None:  # read-only workspace, a job holding the lock: said already
                return
        editor = screen.detail.editor
        row, column = editor.cursor_location
        before = editor.document.get_line(row)[:column]
        editor.insert((" " if spaced and before and before[-1].isalnum() else "") + english)
        editor.focus()

    def add_term(self) -> None:
        screen = self.screen
        pair = screen.current
        if pair is None or not screen.writable():
            return
        english = ""
        if screen.editing is not None:
            english = screen.detail.editor.selected_text.strip()
        self.app.push_screen(AddTermScreen(pair.fa, english, self.app.rtl_mode), partial(self._add_term, pair))

    def _add_term(self, pair: Pair, values: tuple[str, str, str, list[str]] | None) -> None:
        screen = self.screen
        if values is None or not screen.writable():
            return
        fa, en, note, forbidden = values
        try:
            entry, outcome = glossary.add(screen.ws, make_entry(fa, [en] if en else [], forbidden=forbidden, note=note))
        except (WorkbenchError, sqlite3.Error) as e:
            screen.notify(f"not added: {e}", severity="error", timeout=8)
            return
        where = "" if TermMatcher([entry]).find(pair.fa) else " (not found in this pair's Persian as typed)"
        message = f"glossary: {outcome} {entry.fa} → {' / '.join(entry.en) or '(no English)'}{where}"
        screen.notify(shown(message, self.app.rtl_mode).plain, timeout=5)  # the Persian as it reads
        screen.detail.show(screen.current, self.app.rtl_mode, keep_place=True)  # the glossary is read again

    # -- QA -----------------------------------------------------------------------------------
    def qa_list(self) -> None:
        self.app.push_screen(QaScreen(self.screen.doc))

    def next_qa(self, step: int) -> None:
        """Bring the document's cached findings up to date in a worker, then go to the next pair
        (after the cursor, ``step`` 1, or before it, -1) with a finding shown."""
        self.screen.notify("checking the document…", timeout=1)
        self.screen.run_worker(partial(self._next_qa_worker, step), thread=True, group="qa-next", exclusive=True,
                               exit_on_error=False)

    def _next_qa_worker(self, step: int) -> None:
        try:
            with self.app.worker_workspace() as ws:
                update_cache(ws, self.screen.doc.id)
        except (WorkbenchError, sqlite3.Error) as e:
            self.app.call_from_thread(self.screen.notify, f"QA failed: {e}", severity="error")
            return
        self.app.call_from_thread(self._go_next_qa, step)

    def _go_next_qa(self, step: int) -> None:
        screen = self.screen
        source = screen.table.source
        if source is None:
            return
        found = search.find_next(screen.ws, source.query, screen.current, "qa", step=step)
        if found is None:
            screen.notify("no pair with a QA finding here", timeout=3)
            return
        index = source.index_of(found)
        if index is not None:
            screen.table.cursor = index
