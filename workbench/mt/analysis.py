"""Word-count analysis as CAT tools quote a job: Persian words and segments by match band
(repetitions, 100%, 95–99%, 85–94%, 75–84%, 50–74%, no match) and by status.

A segment is a pair's Persian. Its band is its best translation-memory match (``mt.tm``: the
word-level percentage, the pair itself left out); a segment whose normalized Persian already
came earlier in the analysed documents is a repetition instead (its first occurrence counts in
its own band), as a CAT tool's analysis counts it. Words are counted as Persian is written: a
ZWNJ joins one word (``text.words``). Headless: ``workbench analyze`` and the documents screen
both call ``analyze``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.mt.tm import lookup
from workbench.store import STATUS_NAMES, Workspace, status_name
from workbench.store.imports import VISIBLE_DOCS
from workbench.text.words import word_count

REPETITIONS, NO_MATCH = "repetitions", "no match"
# Match bands, best first: (name, lowest percentage); below the last is "no match".
BANDS = (("100%", 100.0), ("95-99%", 95.0), ("85-94%", 85.0), ("75-84%", 75.0), ("50-74%", 50.0))
BAND_NAMES = (REPETITIONS, *(name for name, _ in BANDS), NO_MATCH)


@dataclass
class Count:
    words: int = 0
    segments: int = 0

    def add(self, words: int) -> None:
        self.words += words
        self.segments += 1


@dataclass
class Analysis:
    """What ``analyze`` found: totals, one count per band (``BAND_NAMES``) and per status."""

    docs: list[str]
    total: Count = field(default_factory=Count)
    bands: dict[str, Count] = field(default_factory=lambda: {name: Count() for name in BAND_NAMES})
    statuses: dict[str, Count] = field(default_factory=lambda: {name: Count() for name in STATUS_NAMES})

    def as_json(self) -> dict[str, object]:
        return {
            "docs": self.docs,
            "total": vars(self.total),
            "bands": [{"band": name, **vars(count)} for name, count in self.bands.items()],
            "statuses": [{"status": name, **vars(count)} for name, count in self.statuses.items()],
        }


def band_of(score: float | None) -> str:
    """The band of a best match's percentage (None: nothing at 50% or more)."""
    for name, lowest in BANDS:
        if score is not None and score >= lowest:
            return name
    return NO_MATCH


def analyze(ws: Workspace, doc_id: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Analyse one document, or every document that is not a corpus (corpora are memory, not
    work to quote). ``progress(done, total)`` is called now and then (the app shows it)."""
    if doc_id is not None:
        where, args = "d.id = ?", [doc_id]
    else:
        where, args = "d.kind != 'corpus'", []
    docs = [name for (name,) in ws.conn.execute(
        f"SELECT name FROM documents d WHERE {where} AND d.id IN ({VISIBLE_DOCS}) ORDER BY d.id", args)]
    rows = ws.conn.execute(
        f"SELECT p.id, p.fa, p.fa_norm, p.status FROM pairs p JOIN documents d ON d.id = p.doc_id "
        f"WHERE {where} AND d.id IN ({VISIBLE_DOCS}) ORDER BY p.doc_id, p.position", args).fetchall()
    result = Analysis(docs)
    seen: set[str] = set()
    for n, (pair_id, fa, fa_norm, status) in enumerate(rows):
        words = word_count(fa_norm)
        result.total.add(words)
        result.statuses[status_name(status)].add(words)
        if not fa_norm.strip():
            result.bands[NO_MATCH].add(words)
        elif fa_norm in seen:
            result.bands[REPETITIONS].add(words)
        else:
            seen.add(fa_norm)
            best = lookup(ws, fa, limit=1, min_score=BANDS[-1][1], exclude_pair_id=pair_id)
            result.bands[band_of(best[0].score if best else None)].add(words)
        if progress is not None and n % 200 == 0:
            progress(n, len(rows))
    return result


__all__ = ["BAND_NAMES", "Analysis", "Count", "analyze", "band_of"]
