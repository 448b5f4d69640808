"""What an undo or redo did, in words: "restored pair 12 to review (undid the approval)"."""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.store import HistoryEntry, Workspace
from workbench.tui.labels import plural, status_label

ACTIONS = {
    "status:approved": "approval", "status:rejected": "rejection", "status:review": "status change",
    "status:draft": "status change", "approve-through": "approve-through", "note": "note",
    "edit": "English edit", "edit-persian": "Persian edit", "take-draft": "taking of the draft",
    "take-match": "taking of a memory match",
    "replace": "find and replace", "merge": "merge", "split": "split", "shift": "sentence move",
    "align": "realignment", "realign": "realignment", "draft": "MT drafting",
}


def describe_step(ws: Workspace, entry: HistoryEntry, which: str) -> str:
    """One line about the history step ``entry`` (logged by ``ws.history.undo()`` or ``ws.history.redo()``)."""
    action = _original_action(ws, entry)
    change = ACTIONS.get(action, action.replace("-", " ")) if action else "change"
    verb = "undid" if which == "undo" else "redid"
    alive = [p for p in (_pair(ws, pid) for pid in entry.pair_ids) if p is not None]
    if len(alive) == 1:
        number, _ = ws.pair_label(alive[0].id)
        state = status_label(alive[0].status)
        if which == "undo":
            return f"restored pair {number} to {state} ({verb} the {change})"
        return f"pair {number} is {state} again ({verb} the {change})"
    if which == "undo":
        return f"restored {plural(len(alive), 'pair')} ({verb} the {change})"
    return f"{verb} the {change} of {plural(len(alive), 'pair')}"


def _original_action(ws: Workspace, entry: HistoryEntry) -> str | None:
    if entry.undoes is None:
        return entry.action
    row = ws.conn.execute("SELECT action FROM history WHERE id = ?", [entry.undoes]).fetchone()
    return row[0] if row else None


def _pair(ws: Workspace, pair_id: int):
    try:
        return ws.pair(pair_id)
    except WorkbenchError:
        return None
