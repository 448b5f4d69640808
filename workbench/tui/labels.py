"""Words the review app shows for stored values, and counts in plain English.

The stored (and exported) status ``draft`` means an alignment bead nobody has looked at yet;
on screen it is called "new", so it cannot be read as "has an MT draft" beside the MT draft
column and the "No MT draft" line of the detail pane.
"""

from __future__ import annotations

STATUS_LABELS = {"draft": "new"}


def status_label(status: str) -> str:
    """The on-screen name of a stored status."""
    return STATUS_LABELS.get(status, status)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 pair``, ``2 pairs``, ``1,234 pairs``."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"
