"""Errors a user can act on. The CLI prints them as one line and exits 1."""


class WorkbenchError(Exception):
    """A user error: bad input, a missing file, a refused workspace."""


class EditConflict(WorkbenchError):
    """Someone else changed a pair since it was read."""

    def __init__(self, pair_id: int, expected: int, actual: int) -> None:
        super().__init__(f"pair {pair_id} was changed by someone else meanwhile (now version {actual}); reload it")
        self.pair_id = pair_id
        self.expected = expected
        self.actual = actual
