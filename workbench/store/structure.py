"""Changing a document's structure (``ws.structure``): merge, split, shift a sentence, replace
runs of pairs (realignment). Each is one unit of work (``workbench.store.change``) that checks
the versions of every pair it touches, the neighbours included."""

from __future__ import annotations

from collections.abc import Sequence
from sqlite3 import Connection
from typing import TYPE_CHECKING

from workbench.errors import PairGone, WorkbenchError
from workbench.store import positions
from workbench.store.history_state import DRAFT_FIELDS
from workbench.store.records import NewPair, Pair, Replaced, Status
from workbench.store.change import Change, Seen, changing, write_side
from workbench.store.xliff import refuse_structure
from workbench.text import join_sentences

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace


def mark_for_review(conn: Connection, pair_id: int) -> None:
    """After a structural change a pair needs a person's eye again (if it has English)."""
    conn.execute("UPDATE pairs SET status = CASE WHEN n_en > 0 THEN 'review' ELSE 'draft' END WHERE id = ?",
                 [pair_id])


class Structure:
    """Structural operations on a workspace's pairs: ``ws.structure.merge_with_next(...)``."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def merge_with_next(self, pair_id: int, *, who: str | None = None, expected_version: int | None = None,
                        seen: Seen | None = None, carry: Sequence[str] = ()) -> Pair:
        """Join a pair and the next one; ``seen`` may hold the next pair's version too. The rows
        of the tables ``carry`` names (QA's false-positive marks) that the next pair takes with it
        are kept in the history, so undoing the merge brings them back."""
        with changing(self.ws, "merge", who=who, seen={**(seen or {}), pair_id: expected_version},
                      carry=carry) as change:
            pair = change.pair(pair_id)
            refuse_structure(self.ws.conn, pair.doc_id, "merge")
            nxt = change.neighbour(pair, 1)
            if nxt is None:
                raise WorkbenchError("the last pair of a document has no next pair to merge with")
            change.touch(pair_id, nxt.id)
            for lang in ("fa", "en"):
                change.set_side(pair_id, lang, change.side(pair_id, lang) + change.side(nxt.id, lang))
            self.ws.conn.execute("DELETE FROM pairs WHERE id = ?", [nxt.id])
            mark_for_review(self.ws.conn, pair_id)
        return self.ws.pair(pair_id)

    def split(self, pair_id: int, fa_at: int, en_at: int, *, who: str | None = None,
              expected_version: int | None = None) -> tuple[Pair, Pair]:
        """Split after the first ``fa_at`` Persian and ``en_at`` English sentences."""
        with changing(self.ws, "split", who=who, seen={pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            refuse_structure(self.ws.conn, pair.doc_id, "split")
            fa, en = change.side(pair_id, "fa"), change.side(pair_id, "en")
            where = self.ws.describe(pair)
            if not (0 <= fa_at <= len(fa) and 0 <= en_at <= len(en)):
                raise WorkbenchError(f"cannot split {where} at {fa_at}/{en_at}")
            if (fa_at, en_at) in ((0, 0), (len(fa), len(en))):
                raise WorkbenchError(f"splitting {where} at {fa_at}/{en_at} leaves an empty pair")
            change.touch(pair_id)
            new_id = change.new_pair(pair.doc_id, positions.slot(self.ws, pair.doc_id, after=pair_id))
            change.set_side(pair_id, "fa", fa[:fa_at])
            change.set_side(pair_id, "en", en[:en_at])
            change.set_side(new_id, "fa", fa[fa_at:])
            change.set_side(new_id, "en", en[en_at:])
            mark_for_review(self.ws.conn, pair_id)
            mark_for_review(self.ws.conn, new_id)
        return self.ws.pair(pair_id), self.ws.pair(new_id)

    def shift_english(self, pair_id: int, step: int, *, who: str | None = None,
                      expected_version: int | None = None, seen: Seen | None = None) -> Pair:
        """Move the first English sentence to the previous pair (step=-1) or the last one to
        the next pair (step=1). ``seen`` may hold the neighbour's version too."""
        with changing(self.ws, "shift", who=who, seen={**(seen or {}), pair_id: expected_version}) as change:
            pair = change.pair(pair_id)
            refuse_structure(self.ws.conn, pair.doc_id, "shift")
            other = change.neighbour(pair, step)
            if other is None:
                raise WorkbenchError(f"{self.ws.describe(pair)} has no {'next' if step > 0 else 'previous'} pair")
            en, other_en = change.side(pair_id, "en"), change.side(other.id, "en")
            if not en:
                raise WorkbenchError(f"{self.ws.describe(pair)} has no English sentence to shift")
            change.touch(pair_id, other.id)
            if step > 0:
                change.set_side(pair_id, "en", en[:-1])
                change.set_side(other.id, "en", en[-1:] + other_en)
            else:
                change.set_side(pair_id, "en", en[1:])
                change.set_side(other.id, "en", other_en + en[:1])
            mark_for_review(self.ws.conn, pair_id)
            mark_for_review(self.ws.conn, other.id)
        return self.ws.pair(pair_id)

    def replace_runs(self, doc_id: int,
                     runs: Sequence[tuple[Sequence[int], Sequence[NewPair]]], *,
                     who: str | None = None, action: str = "align", seen: Seen | None = None,
                     carry: Sequence[str] = ()) -> Replaced:
        """Replace runs of consecutive pairs of a document (old pair ids, new pairs) with new ones (a
        realignment), as one change in history (one undo restores them all). New pairs take
        positions between the neighbours of the replaced run.
        A new pair whose Persian equals a replaced pair's keeps that pair's drafts. What editors
        decided about a replaced pair goes to the new pair holding its first Persian sentence (its
        first English one if it had no Persian): its note and flag (two notes landing on one pair
        are both kept, joined with " / "), a rejection, and its rows of the tables ``carry`` names
        (tables with a ``pair_id`` column, e.g. QA false-positive marks). ``seen``: the versions
        the new pairs were computed from (a conflict if any moved on)."""
        created: list[int] = []
        joined: list[int] = []
        with changing(self.ws, action, who=who, seen=seen, carry=carry) as change:
            refuse_structure(self.ws.conn, doc_id, "realignment")
            olds = []
            for old_ids, _ in runs:
                old = sorted((change.pair(pid) for pid in old_ids), key=lambda p: p.position)
                if any(p.doc_id != doc_id for p in old):
                    raise WorkbenchError("pairs to replace belong to another document")
                if old:
                    run = [r[0] for r in self.ws.conn.execute(
                        "SELECT id FROM pairs WHERE doc_id = ? AND position BETWEEN ? AND ? ORDER BY position",
                        [doc_id, old[0].position, old[-1].position],
                    )]
                    if run != [p.id for p in old]:
                        raise PairGone("pairs to replace are not consecutive (someone changed the "
                                       "document meanwhile: run it again)")
                olds.append(old)
            for old, (_, new_pairs) in zip(olds, runs):
                replaced = self._replace_run(change, doc_id, old, new_pairs)
                created.extend(replaced.created)
                joined.extend(replaced.notes_joined)
        return Replaced(created, joined)

    def _replace_run(self, change: Change, doc_id: int, old: list[Pair],
                     new_pairs: Sequence[NewPair]) -> Replaced:
        old = [self.ws.pair(p.id) for p in old]  # positions as now: replacing a run before may have renumbered
        low = self.ws.neighbour(old[0], -1) if old else None
        high = self.ws.neighbour(old[-1], 1) if old else None
        start = low.position if low else (old[0].position - 1.0 if old else positions.after_last(self.ws, doc_id) - 1.0)
        end = high.position if high else start + len(new_pairs) + 1.0
        step = (end - start) / (len(new_pairs) + 1)
        spots = [start + step * i for i in range(1, len(new_pairs) + 1)]
        if low and high and not all(a < b for a, b in zip([start, *spots], [*spots, end])):
            positions.renumber(self.ws, doc_id)  # no float left between the run's neighbours
            start, end = (positions.existing_position(self.ws, p.id, doc_id) for p in (low, high))
            step = (end - start) / (len(new_pairs) + 1)
        drafts_by_fa = {p.fa: p.id for p in old if p.draft_id is not None}
        change.touch(*(p.id for p in old))
        created = []
        for i, new in enumerate(new_pairs, 1):
            pid = change.new_pair(doc_id, start + step * i)
            write_side(self.ws.conn, pid, "fa", [(t, new.fa_para) for t in new.fa])
            write_side(self.ws.conn, pid, "en", [(t, new.en_para) for t in new.en])
            self.ws.conn.execute("UPDATE pairs SET status = ?, confidence = ? WHERE id = ?",
                              [new.status, new.confidence, pid])
            source = drafts_by_fa.get(join_sentences(list(new.fa), "fa"))
            if source is not None:
                fields = ", ".join(DRAFT_FIELDS[1:])
                self.ws.conn.execute(
                    f"INSERT INTO drafts (pair_id, {fields}) SELECT ?, {fields} FROM drafts WHERE pair_id = ? ORDER BY id",
                    [pid, source],
                )
            created.append(pid)
        joined = self._carry_decisions(change, old, new_pairs, created)
        self.ws.conn.executemany("DELETE FROM pairs WHERE id = ?", [[p.id] for p in old])
        return Replaced(created, joined)

    def _carry_decisions(self, change: Change, old: list[Pair], new_pairs: Sequence[NewPair],
                         created: list[int]) -> list[int]:
        """Move notes, flags, rejections and ``change.carry`` rows of the replaced pairs to the new
        pairs holding their first sentence. Returns the new pairs that got two notes or more."""
        landed: dict[int, list[Pair]] = {}
        for pair, target in zip(old, _targets(change, old, new_pairs, created)):
            if target is not None:
                landed.setdefault(target, []).append(pair)
                for table in change.carry:  # validated names (history._rows_of read them already)
                    self.ws.conn.execute(f"UPDATE {table} SET pair_id = ? WHERE pair_id = ?", [target, pair.id])
        joined = []
        for target, pairs in landed.items():
            notes = [p.note for p in pairs if p.note]
            flags = list(dict.fromkeys(p.flag for p in pairs if p.flag))
            rejected = any(p.status == Status.REJECTED.value for p in pairs)
            if notes or flags or rejected:
                self.ws.conn.execute(
                    "UPDATE pairs SET note = ?, flag = ?, status = CASE WHEN ? THEN 'rejected' ELSE status END "
                    "WHERE id = ?", [" / ".join(notes), ", ".join(flags), rejected, target])
            if len(notes) > 1:
                joined.append(target)
        return joined


def _targets(change: Change, old: list[Pair], new_pairs: Sequence[NewPair], created: list[int]) -> list[int | None]:
    """For each replaced pair, the new pair holding its first Persian sentence (its first
    English one when it has no Persian); None when the new pairs do not hold that sentence."""
    owners = {lang: [pid for pid, new in zip(created, new_pairs) for _ in getattr(new, lang)]
              for lang in ("fa", "en")}
    texts = {lang: [t for new in new_pairs for t in getattr(new, lang)] for lang in ("fa", "en")}
    seen = {"fa": 0, "en": 0}  # sentences of the replaced pairs so far, by side
    targets: list[int | None] = []
    for pair in old:
        before = change.before[pair.id]
        sentences = before.sentences if before else []  # by lang and ord
        sides = {lang: [s.text for s in sentences if s.lang == lang] for lang in ("fa", "en")}
        lang = "fa" if sides["fa"] else "en"
        at = seen[lang]
        same = sides[lang] and at < len(texts[lang]) and texts[lang][at] == sides[lang][0]
        targets.append(owners[lang][at] if same else None)
        for side in ("fa", "en"):
            seen[side] += len(sides[side])
    return targets
