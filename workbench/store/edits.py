"""Editing pairs: every operation is one unit of work inside one write transaction.

A ``Unit`` reads the pairs an operation needs *inside* the transaction (never a copy read
before it), checks each against the version the caller saw (``seen``: the pair on screen, and
its neighbour for a shift or merge), takes what it touches into the history, writes, raises
the version of every pair it changed and logs one history entry. A stale version raises
``EditConflict`` naming the pair's number in its document, and nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError, WouldReplaceEnglish
from workbench.store import history
from workbench.store.records import STATUSES, HistoryEntry, NewPair, Pair, Status
from workbench.text import join_sentences, normalize, segment

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

Side = list[tuple[str, int | None]]  # sentences of one side of a pair: (text, paragraph)
Seen = Mapping[int, int | None]  # pair id → the version the caller based its change on


class Unit:
    """One change to pairs in progress, inside the workspace's write transaction."""

    def __init__(self, ws: Workspace, action: str, who: str, seen: Seen) -> None:
        self.ws = ws
        self.action = action
        self.who = who
        self.seen = {pid: v for pid, v in seen.items() if v is not None}
        self.before: dict[int, dict | None] = {}  # snapshots of the pairs touched, before
        self.created: list[int] = []
        self.fields: tuple[str, ...] | None = None  # a fields change: only these columns
        self.old_values: dict[int, tuple] = {}
        self.new_values: dict[int, tuple] = {}

    # -- reading fresh state -----------------------------------------------------------------
    def pair(self, pair_id: int) -> Pair:
        """The pair as stored now; a conflict if it moved on from the version the caller saw."""
        try:
            pair = self.ws.pair(pair_id)
        except WorkbenchError:
            raise WorkbenchError("this pair was merged or deleted by someone else meanwhile") from None
        self._check(pair)
        return pair

    def neighbour(self, pair: Pair, step: int) -> Pair | None:
        other = self.ws.neighbour(pair, step)
        if other is not None:
            self._check(other)
        return other

    def side(self, pair_id: int, lang: str) -> Side:
        return [(s.text, s.para) for s in self.ws.sentences(pair_id, lang)]

    def _check(self, pair: Pair) -> None:
        expected = self.seen.get(pair.id)
        if expected is not None and expected != pair.version:
            history.conflict(self.ws, pair.id)

    def check_seen(self) -> None:
        """Every pair the caller saw must still be at that version (read or not)."""
        now = {pid: v for pid, v in self.ws.conn.execute(
            "SELECT id, version FROM pairs WHERE id IN (SELECT value FROM json_each(?))",
            [_json(list(self.seen))])}
        for pid, version in self.seen.items():
            if pid not in now:
                raise WorkbenchError("a pair you were looking at was merged or deleted by someone else meanwhile")
            if now[pid] != version:
                history.conflict(self.ws, pid)

    # -- writing -----------------------------------------------------------------------------
    def touch(self, *pair_ids: int) -> None:
        """Take pairs into the change before writing to them (their snapshot goes to history;
        a pair this change created has no before)."""
        for pid in pair_ids:
            if pid not in self.before and pid not in self.created:
                self.before[pid] = history.snapshot(self.ws, pid)

    def new_pair(self, doc_id: int, position: float) -> int:
        from workbench.store.workspace import now

        cur = self.ws.conn.execute("INSERT INTO pairs (doc_id, position, updated_at) VALUES (?, ?, ?)",
                                   [doc_id, position, now()])
        self.created.append(cur.lastrowid)
        return cur.lastrowid

    def set_fields(self, values: Mapping[int, tuple], fields: Sequence[str]) -> None:
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
        self.ws._set_side(pair_id, lang, sentences)

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
            before = history.fields_state(self.fields, {pid: self.old_values[pid] for pid in changed})
            after = history.fields_state(self.fields, {pid: self.new_values[pid] for pid in changed})
            pair_ids = changed
            doc_id = self._doc_of(changed[0])
        else:
            pair_ids = list(self.before) + [pid for pid in self.created if pid not in self.before]
            if not pair_ids:
                return None
            history.bump(self.ws, pair_ids, self.who, stamp)
            for pid in pair_ids:
                self.ws.refresh_draft(pid)
            before = [s for s in self.before.values() if s]
            after = history.snapshots(self.ws, pair_ids)
            doc_id = next((s["pair"]["doc_id"] for s in before + after), None)
        history.discard_redo(self.ws, self.who)
        return history.log(self.ws, self.action, self.who, stamp, pair_ids, before, after, None, doc_id)

    def _doc_of(self, pair_id: int) -> int | None:
        row = self.ws.conn.execute("SELECT doc_id FROM pairs WHERE id = ?", [pair_id]).fetchone()
        return row[0] if row else None


@dataclass(frozen=True)
class Replacement:
    """One pair's English before and after a find-and-replace."""

    pair_id: int
    doc_id: int
    version: int
    old: str
    new: str


class EditsMixin:
    """Editing operations of a Workspace (split out to keep the read API short)."""

    @contextmanager
    def unit(self: Workspace, action: str, *, who: str | None = None, seen: Seen | None = None) -> Iterator[Unit]:
        """One unit of work: a write transaction (a savepoint inside another), the versions the
        caller saw checked first, one history entry logged at the end."""
        from workbench.store.workspace import current_user

        with self.write():
            unit = Unit(self, action, who or current_user(), seen or {})
            unit.check_seen()
            yield unit
            unit.finish()

    # -- statuses and notes ----------------------------------------------------------------------
    def set_status(self: Workspace, pair_id: int, status: str, *, who: str | None = None,
                   expected_version: int | None = None) -> Pair:
        if status not in STATUSES:
            raise WorkbenchError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        with self.unit(f"status:{status}", who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            if status == Status.APPROVED.value and not pair.en.strip():
                raise WorkbenchError(f"{self.describe(pair)} has no English to approve: write it "
                                     "(enter) or take the draft (d) first")
            unit.set_fields({pair_id: (status,)}, ("status",))
        return self.pair(pair_id)

    def approve_through(self: Workspace, pair_id: int, *, who: str | None = None,
                        expected_version: int | None = None) -> int:
        """Approve every pair with English not yet decided (draft or review), from the top of the
        document down to this one: the fast run through text an editor has read. The pairs are
        chosen inside the transaction: one rejected or approved meanwhile is left as it is."""
        with self.unit("approve-through", who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            ids = [r[0] for r in self.conn.execute(
                "SELECT id FROM pairs WHERE doc_id = ? AND position <= ? AND n_en > 0 AND en != '' "
                "AND status IN ('draft', 'review')",
                [pair.doc_id, pair.position],
            )]
            unit.set_fields({pid: (Status.APPROVED.value,) for pid in ids}, ("status",))
        return len(ids)

    def set_note(self: Workspace, pair_id: int, note: str, flag: str = "", *, who: str | None = None,
                 expected_version: int | None = None) -> Pair:
        """An editor's comment on a pair and a short flag ("ask the client"); empty clears them."""
        with self.unit("note", who=who, seen={pair_id: expected_version}) as unit:
            unit.pair(pair_id)
            unit.set_fields({pair_id: (note.strip(), " ".join(flag.split()))}, ("note", "flag"))
        return self.pair(pair_id)

    # -- text ----------------------------------------------------------------------------------------
    def set_english(self: Workspace, pair_id: int, text: str, *, who: str | None = None,
                    expected_version: int | None = None, action: str = "edit") -> Pair:
        """Replace the English of a pair, keeping its bead shape where the text allows (see
        ``fit_sentences``). A pair with no human English yet moves to review; one left without
        English cannot stay approved."""
        with self.unit(action, who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            self._write_english(unit, pair, text)
        return self.pair(pair_id)

    def _write_english(self: Workspace, unit: Unit, pair: Pair, text: str) -> None:
        sentences = fit_sentences(text, [t for t, _ in unit.side(pair.id, "en")], "en")
        unit.set_side(pair.id, "en", [(s, None) for s in sentences])
        status = pair.status
        if not sentences:
            status = Status.DRAFT.value if status != Status.REJECTED.value else status
        elif status == Status.DRAFT.value:
            status = Status.REVIEW.value
        if status != pair.status:
            self.conn.execute("UPDATE pairs SET status = ? WHERE id = ?", [status, pair.id])

    def take_draft(self: Workspace, pair_id: int, *, who: str | None = None, expected_version: int | None = None,
                   replace: bool = False) -> Pair:
        """The MT draft becomes the English. Over English already there (a person's, or a
        published translation) only with ``replace``: otherwise WouldReplaceEnglish says what
        would be replaced, so the caller can ask."""
        with self.unit("take-draft", who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            if not pair.draft:
                raise WorkbenchError(f"{self.describe(pair)} has no draft to take (t drafts it)")
            if pair.en.strip() and pair.en != pair.draft and not replace:
                sentences = "1 sentence" if pair.n_en == 1 else f"{pair.n_en} sentences"
                raise WouldReplaceEnglish(f"{self.describe(pair)} has English ({sentences}): taking the draft "
                                          "would replace it")
            self._write_english(unit, pair, pair.draft)
        return self.pair(pair_id)

    def set_persian(self: Workspace, pair_id: int, text: str, *, who: str | None = None,
                    expected_version: int | None = None) -> Pair:
        """Correct the Persian of a pair (a typo, a missing ZWNJ), keeping its sentences where the
        text allows. Its normalized form and search entry follow; a draft of the old text stops
        being the pair's current draft."""
        if not text.strip():
            raise WorkbenchError("the Persian of a pair cannot be empty (merge or reject the pair instead)")
        with self.unit("edit-persian", who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            old = unit.side(pair.id, "fa")
            sentences = fit_sentences(text, [t for t, _ in old], "fa")
            paras = [p for _, p in old] or [None]
            unit.set_side(pair.id, "fa", [(s, paras[min(i, len(paras) - 1)]) for i, s in enumerate(sentences)])
        return self.pair(pair_id)

    def replace_english(self: Workspace, find: str, replacement: str, *, regex: bool = False,
                        ignore_case: bool = False, doc_id: int | None = None, who: str | None = None,
                        seen: Seen | None = None) -> list[int]:
        """Find and replace in the English of a document (or the workspace), as one change in
        history (one undo step). With ``seen`` (the preview's pairs and versions), only those
        pairs change, and a conflict is raised if one of them moved on since the preview."""
        pattern = replace_pattern(find, regex=regex, ignore_case=ignore_case)
        changed: list[int] = []
        with self.unit("replace", who=who, seen=seen) as unit:
            for item in self._replacements(pattern, replacement, doc_id, list(seen) if seen else None):
                self._write_english(unit, unit.pair(item.pair_id), item.new)
                changed.append(item.pair_id)
        return changed

    def preview_replace(self: Workspace, find: str, replacement: str, *, regex: bool = False,
                        ignore_case: bool = False, doc_id: int | None = None,
                        limit: int | None = None) -> list[Replacement]:
        """What ``replace_english`` would change, pair by pair (nothing is written)."""
        pattern = replace_pattern(find, regex=regex, ignore_case=ignore_case)
        found = []
        for item in self._replacements(pattern, replacement, doc_id, None):
            found.append(item)
            if limit is not None and len(found) >= limit:
                break
        return found

    def _replacements(self: Workspace, pattern: re.Pattern, replacement: str, doc_id: int | None,
                      pair_ids: list[int] | None) -> Iterator[Replacement]:
        clauses, args = ["en != ''"], []
        if doc_id is not None:
            clauses.append("doc_id = ?")
            args.append(doc_id)
        if pair_ids is not None:
            clauses.append("id IN (SELECT value FROM json_each(?))")
            args.append(_json(pair_ids))
        clauses.append("doc_id IN (SELECT id FROM documents WHERE importing IS NULL)")
        rows = self.conn.execute(
            f"SELECT id, doc_id, version, en FROM pairs WHERE {' AND '.join(clauses)} ORDER BY doc_id, position",
            args).fetchall()
        for pid, doc, version, en in rows:
            try:
                new = pattern.sub(replacement, en)
            except (re.error, IndexError) as e:  # a bad group reference in the replacement
                raise WorkbenchError(f"cannot replace with {replacement!r}: {e}") from None
            if new != en:
                yield Replacement(pid, doc, version, en, new)

    # -- structure -----------------------------------------------------------------------------------
    def merge_with_next(self: Workspace, pair_id: int, *, who: str | None = None,
                        expected_version: int | None = None, seen: Seen | None = None) -> Pair:
        """Join a pair and the next one; ``seen`` may hold the next pair's version too."""
        with self.unit("merge", who=who, seen={**(seen or {}), pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            nxt = unit.neighbour(pair, 1)
            if nxt is None:
                raise WorkbenchError("the last pair of a document has no next pair to merge with")
            unit.touch(pair_id, nxt.id)
            for lang in ("fa", "en"):
                unit.set_side(pair_id, lang, unit.side(pair_id, lang) + unit.side(nxt.id, lang))
            self.conn.execute("DELETE FROM pairs WHERE id = ?", [nxt.id])
            self._mark_for_review(pair_id)
        return self.pair(pair_id)

    def split(self: Workspace, pair_id: int, fa_at: int, en_at: int, *, who: str | None = None,
              expected_version: int | None = None) -> tuple[Pair, Pair]:
        """Split after the first ``fa_at`` Persian and ``en_at`` English sentences."""
        with self.unit("split", who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            fa, en = unit.side(pair_id, "fa"), unit.side(pair_id, "en")
            where = self.describe(pair)
            if not (0 <= fa_at <= len(fa) and 0 <= en_at <= len(en)):
                raise WorkbenchError(f"cannot split {where} at {fa_at}/{en_at}")
            if (fa_at, en_at) in ((0, 0), (len(fa), len(en))):
                raise WorkbenchError(f"splitting {where} at {fa_at}/{en_at} leaves an empty pair")
            unit.touch(pair_id)
            nxt = self.neighbour(pair, 1)
            position = (pair.position + nxt.position) / 2 if nxt else pair.position + 1.0
            if position in (pair.position, nxt.position if nxt else None):
                position = self._respace(pair)
            new_id = unit.new_pair(pair.doc_id, position)
            unit.set_side(pair_id, "fa", fa[:fa_at])
            unit.set_side(pair_id, "en", en[:en_at])
            unit.set_side(new_id, "fa", fa[fa_at:])
            unit.set_side(new_id, "en", en[en_at:])
            self._mark_for_review(pair_id)
            self._mark_for_review(new_id)
        return self.pair(pair_id), self.pair(new_id)

    def shift_english(self: Workspace, pair_id: int, step: int, *, who: str | None = None,
                      expected_version: int | None = None, seen: Seen | None = None) -> Pair:
        """Move the first English sentence to the previous pair (step=-1) or the last one to
        the next pair (step=1). ``seen`` may hold the neighbour's version too."""
        with self.unit("shift", who=who, seen={**(seen or {}), pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            other = unit.neighbour(pair, step)
            if other is None:
                raise WorkbenchError(f"{self.describe(pair)} has no {'next' if step > 0 else 'previous'} pair")
            en, other_en = unit.side(pair_id, "en"), unit.side(other.id, "en")
            if not en:
                raise WorkbenchError(f"{self.describe(pair)} has no English sentence to shift")
            unit.touch(pair_id, other.id)
            if step > 0:
                unit.set_side(pair_id, "en", en[:-1])
                unit.set_side(other.id, "en", en[-1:] + other_en)
            else:
                unit.set_side(pair_id, "en", en[1:])
                unit.set_side(other.id, "en", other_en + en[:1])
            self._mark_for_review(pair_id)
            self._mark_for_review(other.id)
        return self.pair(pair_id)

    def replace_pairs(self: Workspace, doc_id: int, old_pair_ids: Sequence[int],
                      new_pairs: Sequence[NewPair], *, who: str | None = None,
                      action: str = "align", seen: Seen | None = None) -> list[int]:
        """Replace consecutive pairs of a document with new ones (a realignment), as one change
        in history. New pairs take positions between the neighbours of the replaced run."""
        return self.replace_runs(doc_id, [(old_pair_ids, new_pairs)], who=who, action=action, seen=seen)

    def replace_runs(self: Workspace, doc_id: int,
                     runs: Sequence[tuple[Sequence[int], Sequence[NewPair]]], *,
                     who: str | None = None, action: str = "align", seen: Seen | None = None) -> list[int]:
        """Several ``replace_pairs`` as one change in history (one undo restores them all).
        A new pair whose Persian equals a replaced pair's keeps that pair's drafts. ``seen``:
        the versions the new pairs were computed from (a conflict if any moved on)."""
        created: list[int] = []
        with self.unit(action, who=who, seen=seen) as unit:
            olds = []
            for old_ids, _ in runs:
                old = sorted((unit.pair(pid) for pid in old_ids), key=lambda p: p.position)
                if any(p.doc_id != doc_id for p in old):
                    raise WorkbenchError("pairs to replace belong to another document")
                if old:
                    run = [r[0] for r in self.conn.execute(
                        "SELECT id FROM pairs WHERE doc_id = ? AND position BETWEEN ? AND ? ORDER BY position",
                        [doc_id, old[0].position, old[-1].position],
                    )]
                    if run != [p.id for p in old]:
                        raise WorkbenchError("pairs to replace are not consecutive (someone changed the "
                                             "document meanwhile: run it again)")
                olds.append(old)
            for old, (_, new_pairs) in zip(olds, runs):
                created.extend(self._replace_run(unit, doc_id, old, new_pairs))
        return created

    def _replace_run(self: Workspace, unit: Unit, doc_id: int, old: list[Pair],
                     new_pairs: Sequence[NewPair]) -> list[int]:
        low = self.neighbour(old[0], -1) if old else None
        high = self.neighbour(old[-1], 1) if old else None
        start = low.position if low else (old[0].position - 1.0 if old else self._last_position(doc_id))
        end = high.position if high else start + len(new_pairs) + 1.0
        step = (end - start) / (len(new_pairs) + 1)
        drafts_by_fa = {p.fa: p.id for p in old if p.draft_id is not None}
        unit.touch(*(p.id for p in old))
        created = []
        for i, new in enumerate(new_pairs, 1):
            pid = unit.new_pair(doc_id, start + step * i)
            self._set_side(pid, "fa", [(t, new.fa_para) for t in new.fa])
            self._set_side(pid, "en", [(t, new.en_para) for t in new.en])
            self.conn.execute("UPDATE pairs SET status = ?, confidence = ? WHERE id = ?",
                              [new.status, new.confidence, pid])
            source = drafts_by_fa.get(join_sentences(list(new.fa), "fa"))
            if source is not None:
                fields = ", ".join(history.DRAFT_FIELDS[1:])
                self.conn.execute(
                    f"INSERT INTO drafts (pair_id, {fields}) SELECT ?, {fields} FROM drafts WHERE pair_id = ? ORDER BY id",
                    [pid, source],
                )
            created.append(pid)
        self.conn.executemany("DELETE FROM pairs WHERE id = ?", [[p.id] for p in old])
        return created

    def _last_position(self: Workspace, doc_id: int) -> float:
        row = self.conn.execute("SELECT MAX(position) FROM pairs WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] or 0.0

    # -- history -------------------------------------------------------------------------------------
    def undo(self: Workspace, *, who: str | None = None) -> HistoryEntry | None:
        """Undo this user's most recent change still in effect. None if there is nothing."""
        return self._step_history(who, "undo")

    def redo(self: Workspace, *, who: str | None = None) -> HistoryEntry | None:
        """Redo the change this user undid most recently, unless they changed something since."""
        return self._step_history(who, "redo")

    def _step_history(self: Workspace, who: str | None, which: str) -> HistoryEntry | None:
        from workbench.store.workspace import current_user, now

        with self.write():
            log_id = history.step(self, who or current_user(), which, now())
        return history.entry(self, log_id) if log_id is not None else None

    def history_step_size(self: Workspace, which: str, *, who: str | None = None) -> int:
        """How many pairs this user's next ``which`` ("undo" or "redo") would restore; 0 if none
        (the review app moves big ones, like undoing approve-all, off its event loop)."""
        from workbench.store.workspace import current_user

        stack, order = (history.UNDO_STACK, "id DESC") if which == "undo" else (history.REDO_STACK, "id ASC")
        row = history.next_on_stack(self, "json_array_length(pair_ids)", who or current_user(), stack, order)
        return row[0] if row else 0

    def history(self: Workspace, pair_id: int | None = None, limit: int = 100) -> list[HistoryEntry]:
        sql = f"SELECT {history.ENTRY_COLUMNS} FROM history"
        args: list = []
        if pair_id is not None:
            sql += " WHERE EXISTS (SELECT 1 FROM json_each(history.pair_ids) WHERE value = ?)"
            args.append(pair_id)
        sql += f" ORDER BY id DESC LIMIT {int(limit)}"
        return [history.to_entry(r) for r in self.conn.execute(sql, args)]

    def history_states(self: Workspace, entry_id: int) -> tuple[history.State, history.State]:
        """The before and after states of one history entry (snapshots, or fields)."""
        row = self.conn.execute("SELECT before, after FROM history WHERE id = ?", [entry_id]).fetchone()
        if row is None:
            raise WorkbenchError(f"no history entry {entry_id}")
        return json.loads(row[0]), json.loads(row[1])

    def snapshot(self: Workspace, pair_id: int) -> dict | None:
        """The full state of one pair (row, sentences, drafts) as stored in history."""
        return history.snapshot(self, pair_id)

    def replay_history(self: Workspace) -> list[int]:
        """Pairs whose current state differs from what the history says of them last."""
        return history.replay(self)

    # -- machinery -----------------------------------------------------------------------------------
    def describe(self: Workspace, pair: Pair) -> str:
        """A pair as an editor knows it: "pair 12 of 'news'"."""
        number, doc = self.pair_label(pair.id)
        return f"pair {number} of {doc!r}"

    def pair_label(self: Workspace, pair_id: int) -> tuple[int, str]:
        """The number of a pair in its document (1-based, as the table and exports count) and
        the document's name."""
        row = self.conn.execute(
            "SELECT (SELECT COUNT(*) FROM pairs q WHERE q.doc_id = p.doc_id AND q.position <= p.position), "
            "d.name FROM pairs p JOIN documents d ON d.id = p.doc_id WHERE p.id = ?", [pair_id]).fetchone()
        if row is None:
            raise WorkbenchError("this pair was merged or deleted meanwhile")
        return row[0], row[1]

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


def replace_pattern(find: str, *, regex: bool, ignore_case: bool) -> re.Pattern:
    if not find:
        raise WorkbenchError("nothing to find: give the text (or pattern) to replace")
    try:
        return re.compile(find if regex else re.escape(find), re.IGNORECASE if ignore_case else 0)
    except re.error as e:
        raise WorkbenchError(f"not a valid regular expression: {find!r} ({e})") from None


def fit_sentences(text: str, old: Sequence[str], lang: str) -> list[str]:
    """The sentences of an edited side, as many as it had where the text allows: an edit must
    not change the bead shape (appending " Really?" to a 1-1 pair's English keeps it 1-1). The
    new text's boundaries kept are those nearest, in proportion of the text, to the old ones.
    A side that had none, or text with fewer sentences than before, is segmented as it is."""
    sentences = segment(text, lang) if text.strip() else []
    if not old or len(sentences) <= len(old):
        return sentences
    old_cuts = _cuts(old)
    new_cuts = _cuts(sentences)
    keep: list[int] = []
    for cut in old_cuts:
        # the nearest new boundary not yet kept, after the last kept one (order is preserved)
        start = keep[-1] + 1 if keep else 0
        left = len(old_cuts) - len(keep) - 1  # boundaries still needed after this one
        candidates = range(start, len(new_cuts) - left)
        keep.append(min(candidates, key=lambda i: (abs(new_cuts[i] - cut), i)))
    bounds = [0, *(i + 1 for i in keep), len(sentences)]
    return [join_sentences(list(sentences[a:b]), lang) for a, b in zip(bounds, bounds[1:])]


def _cuts(sentences: Sequence[str]) -> list[float]:
    """Where each boundary between sentences falls, as a share of the whole text's length."""
    lengths = [len(s) + 1 for s in sentences]
    total = sum(lengths)
    running = 0
    cuts = []
    for length in lengths[:-1]:
        running += length
        cuts.append(running / total)
    return cuts


def _json(values: list) -> str:
    return json.dumps(values)


__all__ = ["EditsMixin", "Replacement", "Unit", "fit_sentences", "replace_pattern"]
