"""Aligning documents inside a workspace: approved pairs are hard anchors, everything between
them is realigned, and the workspace's lexicon learns from each alignment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.align.aligner import Bead, align
from workbench.align.lexicon import Lexicon
from workbench.errors import EditConflict, PairGone, WorkbenchError
from workbench.qa.cache import CARRIED
from workbench.store.xliff import refuse_structure
from workbench.store import NewPair, Pair, Status, Workspace
from workbench.store.records import Replaced

# Beads the aligner is less sure of than this go to review; the rest stay machine drafts.
# Confidences are about calibrated: beads at 0.9-0.95 are wrong 1 time in 25 on the dev sets, and
# reviewing them catches 12 more of 219 wrong beads than 0.9 would for 294 more glances at right ones
# (docs/alignment.md, "Review threshold"; bench/align.py).
REVIEW_BELOW = 0.95


def bead_status(bead: Bead) -> str:
    """English with no Persian is always looked at; any other bead (a Persian sentence left
    without English too: all 15 wrong 1-0 beads of the dev sets are below the threshold) when
    the aligner is unsure of it."""
    if not bead.fa:
        return Status.REVIEW.value
    return Status.REVIEW.value if bead.confidence < REVIEW_BELOW else Status.DRAFT.value


def load_lexicon(ws: Workspace) -> Lexicon:
    counts: dict[str, dict[str, float]] = {}
    for fa, en, count in ws.conn.execute("SELECT fa, en, count FROM lexicon"):
        counts.setdefault(fa, {})[en] = count
    return Lexicon(counts)


def learn(ws: Workspace, learned: Lexicon) -> None:
    """Add a document's lexicon counts to the workspace's (skipped on a read-only workspace), in
    the caller's transaction if there is one."""
    if ws.read_only or not len(learned):
        return
    with ws.write() as conn:
        conn.executemany(
            "INSERT INTO lexicon (fa, en, count) VALUES (?, ?, ?) "
            "ON CONFLICT (fa, en) DO UPDATE SET count = count + excluded.count",
            list(learned.rows()),
        )


@dataclass(frozen=True)
class Sentence:
    text: str
    para: int | None
    draft: str | None = None  # MT draft of this Persian sentence, when its pair had exactly it


def align_to_pairs(ws: Workspace | None, fa: list[Sentence], en: list[Sentence],
                   status: str | None = None) -> list[NewPair]:
    """Align two sides and turn the beads into pairs to store. With a workspace, its lexicon
    is used and grows."""
    pairs, learned = align_sentences(load_lexicon(ws) if ws is not None else None, fa, en, status)
    if ws is not None:
        learn(ws, learned)
    return pairs


def align_sentences(lexicon: Lexicon | None, fa: list[Sentence], en: list[Sentence],
                    status: str | None = None) -> tuple[list[NewPair], Lexicon]:
    """Align two sides with ``lexicon``: the pairs to store, and what the alignment learned."""
    drafts = [s.draft for s in fa] if any(s.draft for s in fa) else None
    beads, learned = align([s.text for s in fa], [s.text for s in en], fa_drafts=drafts, lexicon=lexicon)
    return [
        NewPair(
            fa=[fa[i].text for i in bead.fa],
            en=[en[j].text for j in bead.en],
            status=status or bead_status(bead),
            confidence=bead.confidence,
            fa_para=fa[bead.fa[0]].para if bead.fa else None,
            en_para=en[bead.en[0]].para if bead.en else None,
        )
        for bead in beads
    ], learned


def _sides(ws: Workspace, pairs: list[Pair]) -> tuple[list[Sentence], list[Sentence]]:
    fa: list[Sentence] = []
    en: list[Sentence] = []
    for pair in pairs:
        fa_sents = ws.sentences(pair.id, "fa")
        draft = pair.draft if len(fa_sents) == 1 else None
        fa += [Sentence(s.text, s.para, draft) for s in fa_sents]
        en += [Sentence(s.text, s.para) for s in ws.sentences(pair.id, "en")]
    return fa, en


def _same(pairs: list[Pair], new: list[NewPair]) -> bool:
    return [(p.fa, p.en) for p in pairs] == [(" ".join(n.fa), " ".join(n.en)) for n in new]


def realign_runs(ws: Workspace, doc_id: int, runs: list[list[Pair]], who: str | None = None) -> Replaced:
    """Realign each run of consecutive pairs on its own; returns the new pairs (none when the
    alignment did not change) and those that got the notes of two pairs. What editors decided
    about the pairs replaced (notes, flags, rejections, QA false-positive marks) goes to the new
    pair holding the same Persian sentence (``Workspace.replace_runs``).

    The alignment is computed without holding the write lock (seconds on a long document); the
    change then goes in as one transaction that first checks every pair of the runs is still at
    the version aligned (EditConflict otherwise), replaces the runs that changed and adds what
    their alignment learned to the lexicon. A run that aligns as it stands changes nothing and
    teaches nothing, so aligning an unchanged document again changes nothing at all."""
    refuse_structure(ws.conn, doc_id, "align")  # before seconds of aligning: the file fixes the structure
    lexicon = load_lexicon(ws)
    work = []
    learned = Lexicon()
    for run in runs:
        fa, en = _sides(ws, run)
        if not fa and not en:
            continue
        new, run_learned = align_sentences(lexicon, fa, en)
        if not _same(run, new):
            work.append(([p.id for p in run], new))
            learned = learned.merge(run_learned)
    if not work:
        return Replaced([])
    seen = {p.id: p.version for run in runs for p in run}
    with ws.write():
        replaced = ws.structure.replace_runs(doc_id, work, who=who, action="align", seen=seen, carry=CARRIED)
        learn(ws, learned)
    return replaced


def notes_joined(ws: Workspace, replaced: Replaced) -> str:
    """One line saying which new pairs hold the notes of two replaced pairs (empty: none)."""
    if not replaced.notes_joined:
        return ""
    numbers = sorted(ws.pair_label(pid)[0] for pid in replaced.notes_joined)
    where = f"pair {numbers[0]}" if len(numbers) == 1 else f"pairs {', '.join(map(str, numbers))}"
    return f"the notes of two pairs landed on {where}: both kept, joined with ' / '"


REALIGN_ATTEMPTS = 3  # reads and alignments of a document that editors keep changing meanwhile


def realign_document(ws: Workspace, doc_id: int, who: str | None = None, *,
                     attempts: int = REALIGN_ATTEMPTS) -> Replaced:
    """Realign a document between its approved pairs (which never move). An editor saving a
    pair of it while the alignment is computed makes the write refuse (nothing of theirs is
    overwritten); the document is then read and aligned again, up to ``attempts`` times."""
    for attempt in range(1, attempts + 1):
        try:
            return realign_runs(ws, doc_id, _runs(ws.pairs(doc_id)), who)
        except (EditConflict, PairGone):
            if attempt == attempts:
                raise
    return Replaced([])


def _runs(pairs: Iterable[Pair]) -> list[list[Pair]]:
    """Consecutive pairs between approved ones (approved pairs are anchors and never move)."""
    runs: list[list[Pair]] = [[]]
    for pair in pairs:
        if pair.status == Status.APPROVED.value:
            runs.append([])
        else:
            runs[-1].append(pair)
    return [r for r in runs if r]


def realign_range(ws: Workspace, doc_id: int, first_pair_id: int, last_pair_id: int,
                  who: str | None = None) -> Replaced:
    """Realign the pairs from ``first`` to ``last`` (inclusive), approved ones staying put."""
    first, last = ws.pair(first_pair_id), ws.pair(last_pair_id)
    if first.doc_id != doc_id or last.doc_id != doc_id:
        raise WorkbenchError("the range to realign is not in this document")
    if first.position > last.position:
        first, last = last, first
    pairs = ws.pairs(doc_id, where="p.position BETWEEN ? AND ?", params=[first.position, last.position])
    return realign_runs(ws, doc_id, _runs(pairs), who)
