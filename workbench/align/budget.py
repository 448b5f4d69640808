"""How much memory an alignment takes, known before it starts: inputs that would need more than
the limit are refused in one line instead of growing until the kernel kills the process.

The figures are per sentence (its features) and per cell of the dynamic programme's bands
(back pointers, band similarities and, in pass 2, the costs kept for forward-backward); both
passes keep only a few rows of running scores, and costs are computed a bounded chunk at a
time. They were measured with peak RSS (see tests/test_align.py's memory test).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.errors import WorkbenchError

MB = 1 << 20
# A sentence's features: per word (its tokens, hashed numbers, Latin words and name keys: 140-240
# bytes measured, numbers and names the most), per character (the strings) and per sentence
# (lexicon and draft vectors, lists and arrays).
WORD_BYTES = 200
CHAR_BYTES = 4
SENTENCE_BYTES = 2_000
CELL_BYTES = 9  # a cell of a DP band: back pointer (1), lexicon and draft similarities (float32 each)
COLUMN_BYTES = 1_000  # a column of a DP band: the rows of running scores and of costs in hand
FIXED_BYTES = 64 * MB  # the arrays of one chunk of rows being costed, and other overheads


class AlignmentTooLarge(WorkbenchError):
    """The two texts cannot be aligned within the memory limit."""


@dataclass(frozen=True)
class Plan:
    """The sizes that decide an alignment's memory: its texts and the bands it will search."""

    fa: int  # Persian sentences (DP rows - 1)
    en: int  # English sentences
    words: int  # words of both texts (runs of letters or digits)
    chars: int  # characters of both texts
    pass1_width: int  # columns a DP row of pass 1 covers
    refine_band: int  # half-width of pass 2's band around the pass-1 path
    span: int  # most sentences a bead has on one side

    @property
    def pass2_width(self) -> int:
        """The widest band pass 2 can get. Its rows cover the pass-1 path at that row, widened to
        the path's columns up to ``span`` rows away; the path lies in pass 1's band, whose rows
        move along the diagonal by at most ``m / n`` columns a row."""
        whole = self.en + 2 * self.refine_band + 1
        if self.pass1_width >= self.en + 1:
            return whole
        slope = -(-self.en // max(self.fa, 1))
        return min(whole, self.pass1_width + 2 * self.span * slope + 2 * self.refine_band + 3)

    def bytes_needed(self, pass2_width: int | None = None, kept_costs: int = 0) -> int:
        """With pass 2's band (its width, when known) keeping ``kept_costs`` bytes a cell."""
        rows, width2 = self.fa + 1, pass2_width or self.pass2_width
        cells = max(rows * self.pass1_width * CELL_BYTES, rows * width2 * (CELL_BYTES + kept_costs))
        columns = max(self.pass1_width, width2) * COLUMN_BYTES
        features = self.words * WORD_BYTES + self.chars * CHAR_BYTES + (self.fa + self.en) * SENTENCE_BYTES
        return features + cells + columns + FIXED_BYTES


_WORD = re.compile(r"\w+")


def text_size(sentences: Sequence[str]) -> tuple[int, int]:
    """(words, characters) of the sentences."""
    return sum(len(_WORD.findall(s)) for s in sentences), sum(map(len, sentences))


def check(plan: Plan, limit_mb: int) -> None:
    """Refuses, in one line, a plan that needs more than ``limit_mb`` megabytes."""
    needed = plan.bytes_needed()
    if needed > limit_mb * MB:
        raise AlignmentTooLarge(
            f"{plan.fa:,} Persian and {plan.en:,} English sentences are too many, or too different in "
            f"number, to align within {limit_mb:,} MB of memory (this needs about {needed / MB:,.0f} MB): "
            "split the texts into parts that translate each other and align those")


def fits(plan: Plan, limit_mb: int, pass2_width: int | None = None, kept_costs: int = 0) -> bool:
    return plan.bytes_needed(pass2_width, kept_costs) <= limit_mb * MB
