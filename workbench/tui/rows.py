"""The rows of the pairs table, read from SQLite a page at a time.

The table asks for row ``i``; the page holding it is read by key when its neighbour is known
(sequential scrolling) or from the ``(doc_id, position)`` index by offset (a jump). Only a
bounded number of pages are kept, so a 100k-pair document costs what the screen shows.
"""

from __future__ import annotations

from collections import OrderedDict

from workbench.store import Pair, Workspace, search

PAGE = 100
MAX_PAGES = 30


class RowSource:
    def __init__(self, ws: Workspace, query: search.PairQuery, total: int | None = None) -> None:
        self.ws = ws
        self.query = query
        self.total = search.count(ws, query) if total is None else total
        self._pages: OrderedDict[int, list[Pair]] = OrderedDict()
        self._flags: bool | None = None

    def get(self, index: int) -> Pair | None:
        if not 0 <= index < self.total:
            return None
        number, offset = divmod(index, PAGE)
        rows = self._page(number)
        return rows[offset] if offset < len(rows) else None

    def _page(self, number: int) -> list[Pair]:
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
            return rows
        before = self._pages.get(number - 1)
        if before and len(before) == PAGE:
            last = before[-1]
            rows = search.page(self.ws, self.query, after=(last.doc_id, last.position), limit=PAGE)
        else:
            rows = search.page(self.ws, self.query, offset=number * PAGE, limit=PAGE)
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def index_of(self, pair: Pair) -> int | None:
        """The row of a pair in this source, or None if the query leaves it out."""
        for number, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == pair.id:
                    return number * PAGE + offset
        if not search.contains(self.ws, self.query, pair.id):
            return None
        return search.ordinal(self.ws, self.query, pair)

    def nearest_index(self, pair: Pair) -> int:
        """The row of a pair, or where it would be: the row of the next pair of the query."""
        index = self.index_of(pair)
        if index is None:
            index = search.ordinal(self.ws, self.query, pair)
        return max(0, min(index, self.total - 1))

    def changed(self, pair: Pair, index: int) -> None:
        """The pair at row ``index`` changed in place (status, English): keep it, or, if the
        query no longer takes it, drop the row; rows above it stay as they are, so nothing
        needs counting again."""
        if not self.query.filtered or search.contains(self.ws, self.query, pair.id):
            self.replace(pair)
            return
        self.total -= 1
        number, offset = divmod(index, PAGE)
        for later in [n for n in self._pages if n > number]:
            del self._pages[later]
        rows = self._pages.get(number)
        if rows is not None:  # refill the page by key from the pair that left: no counting
            after = search.page(self.ws, self.query, after=(pair.doc_id, pair.position), limit=PAGE - offset)
            self._pages[number] = rows[:offset] + after

    def replace(self, pair: Pair) -> bool:
        """Put a re-read pair in place of its cached row (same place in the document)."""
        for rows in self._pages.values():
            for offset, row in enumerate(rows):
                if row.id == pair.id:
                    rows[offset] = pair
                    return True
        return False

    def reload(self) -> None:
        """Forget every page and count again (after a change that may add or remove rows)."""
        self._pages.clear()
        self.total = search.count(self.ws, self.query)

    def has_flags(self) -> bool:
        """Whether any pair of the query's document is not 1-1 or has QA flags: the table's QA
        column is left out (its width goes to the text) when none is. Looked up once (a scan
        of the document when there is none); a row the table draws later with flags (after a
        merge, a draft) turns it on through ``flags_seen``."""
        if self._flags is None:
            whole = search.PairQuery(doc_id=self.query.doc_id)
            self._flags = any(search.find_next(self.ws, whole, None, needs, wrap=False) is not None
                              for needs in ("uneven", "qa"))
        return self._flags

    def flags_seen(self) -> None:
        self._flags = True
