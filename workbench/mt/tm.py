"""Translation memory: earlier human translations of similar Persian, with a match percentage.

The memory is the workspace itself: approved pairs, and pairs of imported corpora (TMX/TSV),
that have English and are not rejected. A lookup normalizes the Persian like ``pairs.fa_norm``,
lets FTS5 pick candidates that share its rarer words (``pairs_fts``, ranked by bm25), and
reranks them by the word-level match percentage CAT tools show (docs/reuse.md):
100 × (1 − word edit distance / the longer one's tokens), over the words (a ZWNJ joins one
word) and punctuation marks of the normalized Persian. 100 means the same words and marks.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from workbench.mt.drafting import Params
from workbench.store import Pair, Workspace
from workbench.store.imports import VISIBLE_DOCS
from workbench.text import normalize
from workbench.text.words import tokens

# rapidfuzz is imported where memory matches are scored: drafting with Argos never loads it.

MIN_SCORE = 60.0  # below this a suggestion is more distracting than useful
FUZZY_MIN = 75.0  # the review app's matches: the lowest band CAT tools call a fuzzy match
CANDIDATES = 60  # FTS candidates reranked per lookup
QUERY_TERMS = 12  # the rarest words of the sentence that go into the FTS query
COMMON_SHARE, COMMON_MIN = 0.02, 200  # a word in more pairs than this is too common to query
_WORD = re.compile(r"\w+")

# Pairs that may serve as memory: human English, not rejected, approved or from a corpus.
MEMORY = ("p.en != '' AND p.status != 'rejected' AND "
          "(p.status = 'approved' OR p.doc_id IN (SELECT id FROM documents WHERE kind = 'corpus')) AND "
          f"p.doc_id IN ({VISIBLE_DOCS})")  # not one being imported


@dataclass(frozen=True)
class Match:
    """A translation-memory match; ``score`` is a percentage (100: same normalized Persian)."""

    score: float
    fa: str
    en: str
    pair_id: int
    doc: str
    status: str
    changed: tuple[str, ...] = ()  # words and marks of ``fa`` that differ from the Persian looked up


def score(a: str, b: str) -> float:
    """The word-level match percentage of two normalized Persian texts (0 to 100)."""
    from rapidfuzz.distance import Levenshtein

    return 100.0 * float(Levenshtein.normalized_similarity(tokens(a), tokens(b)))


def changed_words(stored: str, persian: str) -> tuple[str, ...]:
    """The words and marks of ``stored`` that an edit would change to make ``persian``."""
    from rapidfuzz.distance import Levenshtein

    old, new = tokens(stored), tokens(persian)
    found = []
    for op in Levenshtein.opcodes(old, new):
        if op.tag in ("replace", "delete"):
            found += old[op.src_start:op.src_end]
    return tuple(dict.fromkeys(found))


def lookup(ws: Workspace, persian: str, *, limit: int = 3, min_score: float = MIN_SCORE,
           exclude_pair_id: int | None = None) -> list[Match]:
    """The best memory matches for ``persian``, best first."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    query = normalize(persian)
    expression = _fts_query(ws, query)
    if expression is None:
        return []
    rows = ws.conn.execute(
        "SELECT p.id, p.fa, p.fa_norm, p.en, p.status, d.name FROM pairs_fts f "
        "JOIN pairs p ON p.id = f.rowid JOIN documents d ON d.id = p.doc_id "
        f"WHERE pairs_fts MATCH ? AND {MEMORY} AND p.id IS NOT ? ORDER BY f.rank LIMIT {CANDIDATES}",
        [expression, exclude_pair_id],
    ).fetchall()
    if not rows:
        return []
    scored = process.extract(tokens(query), [tokens(r[2]) for r in rows], scorer=Levenshtein.normalized_similarity,
                             processor=None, score_cutoff=min_score / 100, limit=None)
    # Equal scores: approved before corpus units, then the most recent pair.
    scored.sort(key=lambda m: (-m[1], rows[m[2]][4] != "approved", -rows[m[2]][0]))
    matches = []
    for _, score, index in scored[:limit]:
        pair_id, fa, _norm, en, status, doc = rows[index]
        matches.append(Match(score=round(100 * score, 1), fa=fa, en=en, pair_id=pair_id, doc=doc, status=status,
                             changed=changed_words(fa, persian)))
    return matches


def suggestions(ws: Workspace, pair: Pair, limit: int = 3, min_score: float = FUZZY_MIN) -> list[Match]:
    """Memory matches for a pair's Persian (the pair itself left out), best first."""
    if not pair.fa.strip():
        return []
    return lookup(ws, pair.fa, limit=limit, min_score=min_score, exclude_pair_id=pair.id)


def _fts_query(ws: Workspace, normalized: str) -> str | None:
    """An FTS5 query on ``fa_norm`` for any of the sentence's rarer words.

    Frequent words (و، در، به …) match most of a large workspace and would make FTS5 rank
    nearly every row, while near-twins share the rare words anyway: so the query takes the
    ``QUERY_TERMS`` rarest words that are in at most ``COMMON_SHARE`` of the pairs (the two
    rarest if all are common). Each word is quoted, so no text is read as FTS syntax."""
    words = list(dict.fromkeys(_WORD.findall(normalized)))
    if not words:
        return None
    frequency = _document_frequencies(ws, words)
    words.sort(key=lambda w: frequency[w])
    common = max(COMMON_MIN, COMMON_SHARE * _pair_count(ws))
    chosen = [w for w in words if frequency[w] <= common][:QUERY_TERMS] or words[:2]
    return "fa_norm : (" + " OR ".join('"' + w.replace('"', '""') + '"' for w in chosen) + ")"


# Word frequencies only steer the choice of query words, so slightly stale counts are fine:
# they are cached per workspace file for the life of the process (the review app asks often).
_frequency_cache: dict[tuple[str, str], int] = {}
_CACHE_LIMIT = 200_000


def _cache_key(ws: Workspace) -> str:
    return str(ws.path) if ws.path is not None else f"memory:{id(ws.conn)}"


def _pair_count(ws: Workspace) -> int:
    key = (_cache_key(ws), "\0pairs")
    if key not in _frequency_cache:
        _frequency_cache[key] = ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0]
    return _frequency_cache[key]


def _document_frequencies(ws: Workspace, words: list[str]) -> dict[str, int]:
    """How many pairs hold each word in ``fa_norm``, from FTS5's own vocabulary (a temporary
    fts5vocab table on this connection); by word length when that is not available."""
    where = _cache_key(ws)
    missing = [w for w in words if (where, w) not in _frequency_cache]
    if missing:
        if len(_frequency_cache) > _CACHE_LIMIT:
            _frequency_cache.clear()
        try:
            ws.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.tm_vocab USING fts5vocab(main, pairs_fts, col)")
            rows = ws.conn.execute(
                f"SELECT term, doc FROM temp.tm_vocab WHERE col = 'fa_norm' AND term IN ({','.join('?' * len(missing))})",
                missing,
            ).fetchall()
        except sqlite3.DatabaseError:  # read-only connection, SQLite without fts5vocab
            return {w: -len(w) for w in words}
        found = dict(rows)
        for w in missing:
            _frequency_cache[(where, w)] = found.get(w, 0)
    return {w: _frequency_cache[(where, w)] for w in words}


class TmEngine:
    """``translate --engine tm``: a draft only where the memory holds the same normalized
    Persian (a 100% match) in another pair; other sentences get no draft (None). A pair is
    never its own memory: an approved pair or a corpus unit would otherwise be "drafted" with
    its own English, and score as a perfect draft."""

    name = "tm"
    model = "translation-memory"
    model_version = ""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.params: Params = {"min_score": 100.0}

    def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str | None]:
        drafts: list[str | None] = []
        ids: list[int | None] = list(pair_ids) if pair_ids else [None] * len(sentences)
        for sentence, pair_id in zip(sentences, ids):
            best = lookup(self.ws, sentence, limit=1, min_score=100.0, exclude_pair_id=pair_id)
            drafts.append(best[0].en if best else None)
        return drafts
