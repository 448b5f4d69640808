"""The pairs table's columns: their widths for a terminal width (``Columns``), and what a cell
shows (padding, the QA column's marks). The pairs table and the search results table share them."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.store import Pair
from workbench.tui.display import Mode, cell

STATUS_WIDTH = 10  # with a space each side: "approved", "rejected"
FLAGS_WIDTH = 8  # "1-2 !1" with a space each side


@dataclass(frozen=True)
class Columns:
    number: int
    fa: int
    draft: int  # 0: no draft column
    en: int
    flags: int = FLAGS_WIDTH  # 0: no QA column (nothing in the document to show there)

    @classmethod
    def fit(cls, width: int, total: int, show_draft: bool, show_flags: bool = True) -> Columns:
        number = len(str(max(total, 1))) + 1
        flags = FLAGS_WIDTH if show_flags else 0
        seps = 2 + show_draft + show_flags  # bars between the text, status and QA columns
        free = max(12, width - number - STATUS_WIDTH - flags - seps)
        if show_draft:
            fa = free * 36 // 100
            draft = free * 30 // 100
            return cls(number, fa, draft, free - fa - draft, flags)
        fa = free // 2
        return cls(number, fa, 0, free - fa, flags)

    @property
    def text_widths(self) -> tuple[int, int, int]:
        """The widths of the text in the Persian, draft and English cells (no padding)."""
        return self.fa - 2, max(0, self.draft - 2), self.en - 2


def padded(text: str, width: int, *, mode: Mode, rtl: bool = False) -> str:
    """A cell with one space of room on each side, ``width`` cells in all."""
    return " " + cell(text, width - 2, mode=mode, rtl=rtl) + " "


NOTE_MARK = "✎"  # the pair has a note
FLAG_MARK = "⚑"  # the pair has a flag ("ask the client"), with or without a note


def flags(pair: Pair, qa: int | None = None) -> str:
    """The QA column: the bead shape when it is not 1-1, the number of QA findings (``qa``), and
    a mark for a note or a flag."""
    parts = []
    if pair.shape != "1-1":
        parts.append(pair.shape)
    if qa:
        parts.append(f"!{qa}")
    if pair.flag or pair.note:
        parts.append(FLAG_MARK if pair.flag else NOTE_MARK)
    return " ".join(parts)
