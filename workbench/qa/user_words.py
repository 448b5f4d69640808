"""The workspace's user dictionary: words the spelling check takes as right (a drug, a coinage the
dictionary lacks). Each add or remove is logged (``user_words_log``); the log's newest id is part
of QA's cache revision, so cached spelling findings are computed again.
"""

from __future__ import annotations

import re

from workbench.errors import WorkbenchError
from workbench.store import Workspace, current_user, now

# Letters, joined by apostrophes or hyphens: what the spelling check can flag.
_VALID = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")


def normal(word: str) -> str:
    """The stored form: lower case, curly apostrophes straight. Raises on what is not a word."""
    form = word.strip().replace("’", "'").lower()
    if not _VALID.fullmatch(form):
        raise WorkbenchError(f"not a word: {word!r} (letters, with apostrophes or hyphens inside)")
    return form


def words(ws: Workspace) -> list[str]:
    return [w for (w,) in ws.conn.execute("SELECT word FROM user_words ORDER BY word")]


def word_set(ws: Workspace) -> frozenset[str]:
    return frozenset(words(ws))


def add(ws: Workspace, new: list[str], *, who: str | None = None) -> list[str]:
    """Add words (all checked first: none is added if one is not a word); returns those new."""
    forms = list(dict.fromkeys(normal(w) for w in new))
    who, at = who or current_user(), now()
    added = []
    with ws.write() as conn:
        for form in forms:
            if conn.execute("INSERT OR IGNORE INTO user_words (word, who, at) VALUES (?, ?, ?)",
                            [form, who, at]).rowcount:
                conn.execute("INSERT INTO user_words_log (word, action, who, at) VALUES (?, 'add', ?, ?)",
                             [form, who, at])
                added.append(form)
    return added


def remove(ws: Workspace, word: str, *, who: str | None = None) -> bool:
    """Remove a word; False if the dictionary does not hold it."""
    form = normal(word)
    with ws.write() as conn:
        if not conn.execute("DELETE FROM user_words WHERE word = ?", [form]).rowcount:
            return False
        conn.execute("INSERT INTO user_words_log (word, action, who, at) VALUES (?, 'remove', ?, ?)",
                     [form, who or current_user(), now()])
    return True
