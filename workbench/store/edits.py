"""Editing pairs: statuses, notes, the text of either side, find and replace (``ws.edits``).

Every operation is one unit of work (``workbench.store.change``) inside one write transaction;
the operations that change a document's structure (merge, split, shift, realign) are in
``workbench.store.structure`` (``ws.structure``), undo and redo in ``workbench.store.undo``
(``ws.history``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from workbench.errors import WorkbenchError, WouldReplaceEnglish
from workbench.store.change import Change, Seen, changing
from workbench.store.imports import VISIBLE_DOCS
from workbench.store.records import STATUSES, Pair, Status, stored_status
from workbench.store.xliff import refuse_english_edit
from workbench.text import join_sentences, segment
from workbench.text.words import words
from workbench.text.protected import token_mismatch

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

# Pairs ``approve_through`` approves: undecided, with English, from the top of a document down to
# a position (parameters: document id, position).
UNDECIDED_THROUGH = ("doc_id = ? AND position <= ? AND n_en > 0 AND en != '' "
                     "AND status IN ('draft', 'review')")

# Where approving a pair gives its English to identical Persian (repetitions): the pair's
# document, the whole workspace, or nowhere.
Repeat = Literal["document", "workspace", "off"]
REPEAT_SCOPES: tuple[Repeat, ...] = ("document", "workspace", "off")
# Pairs that may take a repetition's English: undecided, with no English or only the untouched
# MT draft (never English a person wrote or approved), not the pair approved, not being imported.
OPEN_REPETITION = ("p.fa_norm = ? AND p.id != ? AND p.status IN ('draft', 'review') AND p.en != ? "
                   f"AND (p.en = '' OR p.en = p.draft) AND p.doc_id IN ({VISIBLE_DOCS})")


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


class Edits:
    """Editing operations on a workspace's pairs: ``ws.edits.set_status(...)``."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- statuses and notes ----------------------------------------------------------------------
    def set_status(self, pair_id: int, status: str, *, who: str | None = None,
                   expected_version: int | None = None, repeat: Repeat = "document") -> Pair:
        """A pair's status. Approving gives its English to the repetitions of its Persian in
        ``repeat`` (its document, the workspace, "off": none), in the same change: one undo."""
        self._set_status(pair_id, status, who, expected_version, repeat)
        return self.ws.pair(pair_id)

    def approve(self, pair_id: int, *, who: str | None = None, expected_version: int | None = None,
                repeat: Repeat = "document") -> list[int]:
        """Approve a pair (``set_status``); returns the repetitions given its English."""
        return self._set_status(pair_id, Status.APPROVED.value, who, expected_version, repeat)

    def _set_status(self, pair_id: int, status: str, who: str | None, expected_version: int | None,
                    repeat: Repeat) -> list[int]:
        status = stored_status(status)  # "new" is stored as "draft"
        if status not in STATUSES:
            raise WorkbenchError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        with changing(self.ws, f"status:{status}", who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            if status == Status.APPROVED.value and not pair.en.strip():
                raise WorkbenchError(f"{self.ws.describe(pair)} has no English to approve: write it "
                                     "(enter) or take the draft (d) first")
            repetitions = self.repetitions(pair, repeat) if status == Status.APPROVED.value else []
            if repetitions:  # text changes too: the whole pairs go to history, not only the status
                change.touch(pair_id)
                self.ws.conn.execute("UPDATE pairs SET status = ? WHERE id = ?", [status, pair_id])
                self._repeat(change, pair, repetitions)
            else:
                change.set_fields({pair_id: (status,)}, ("status",))
        return repetitions

    def repetitions(self, pair: Pair, repeat: Repeat) -> list[int]:
        """The pairs approving ``pair`` would give its English to (``OPEN_REPETITION``)."""
        (fa_norm,) = self.ws.conn.execute("SELECT fa_norm FROM pairs WHERE id = ?", [pair.id]).fetchone()
        if repeat == "off" or not fa_norm.strip():
            return []
        args: list[object] = [fa_norm, pair.id, pair.en]
        if repeat == "document":
            where = "p.doc_id = ?"
            args.append(pair.doc_id)
        elif words(fa_norm):  # the search index finds the phrase; the exact text is then compared
            where = "p.id IN (SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?)"
            args.append('fa_norm : "' + fa_norm.replace('"', '""') + '"')
        else:  # no word for the index to find ("…"): compare every pair's text
            where = "1"
        return [pid for (pid,) in self.ws.conn.execute(
            f"SELECT p.id FROM pairs p WHERE {OPEN_REPETITION} AND {where} ORDER BY p.doc_id, p.position", args)]

    def _repeat(self, change: Change, source: Pair, pair_ids: list[int]) -> None:
        """The approved English into each repetition, as review, with a note of where it came from."""
        number, doc = self.ws.pair_label(source.id)
        origin = f"repetition: English of pair {number} of {doc!r}, approved by {change.who}"
        for pid in pair_ids:
            target = change.pair(pid)
            self._write_english(change, target, source.en)
            note = f"{target.note}\n{origin}" if target.note else origin
            self.ws.conn.execute("UPDATE pairs SET status = ?, note = ? WHERE id = ?",
                                 [Status.REVIEW.value, note, pid])

    def approve_through(self, pair_id: int, *, who: str | None = None,
                        expected_version: int | None = None, confirmed: Seen | None = None) -> Approved:
        """Approve every pair with English not yet decided (draft or review), from the top of the
        document down to this one: the fast run through text an editor has read. The pairs are
        chosen inside the transaction: one rejected or approved meanwhile is left as it is.
        ``confirmed``: the pairs and versions the editor confirmed (``search.undecided_through``,
        read when the range was put to them); only those are approved, and a pair changed since
        (rewritten by another editor, or new) is skipped and counted."""
        with changing(self.ws, "approve-through", who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            rows = self.ws.conn.execute(f"SELECT id, version FROM pairs WHERE {UNDECIDED_THROUGH}",
                                     [pair.doc_id, pair.position]).fetchall()
            ids = [pid for pid, version in rows if confirmed is None or confirmed.get(pid) == version]
            change.set_fields({pid: (Status.APPROVED.value,) for pid in ids}, ("status",))
        skipped = len(confirmed) - len(ids) if confirmed is not None else 0
        return Approved(len(ids), skipped)

    def set_note(self, pair_id: int, note: str, flag: str = "", *, who: str | None = None,
                 expected_version: int | None = None) -> Pair:
        """An editor's comment on a pair and a short flag ("ask the client"); empty clears them."""
        with changing(self.ws, "note", who=who, seen={pair_id: expected_version}) as change:
            change.pair(pair_id)
            change.set_fields({pair_id: (note.strip(), " ".join(flag.split()))}, ("note", "flag"))
        return self.ws.pair(pair_id)

    # -- text ----------------------------------------------------------------------------------------
    def set_english(self, pair_id: int, text: str, *, who: str | None = None,
                    expected_version: int | None = None, action: str = "edit") -> Pair:
        """Replace the English of a pair, keeping its bead shape where the text allows (see
        ``fit_sentences``). A pair with no human English yet moves to review; one left without
        English cannot stay approved."""
        with changing(self.ws, action, who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            self._write_english(change, pair, text)
        return self.ws.pair(pair_id)

    def _write_english(self, change: Change, pair: Pair, text: str) -> None:
        refuse_english_edit(self.ws.conn, pair.doc_id)
        refuse_broken_tokens(self.ws, pair, pair.fa, text, "English")
        sentences = fit_sentences(text, [t for t, _ in change.side(pair.id, "en")], "en")
        change.set_side(pair.id, "en", [(s, None) for s in sentences])
        status = pair.status
        if not sentences:
            status = Status.DRAFT.value if status != Status.REJECTED.value else status
        elif status == Status.DRAFT.value:
            status = Status.REVIEW.value
        if status != pair.status:
            self.ws.conn.execute("UPDATE pairs SET status = ? WHERE id = ?", [status, pair.id])

    def take_draft(self, pair_id: int, *, who: str | None = None, expected_version: int | None = None,
                   replace: bool = False) -> Pair:
        """The MT draft becomes the English. Over English already there (a person's, or a
        published translation) only with ``replace``: otherwise WouldReplaceEnglish says what
        would be replaced, so the caller can ask."""
        with changing(self.ws, "take-draft", who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            if not pair.draft:
                raise WorkbenchError(f"{self.ws.describe(pair)} has no draft to take (t drafts it)")
            if pair.en.strip() and pair.en != pair.draft and not replace:
                sentences = "1 sentence" if pair.n_en == 1 else f"{pair.n_en} sentences"
                raise WouldReplaceEnglish(f"{self.ws.describe(pair)} has English ({sentences}): taking the draft "
                                          "would replace it")
            self._write_english(change, pair, pair.draft)
        return self.ws.pair(pair_id)

    def take_match(self, pair_id: int, text: str, *, who: str | None = None,
                   expected_version: int | None = None) -> Pair:
        """A translation-memory match's English becomes the pair's English (one undo step).
        Approved English stays: a match is a suggestion, never a decision over an editor's."""
        with changing(self.ws, "take-match", who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            if pair.status == Status.APPROVED.value:
                raise WorkbenchError(f"{self.ws.describe(pair)} is approved: a memory match does not replace "
                                     "approved English (enter edits it)")
            self._write_english(change, pair, text)
        return self.ws.pair(pair_id)

    def set_persian(self, pair_id: int, text: str, *, who: str | None = None,
                    expected_version: int | None = None) -> Pair:
        """Correct the Persian of a pair (a typo, a missing ZWNJ), keeping its sentences where the
        text allows. Its normalized form and search entry follow; a draft of the old text stops
        being the pair's current draft."""
        if not text.strip():
            raise WorkbenchError("the Persian of a pair cannot be empty (merge or reject the pair instead)")
        with changing(self.ws, "edit-persian", who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            refuse_broken_tokens(self.ws, pair, pair.en, text, "Persian")
            old = change.side(pair.id, "fa")
            sentences = fit_sentences(text, [t for t, _ in old], "fa")
            paras = [p for _, p in old] or [None]
            change.set_side(pair.id, "fa", [(s, paras[min(i, len(paras) - 1)]) for i, s in enumerate(sentences)])
        return self.ws.pair(pair_id)

    def replace_english(self, find: str, replacement: str, *, regex: bool = False,
                        ignore_case: bool = False, doc_id: int | None = None, who: str | None = None,
                        seen: Seen | None = None) -> list[int]:
        """Find and replace in the English of a document (or the workspace), as one change in
        history (one undo step). With ``seen`` (the preview's pairs and versions), only those
        pairs change, and a conflict is raised if one of them moved on since the preview."""
        pattern = replace_pattern(find, regex=regex, ignore_case=ignore_case)
        changed: list[int] = []
        with changing(self.ws, "replace", who=who, seen=seen) as change:
            for item in self._replacements(pattern, replacement, doc_id, list(seen) if seen else None):
                self._write_english(change, change.pair(item.pair_id), item.new)
                changed.append(item.pair_id)
        return changed

    def preview_replace(self, find: str, replacement: str, *, regex: bool = False,
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

    def _replacements(self, pattern: re.Pattern[str], replacement: str, doc_id: int | None,
                      pair_ids: list[int] | None) -> Iterator[Replacement]:
        clauses: list[str] = ["en != ''"]
        args: list[object] = []
        if doc_id is not None:
            clauses.append("doc_id = ?")
            args.append(doc_id)
        if pair_ids is not None:
            clauses.append("id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(pair_ids))
        clauses.append(f"doc_id IN ({VISIBLE_DOCS})")
        clauses.append("doc_id NOT IN (SELECT doc_id FROM xliff_files WHERE direction = 'en-fa')")  # read-only English
        rows = self.ws.conn.execute(
            f"SELECT id, doc_id, version, en FROM pairs WHERE {' AND '.join(clauses)} ORDER BY doc_id, position",
            args).fetchall()
        for pid, doc, version, en in rows:
            try:
                new = pattern.sub(replacement, en)
            except (re.error, IndexError) as e:  # a bad group reference in the replacement
                raise WorkbenchError(f"cannot replace with {replacement!r}: {e}") from None
            if new != en:
                yield Replacement(pid, doc, version, en, new)


def refuse_broken_tokens(ws: Workspace, pair: Pair, other: str, text: str, side: str) -> None:
    """A side's new text must keep the other side's protected tokens (inline codes of an XLIFF
    file, ``⟦1⟧``): one of them lost or made up could not be written back as the file's markup."""
    if not other.strip() or not text.strip():  # nothing to compare with, or the side cleared
        return
    wrong = token_mismatch(other, text)
    if wrong:
        raise WorkbenchError(f"{ws.describe(pair)}: the {side} breaks the codes of the segment ({wrong}); "
                             "keep each ⟦n⟧ token as it is")


def replace_pattern(find: str, *, regex: bool, ignore_case: bool) -> re.Pattern[str]:
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


__all__ = ["REPEAT_SCOPES", "Approved", "Edits", "Repeat", "Replacement", "fit_sentences", "replace_pattern"]
