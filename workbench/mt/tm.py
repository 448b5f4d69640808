"""Translation memory: earlier human translations of similar Persian, with a match percentage.

The memory is the workspace itself: approved pairs, and pairs of imported corpora (TMX/TSV),
that have English and are not rejected. A lookup normalizes the Persian like ``pairs.fa_norm``,
picks candidates that share its rarer words from the search index's postings (``pairs_fts``,
rarest words first, weighted by rarity: ``_candidates``), and reranks them by the word-level match percentage CAT tools show (docs/reuse.md):
100 × (1 − word edit distance / the longer one's tokens), over the words (a ZWNJ joins one
word) and punctuation marks of the normalized Persian. 100 means the same words and marks.
"""

from __future__ import annotations

import heapq
import json
import math
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
CANDIDATES = 200  # memory pairs reranked per lookup
MAX_CANDIDATES = 2000  # pairs sharing words looked at, at most, to find CANDIDATES of memory
QUERY_TERMS = 12  # the rarest words of the sentence whose postings are read
POSTINGS = 20_000  # postings read per lookup (after the rarest word's, which is always read)
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
    changed_at: tuple[tuple[str, int], ...] = ()  # each of them with its occurrence in ``fa`` (changed_tokens)


def score(a: str, b: str) -> float:
    """The word-level match percentage of two normalized Persian texts (0 to 100)."""
    from rapidfuzz.distance import Levenshtein

    return 100.0 * float(Levenshtein.normalized_similarity(tokens(a), tokens(b)))


def changed_tokens(stored: str, persian: str) -> tuple[tuple[str, int], ...]:
    """Each token of ``stored`` that an edit would change to make ``persian``, with which
    occurrence of it it is (0: its first in ``stored``): of two "در", only the second may differ.
    Tokens are compared normalized, as the score compares them: a word differing only in letter
    forms (Arabic ك/ي for Persian ک/ی, digits of another script) is the same word, not marked in
    a 100% match."""
    from rapidfuzz.distance import Levenshtein

    old = tokens(stored)
    found = []
    for op in Levenshtein.opcodes([normalize(t) for t in old], [normalize(t) for t in tokens(persian)]):
        if op.tag in ("replace", "delete"):
            found += [(old[i], old[:i].count(old[i])) for i in range(op.src_start, op.src_end)]
    return tuple(found)


def lookup(ws: Workspace, persian: str, *, limit: int = 3, min_score: float = MIN_SCORE,
           exclude_pair_id: int | None = None) -> list[Match]:
    """The best memory matches for ``persian``, best first."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    query = normalize(persian)
    ranked = _candidates(ws, query)
    rows: list[tuple[int, str, str, str, str, str]] = []
    # Candidates that are not memory (undecided pairs, rejected ones) are dropped here: read on
    # in chunks until enough memory is found or the candidates run out.
    for start in range(0, min(len(ranked), MAX_CANDIDATES), CANDIDATES):
        chunk = json.dumps(ranked[start:start + CANDIDATES])
        rows += ws.conn.execute(
            "SELECT p.id, p.fa, p.fa_norm, p.en, p.status, d.name FROM pairs p JOIN documents d ON d.id = p.doc_id "
            f"WHERE p.id IN (SELECT value FROM json_each(?)) AND {MEMORY} AND p.id IS NOT ?",
            [chunk, exclude_pair_id]).fetchall()
        if len(rows) >= CANDIDATES:
            break
    if not rows:
        return []
    scored = process.extract(tokens(query), [tokens(r[2]) for r in rows], scorer=Levenshtein.normalized_similarity,
                             processor=None, score_cutoff=min_score / 100, limit=None)
    # Equal scores: approved before corpus units, then the most recent pair.
    scored.sort(key=lambda m: (-m[1], rows[m[2]][4] != "approved", -rows[m[2]][0]))
    matches = []
    for _, score, index in scored[:limit]:
        pair_id, fa, _norm, en, status, doc = rows[index]
        changed = changed_tokens(fa, persian)
        matches.append(Match(score=round(100 * score, 1), fa=fa, en=en, pair_id=pair_id, doc=doc, status=status,
                             changed=tuple(dict.fromkeys(token for token, _ in changed)), changed_at=changed))
    return matches


def suggestions(ws: Workspace, pair: Pair, limit: int = 3, min_score: float = FUZZY_MIN) -> list[Match]:
    """Memory matches for a pair's Persian (the pair itself left out), best first."""
    if not pair.fa.strip():
        return []
    return lookup(ws, pair.fa, limit=limit, min_score=min_score, exclude_pair_id=pair.id)


def _candidates(ws: Workspace, normalized: str) -> list[int]:
    """Pairs sharing the sentence's rarer words, those sharing the most (weighted by rarity)
    first. The search index's postings of each word are read, rarest word first, until
    ``POSTINGS`` pairs have been read: near-twins share the rare words, and frequent words
    (و، در، به …) would make every lookup read most of a large workspace. Ranking with FTS5's
    bm25 instead scores every pair that matches any word: 5-10 times slower on 1M pairs."""
    words = list(dict.fromkeys(_WORD.findall(normalized)))
    if not words:
        return []
    frequency = _document_frequencies(ws, words)
    words.sort(key=lambda w: frequency[w])
    total = max(_pair_count(ws), 1)
    weights: dict[int, float] = {}
    read = 0
    for word in words[:QUERY_TERMS]:
        known = frequency[word]  # negative: not known (no vocabulary table), read it
        if known == 0:
            continue  # in no pair
        if read and read + known > POSTINGS:
            break
        weight = math.log(1 + total / known) if known > 0 else 1.0
        rowids = ws.conn.execute("SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?",
                                 ['fa_norm : "' + word.replace('"', '""') + '"']).fetchall()
        for (rowid,) in rowids:
            weights[rowid] = weights.get(rowid, 0.0) + weight
        read += len(rowids)
    return heapq.nlargest(MAX_CANDIDATES, weights, key=weights.__getitem__)


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
