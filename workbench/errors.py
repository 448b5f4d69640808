"""Errors a user can act on. The CLI prints them as one line and exits 1."""

from __future__ import annotations


class WorkbenchError(Exception):
    """A user error: bad input, a missing file, a refused workspace."""


class EditConflict(WorkbenchError):
    """Someone else changed a pair since it was read. Names the pair by its number in its
    document (what the editor sees), never by its internal id."""

    def __init__(self, pair_id: int, expected: int | None, actual: int, *, number: int | None = None,
                 doc: str | None = None) -> None:
        where = f"pair {number}" if number is not None else "a pair"
        if doc is not None:
            where += f" of {doc!r}"
        super().__init__(f"{where} was changed by someone else meanwhile (now version {actual}); "
                         "nothing was overwritten: look at it again")
        self.pair_id = pair_id
        self.expected = expected
        self.actual = actual
        self.number = number
        self.doc = doc


class PairGone(WorkbenchError):
    """A pair a change needs was merged, split away or deleted by someone else meanwhile."""


class WorkspaceBusy(WorkbenchError):
    """Another connection holds the workspace's write lock longer than this one would wait."""


class WouldReplaceEnglish(WorkbenchError):
    """Taking the draft would replace English a person wrote or published: ask first."""
