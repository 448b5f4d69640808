"""The rows of the pairs table, read from SQLite a page at a time.

The table asks for row ``i``; the page holding it is read by key when its neighbour is known
(sequential scrolling) or from the ``(doc_id, position)`` index by offset (a jump). Only a
bounded number of pages are kept, so a 100k-pair document costs what the screen shows.

A search (or a filter) may instead come with the ids of its pairs in order, found in a worker:
each page is then a read by id. Read by its query, every page of a search would run the
full-text match again (a tenth of a second for 50k hits in 100k pairs, on the UI thread).

Each row shows the pair's real number (its place in its document, as the exports count it), not
its row: in a search, a filter or the whole workspace they differ.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict

from workbench.store import Pair, Workspace, hits, numbering, search

PAGE = 100
HEAD = 2 * PAGE  # a search's first rows, shown (on a big workspace) while the rest are found
MAX_PAGES = 30
FLAGS_LOOK = 5000  # pairs looked at for flags when a table opens (see has_flags)


class RowSource:
    def __init__(self, ws: Workspace, query: search.PairQuery, total: int | None = None,
                 ids: array | None = None) -> None:
        self.ws = ws
        self.query = query
        self.ids = ids  # the query's pair ids in order, if the caller found them
        if ids is not None:
            total = len(ids)
        self.total = search.count(ws, query) if total is None else total
        self._pages: OrderedDict[int, list[Pair]] = OrderedDict()
        # Rows of a whole document are numbered by their row; other queries ask the store.
        self.counts_rows = query.doc_id is not None and not query.filtered
        self._numbers: dict[int, int] = {}  # pair id → number in its document (pages read so far)
        self.largest_number = self.total if self.counts_rows else numbering.largest_number(ws, query)
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
        if self.ids is not None:
            rows = search.pairs_by_ids(self.ws, self.ids[number * PAGE:(number + 1) * PAGE])
        elif before and len(before) == PAGE:
            last = before[-1]
            rows = search.page(self.ws, self.query, after=(last.doc_id, last.position), limit=PAGE)
        else:
            rows = search.page(self.ws, self.query, offset=number * PAGE, limit=PAGE)
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def number(self, index: int, pair: Pair) -> int:
        """The number of the pair at row ``index`` in its document."""
        if self.counts_rows:
            return index + 1
        number = self._numbers.get(pair.id)
        if number is None:
            page = index // PAGE
            rows = self._pages.get(page) or [pair]
            # Scrolling on: count from the previous page's last pair, not from the document's start.
            before = self._pages.get(page - 1)
            known = self._numbers.get(before[-1].id) if before else None
            start = (before[-1].doc_id, before[-1].position, known) if before and known is not None else None
            if len(self._numbers) > MAX_PAGES * PAGE:
                self._numbers.clear()
            self._numbers.update(numbering.numbers(self.ws, rows, start=start))
            number = self._numbers[pair.id]
        return number

    def index_of(self, pair: Pair) -> int | None:
        """The row of a pair in this source, or None if the query leaves it out."""
        if self.ids is not None:
            # Found by its place (a few reads), else by one scan in C: a dict of every id
            # took 0.4 s on the event loop for a search with 1.5M hits.
            at = hits.ordinal_among(self.ws, self.ids, pair)
            if at is not None and at < len(self.ids) and self.ids[at] == pair.id:
                return at
            try:
                return self.ids.index(pair.id)  # moved since the search, or not one of its pairs
            except ValueError:
                return None
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
        if index is None and self.ids is not None:  # found without the search run again
            index = hits.ordinal_among(self.ws, self.ids, pair)
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
        if self.ids is not None:  # the row goes; later pages are read again from the ids
            del self.ids[index]
            for later in [n for n in self._pages if n >= number]:
                del self._pages[later]
            return
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

    def forget_pages(self) -> None:
        """Read every row again when next drawn (the pairs the query names stay as they were)."""
        self._pages.clear()
        self._numbers.clear()

    def reload(self) -> None:
        """Forget every page and count again (after a change that may add or remove rows)."""
        self.forget_pages()
        if self.ids is not None:
            self.ids = hits.ids(self.ws, self.query)
        self.total = len(self.ids) if self.ids is not None else search.count(self.ws, self.query)
        if not self.counts_rows:
            self.largest_number = numbering.largest_number(self.ws, self.query)

    def has_flags(self) -> bool:
        """Whether any pair of the query's document is not 1-1 or has QA flags: the table's QA
        column is left out (its width goes to the text) when none is. Looked up once, among the
        document's first ``FLAGS_LOOK`` pairs (a whole 10M-pair document took 3.5 s on the event
        loop); a row the table draws later with flags (further down, after a merge, a draft)
        turns it on through ``flags_seen``."""
        if self._flags is None:
            self._flags = any(search.among_first(self.ws, self.query.doc_id, needs, FLAGS_LOOK)
                              for needs in ("uneven", "qa"))
        return self._flags

    def flags_seen(self) -> None:
        self._flags = True
