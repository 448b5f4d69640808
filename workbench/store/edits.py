"""Editing pairs with a full history: every change stores JSON snapshots of the pairs it
touched, before and after. Undo, redo and history replay are all "restore a snapshot set".

Versions: every change bumps the version of each pair it touches. A save that names the
version it started from fails with ``EditConflict`` if someone else changed the pair since.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from workbench.errors import EditConflict, WorkbenchError
from workbench.store.records import STATUSES, HistoryEntry, NewPair, Pair
from workbench.text import join_sentences, normalize, segment

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

PAIR_FIELDS = (
    "id", "doc_id", "position", "fa", "fa_norm", "en", "n_fa", "n_en", "status", "version",
    "confidence", "chrf", "updated_at", "updated_by", "note", "flag",
)
# Snapshots logged before a field existed lack it: restoring them gives the field its default.
PAIR_FIELD_DEFAULTS = {"note": "", "flag": ""}
SENTENCE_FIELDS = ("id", "lang", "ord", "text", "norm", "para")
DRAFT_FIELDS = (
    "id", "source", "text", "engine", "model", "model_version", "params", "qa", "created_at",
)
UNDO_STACK, REDO_STACK, DISCARDED = 0, 1, 2  # values of history.undone

Side = list[tuple[str, int | None]]  # sentences of one side of a pair: (text, paragraph)


class EditsMixin:
    """Editing operations of a Workspace (split out to keep the read API short)."""

    # -- public operations ---------------------------------------------------------------------
    def set_status(self: Workspace, pair_id: int, status: str, *, who: str | None = None,
                   expected_version: int | None = None) -> Pair:
        if status not in STATUSES:
            raise WorkbenchError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")

        def change() -> list[int]:
            self.conn.execute("UPDATE pairs SET status = ? WHERE id = ?", [status, pair_id])
            return []

        self._change(f"status:{status}", [pair_id], change, who, {pair_id: expected_version})
        return self.pair(pair_id)

    def set_english(self: Workspace, pair_id: int, text: str, *, who: str | None = None,
                    expected_version: int | None = None, action: str = "edit") -> Pair:
        """Replace the English of a pair. A pair with no human English yet moves to review."""
        sentences = segment(text, "en") if text.strip() else []

        def change() -> list[int]:
            self._set_side(pair_id, "en", [(s, None) for s in sentences])
            self.conn.execute(
                "UPDATE pairs SET status = 'review' WHERE id = ? AND status = 'draft'", [pair_id]
            )
            return []

        self._change(action, [pair_id], change, who, {pair_id: expected_version})
        return self.pair(pair_id)

    def take_draft(self: Workspace, pair_id: int, *, who: str | None = None,
                   expected_version: int | None = None) -> Pair:
        pair = self.pair(pair_id)
        if not pair.draft:
            raise WorkbenchError(f"pair {pair_id} has no draft to take")
        return self.set_english(pair_id, pair.draft, who=who, expected_version=expected_version,
                                action="take-draft")

    def merge_with_next(self: Workspace, pair_id: int, *, who: str | None = None,
                        expected_version: int | None = None) -> Pair:
        pair = self.pair(pair_id)
        nxt = self.neighbour(pair, 1)
        if nxt is None:
            raise WorkbenchError("the last pair of a document has no next pair to merge with")

        def change() -> list[int]:
            for lang in ("fa", "en"):
                self._set_side(pair_id, lang, self._side(pair_id, lang) + self._side(nxt.id, lang))
            self.conn.execute("DELETE FROM pairs WHERE id = ?", [nxt.id])
            self._mark_for_review(pair_id)
            return []

        self._change("merge", [pair_id, nxt.id], change, who, {pair_id: expected_version})
        return self.pair(pair_id)

    def split(self: Workspace, pair_id: int, fa_at: int, en_at: int, *, who: str | None = None,
              expected_version: int | None = None) -> tuple[Pair, Pair]:
        """Split after the first ``fa_at`` Persian and ``en_at`` English sentences."""
        pair = self.pair(pair_id)
        fa, en = self._side(pair_id, "fa"), self._side(pair_id, "en")
        if not (0 <= fa_at <= len(fa) and 0 <= en_at <= len(en)):
            raise WorkbenchError(f"cannot split pair {pair_id} at {fa_at}/{en_at}")
        if (fa_at, en_at) in ((0, 0), (len(fa), len(en))):
            raise WorkbenchError(f"splitting pair {pair_id} at {fa_at}/{en_at} leaves an empty pair")
        created: list[int] = []

        def change() -> list[int]:
            nxt = self.neighbour(pair, 1)
            position = (pair.position + nxt.position) / 2 if nxt else pair.position + 1.0
            if position in (pair.position, nxt.position if nxt else None):
                position = self._respace(pair)
            new_id = self._new_pair(pair.doc_id, position)
            created.append(new_id)
            self._set_side(pair_id, "fa", fa[:fa_at])
            self._set_side(pair_id, "en", en[:en_at])
            self._set_side(new_id, "fa", fa[fa_at:])
            self._set_side(new_id, "en", en[en_at:])
            self._mark_for_review(pair_id)
            self._mark_for_review(new_id)
            return [new_id]

        self._change("split", [pair_id], change, who, {pair_id: expected_version})
        return self.pair(pair_id), self.pair(created[0])

    def shift_english(self: Workspace, pair_id: int, step: int, *, who: str | None = None,
                      expected_version: int | None = None) -> Pair:
        """Move the first English sentence to the previous pair (step=-1) or the last one to
        the next pair (step=1)."""
        pair = self.pair(pair_id)
        other = self.neighbour(pair, step)
        if other is None:
            raise WorkbenchError(f"pair {pair_id} has no {'next' if step > 0 else 'previous'} pair")
        en, other_en = self._side(pair_id, "en"), self._side(other.id, "en")
        if not en:
            raise WorkbenchError(f"pair {pair_id} has no English sentence to shift")

        def change() -> list[int]:
            if step > 0:
                self._set_side(pair_id, "en", en[:-1])
                self._set_side(other.id, "en", en[-1:] + other_en)
            else:
                self._set_side(pair_id, "en", en[1:])
                self._set_side(other.id, "en", other_en + en[:1])
            self._mark_for_review(pair_id)
            self._mark_for_review(other.id)
            return []

        self._change("shift", [pair_id, other.id], change, who, {pair_id: expected_version})
        return self.pair(pair_id)

    def approve_through(self: Workspace, pair_id: int, *, who: str | None = None) -> int:
        """Approve every pair with English, not yet decided (draft or review), from the top of
        the document down to this one: the fast run through text an editor has read."""
        pair = self.pair(pair_id)
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM pairs WHERE doc_id = ? AND position <= ? AND n_en > 0 "
            "AND status IN ('draft', 'review')",
            [pair.doc_id, pair.position],
        )]
        if not ids:
            return 0

        def change() -> list[int]:
            self.conn.executemany("UPDATE pairs SET status = 'approved' WHERE id = ?", [[i] for i in ids])
            return []

        self._change("approve-through", ids, change, who, {})
        return len(ids)

    def replace_pairs(self: Workspace, doc_id: int, old_pair_ids: Sequence[int],
                      new_pairs: Sequence[NewPair], *, who: str | None = None,
                      action: str = "align") -> list[int]:
        """Replace consecutive pairs of a document with new ones (a realignment), as one change
        in history. New pairs take positions between the neighbours of the replaced run."""
        return self.replace_runs(doc_id, [(old_pair_ids, new_pairs)], who=who, action=action)

    def replace_runs(self: Workspace, doc_id: int,
                     runs: Sequence[tuple[Sequence[int], Sequence[NewPair]]], *,
                     who: str | None = None, action: str = "align") -> list[int]:
        """Several ``replace_pairs`` as one change in history (one undo restores them all).
        A new pair whose Persian equals a replaced pair's keeps that pair's drafts."""
        olds = []
        for old_ids, _ in runs:
            old = sorted((self.pair(pid) for pid in old_ids), key=lambda p: p.position)
            if any(p.doc_id != doc_id for p in old):
                raise WorkbenchError("pairs to replace belong to another document")
            if old:
                run = [r[0] for r in self.conn.execute(
                    "SELECT id FROM pairs WHERE doc_id = ? AND position BETWEEN ? AND ? ORDER BY position",
                    [doc_id, old[0].position, old[-1].position],
                )]
                if run != [p.id for p in old]:
                    raise WorkbenchError("pairs to replace are not consecutive")
            olds.append(old)
        created: list[int] = []

        def change() -> list[int]:
            for old, (_, new_pairs) in zip(olds, runs):
                created.extend(self._replace_run(doc_id, old, new_pairs))
            return list(created)

        self._change(action, [p.id for old in olds for p in old], change, who, {})
        return created

    def _replace_run(self: Workspace, doc_id: int, old: list[Pair], new_pairs: Sequence[NewPair]) -> list[int]:
        low = self.neighbour(old[0], -1) if old else None
        high = self.neighbour(old[-1], 1) if old else None
        start = low.position if low else (old[0].position - 1.0 if old else self._last_position(doc_id))
        end = high.position if high else start + len(new_pairs) + 1.0
        step = (end - start) / (len(new_pairs) + 1)
        drafts_by_fa = {p.fa: p.id for p in old if p.draft_id is not None}
        created = []
        for i, new in enumerate(new_pairs, 1):
            pid = self._new_pair(doc_id, start + step * i)
            self._set_side(pid, "fa", [(t, new.fa_para) for t in new.fa])
            self._set_side(pid, "en", [(t, new.en_para) for t in new.en])
            self.conn.execute("UPDATE pairs SET status = ?, confidence = ? WHERE id = ?",
                              [new.status, new.confidence, pid])
            source = drafts_by_fa.get(join_sentences(list(new.fa), "fa"))
            if source is not None:
                self.conn.execute(
                    f"INSERT INTO drafts (pair_id, {', '.join(DRAFT_FIELDS[1:])}) "
                    f"SELECT ?, {', '.join(DRAFT_FIELDS[1:])} FROM drafts WHERE pair_id = ? ORDER BY id",
                    [pid, source],
                )
            created.append(pid)
        self.conn.executemany("DELETE FROM pairs WHERE id = ?", [[p.id] for p in old])
        return created

    def _last_position(self: Workspace, doc_id: int) -> float:
        row = self.conn.execute("SELECT MAX(position) FROM pairs WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] or 0.0

    def undo(self: Workspace, *, who: str | None = None) -> HistoryEntry | None:
        """Undo this user's most recent change still in effect. None if there is nothing."""
        return self._step_history(who, UNDO_STACK, "undo", "before", "id DESC")

    def redo(self: Workspace, *, who: str | None = None) -> HistoryEntry | None:
        """Redo the change this user undid most recently, unless they changed something since."""
        return self._step_history(who, REDO_STACK, "redo", "after", "id ASC")

    def history_step_size(self: Workspace, which: str, *, who: str | None = None) -> int:
        """How many pairs this user's next ``which`` ("undo" or "redo") would restore; 0 if none
        (the review app moves big ones, like undoing approve-all, off its event loop)."""
        from workbench.store.workspace import current_user

        stack, order = (UNDO_STACK, "id DESC") if which == "undo" else (REDO_STACK, "id ASC")
        row = self._next_on_stack("json_array_length(pair_ids)", who or current_user(), stack, order)
        return row[0] if row else 0

    def _next_on_stack(self: Workspace, columns: str, who: str, stack: int, order: str) -> tuple | None:
        """``columns`` of the history entry this user's next undo (or redo) would step over."""
        return self.conn.execute(
            f"SELECT {columns} FROM history WHERE who = ? AND undone = ? AND undoes IS NULL "
            f"ORDER BY {order} LIMIT 1",
            [who, stack],
        ).fetchone()

    def history(self: Workspace, pair_id: int | None = None, limit: int = 100) -> list[HistoryEntry]:
        sql = "SELECT id, doc_id, action, who, at, pair_ids, undoes, undone FROM history"
        args: list = []
        if pair_id is not None:
            sql += " WHERE EXISTS (SELECT 1 FROM json_each(history.pair_ids) WHERE value = ?)"
            args.append(pair_id)
        sql += f" ORDER BY id DESC LIMIT {int(limit)}"
        return [_entry(r) for r in self.conn.execute(sql, args)]

    def history_states(self: Workspace, entry_id: int) -> tuple[list[dict], list[dict]]:
        """The before and after snapshots of one history entry."""
        row = self.conn.execute("SELECT before, after FROM history WHERE id = ?", [entry_id]).fetchone()
        if row is None:
            raise WorkbenchError(f"no history entry {entry_id}")
        return json.loads(row[0]), json.loads(row[1])

    def snapshot(self: Workspace, pair_id: int) -> dict | None:
        """The full state of one pair (row, sentences, drafts) as stored in history."""
        return self._snapshot(pair_id)

    # -- machinery -----------------------------------------------------------------------------
    def _change(self: Workspace, action: str, pair_ids: Sequence[int], change: Callable[[], list[int]],
                who: str | None, expected: dict[int, int | None]) -> int:
        from workbench.store.workspace import current_user, now

        who = who or current_user()
        with self.write():
            for pid, version in expected.items():
                self._check_version(pid, version)
            before = [s for s in map(self._snapshot, pair_ids) if s]
            touched = list(pair_ids) + change()
            stamp = now()
            for pid in touched:
                self.conn.execute(
                    "UPDATE pairs SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
                    [stamp, who, pid],
                )
                self.refresh_draft(pid)
            after = [s for s in map(self._snapshot, touched) if s]
            self.conn.execute(
                "UPDATE history SET undone = ? WHERE who = ? AND undone = ?", [DISCARDED, who, REDO_STACK]
            )
            return self._log(action, who, stamp, touched, before, after, None)

    def _step_history(self: Workspace, who: str | None, stack: int, action: str, target: str,
                      order: str) -> HistoryEntry | None:
        from workbench.store.workspace import current_user, now

        who = who or current_user()
        with self.write():
            row = self._next_on_stack("id, pair_ids, before, after", who, stack, order)
            if row is None:
                return None
            entry_id, pair_ids = row[0], json.loads(row[1])
            states = {"before": json.loads(row[2]), "after": json.loads(row[3])}
            current = states["after" if target == "before" else "before"]
            self._check_snapshots(pair_ids, current)
            stamp = now()
            restored = self._restore(pair_ids, states[target], who, stamp)
            self.conn.execute(
                "UPDATE history SET undone = ? WHERE id = ?",
                [REDO_STACK if action == "undo" else UNDO_STACK, entry_id],
            )
            log_id = self._log(action, who, stamp, pair_ids, current, restored, entry_id)
        return _entry(self.conn.execute(
            "SELECT id, doc_id, action, who, at, pair_ids, undoes, undone FROM history WHERE id = ?",
            [log_id],
        ).fetchone())

    def _log(self: Workspace, action: str, who: str, stamp: str, pair_ids: Sequence[int],
             before: list[dict], after: list[dict], undoes: int | None) -> int:
        doc_id = next((s["pair"]["doc_id"] for s in before + after), None)
        cur = self.conn.execute(
            "INSERT INTO history (doc_id, action, who, at, pair_ids, before, after, undoes, undone) "
            "VALUES (?,?,?,?,?,?,?,?,0)",
            [doc_id, action, who, stamp, json.dumps(list(pair_ids)),
             json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False), undoes],
        )
        return cur.lastrowid

    def _check_version(self: Workspace, pair_id: int, expected: int | None) -> None:
        row = self.conn.execute("SELECT version FROM pairs WHERE id = ?", [pair_id]).fetchone()
        if row is None:
            raise WorkbenchError(f"pair {pair_id} no longer exists (merged or deleted by someone else)")
        if expected is not None and row[0] != expected:
            raise EditConflict(pair_id, expected, row[0])

    def _check_snapshots(self: Workspace, pair_ids: Sequence[int], expected: list[dict]) -> None:
        """Refuse to undo/redo over changes someone made since: each pair must still look as
        the entry left it (versions may have moved on through this user's own undos)."""
        wanted = {s["pair"]["id"]: _content(s) for s in expected}
        for pid in pair_ids:
            snap = self._snapshot(pid)
            if (snap and _content(snap)) != wanted.get(pid):
                version = snap["pair"]["version"] if snap else 0
                raise EditConflict(pid, version, version)

    def _snapshot(self: Workspace, pair_id: int) -> dict | None:
        row = self.conn.execute(
            f"SELECT {', '.join(PAIR_FIELDS)} FROM pairs WHERE id = ?", [pair_id]
        ).fetchone()
        if row is None:
            return None
        sentences = self.conn.execute(
            f"SELECT {', '.join(SENTENCE_FIELDS)} FROM sentences WHERE pair_id = ? ORDER BY lang, ord",
            [pair_id],
        ).fetchall()
        drafts = self.conn.execute(
            f"SELECT {', '.join(DRAFT_FIELDS)} FROM drafts WHERE pair_id = ? ORDER BY id", [pair_id]
        ).fetchall()
        return {
            "pair": dict(zip(PAIR_FIELDS, row)),
            "sentences": [list(s) for s in sentences],
            "drafts": [list(d) for d in drafts],
        }

    def _restore(self: Workspace, pair_ids: Sequence[int], snapshots: list[dict], who: str,
                 stamp: str) -> list[dict]:
        """Make the pairs ``pair_ids`` look as in ``snapshots`` (absent ones are deleted).
        Versions move forward, never back. Returns the resulting snapshots."""
        wanted = {s["pair"]["id"]: s for s in snapshots}
        for pid in pair_ids:
            if pid not in wanted:
                self.conn.execute("DELETE FROM pairs WHERE id = ?", [pid])
        for pid, snap in wanted.items():
            fields = dict(snap["pair"])
            current = self.conn.execute("SELECT version FROM pairs WHERE id = ?", [pid]).fetchone()
            fields["version"] = max(fields["version"], current[0] if current else 0) + 1
            fields["updated_at"], fields["updated_by"] = stamp, who
            self.conn.execute("DELETE FROM sentences WHERE pair_id = ?", [pid])
            self.conn.execute(
                f"INSERT INTO pairs ({', '.join(PAIR_FIELDS)}) VALUES ({', '.join('?' * len(PAIR_FIELDS))}) "
                f"ON CONFLICT(id) DO UPDATE SET "
                + ", ".join(f"{f} = excluded.{f}" for f in PAIR_FIELDS if f != "id"),
                [fields.get(f, PAIR_FIELD_DEFAULTS.get(f)) for f in PAIR_FIELDS],
            )
            self.conn.executemany(
                f"INSERT INTO sentences (pair_id, {', '.join(SENTENCE_FIELDS)}) VALUES (?, ?,?,?,?,?,?)",
                [[pid, *s] for s in snap["sentences"]],
            )
            self.conn.executemany(
                f"INSERT OR IGNORE INTO drafts (pair_id, {', '.join(DRAFT_FIELDS)}) "
                "VALUES (?, ?,?,?,?,?,?,?,?,?)",
                [[pid, *d] for d in snap["drafts"]],
            )
            self.refresh_draft(pid)
        return [s for s in map(self._snapshot, wanted) if s]

    def replay_history(self: Workspace) -> list[int]:
        """Pairs whose current state differs from the last snapshot history holds of them.
        Empty when the history explains the current state of every edited pair."""
        last: dict[int, dict | None] = {}
        for pair_ids, after in self.conn.execute("SELECT pair_ids, after FROM history ORDER BY id"):
            snaps = {s["pair"]["id"]: s for s in json.loads(after)}
            for pid in json.loads(pair_ids):
                last[pid] = snaps.get(pid)
        bad = []
        for pid, snap in last.items():
            now_snap = self._snapshot(pid)
            if (now_snap is None) != (snap is None):
                bad.append(pid)
            elif snap and now_snap and _content(snap) != _content(now_snap):
                bad.append(pid)
        return bad

    def _side(self: Workspace, pair_id: int, lang: str) -> Side:
        return [(s.text, s.para) for s in self.sentences(pair_id, lang)]

    def _set_side(self: Workspace, pair_id: int, lang: str, sentences: Side) -> None:
        self.conn.execute("DELETE FROM sentences WHERE pair_id = ? AND lang = ?", [pair_id, lang])
        self.conn.executemany(
            "INSERT INTO sentences (pair_id, lang, ord, text, norm, para) VALUES (?,?,?,?,?,?)",
            [[pair_id, lang, i, text, normalize(text), para] for i, (text, para) in enumerate(sentences)],
        )
        joined = join_sentences([text for text, _ in sentences], lang)
        if lang == "fa":
            self.conn.execute(
                "UPDATE pairs SET fa = ?, fa_norm = ?, n_fa = ? WHERE id = ?",
                [joined, normalize(joined), len(sentences), pair_id],
            )
        else:
            self.conn.execute(
                "UPDATE pairs SET en = ?, n_en = ? WHERE id = ?", [joined, len(sentences), pair_id]
            )

    def _mark_for_review(self: Workspace, pair_id: int) -> None:
        """After a structural change a pair needs a person's eye again (if it has English)."""
        self.conn.execute(
            "UPDATE pairs SET status = CASE WHEN n_en > 0 THEN 'review' ELSE 'draft' END WHERE id = ?",
            [pair_id],
        )

    def _new_pair(self: Workspace, doc_id: int, position: float) -> int:
        from workbench.store.workspace import now

        cur = self.conn.execute(
            "INSERT INTO pairs (doc_id, position, updated_at) VALUES (?, ?, ?)", [doc_id, position, now()]
        )
        return cur.lastrowid

    def _respace(self: Workspace, pair: Pair) -> float:
        """Renumber a document's positions 1, 2, 3… when a split finds no room; returns a
        free position just after ``pair``."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM pairs WHERE doc_id = ? ORDER BY position", [pair.doc_id]
        )]
        self.conn.executemany(
            "UPDATE pairs SET position = ? WHERE id = ?", [[float(i + 1), pid] for i, pid in enumerate(ids)]
        )
        return ids.index(pair.id) + 1.5


def _content(snapshot: dict) -> tuple:
    """What an editor sees of a pair; the comparison key of history replay. (Positions are
    left out: a split may renumber a whole document without changing its order.)"""
    p = snapshot["pair"]
    return (p["fa"], p["en"], p["status"], [tuple(s[1:4]) for s in snapshot["sentences"]])


def _entry(row: tuple) -> HistoryEntry:
    return HistoryEntry(
        id=row[0], doc_id=row[1], action=row[2], who=row[3], at=row[4],
        pair_ids=json.loads(row[5]), undoes=row[6], undone=row[7],
    )
