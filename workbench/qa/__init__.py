"""QA: checks that point an editor at pairs likely to be wrong, one system for drafts and
edited English alike.

Checks run per pair on the English the pair holds (its draft while it has no English yet):
glossary terms (``term-missing``, ``term-forbidden``), ``number``, ``date``, ``tags``, ``untranslated``,
``repeated-word``, ``brackets``, ``spaces``, ``punctuation``, ``capitalization``, ``length``, ``spelling``, ``empty``; and across the
workspace, ``consistency``. Findings are cached per pair (``qa_state``) and recomputed when the
pair, its draft or the glossary changes; an editor may mark a finding as a false positive, which
hides it until the pair's text changes.

This module stays light (names and records); the checks load on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

TERM_MISSING = "term-missing"
TERM_FORBIDDEN = "term-forbidden"
NUMBER = "number"
DATE = "date"
UNTRANSLATED = "untranslated"
CONSISTENCY = "consistency"
REPEATED_WORD = "repeated-word"
BRACKETS = "brackets"
SPACES = "spaces"
LENGTH = "length"
SPELLING = "spelling"
EMPTY = "empty"
PUNCTUATION = "punctuation"
CAPITALIZATION = "capitalization"
TAGS = "tags"
CHECKS = (TERM_MISSING, TERM_FORBIDDEN, NUMBER, DATE, TAGS, PUNCTUATION, UNTRANSLATED, CONSISTENCY, REPEATED_WORD,
          BRACKETS, SPACES, LENGTH, SPELLING, CAPITALIZATION, EMPTY)


@dataclass(frozen=True)
class Finding:
    check: str  # one of CHECKS
    message: str


@dataclass(frozen=True)
class Record:
    """A finding with the pair it is about, as ``workbench qa`` reports it."""

    doc: str
    pair: int  # the pair's 1-based place in its document, as in the JSONL export
    check: str
    message: str
    doc_id: int = 0
    pair_id: int = 0
    fa: str = ""
    en: str = ""  # the English the checks read (the draft while the pair has none)
    severity: str = ""

    def as_json(self) -> dict[str, str | int]:
        return {"doc": self.doc, "pair": self.pair, "check": self.check, "message": self.message,
                "severity": self.severity or severity(self.check), "fa": self.fa, "en": self.en}


SEVERITIES = ("error", "warning", "info")
# Each check's default severity: what a reader should fix first in a report. A custom rule's
# (or an unknown check's) is a warning.
DEFAULT_SEVERITY = {
    EMPTY: "error", NUMBER: "error", DATE: "error", TAGS: "error", TERM_FORBIDDEN: "error", UNTRANSLATED: "error",
    TERM_MISSING: "warning", CONSISTENCY: "warning", REPEATED_WORD: "warning", BRACKETS: "warning",
    SPELLING: "warning", LENGTH: "info", SPACES: "info",
}


def severity(check: str) -> str:
    return DEFAULT_SEVERITY.get(check, "warning")


# Registers the "qa" pair condition with the store's searches (workbench.store.search.NEEDS).
from workbench.qa import cache as _cache  # noqa: E402,F401

__all__ = ["CHECKS", "SEVERITIES", "Finding", "Record", "severity"]
