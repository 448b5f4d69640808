"""Finding pairs: full-text search (FTS5 over Persian, English and drafts), status filters and
paged, document-ordered reads of the result, for the review app and scripts.

A ``PairQuery`` names a set of pairs (a document, some statuses, a search). The functions here
count it, page through it by key (``after``) or by offset, place a pair in it and find the
next pair in it that needs something. Every query uses the ``(doc_id, position)`` index, so a
100k-pair document pages in milliseconds.

Search input is whatever an editor types: FTS5 syntax (phrases, ``*`` prefixes, ``NEAR``,
``AND``/``OR``/``NOT``, ``en:`` / ``fa:`` / ``draft:`` / ``note:`` columns) works, and input that
is not valid FTS5 (an unbalanced quote, a stray parenthesis) falls back to searching its words.
A bare word of ``PREFIX_MIN`` characters or more matches as a prefix (``Kazakh`` finds
``Kazakhstan``, ``کتاب`` finds ``کتابخانه``); a quoted phrase matches as written.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from workbench.store import counts
from workbench.store.imports import VISIBLE_DOCS
from workbench.store.records import STATUSES, Pair, stored_status
from workbench.store.rows import PAIR_COLUMNS, PAIR_FROM, pair_from_row as _pair
from workbench.text import normalize

if TYPE_CHECKING:
    from workbench.store.workspace import Workspace

# FTS5 operators are case-sensitive keywords; everything else is normalized like fa_norm.
_OPERATOR = re.compile(r"(\bAND\b|\bOR\b|\bNOT\b|\bNEAR\b)")
_COLUMN_ALIAS = re.compile(r"\b(fa|persian)\s*:", re.IGNORECASE)
_TOKEN = re.compile(r"[^\s\"()]+")
# An FTS5 expression's pieces: a quoted string, a bareword (non-ASCII, ASCII letters and digits,
# "_"), or any other single character.
_FTS_PIECE = re.compile(r'"(?:[^"]|"")*"?|(?:[^\x00-\x7f]|[A-Za-z0-9_\x1a])+|.', re.DOTALL)
_BAREWORD = re.compile(r"(?:[^\x00-\x7f]|[A-Za-z0-9_\x1a])+")
_KEYWORDS = {"AND", "OR", "NOT", "NEAR"}
# Shorter words match whole: "a*" or "و*" would match most of a corpus (and slowly).
PREFIX_MIN = 3

# What "the next pair that needs …" means (each a WHERE clause on ``pairs p``). "qa" (pairs with
# QA findings shown) is registered by workbench.qa, which owns the tables it reads: the store
# does not know them.
NEEDS = {
    "review": "p.status IN ('draft', 'review')",  # no decision yet
    "uneven": "(p.n_fa != 1 OR p.n_en != 1)",  # not a 1-1 bead
}
QA = "qa"


def register_need(name: str, clause: str) -> None:
    """Let ``find_next`` (and, for ``QA``, ``PairQuery.qa``) use ``clause`` under ``name``."""
    NEEDS[name] = clause


def need(name: str) -> str:
    """The clause registered as ``name``."""
    if name not in NEEDS:  # e.g. QA asked for before workbench.qa was imported
        raise LookupError(f"no pair condition {name!r} registered (QA's: import workbench.qa)")
    return NEEDS[name]


# What the filter dialog offers beyond statuses (each a WHERE clause on ``pairs p``).
# The same expression as the partial index pairs_noted, so SQLite can walk that index.
NOTED_CLAUSE = "(p.note != '' OR p.flag != '')"
UNEVEN = "uneven"  # a bead shape filter: any pair that is not 1-1


@dataclass(frozen=True)
class PairQuery:
    """A set of pairs in document order: a document (or all), statuses (or all), and a valid
    FTS5 expression (or none). Build one with ``pair_query`` so ``match`` is safe."""

    doc_id: int | None = None
    statuses: tuple[str, ...] = ()
    match: str | None = None
    text: str = ""  # the search as typed, for display
    chrf: tuple[float, float] | None = None  # stored sentence chrF in [low, high); high 100 includes 100
    qa: bool = False  # only pairs with QA findings (workbench.qa's cached, valid findings)
    shapes: tuple[str, ...] = ()  # bead shapes such as "1-2", or UNEVEN
    confidence_below: float | None = None  # alignment confidence below this (pairs without one: no)
    noted: bool = False  # only pairs with a note or a flag

    def clauses(self) -> tuple[list[str], list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        if self.doc_id is not None:
            clauses.append("p.doc_id = ?")
            args.append(self.doc_id)
        else:  # every document but those being imported
            clauses.append(f"p.doc_id IN ({VISIBLE_DOCS})")
        if self.statuses:
            clauses.append(f"p.status IN ({','.join('?' * len(self.statuses))})")
            args += list(self.statuses)
        if self.match is not None:
            clauses.append("p.id IN (SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?)")
            args.append(self.match)
        if self.chrf is not None:
            low, high = self.chrf
            clauses.append(f"p.chrf >= ? AND p.chrf {'<=' if high >= 100 else '<'} ?")
            args += [low, high]
        if self.qa:
            clauses.append(need(QA))
        if self.shapes:
            shapes = []
            for shape in self.shapes:
                if shape == UNEVEN:
                    shapes.append("(p.n_fa != 1 OR p.n_en != 1)")
                else:
                    n_fa, n_en = parse_shape(shape)
                    shapes.append("(p.n_fa = ? AND p.n_en = ?)")
                    args += [n_fa, n_en]
            clauses.append("(" + " OR ".join(shapes) + ")")
        if self.confidence_below is not None:
            clauses.append("p.confidence < ?")
            args.append(self.confidence_below)
        if self.noted:
            clauses.append(NOTED_CLAUSE)
        return clauses, args

    @property
    def filtered(self) -> bool:
        """True if the query leaves out some pairs of its document."""
        return (bool(self.statuses) or self.match is not None or self.chrf is not None or self.qa
                or bool(self.shapes) or self.confidence_below is not None or self.noted)

    def describe(self) -> str:
        """The filters beyond status and search, in a few words ("QA flag · 1-2 · has a note")."""
        parts = []
        if self.qa:
            parts.append("QA flag")
        if self.shapes:
            parts.append(" or ".join("not 1-1" if s == UNEVEN else s for s in self.shapes))
        if self.confidence_below is not None:
            parts.append(f"confidence < {self.confidence_below:g}")
        if self.noted:
            parts.append("has a note")
        return " · ".join(parts)


def parse_shape(shape: str) -> tuple[int, int]:
    """``"1-2"`` (also ``1:2``) as (Persian sentences, English sentences)."""
    from workbench.errors import WorkbenchError

    match = re.fullmatch(r"\s*(\d+)\s*[-:]\s*(\d+)\s*", shape)
    if match is None:
        raise WorkbenchError(f"not a bead shape: {shape!r} (such as 1-1, 1-2, 2-1, 0-1)")
    return int(match[1]), int(match[2])


def pair_query(ws: Workspace, *, doc_id: int | None = None, status: str | Iterable[str] | None = None,
               text: str = "") -> PairQuery:
    statuses = _statuses(status)
    match = fts_expression(ws, text) if text.strip() else None
    if text.strip() and match is None:
        match = '""'  # nothing searchable in the input (only punctuation): match nothing
    return PairQuery(doc_id=doc_id, statuses=statuses, match=match, text=text.strip())


def fts_expression(ws: Workspace, text: str) -> str | None:
    """A valid FTS5 expression for what the user typed: their own syntax when SQLite accepts
    it, else each word quoted (``*`` kept as a prefix search). None if no word is left."""
    for candidate in (_normalized_expression(text), _quoted_words(text)):
        if candidate and _valid(ws, candidate):
            return candidate
    return None


def _normalized_expression(text: str) -> str:
    """Normalize words like ``fa_norm`` is (Persian letters, digits, case) but keep FTS5
    operators, which are upper-case keywords."""
    text = _COLUMN_ALIAS.sub("fa_norm:", text)
    parts = _OPERATOR.split(text)
    expression = " ".join(p if _OPERATOR.fullmatch(p) else normalize(p) for p in parts if p.strip())
    return _prefixed(expression)


def _prefixed(expression: str) -> str:
    """``*`` after every bare word of ``PREFIX_MIN`` characters or more that is a search term:
    not a keyword, a column name (``en:``), a ``NEAR`` distance or a word already ending in ``*``
    (or joined to the next by ``+`` in a phrase: only a phrase's last word may be a prefix)."""
    pieces = _FTS_PIECE.findall(expression)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        out.append(piece)
        if not _BAREWORD.fullmatch(piece) or piece in _KEYWORDS or len(piece) < PREFIX_MIN:
            continue
        after = next((p for p in pieces[i + 1:] if not p.isspace()), "")
        before = next((p for p in reversed(pieces[:i]) if not p.isspace()), "")
        if after in (":", "*", "+", "}") or before in ("{", ","):
            continue  # a column name, already a prefix, inside a phrase, a column list, NEAR's distance
        out.append("*")
    return "".join(out)


def _quoted_words(text: str) -> str:
    words = []
    for token in _TOKEN.findall(normalize(text.replace(":", " "))):
        word = token.rstrip("*").replace('"', "")
        if word:
            prefix = token.endswith("*") or len(word) >= PREFIX_MIN
            words.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(words)


_syntax = threading.local()  # each thread's in-memory FTS5 tables, by their columns


def _valid(ws: Workspace, expression: str) -> bool:
    """Whether FTS5 parses the expression for the search index's columns. Asked of an empty
    in-memory table with those columns: asked of the index itself, a prefix of a common word
    was expanded in full just to say it parses (0.45 s for "the*" among 10M pairs)."""
    columns = tuple(row[1] for row in ws.conn.execute("PRAGMA table_info(pairs_fts)"))
    tables = _syntax.__dict__.setdefault("tables", {})
    if columns not in tables:
        conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(columns)})")
        tables[columns] = conn
    try:
        tables[columns].execute("SELECT 1 FROM fts WHERE fts MATCH ?", [expression]).fetchall()
    except sqlite3.OperationalError:  # fts5: syntax error, unknown column, bad NEAR, …
        return False
    return True


def _statuses(status: str | Iterable[str] | None) -> tuple[str, ...]:
    if status is None:
        return ()
    statuses = tuple(stored_status(s) for s in ((status,) if isinstance(status, str) else status))
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        from workbench.errors import WorkbenchError

        raise WorkbenchError(f"unknown status {unknown[0]!r} (one of {', '.join(STATUSES)})")
    return statuses


# -- reading a query ----------------------------------------------------------------------------

Key = tuple[int, float]  # (doc_id, position): a pair's place in document order


def key_condition(query: PairQuery, key: Key, op: str) -> tuple[str, list[object]]:
    """Rows after/before a key. Inside one document compare positions only: SQLite uses the
    (doc_id, position) index for ``position > ?`` but not for a row value next to ``doc_id = ?``."""
    if query.doc_id is not None:
        return f"p.position {op} ?", [key[1]]
    return f"(p.doc_id, p.position) {op} (?, ?)", [key[0], key[1]]


def where_sql(clauses: list[str]) -> str:
    """`` WHERE`` and the clauses joined, or nothing."""
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def count(ws: Workspace, query: PairQuery) -> int:
    if replace(query, doc_id=None, statuses=(), text="") == PairQuery():  # a document and statuses only
        return counts.total(ws.conn, query.doc_id, query.statuses or None)
    clauses, args = query.clauses()
    return int(ws.conn.execute(f"SELECT COUNT(*) FROM pairs p{where_sql(clauses)}", args).fetchone()[0])


def page(ws: Workspace, query: PairQuery, *, after: Key | None = None, offset: int = 0,
         limit: int = 50) -> list[Pair]:
    """Up to ``limit`` pairs of the query in document order: those after ``after``, or from
    the ``offset``-th one (found on the index alone, then read by key)."""
    clauses, args = query.clauses()
    if after is None and offset > 0:
        start = key_at(ws, query, offset)
        if start is None:
            return []
        condition, extra = key_condition(query, start, ">=")
        clauses, args = clauses + [condition], args + extra
    elif after is not None:
        condition, extra = key_condition(query, after, ">")
        clauses, args = clauses + [condition], args + extra
    sql = (f"SELECT {PAIR_COLUMNS} FROM {PAIR_FROM}{where_sql(clauses)} "
           f"ORDER BY p.doc_id, p.position LIMIT {int(limit)}")
    return [_pair(row) for row in ws.conn.execute(sql, args)]


def key_at(ws: Workspace, query: PairQuery, offset: int) -> Key | None:
    """The key of the ``offset``-th pair (0-based) of the query."""
    clauses, args = query.clauses()
    row = ws.conn.execute(
        f"SELECT p.doc_id, p.position FROM pairs p{where_sql(clauses)} "
        f"ORDER BY p.doc_id, p.position LIMIT 1 OFFSET {int(offset)}",
        args,
    ).fetchone()
    return (row[0], row[1]) if row else None


def ordinal(ws: Workspace, query: PairQuery, pair: Pair) -> int:
    """How many pairs of the query come before ``pair`` (its 0-based row if it is in it)."""
    clauses, args = query.clauses()
    condition, extra = key_condition(query, (pair.doc_id, pair.position), "<")
    sql = f"SELECT COUNT(*) FROM pairs p{where_sql(clauses + [condition])}"
    return int(ws.conn.execute(sql, args + extra).fetchone()[0])


def contains(ws: Workspace, query: PairQuery, pair_id: int) -> bool:
    clauses, args = query.clauses()
    sql = f"SELECT 1 FROM pairs p{where_sql(clauses + ['p.id = ?'])}"
    return ws.conn.execute(sql, args + [pair_id]).fetchone() is not None


def find_next(ws: Workspace, query: PairQuery, pair: Pair | None, needs: str, *, step: int = 1,
              wrap: bool = True) -> Pair | None:
    """The next (step=1) or previous (step=-1) pair of the query after ``pair`` that needs
    ``needs`` (a key of ``NEEDS``), wrapping around the end once if ``wrap``."""
    if needs == "review" and not counts.total(ws.conn, query.doc_id, ("draft", "review")):
        return None  # the kept counts say none (a whole approved 10M-pair document was walked to learn it)
    clauses, args = query.clauses()
    clauses = clauses + [need(needs)]
    op, order = (">", "ASC") if step > 0 else ("<", "DESC")
    sql = (f"SELECT {PAIR_COLUMNS} FROM {PAIR_FROM}{{where}} "
           f"ORDER BY p.doc_id {order}, p.position {order} LIMIT 1")
    if pair is not None:
        condition, extra = key_condition(query, (pair.doc_id, pair.position), op)
        row = ws.conn.execute(sql.format(where=where_sql(clauses + [condition])), args + extra).fetchone()
        if row or not wrap:
            return _pair(row) if row else None
    row = ws.conn.execute(sql.format(where=where_sql(clauses)), args).fetchone()
    return _pair(row) if row else None


def among_first(ws: Workspace, doc_id: int | None, needs: str, first: int) -> bool:
    """Whether any of the first ``first`` pairs of the document (or of the workspace) needs
    ``needs``: a bounded look, where ``find_next`` over a document with no such pair scans all
    of it (seconds at 10M pairs)."""
    scope, args = ("WHERE doc_id = ?", [doc_id]) if doc_id is not None else ("", [])
    sql = (f"SELECT 1 FROM (SELECT * FROM pairs {scope} ORDER BY doc_id, position LIMIT ?) p "
           f"WHERE {need(needs)} LIMIT 1")
    return ws.conn.execute(sql, [*args, first]).fetchone() is not None


def search(ws: Workspace, text: str, *, doc_id: int | None = None,
           status: str | Iterable[str] | None = None, after: Key | None = None,
           limit: int = 50) -> list[Pair]:
    """Pairs whose Persian, English or draft match ``text``, in document order, one page at a
    time: pass the last result's ``(doc_id, position)`` as ``after`` for the next page."""
    query = pair_query(ws, doc_id=doc_id, status=status, text=text)
    return page(ws, query, after=after, limit=limit)


def has_drafts(ws: Workspace, doc_id: int | None = None) -> bool:
    """Whether any pair of the document (of the workspace) was ever drafted (drafts are few or
    indexed by pair)."""
    anything = ws.conn.execute("SELECT 1 FROM drafts LIMIT 1").fetchone() is not None
    if not anything or doc_id is None:  # none at all (an imported corpus): the join below walked the document
        return anything
    row = ws.conn.execute(
        "SELECT 1 FROM drafts d JOIN pairs p ON p.id = d.pair_id WHERE p.doc_id = ? LIMIT 1", [doc_id]
    ).fetchone()
    return row is not None


def undecided_through(ws: Workspace, pair: Pair) -> dict[int, int]:
    """The pairs ``approve_through(pair)`` would approve, with their versions: what the editor
    confirms (``approve_through(confirmed=…)`` skips those changed since)."""
    from workbench.store.edits import UNDECIDED_THROUGH

    return dict(ws.conn.execute(f"SELECT id, version FROM pairs WHERE {UNDECIDED_THROUGH}",
                                [pair.doc_id, pair.position]).fetchall())


def pairs_by_ids(ws: Workspace, pair_ids: Iterable[int]) -> list[Pair]:
    """The pairs with these ids that still exist, in document order."""
    sql = (f"SELECT {PAIR_COLUMNS} FROM {PAIR_FROM} WHERE p.id IN (SELECT value FROM json_each(?)) "
           "ORDER BY p.doc_id, p.position")
    return [_pair(row) for row in ws.conn.execute(sql, [json.dumps(list(pair_ids))])]
