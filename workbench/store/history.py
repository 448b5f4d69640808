"""The history of changes to pairs: what each change logged, undo, redo and replay.

An entry holds the state of the pairs it touched before and after: snapshots, fields or
drafts (typed records, one (de)serialisation: ``workbench.store.history_state``). A drafting run
(t, D in the review app) logs an entry a batch, the later ones tied to the first
(``draft#<id>``): undo and redo step over them together; undo deletes the drafts, redo puts them
back, and each pair then points at its newest draft of its Persian. Drafting never touches an
editor's text or a pair's version, so there is nothing to check first. (``workbench translate``
logs no history: it is not an editor's change.)

Undo and redo restore the other side of an entry after checking that each pair still looks as
the entry left it, and are logged themselves, so replaying the history explains the current state.
"""

from __future__ import annotations

import json
import re
from dataclasses import astuple, replace
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from workbench.errors import EditConflict, WorkbenchError
from workbench.store import positions
from workbench.store.history_state import (
    DRAFT_FIELDS, PAIR_FIELDS, CarriedRows, DraftRow, Drafts, Fields, PairDraft, PairRow,
    SentenceRow, Snapshot, Snapshots, State, Values, from_json, to_json,
)
from workbench.store.records import HistoryEntry
from workbench.store.rows import inserted
from workbench.store.spans import sides_of, write_spans

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

# Columns a fields entry may hold: what an editor decides about a pair without changing its text.
LOGGED_FIELDS = ("status", "note", "flag")
UNDO_STACK, REDO_STACK, DISCARDED = 0, 1, 2  # values of history.undone
DRAFT_ACTION = "draft"  # the review app's drafting; "draft#<id>": a later batch of the run logged at <id>
ENTRY_COLUMNS = "id, doc_id, action, who, at, pair_ids, undoes, undone"



def snapshot(ws: Workspace, pair_id: int, rows: Sequence[str] = ()) -> Snapshot | None:
    """The whole state of one pair (row, sentences, drafts; and its rows of the tables ``rows``
    names: see ``Change.carry``), or None if it does not exist."""
    row = ws.conn.execute(f"SELECT {', '.join(PAIR_FIELDS)} FROM pairs WHERE id = ?", [pair_id]).fetchone()
    if row is None:
        return None
    pair = PairRow(*row)
    sentences = ws.conn.execute(  # id and norm: stored before m014, kept in the JSON as null
        "SELECT NULL, lang, ord, text, NULL, para FROM sentences WHERE pair_id = ? ORDER BY lang, ord", [pair_id])
    drafts = ws.conn.execute(f"SELECT {', '.join(DRAFT_FIELDS)} FROM drafts WHERE pair_id = ? ORDER BY id", [pair_id])
    prev, nxt = ws.conn.execute(
        "SELECT (SELECT id FROM pairs WHERE doc_id = ?1 AND position < ?2 ORDER BY position DESC LIMIT 1), "
        "(SELECT id FROM pairs WHERE doc_id = ?1 AND position > ?2 ORDER BY position LIMIT 1)",
        [pair.doc_id, pair.position]).fetchone()
    return Snapshot(pair, [SentenceRow(*s) for s in sentences], [DraftRow(*d) for d in drafts],
                    prev=prev, next=nxt,  # its neighbours then: where undo puts it back (see ``_place``)
                    rows={table: _rows_of(ws, table, pair_id) for table in rows})


def snapshots(ws: Workspace, pair_ids: Iterable[int], rows: Sequence[str] = ()) -> list[Snapshot]:
    return [s for s in (snapshot(ws, pid, rows) for pid in pair_ids) if s]


_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _rows_of(ws: Workspace, table: str, pair_id: int) -> CarriedRows:
    """A pair's rows of ``table`` (one with a ``pair_id`` column), as columns and values."""
    if not _NAME.match(table):  # table names go into SQL: plain identifiers only
        raise ValueError(f"not a table name: {table!r}")
    cur = ws.conn.execute(f"SELECT * FROM {table} WHERE pair_id = ? ORDER BY rowid", [pair_id])
    return CarriedRows([d[0] for d in cur.description], [list(r) for r in cur.fetchall()])


def _restore_rows(ws: Workspace, pair_id: int, rows: Mapping[str, CarriedRows]) -> None:
    for table, saved in rows.items():
        columns = saved.columns
        if not all(_NAME.match(name) for name in (table, *columns)):
            raise ValueError(f"not a table of pair rows: {table!r}")
        ws.conn.execute(f"DELETE FROM {table} WHERE pair_id = ?", [pair_id])
        ws.conn.executemany(
            f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [[pair_id if c == "pair_id" else v for c, v in zip(columns, values)] for values in saved.values])


def field_values(ws: Workspace, pair_ids: Sequence[int], fields: Sequence[str]) -> dict[int, Values]:
    """``fields`` of each existing pair of ``pair_ids``, read in one query."""
    _check_fields(fields)
    rows = ws.conn.execute(
        f"SELECT id, {', '.join(fields)} FROM pairs WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(pair_ids))],
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _check_fields(fields: Sequence[str]) -> None:
    unknown = [f for f in fields if f not in LOGGED_FIELDS]
    if unknown:  # column names go into SQL: only ours
        raise ValueError(f"not a logged field: {unknown}")


def write_fields(ws: Workspace, fields: Sequence[str], values: Mapping[int, Values]) -> None:
    """Set ``fields`` of each pair to its values, one UPDATE per distinct value."""
    _check_fields(fields)
    assignments = ", ".join(f"{f} = ?" for f in fields)
    for value, ids in Fields.of(fields, values).groups:
        ws.conn.execute(f"UPDATE pairs SET {assignments} WHERE id IN (SELECT value FROM json_each(?))",
                        [*value, json.dumps(ids)])


def next_version(ws: Workspace) -> int:
    """The version a change gives the pairs it touches: one more than the id of the history entry
    it is about to log. Entry ids only grow, so a pair's version rises with every change and a
    pair deleted and later restored (a merge undone, redone, undone) never comes back with a
    version it had before: an editor holding that old version gets a conflict, not a silent
    write. (New pairs start at 1; the first entry gives 2.)"""
    row = ws.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'history'").fetchone()
    return (row[0] if row else 0) + 2


def bump(ws: Workspace, pair_ids: Sequence[int], who: str, stamp: str) -> None:
    """A new version of each pair (see ``next_version``)."""
    ws.conn.execute(
        "UPDATE pairs SET version = MAX(version + 1, ?), updated_at = ?, updated_by = ? "
        "WHERE id IN (SELECT value FROM json_each(?))",
        [next_version(ws), stamp, who, json.dumps(list(dict.fromkeys(pair_ids)))],
    )


def log(ws: Workspace, action: str, who: str, stamp: str, pair_ids: Sequence[int], before: State,
        after: State, undoes: int | None, doc_id: int | None) -> int:
    cur = ws.conn.execute(
        "INSERT INTO history (doc_id, action, who, at, pair_ids, before, after, undoes, undone) "
        "VALUES (?,?,?,?,?,?,?,?,0)",
        [doc_id, action, who, stamp, json.dumps(list(pair_ids)),
         to_json(before), to_json(after), undoes],
    )
    return inserted(cur)


def discard_redo(ws: Workspace, who: str) -> None:
    """A new change by this user ends what they could redo."""
    ws.conn.execute("UPDATE history SET undone = ? WHERE who = ? AND undone = ?", [DISCARDED, who, REDO_STACK])


def entry(ws: Workspace, entry_id: int) -> HistoryEntry:
    row = ws.conn.execute(f"SELECT {ENTRY_COLUMNS} FROM history WHERE id = ?", [entry_id]).fetchone()
    return to_entry(row)


def to_entry(row: tuple[int, int | None, str, str, str, str, int | None, int]) -> HistoryEntry:
    return HistoryEntry(id=row[0], doc_id=row[1], action=row[2], who=row[3], at=row[4],
                        pair_ids=json.loads(row[5]), undoes=row[6], undone=row[7])


def next_on_stack(ws: Workspace, columns: str, who: str, stack: int, order: str) -> tuple[object, ...] | None:
    """``columns`` of the entry this user's next undo (stack UNDO) or redo (REDO) steps over."""
    row: tuple[object, ...] | None = ws.conn.execute(
        f"SELECT {columns} FROM history WHERE who = ? AND undone = ? AND undoes IS NULL "
        f"ORDER BY {order} LIMIT 1",
        [who, stack],
    ).fetchone()
    return row


def step(ws: Workspace, who: str, which: str, stamp: str) -> int | None:
    """Undo (``which="undo"``) or redo this user's next entry, in the caller's transaction.
    Returns the id of the entry logging it, None if there is nothing to step over. Refuses
    (EditConflict) if someone changed one of its pairs since."""
    rows = _next_step(ws, "id, pair_ids, before, after, doc_id", who, which)
    if not rows:
        return None
    entry_id, doc_id = rows[0][0], rows[0][4]
    pair_ids: list[int] = list(dict.fromkeys(pid for row in rows for pid in json.loads(row[1])))
    before, after = from_json(rows[0][2]), from_json(rows[0][3])
    if len(rows) > 1:  # a drafting run, logged batch by batch: one step
        added = [from_json(row[3]) for row in rows]
        before, after = Drafts([]), Drafts([d for state in added if isinstance(state, Drafts) for d in state.rows])
    current, target = (after, before) if which == "undo" else (before, after)
    restored: State
    if isinstance(current, Drafts) and isinstance(target, Drafts):
        restored = _restore_drafts(ws, current, target)
    elif isinstance(current, Fields) and isinstance(target, Fields):
        restored = _restore_fields(ws, current, target, who, stamp)
    elif isinstance(current, Snapshots) and isinstance(target, Snapshots):
        _check_snapshots(ws, pair_ids, current.snaps)
        restored = Snapshots(_restore_snapshots(ws, pair_ids, target.snaps, who, stamp))
    else:
        raise WorkbenchError(f"history entry {entry_id} is damaged (its two sides differ in kind)")
    ws.conn.execute("UPDATE history SET undone = ? WHERE id IN (SELECT value FROM json_each(?))",
                    [REDO_STACK if which == "undo" else UNDO_STACK, json.dumps([row[0] for row in rows])])
    return log(ws, which, who, stamp, pair_ids, current, restored, entry_id, doc_id)


def _next_step(ws: Workspace, columns: str, who: str, which: str) -> list[tuple[Any, ...]]:  # the caller's columns
    """``columns`` of the entries this user's next undo or redo steps over, oldest first: one
    entry, or every batch of a drafting run (its first entry and those tied to it)."""
    stack, order = (UNDO_STACK, "id DESC") if which == "undo" else (REDO_STACK, "id ASC")
    row = next_on_stack(ws, f"id, action, {columns}", who, stack, order)
    if row is None:
        return []
    entry_id, action = int(str(row[0])), str(row[1])
    if not action.startswith(DRAFT_ACTION):
        return [row[2:]]
    head = int(action.split("#")[1]) if "#" in action else entry_id
    return ws.conn.execute(
        f"SELECT {columns} FROM history WHERE who = ? AND undone = ? AND undoes IS NULL "
        "AND (id = ? OR action = ?) ORDER BY id", [who, stack, head, f"{DRAFT_ACTION}#{head}"]).fetchall()


def step_size(ws: Workspace, who: str, which: str) -> int:
    """How many pairs this user's next undo or redo would restore (0: nothing to step over)."""
    return sum(row[0] for row in _next_step(ws, "json_array_length(pair_ids)", who, which))


def draft_rows(ws: Workspace, draft_ids: Sequence[int]) -> list[PairDraft]:
    """The drafts ``draft_ids``, with their pairs."""
    rows = ws.conn.execute(
        f"SELECT pair_id, {', '.join(DRAFT_FIELDS)} FROM drafts WHERE id IN (SELECT value FROM json_each(?)) "
        "ORDER BY id", [json.dumps(list(draft_ids))])
    return [PairDraft(row[0], DraftRow(*row[1:])) for row in rows]


def log_drafts(ws: Workspace, draft_ids: Sequence[int], who: str, stamp: str, run: int | None = None) -> int:
    """Log drafts just added (in the caller's transaction). The first batch of a drafting run
    logs an entry (action ``draft``); each later batch logs its own, tied to the first
    (``draft#<its id>``), while that one is still this user's to undo: undo and redo step over
    the whole run, no batch rewrites what an earlier one logged, and a run killed halfway has
    logged exactly the batches it committed. Returns the run's first entry."""
    rows = draft_rows(ws, draft_ids)
    pair_ids = list(dict.fromkeys(row.pair_id for row in rows))
    alive = run is not None and ws.conn.execute(
        "SELECT 1 FROM history WHERE id = ? AND who = ? AND undone = ?", [run, who, UNDO_STACK]).fetchone()
    doc = ws.conn.execute("SELECT doc_id FROM pairs WHERE id = ?", [pair_ids[0]]).fetchone() if pair_ids else None
    discard_redo(ws, who)
    entry = log(ws, f"{DRAFT_ACTION}#{run}" if alive else DRAFT_ACTION, who, stamp, pair_ids, Drafts([]),
                Drafts(rows), None, doc[0] if doc else None)
    return run if alive and run is not None else entry


def _restore_drafts(ws: Workspace, current: Drafts, target: Drafts) -> Drafts:
    """Delete the drafts of ``current`` that ``target`` has not, put back those it has (for pairs
    still there: a pair merged away took its drafts along), and point each pair at its newest
    draft of its Persian."""
    have = {row.draft.id for row in current.rows}
    want = {row.draft.id for row in target.rows}
    ws.conn.execute("DELETE FROM drafts WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(list(have - want))])
    columns = ", ".join(DRAFT_FIELDS)
    ws.conn.executemany(
        f"INSERT OR IGNORE INTO drafts (pair_id, {columns}) SELECT ?, {', '.join('?' * len(DRAFT_FIELDS))} "
        "WHERE EXISTS (SELECT 1 FROM pairs WHERE id = ?)",
        [[row.pair_id, *row.draft, row.pair_id] for row in target.rows if row.draft.id not in have])
    for pid in dict.fromkeys(row.pair_id for row in current.rows + target.rows):
        ws.refresh_draft(pid)
    return target


def _restore_fields(ws: Workspace, current: Fields, target: Fields, who: str, stamp: str) -> Fields:
    fields = target.fields
    expected, wanted = current.values(), target.values()
    now = field_values(ws, list(wanted), fields)
    for pid in wanted:
        if now.get(pid) != expected.get(pid):
            conflict(ws, pid)
    write_fields(ws, fields, wanted)
    bump(ws, list(wanted), who, stamp)
    return target


def _check_snapshots(ws: Workspace, pair_ids: Sequence[int], expected: list[Snapshot]) -> None:
    """Each pair must still look as the entry left it (versions may have moved on through this
    user's own undos): otherwise someone changed it since, and restoring would clobber that."""
    wanted = {s.pair.id: s.content() for s in expected}
    for pid in pair_ids:
        snap = snapshot(ws, pid)
        if (snap.content() if snap else None) != wanted.get(pid):
            conflict(ws, pid)


def conflict(ws: Workspace, pair_id: int) -> NoReturn:
    """Raise the EditConflict (or, for a pair that is gone, the error) that names ``pair_id``
    as an editor knows it: its number in its document."""
    row = ws.conn.execute("SELECT version FROM pairs WHERE id = ?", [pair_id]).fetchone()
    if row is None:
        raise WorkbenchError("a pair of this change was merged or deleted by someone else meanwhile")
    number, doc = ws.pair_label(pair_id)
    raise EditConflict(pair_id, None, row[0], number=number, doc=doc)


def _restore_snapshots(ws: Workspace, pair_ids: Sequence[int], states: list[Snapshot], who: str,
                       stamp: str) -> list[Snapshot]:
    """Make the pairs ``pair_ids`` look as in ``states`` (absent ones are deleted). Versions move
    forward, never back (see ``next_version``). Returns the resulting snapshots."""
    wanted = {s.pair.id: s for s in states}
    existing = {r[0] for r in ws.conn.execute(
        "SELECT id FROM pairs WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(list(wanted))])}
    for pid in pair_ids:
        if pid not in wanted:
            ws.conn.execute("DELETE FROM pairs WHERE id = ?", [pid])
    # In the document's order as the entry saw it, so a pair's neighbour before is back first.
    for snap in sorted(wanted.values(), key=lambda s: s.pair.position):
        pid = snap.pair.id
        current = ws.conn.execute("SELECT version FROM pairs WHERE id = ?", [pid]).fetchone()
        version = max(snap.pair.version + 1, current[0] + 1 if current else 0, next_version(ws))
        row = replace(snap.pair, position=_place(ws, snap, wanted, existing), version=version,
                      updated_at=stamp, updated_by=who)
        ws.conn.execute(
            f"INSERT INTO pairs ({', '.join(PAIR_FIELDS)}) VALUES ({', '.join('?' * len(PAIR_FIELDS))}) "
            "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{f} = excluded.{f}" for f in PAIR_FIELDS if f != "id"),
            astuple(row),
        )
        for lang, side in sides_of((s.lang, s.ord, s.text, s.para) for s in snap.sentences).items():
            write_spans(ws.conn, pid, lang, side)
        ws.conn.executemany(
            f"INSERT OR IGNORE INTO drafts (pair_id, {', '.join(DRAFT_FIELDS)}) VALUES (?, ?,?,?,?,?,?,?,?,?)",
            [[pid, *d] for d in snap.drafts],
        )
        _restore_rows(ws, pid, snap.rows)
        ws.refresh_draft(pid)
    return snapshots(ws, wanted, _carried(states))


def _carried(states: list[Snapshot]) -> list[str]:
    """The tables of pair rows an entry's snapshots hold (a realignment's: ``Change.carry``)."""
    return list(dict.fromkeys(table for s in states for table in s.rows))


def _place(ws: Workspace, snap: Snapshot, wanted: Mapping[int, Snapshot], existing: set[int]) -> float:
    """Where a restored pair goes. One that exists stays where it is; one brought back goes
    right after its neighbour before (when that is back too), else right before the first
    neighbour after it that is there now (at the end if there was none), else right after its
    neighbour before. The position
    it had is used only for entries logged before neighbours were kept, or when every
    neighbour is gone: a split elsewhere may have renumbered the document since."""
    pair = snap.pair
    doc_id = pair.doc_id
    if pair.id in existing:
        here = positions.position_of(ws, pair.id, doc_id)
        return pair.position if here is None else here
    if not snap.placed:
        return pair.position
    prev = snap.prev
    if prev is not None and prev in wanted and positions.position_of(ws, prev, doc_id) is not None:
        return positions.slot(ws, doc_id, after=prev)
    nxt, steps = snap.next, 0
    while nxt is not None and nxt in wanted and nxt not in existing and steps <= len(wanted):
        nxt, steps = wanted[nxt].next, steps + 1  # brought back after this one
    if nxt is None:  # it (and those brought back after it) ended the document
        return positions.after_last(ws, doc_id)
    if positions.position_of(ws, nxt, doc_id) is not None:
        return positions.slot(ws, doc_id, before=nxt)
    if prev is not None and positions.position_of(ws, prev, doc_id) is not None:
        return positions.slot(ws, doc_id, after=prev)
    return pair.position


def replay(ws: Workspace) -> list[int]:
    """Pairs whose current state differs from what the history says of them last. Empty when
    the history explains the current state of every pair it has touched."""
    last: dict[int, dict[str, object] | None] = {}
    for pair_ids, after in ws.conn.execute("SELECT pair_ids, after FROM history ORDER BY id"):
        state = from_json(after)
        if isinstance(state, Drafts):
            continue  # drafts are not what an editor sees of a pair's state (``Snapshot.content``)
        if isinstance(state, Fields):
            for pid, values in state.values().items():
                known = last.get(pid) or {}
                known.update(zip(state.fields, values))
                last[pid] = known
            continue
        snaps = {s.pair.id: s for s in state.snaps}
        for pid in json.loads(pair_ids):
            last[pid] = snaps[pid].content() if pid in snaps else None
    bad = []
    for pid, expected in last.items():
        now = snapshot(ws, pid)
        if (now is None) != (expected is None):
            bad.append(pid)
        elif now is not None and expected is not None:
            seen = now.content()
            if any(seen[key] != value for key, value in expected.items()):
                bad.append(pid)
    return bad
