"""Editing pairs: statuses, notes, the text of either side, find and replace, undo and redo.

Every operation is one unit of work (``workbench.store.unit``) inside one write transaction;
the operations that change a document's structure (merge, split, shift, realign) are in
``workbench.store.structure``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError, WouldReplaceEnglish
from workbench.store import history
from workbench.store.imports import VISIBLE_DOCS
from workbench.store.records import STATUSES, HistoryEntry, Pair, Status, stored_status
from workbench.store.unit import Seen, Side, Unit
from workbench.text import join_sentences, normalize, segment

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

# Pairs ``approve_through`` approves: undecided, with English, from the top of a document down to
# a position (parameters: document id, position).
UNDECIDED_THROUGH = ("doc_id = ? AND position <= ? AND n_en > 0 AND en != '' "
                     "AND status IN ('draft', 'review')")


@dataclass(frozen=True)
class Approved:
    """What an approve-through did: pairs approved, and confirmed pairs skipped because they
    changed after the editor confirmed them."""

    approved: int
    skipped: int = 0


@dataclass(frozen=True)
class Replacement:
    """One pair's English before and after a find-and-replace."""

    pair_id: int
    doc_id: int
    version: int
    old: str
    new: str


class EditsMixin:
    """Editing operations of a Workspace (kept apart from its read API)."""

    @contextmanager
    def unit(self: Workspace, action: str, *, who: str | None = None, seen: Seen | None = None,
             carry: Sequence[str] = ()) -> Iterator[Unit]:
        """One unit of work: a write transaction (a savepoint inside another), the versions the
        caller saw checked first, one history entry logged at the end."""
        from workbench.store.workspace import current_user

        with self.write():
            unit = Unit(self, action, who or current_user(), seen or {}, carry)
            unit.check_seen()
            yield unit
            unit.finish()

    # -- statuses and notes ----------------------------------------------------------------------
    def set_status(self: Workspace, pair_id: int, status: str, *, who: str | None = None,
                   expected_version: int | None = None) -> Pair:
        status = stored_status(status)  # "new" is stored as "draft"
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
                        expected_version: int | None = None, confirmed: Seen | None = None) -> Approved:
        """Approve every pair with English not yet decided (draft or review), from the top of the
        document down to this one: the fast run through text an editor has read. The pairs are
        chosen inside the transaction: one rejected or approved meanwhile is left as it is.
        ``confirmed``: the pairs and versions the editor confirmed (``search.undecided_through``,
        read when the range was put to them); only those are approved, and a pair changed since
        (rewritten by another editor, or new) is skipped and counted."""
        with self.unit("approve-through", who=who, seen={pair_id: expected_version}) as unit:
            pair = unit.pair(pair_id)
            rows = self.conn.execute(f"SELECT id, version FROM pairs WHERE {UNDECIDED_THROUGH}",
                                     [pair.doc_id, pair.position]).fetchall()
            ids = [pid for pid, version in rows if confirmed is None or confirmed.get(pid) == version]
            unit.set_fields({pid: (Status.APPROVED.value,) for pid in ids}, ("status",))
        skipped = len(confirmed) - len(ids) if confirmed is not None else 0
        return Approved(len(ids), skipped)

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
            args.append(json.dumps(pair_ids))
        clauses.append(f"doc_id IN ({VISIBLE_DOCS})")
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

        return history.step_size(self, who or current_user(), which)

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


__all__ = ["EditsMixin", "Replacement", "fit_sentences", "replace_pattern"]
