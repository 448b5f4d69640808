"""A workspace's history as editors use it (``ws.history``): undo, redo, the entries, replay.

What each change logged and how a step restores it is ``workbench.store.history``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.store import history
from workbench.store.records import HistoryEntry

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace


class History:
    """Undo, redo and the history of a workspace, per user (``who``; default: this user)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def undo(self, *, who: str | None = None) -> HistoryEntry | None:
        """Undo this user's most recent change still in effect. None if there is nothing."""
        return self._step(who, "undo")

    def redo(self, *, who: str | None = None) -> HistoryEntry | None:
        """Redo the change this user undid most recently, unless they changed something since."""
        return self._step(who, "redo")

    def _step(self, who: str | None, which: str) -> HistoryEntry | None:
        from workbench.store.workspace import current_user, now

        with self.ws.write():
            log_id = history.step(self.ws, who or current_user(), which, now())
        return history.entry(self.ws, log_id) if log_id is not None else None

    def step_size(self, which: str, *, who: str | None = None) -> int:
        """How many pairs this user's next ``which`` ("undo" or "redo") would restore; 0 if none
        (the review app moves big ones, like undoing approve-all, off its event loop)."""
        from workbench.store.workspace import current_user

        return history.step_size(self.ws, who or current_user(), which)

    def entries(self, pair_id: int | None = None, limit: int = 100) -> list[HistoryEntry]:
        """The newest entries (of one pair's changes), newest first."""
        sql = f"SELECT {history.ENTRY_COLUMNS} FROM history"
        args: list[object] = []
        if pair_id is not None:
            sql += " WHERE EXISTS (SELECT 1 FROM json_each(history.pair_ids) WHERE value = ?)"
            args.append(pair_id)
        sql += f" ORDER BY id DESC LIMIT {int(limit)}"
        return [history.to_entry(r) for r in self.ws.conn.execute(sql, args)]

    def replay(self) -> list[int]:
        """Pairs whose current state differs from what the history says of them last."""
        return history.replay(self.ws)
