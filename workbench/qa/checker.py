"""Running the checks: one pair (the review app), a document or the workspace (``workbench qa``,
the QA screen, exports), with the cache kept up to date on the way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from workbench.qa import (
    BRACKETS,
    CAPITALIZATION,
    CONSISTENCY,
    DATE,
    EMPTY,
    LENGTH,
    NUMBER,
    PUNCTUATION,
    REPEATED_WORD,
    SPACES,
    SPELLING,
    TAGS,
    TERM_FORBIDDEN,
    TERM_MISSING,
    UNTRANSLATED,
    Finding,
    Record,
    cache,
    tags,
    text_checks,
    typography,
)
from workbench.qa.consistency import document_consistency, pair_consistency
from workbench.qa import profiles, user_words
from workbench.qa.profile import DEFAULT, Profile
from workbench.qa.spelling import VocabularyCounter, spelling
from workbench.store import Pair, Workspace
from workbench.store.export_rows import ExportRow
from workbench.store.imports import VISIBLE_DOCS
from workbench.terms import TermMatcher, english, glossary, misused

WRITE_BATCH = 2000  # cached rows written per transaction (other editors get the lock between)
_TEXT_CHECKS = (
    (UNTRANSLATED, text_checks.untranslated), (NUMBER, text_checks.number), (DATE, text_checks.date),
    (TAGS, tags.tags), (BRACKETS, typography.brackets), (SPACES, typography.spaces),
    (PUNCTUATION, typography.punctuation),
    (CAPITALIZATION, typography.capitalization),
)


@dataclass(frozen=True)
class PairFindings:
    shown: list[Finding]
    hidden: list[Finding]  # marked as false positives for the pair's current text


class QaChecker:
    """The checks with what they need loaded once: the glossary's matcher, the speller, the
    workspace's vocabulary counts."""

    def __init__(self, ws: Workspace, matcher: TermMatcher | None = None, profile: Profile | None = None) -> None:
        """``profile``: one from a file (``workbench qa --profile``); the workspace's by default."""
        self.ws = ws
        self.matcher = matcher if matcher is not None else TermMatcher(glossary.entries(ws))
        self.profile = profile if profile is not None else profiles.stored(ws)
        self.rev = cache.revision(ws, None if profile is None else profile.digest)
        self.vocabulary = VocabularyCounter(ws.conn)
        self.user_words = user_words.word_set(ws)

    def local(self, pair: Pair) -> list[Finding]:
        """Every check but consistency, on the English the pair holds."""
        if pair.status == "rejected":  # marked wrong already: nothing more to point at
            return []
        fa, en = pair.fa, cache.held_english(pair.en, pair.draft)
        out = [Finding(EMPTY, m) for m in text_checks.empty(fa, en)]
        if not en.strip() or not fa.strip():
            return out
        on = self.profile.enabled
        for name, check in _TEXT_CHECKS:
            if on(name):
                out += [Finding(name, m) for m in check(fa, en)]
        machine = not pair.en.strip()  # checking the MT draft
        if on(REPEATED_WORD):
            out += [Finding(REPEATED_WORD, m) for m in text_checks.repeated_word(fa, en, machine=machine)]
        if on(LENGTH):
            out += [Finding(LENGTH, m) for m in text_checks.length(fa, en, pair.shape, **self._length)]
        if on(TERM_MISSING) or on(TERM_FORBIDDEN):
            out += self.terms(fa, en)
        if on(SPELLING):
            out += [Finding(SPELLING, m) for m in spelling(fa, en, glossary_words=self.matcher.vocabulary,
                                                             user_words=self.user_words, vocabulary=self.vocabulary)]
        out += self.profile.custom(fa, en)
        return self.profile.keep(out)

    @property
    def _length(self) -> dict[str, Any]:
        t = self.profile.threshold
        return {"ratios": {"even": (t(LENGTH, "min_ratio"), t(LENGTH, "max_ratio")),
                           "uneven": (t(LENGTH, "min_ratio_uneven"), t(LENGTH, "max_ratio_uneven"))},
                "min_source": t(LENGTH, "min_persian")}

    def terms(self, fa: str, en: str) -> list[Finding]:
        if not len(self.matcher):
            return []
        hits = self.matcher.find(fa)
        tokens = english.tokens(en) if hits or self.matcher.has_forbidden else []
        bag = english.bag(tokens) if hits else None
        out = []
        for hit in hits:
            if hit.entry.en and not self.matcher.translated(hit.entry, tokens, bag, en):
                # The term as the text writes it (what an editor looks for), the entry's spelling after.
                entry = f" (glossary «{hit.entry.fa}»)" if hit.surface != hit.entry.fa else ""
                out.append(Finding(TERM_MISSING, f"«{hit.surface}» → '{' / '.join(hit.entry.en)}' not in the English{entry}"))
        for bad in misused(self.matcher, hits, en, tokens) if self.matcher.has_forbidden else ():
            use = f"; use '{' / '.join(bad.entry.en)}'" if bad.entry.en else ""
            out.append(Finding(TERM_FORBIDDEN, f"forbidden '{bad.surface}' (glossary «{bad.entry.fa}»{use})"))
        return out

    def pair(self, pair: Pair, *, local: list[Finding] | None = None) -> PairFindings:
        """All findings of one pair, fresh (``local``: its own checks, if known already), split
        into shown and hidden (false positives)."""
        found = (self.local(pair) if local is None else list(local)) \
            + self.profile.keep(pair_consistency(self.ws, pair, cache.held_english(pair.en, pair.draft)))
        return split(found, cache.ignored(self.ws, [pair.id]).get(pair.id, []), pair)


def split(found: list[Finding], marks: list[cache.Mark], pair: Pair) -> PairFindings:
    en = cache.held_english(pair.en, pair.draft)
    shown: list[Finding] = []
    hidden: list[Finding] = []
    for f in found:
        (hidden if marks and cache.hidden(f, marks, pair.fa, en) else shown).append(f)
    return PairFindings(shown, hidden)


@dataclass(frozen=True)
class Checked:
    """A pair of a report with its place and findings."""

    pair: Pair
    doc: str
    ordinal: int
    findings: PairFindings


def check_pairs(ws: Workspace, *, doc_id: int | None = None, write: bool = True,
                on_progress: Callable[[int, int], None] | None = None,
                checker: QaChecker | None = None) -> Iterator[Checked]:
    """Every pair of a document (or all) in order with its findings: cached ones where still
    valid, the rest computed (and, with ``write``, cached)."""
    checker = checker or QaChecker(ws)
    total = ws.count_pairs(doc_id) if on_progress else 0
    consistency = _consistency(checker.profile, ws, doc_id)
    marks = cache.ignored(ws) if ws.conn.execute("SELECT 1 FROM qa_ignored LIMIT 1").fetchone() else {}
    computed = _computed_in_workers(ws, checker, doc_id)
    pending: list[cache.StateRow] = []
    stored: dict[int, tuple[int, int | None, str, str]] = {}
    current_doc, ordinal, done = None, 0, 0
    for pair, name in _pages(ws, doc_id):
        if pair.doc_id != current_doc:
            current_doc, ordinal = pair.doc_id, 0
            stored = stored_for(ws, pair.doc_id)
        ordinal += 1
        done += 1
        row = stored.get(pair.id)
        agreed = consistency.get(pair.id, [])
        if row is not None and row[0] == pair.version and row[1] == pair.draft_id and row[2] == checker.rev:
            old = row[3]
            if old == "[]" and not agreed:  # the usual case: nothing found, nothing to write
                found, encoded = [], old
            else:
                found = [f for f in cache.decode(old) if f.check != CONSISTENCY] + agreed
                encoded = cache.encode(found)
        else:
            found = (cache.decode(computed.pop(pair.id)) if pair.id in computed else checker.local(pair)) + agreed
            old, encoded = None, cache.encode(found)
        result = split(found, marks.get(pair.id, []), pair) if found else PairFindings([], [])
        if write and encoded != old:
            pending.append((pair.id, pair.version, pair.draft_id, checker.rev, encoded, len(result.shown)))
            if len(pending) >= WRITE_BATCH:
                cache.store(ws, pending)
                pending = []
        if on_progress and done % 1000 == 0:
            on_progress(done, total)
        yield Checked(pair, name, ordinal, result)
    if write:
        cache.store(ws, pending)
    if on_progress:
        on_progress(done, total)


def _consistency(profile: Profile, ws: Workspace, doc_id: int | None) -> dict[int, list[Finding]]:
    found = document_consistency(ws, doc_id)
    return {pid: kept for pid, fs in found.items() if (kept := profile.keep(fs))}


def update_cache(ws: Workspace, doc_id: int | None = None) -> None:
    """Check every pair of a document (or all) whose cached findings are out of date, and cache
    the findings (nothing is written to a read-only workspace). What reads the cache alone,
    like the table's "has a QA flag" filter or "next pair with a finding", calls this first."""
    for _ in check_pairs(ws, doc_id=doc_id, write=not ws.read_only):
        pass


def _pages(ws: Workspace, doc_id: int | None, size: int = WRITE_BATCH) -> Iterator[tuple[Pair, str]]:
    """The pairs in document order with their document's name, read a page at a time. No read
    stays open while the caller writes the cache: a write on the snapshot of a read begun before
    another editor's save can never get the lock (SQLite refuses to upgrade a stale snapshot), so
    ``workbench qa`` failed after 10 s whenever someone saved meanwhile. Each page and the names
    are read in one snapshot: names read once at the start missed a document an import made
    visible later, and its findings were reported with an empty name."""
    after = None
    while True:
        with ws.read_snapshot():
            page = list(ws.pairs(doc_id, after=after, limit=size))
            names = {d.id: d.name for d in ws.documents()} if page else {}
        if not page:
            return
        for pair in page:
            yield pair, names[pair.doc_id]
        after = (page[-1].doc_id, page[-1].position)


def _computed_in_workers(ws: Workspace, checker: QaChecker, doc_id: int | None) -> dict[int, str]:
    """Findings JSON of the pairs without valid cached findings, computed on every core when
    there are many (``parallel``); empty otherwise (the caller computes as it goes)."""
    from workbench.qa import parallel  # it imports this module

    stale = unchecked(ws, checker.rev, doc_id)
    if not parallel.usable(ws, len(stale)):
        return {}
    return dict(parallel.local_findings(ws, checker, stale))


def unchecked(ws: Workspace, rev: str, doc_id: int | None, limit: int | None = None) -> list[int]:
    """Ids of the pairs (of a document, or all) without valid cached findings, in document order."""
    scope, args = ("AND p.doc_id = ? ", [doc_id]) if doc_id is not None else (f"AND p.doc_id IN ({VISIBLE_DOCS}) ", [])
    return [r[0] for r in ws.conn.execute(
        "SELECT p.id FROM pairs p LEFT JOIN qa_state q ON q.pair_id = p.id AND q.version = p.version "
        f"AND q.draft_id IS p.draft_id AND q.rev = ? WHERE q.pair_id IS NULL AND p.status != 'rejected' {scope}"
        "ORDER BY p.doc_id, p.position" + (f" LIMIT {int(limit)}" if limit is not None else ""), [rev, *args])]


def cache_unchecked(ws: Workspace, doc_id: int | None = None) -> None:
    """``update_cache`` when some pair has no valid cached findings (an export's flags then read
    the cache); nothing when all have (a second export: no pass over every pair)."""
    if not ws.read_only and unchecked(ws, cache.revision(ws), doc_id, limit=1):
        update_cache(ws, doc_id)


def stored_for(ws: Workspace, doc_id: int) -> dict[int, tuple[int, int | None, str, str]]:
    """pair id → (version, draft id, revision, findings JSON) cached for the document's pairs."""
    rows = ws.conn.execute("SELECT q.pair_id, q.version, q.draft_id, q.rev, q.findings FROM qa_state q "
                           "JOIN pairs p ON p.id = q.pair_id WHERE p.doc_id = ?", [doc_id])
    return {r[0]: r[1:] for r in rows}


def report(ws: Workspace, *, doc: str | None = None, checks: Iterable[str] | None = None, write: bool = True,
           on_progress: Callable[[int, int], None] | None = None, profile: Profile | None = None) -> list[Record]:
    """The findings shown (not marked as false positives) of a document or the workspace, in
    document order, limited to ``checks``; with the workspace's QA profile or ``profile``."""
    checker = QaChecker(ws, profile=profile)
    wanted = set(checks or checker.profile.names())
    doc_id = ws.document(doc).id if doc else None
    out = []
    for item in check_pairs(ws, doc_id=doc_id, write=write and not ws.read_only, on_progress=on_progress,
                            checker=checker):
        out += [record(item, f, checker.profile) for f in item.findings.shown if f.check in wanted]
    return out


def record(item: Checked, finding: Finding, profile: Profile = DEFAULT) -> Record:
    """A finding of a checked pair as reported, with the texts the checks read and its severity
    in ``profile``."""
    pair = item.pair
    return Record(item.doc, item.ordinal, finding.check, finding.message, pair.doc_id, pair.id,
                  pair.fa, cache.held_english(pair.en, pair.draft), profile.severity(finding.check))


class ExportFlags:
    """The QA flags (check names) of pairs as an export writes them, one pair at a time: cached
    findings where still valid (the export ran ``cache_unchecked`` first), else computed (a pair
    changed since, or a read-only workspace, which caches nothing)."""

    def __init__(self, ws: Workspace, doc_id: int | None = None) -> None:
        self.ws = ws
        self.checker = QaChecker(ws)
        self.consistency = _consistency(self.checker.profile, ws, doc_id)
        self.marks = cache.ignored(ws)

    def __call__(self, pair: Pair) -> list[str]:
        row = self.ws.conn.execute("SELECT version, draft_id, rev, findings FROM qa_state WHERE pair_id = ?",
                                   [pair.id]).fetchone()
        if row is not None and (row[0], row[1], row[2]) == (pair.version, pair.draft_id, self.checker.rev):
            found = [f for f in cache.decode(row[3]) if f.check != CONSISTENCY]
        else:
            found = self.checker.local(pair)
        found += self.consistency.get(pair.id, [])
        names = {f.check for f in split(found, self.marks.get(pair.id, []), pair).shown}
        return [name for name in self.checker.profile.names() if name in names]

    def of_row(self, row: ExportRow) -> list[str]:
        """The flags of a pair as an export reads it (its QA cache row joined in): from the cache
        without building the Pair where it is valid and no mark can hide a finding (most pairs,
        most with none); else as ``__call__`` does."""
        pid = row.id
        if (row.qa_version, row.qa_draft_id, row.qa_rev) != (row.version, row.draft_id, self.checker.rev) \
                or pid in self.marks or row.qa_findings is None:
            return self(self.ws.pair(pid))
        extra = self.consistency.get(pid)
        if row.qa_findings == "[]" and not extra:
            return []
        names = {f.check for f in cache.decode(row.qa_findings) if f.check != CONSISTENCY}
        names.update(f.check for f in extra or ())
        return [name for name in self.checker.profile.names() if name in names]
