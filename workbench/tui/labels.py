"""Words the review app shows for stored values, and counts in plain English.

The stored status ``draft`` means an alignment bead nobody has looked at yet; the app (like the
CLI and the exports) calls it "new", so it cannot be read as "has an MT draft" beside the MT
draft column and the "No MT draft" line of the detail pane (``store.status_name``).
"""

from __future__ import annotations

from workbench.store import status_name


def status_label(status: str) -> str:
    """The on-screen name of a stored status."""
    return status_name(status)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 pair``, ``2 pairs``, ``1,234 pairs``."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"
