"""The unit of work: one change to pairs, inside one write transaction.

A ``Change`` reads the pairs an operation needs *inside* the transaction (never a copy read
before it), checks each against the version the caller saw (``seen``: the pair on screen, and
its neighbour for a shift or merge), takes what it touches into the history, writes, raises
the version of every pair it changed and logs one history entry. A stale version raises
``EditConflict`` naming the pair's number in its document, and nothing is written.
``with changing(ws, action, who=, seen=) as change:`` opens one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from workbench.errors import PairGone, WorkbenchError
from workbench.store import history
from workbench.store.history_state import Fields, Snapshot, Snapshots, State, Values
from workbench.store.records import Pair
from workbench.store.rows import inserted
from workbench.store.spans import write_spans
from workbench.text import join_sentences, normalize

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

Side = list[tuple[str, int | None]]  # sentences of one side of a pair: (text, paragraph)
Seen = Mapping[int, int | None]  # pair id → the version the caller based its change on


@contextmanager
def changing(ws: Workspace, action: str, *, who: str | None = None, seen: Seen | None = None,
             carry: Sequence[str] = ()) -> Iterator[Change]:
    """One unit of work: a write transaction (a savepoint inside another), the versions the
    caller saw checked first, one history entry logged at the end."""
    from workbench.store.workspace import current_user

    with ws.write():
        change = Change(ws, action, who or current_user(), seen or {}, carry)
        change.check_seen()
        yield change
        change.finish()


def write_side(conn: sqlite3.Connection, pair_id: int, lang: str, sentences: Side) -> None:
    """Replace one side's sentences of a pair (spans) and the pair's joined text of that side."""
    write_spans(conn, pair_id, lang, sentences)
    joined = join_sentences([text for text, _ in sentences], lang)
    if lang == "fa":
        conn.execute("UPDATE pairs SET fa = ?, fa_norm = ?, n_fa = ? WHERE id = ?",
                     [joined, normalize(joined), len(sentences), pair_id])
    else:
        conn.execute("UPDATE pairs SET en = ?, n_en = ? WHERE id = ?", [joined, len(sentences), pair_id])


class Change:
    """One change to pairs in progress, inside the workspace's write transaction."""

    def __init__(self, ws: Workspace, action: str, who: str, seen: Seen, carry: Sequence[str] = ()) -> None:
        self.ws = ws
        self.action = action
        self.who = who
        # Tables of rows that belong to a pair (a pair_id column) which this change moves from
        # pairs it deletes to pairs it creates: the snapshots keep them, so undo brings them back.
        self.carry = tuple(carry)
        self.seen = {pid: v for pid, v in seen.items() if v is not None}
        self.before: dict[int, Snapshot | None] = {}  # snapshots of the pairs touched, before
        self.created: list[int] = []
        self.fields: tuple[str, ...] | None = None  # a fields change: only these columns
        self.old_values: dict[int, Values] = {}
        self.new_values: dict[int, Values] = {}

    # -- reading fresh state -----------------------------------------------------------------
    def pair(self, pair_id: int) -> Pair:
        """The pair as stored now (the versions the caller saw were checked when the change began:
        ``check_seen``, inside the same transaction)."""
        try:
            return self.ws.pair(pair_id)
        except WorkbenchError:
            raise PairGone("this pair was merged or deleted by someone else meanwhile") from None

    def neighbour(self, pair: Pair, step: int) -> Pair | None:
        return self.ws.neighbour(pair, step)

    def side(self, pair_id: int, lang: str) -> Side:
        return [(s.text, s.para) for s in self.ws.sentences(pair_id, lang)]

    def check_seen(self) -> None:
        """Every pair the caller saw must still be at that version (read or not)."""
        now = {pid: v for pid, v in self.ws.conn.execute(
            "SELECT id, version FROM pairs WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(self.seen))])}
        for pid, version in self.seen.items():
            if pid not in now:
                raise PairGone("a pair you were looking at was merged or deleted by someone else meanwhile")
            if now[pid] != version:
                history.conflict(self.ws, pid)

    # -- writing -----------------------------------------------------------------------------
    def touch(self, *pair_ids: int) -> None:
        """Take pairs into the change before writing to them (their snapshot goes to history;
        a pair this change created has no before)."""
        for pid in pair_ids:
            if pid not in self.before and pid not in self.created:
                self.before[pid] = history.snapshot(self.ws, pid, self.carry)

    def new_pair(self, doc_id: int, position: float) -> int:
        from workbench.store.workspace import now

        cur = self.ws.conn.execute("INSERT INTO pairs (doc_id, position, updated_at) VALUES (?, ?, ?)",
                                   [doc_id, position, now()])
        pair_id = inserted(cur)
        self.created.append(pair_id)
        return pair_id

    def set_fields(self, values: Mapping[int, Values], fields: Sequence[str]) -> None:
        """A change of columns only (status, note): history keeps just those, grouped."""
        if self.before or (self.fields is not None and tuple(fields) != self.fields):
            raise ValueError("a unit changes either whole pairs or one set of fields")
        self.fields = tuple(fields)
        old = history.field_values(self.ws, list(values), fields)
        for pid, value in values.items():
            self.old_values.setdefault(pid, old[pid])
            self.new_values[pid] = tuple(value)
        history.write_fields(self.ws, fields, values)

    def set_side(self, pair_id: int, lang: str, sentences: Side) -> None:
        self.touch(pair_id)
        write_side(self.ws.conn, pair_id, lang, sentences)

    # -- the end -----------------------------------------------------------------------------
    def finish(self) -> int | None:
        """Versions, current drafts, history. Returns the history entry's id (None: no change)."""
        from workbench.store.workspace import now

        stamp = now()
        if self.fields is not None:
            changed = [pid for pid, v in self.new_values.items() if v != self.old_values[pid]]
            if not changed:
                return None
            history.bump(self.ws, changed, self.who, stamp)
            before: State = Fields.of(self.fields, {pid: self.old_values[pid] for pid in changed})
            after: State = Fields.of(self.fields, {pid: self.new_values[pid] for pid in changed})
            pair_ids = changed
            doc_id = self._doc_of(changed[0])
        else:
            pair_ids = list(self.before) + [pid for pid in self.created if pid not in self.before]
            if not pair_ids:
                return None
            history.bump(self.ws, pair_ids, self.who, stamp)
            for pid in pair_ids:
                self.ws.refresh_draft(pid)
            old = [s for s in self.before.values() if s]
            new = history.snapshots(self.ws, pair_ids, self.carry)
            before, after = Snapshots(old), Snapshots(new)
            doc_id = next((s.pair.doc_id for s in old + new), None)
        history.discard_redo(self.ws, self.who)
        return history.log(self.ws, self.action, self.who, stamp, pair_ids, before, after, None, doc_id)

    def _doc_of(self, pair_id: int) -> int | None:
        row = self.ws.conn.execute("SELECT doc_id FROM pairs WHERE id = ?", [pair_id]).fetchone()
        return row[0] if row else None
