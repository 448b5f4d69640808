"""Edits an editor dropped, kept in the workspace per user (``WORKBENCH_USER`` or the login name,
as the history): escape in the review app drops an edit at once, and the app closing (quit, a
served session ending) drops the one open. Each stays until it is saved or thrown away, so a
second drop, a restart or another session never loses the first.

An edit brought back into the editor keeps its row (``DroppedEdit.id``): dropping it again
updates that row, saving it removes it, and a crash meanwhile loses nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.store.rows import inserted

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

COLUMNS = "id, who, pair_id, lang, version, base, typed, at"


@dataclass(frozen=True)
class DroppedEdit:
    id: int
    who: str
    pair_id: int
    lang: str  # "en" or "fa": the side edited
    version: int  # the pair's version the edit started from: saving it checks it
    base: str  # the side's text at that version
    typed: str  # what the editor had typed
    at: str


def keep(ws: Workspace, pair_id: int, lang: str, version: int, base: str, typed: str, *,
         who: str | None = None, replaces: int | None = None) -> DroppedEdit:
    """Keep a dropped edit (one short transaction). ``replaces``: the row it was brought back
    from, updated instead of adding a second copy."""
    from workbench.store.workspace import current_user, now

    who = who or current_user()
    with ws.write() as conn:
        cur = None
        if replaces is not None:
            cur = conn.execute("UPDATE dropped_edits SET version = ?, base = ?, typed = ?, at = ? "
                               "WHERE id = ? AND who = ?", [version, base, typed, now(), replaces, who])
        if replaces is not None and cur is not None and cur.rowcount:
            edit_id = replaces
        else:
            edit_id = inserted(conn.execute(
                "INSERT INTO dropped_edits (who, pair_id, lang, version, base, typed, at) VALUES (?,?,?,?,?,?,?)",
                [who, pair_id, lang, version, base, typed, now()]))
    kept = get(ws, edit_id)
    if kept is None:  # written just now, in this connection's own transaction
        raise RuntimeError(f"dropped edit {edit_id} vanished")
    return kept


def get(ws: Workspace, edit_id: int) -> DroppedEdit | None:
    row = ws.conn.execute(f"SELECT {COLUMNS} FROM dropped_edits WHERE id = ?", [edit_id]).fetchone()
    return DroppedEdit(*row) if row else None


def listed(ws: Workspace, *, who: str | None = None) -> list[DroppedEdit]:
    """This user's dropped edits, newest first."""
    from workbench.store.workspace import current_user

    rows = ws.conn.execute(f"SELECT {COLUMNS} FROM dropped_edits WHERE who = ? ORDER BY at DESC, id DESC",
                           [who or current_user()])
    return [DroppedEdit(*row) for row in rows]


def forget(ws: Workspace, edit_id: int) -> None:
    """The edit was saved (or thrown away on purpose): it leaves the list."""
    with ws.write() as conn:
        conn.execute("DELETE FROM dropped_edits WHERE id = ?", [edit_id])


def words_changed(base: str, typed: str) -> int:
    """How many words an edit typed or removed (the larger side of each changed stretch)."""
    old, new = base.split(), typed.split()
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in
               difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op != "equal")
