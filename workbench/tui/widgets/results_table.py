"""The search results of the whole workspace as a concordance: document | number | Persian
in context | English in context | status, one row per pair, the hit at a fixed column in both
languages. Rows are paged from SQLite and drawn like the pairs table (it is one, with other
columns); the number is the pair's place in its document, as the pairs table and the exports
count it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from workbench.store import Pair
from workbench.store.concordance import Term, hits
from workbench.tui.display import has_rtl, pad
from workbench.tui.kwic import kwic
from workbench.tui.labels import status_label
from workbench.tui.widgets.columns import STATUS_WIDTH, Columns, padded
from workbench.tui.widgets.pair_table import PairTable

DOC_WIDTH = 18


@dataclass(frozen=True)
class ResultColumns:
    doc: int
    number: int
    fa: int
    en: int

    @classmethod
    def fit(cls, width: int, number: int) -> ResultColumns:
        free = max(16, width - DOC_WIDTH - number - STATUS_WIDTH - 4)
        return cls(DOC_WIDTH, number, free // 2, free - free // 2)


class ResultsTable(PairTable):
    COMPONENT_CLASSES = PairTable.COMPONENT_CLASSES | {"pair-table--hit"}
    DEFAULT_CSS = """
    ResultsTable > .pair-table--hit { text-style: bold reverse; }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.terms: list[Term] = []
        self.doc_names: dict[int, str] = {}

    def _header(self, columns: Columns, width: int) -> Strip:
        style = self._style("header")
        fit = ResultColumns.fit(width, columns.number)
        return self._strip([
            [(padded("Document", fit.doc, mode="terminal"), style)],
            [(pad("#", fit.number - 1, right=True) + " ", style)],
            [(padded("Persian", fit.fa, mode="terminal"), style)],
            [(padded("English (or where it matched)", fit.en, mode="terminal"), style)],
            [(padded("Status", STATUS_WIDTH, mode="terminal"), style)],
        ], width, style)

    def _row(self, pair: Pair, index: int, columns: Columns, width: int, selected: bool, marked: bool,
             line: int = 0, qa: int | None = None) -> Strip:  # one line a result (no wrapped view)
        base = self.rich_style + (self._style("cursor") if selected else Style())
        hit = base + self._style("hit")
        fit = ResultColumns.fit(width, columns.number)
        number = self.source.number(index, pair) if self.source else index + 1
        name = self.doc_names.get(pair.doc_id, "")
        fa_hits = hits(pair.fa, self.terms)
        en_text, en_hits, where = pair.en, hits(pair.en, self.terms), ""
        if not fa_hits and not en_hits:  # the words are in the draft or the note: show where
            for label, text in (("draft", pair.draft or ""), ("note", pair.note)):
                found = hits(text, self.terms) if text else []
                if found:
                    en_text, en_hits, where = text, found, f"{label}: "
                    break
        row: list[list[tuple[str, Style]]] = [
            [(padded(name, fit.doc, mode=self.mode, rtl=has_rtl(name)), base)],
            [(pad(str(number), fit.number - 1, right=True) + " ", base + self._fg("number"))],
        ]
        for text, found, size, rtl, label in ((pair.fa, fa_hits, fit.fa, True, ""),
                                              (en_text, en_hits, fit.en, False, where)):
            pieces = kwic(text, found[0] if found else None, size - 2 - len(label), mode=self.mode, rtl=rtl)
            # One space each side, as padded() leaves; the label ("note: "), the hit in the hit style.
            row.append([(" ", base), (label, base + self._fg("draft")),
                        *((piece, hit if is_hit else base) for piece, is_hit in pieces), (" ", base)])
        row.append([(padded(status_label(pair.status), STATUS_WIDTH, mode="terminal"), base + self._fg(pair.status))])
        return self._strip(row, width, base)

    def _strip(self, columns: list[list[tuple[str, Style]]], width: int, style: Style) -> Strip:
        """Columns of styled pieces, a bar between columns (none between the document and the number)."""
        separator = Segment("│", style + self._fg("separator"))
        segments: list[Segment] = []
        for i, pieces in enumerate(columns):
            if i > 1:
                segments.append(separator)
            segments += [Segment(text, piece_style) for text, piece_style in pieces]
        return Strip(segments).adjust_cell_length(width, style)
