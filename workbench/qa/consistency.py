"""Consistency across the workspace: the same normalized Persian approved with different
English, and the same English approved for different Persian.

A pair is flagged when an *approved* pair elsewhere renders its Persian otherwise (or gives its
English for other Persian): an approved translation is the workspace's decision, so a pair under
review learns that it departs from it, and two approved pairs that disagree are both shown.
English is compared as SQLite's ``lower`` does (case of ASCII letters aside).

Two ways to the same answer: ``document_consistency`` joins a document's pairs with the groups
of approved pairs in one query (a report), ``pair_consistency`` asks the two partial indexes
about one pair (the review app).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from workbench.qa import CONSISTENCY, Finding
from workbench.store.imports import VISIBLE_DOCS

if TYPE_CHECKING:
    from workbench.store import Pair, Workspace

SHOWN = 60  # characters of the other text quoted in a message
HELD_SQL = "lower(CASE WHEN p.en != '' THEN p.en ELSE COALESCE(p.draft, '') END)"
# Pairs of a document still being imported (workbench.store.imports) are not the workspace's yet.
_APPROVED = f"status = 'approved' AND en != '' AND fa_norm != '' AND doc_id IN ({VISIBLE_DOCS})"
Groups = list[tuple[int, int]]  # (pairs, first pair id) of each other rendering


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def document_consistency(ws: Workspace, doc_id: int | None = None) -> dict[int, list[Finding]]:
    """pair id → consistency findings, for the pairs of a document (or all) that have any."""
    # Nothing approved (a corpus just imported): no decision to depart from. Asked first, of the
    # (document, status) index: the joins below read every pair in scope whatever they find (1M
    # pairs: 1.2 s of a 9 s JSONL export).
    if ws.conn.execute(f"SELECT 1 FROM pairs WHERE {_APPROVED} LIMIT 1").fetchone() is None:
        return {}
    scope = "p.doc_id = ? AND " if doc_id is not None else ""
    args = [doc_id] if doc_id is not None else []
    # For one document, only the approved pairs sharing its Persian (its English) are grouped,
    # found on the partial indexes: grouping every approved pair of the workspace made a small
    # document's QA cost what the rest of the workspace holds.
    same_fa = "AND fa_norm IN (SELECT fa_norm FROM pairs p WHERE p.doc_id = ?) " if doc_id is not None else ""
    same_en = f"AND lower(en) IN (SELECT {HELD_SQL} FROM pairs p WHERE p.doc_id = ?) " if doc_id is not None else ""
    by_fa: dict[int, Groups] = defaultdict(list)
    by_en: dict[int, Groups] = defaultdict(list)
    rows = ws.conn.execute(
        f"WITH g AS (SELECT fa_norm, lower(en) AS k, COUNT(*) AS n, MIN(id) AS first FROM pairs WHERE {_APPROVED} "
        f"{same_fa}GROUP BY fa_norm, lower(en)) "
        f"SELECT p.id, g.n, g.first FROM pairs p JOIN g ON g.fa_norm = p.fa_norm AND g.k != {HELD_SQL} "
        f"WHERE {scope}p.status != 'rejected' AND {HELD_SQL} != ''", args + args)
    for pid, n, first in rows:
        by_fa[pid].append((n, first))
    rows = ws.conn.execute(
        f"WITH g AS (SELECT lower(en) AS k, fa_norm, COUNT(*) AS n, MIN(id) AS first FROM pairs WHERE {_APPROVED} "
        f"{same_en}GROUP BY lower(en), fa_norm) "
        f"SELECT p.id, g.n, g.first FROM pairs p JOIN g ON g.k = {HELD_SQL} AND g.fa_norm != p.fa_norm "
        f"WHERE {scope}p.status != 'rejected' AND p.fa_norm != ''", args + args)
    for pid, n, first in rows:
        by_en[pid].append((n, first))
    texts = _Texts(ws)
    return {pid: _messages(by_fa.get(pid, []), by_en.get(pid, []), texts) for pid in by_fa.keys() | by_en.keys()}


def pair_consistency(ws: Workspace, pair: Pair, en: str) -> list[Finding]:
    """The same findings as ``document_consistency`` for one pair, from the partial indexes."""
    if pair.status == "rejected" or not en:
        return []
    row = ws.conn.execute("SELECT fa_norm FROM pairs WHERE id = ?", [pair.id]).fetchone()
    fa_norm = row[0] if row else ""
    if not fa_norm:
        return []
    by_fa = [(n, first) for k, n, first in ws.conn.execute(
        f"SELECT lower(en), COUNT(*), MIN(id) FROM pairs WHERE {_APPROVED} AND fa_norm = ? GROUP BY lower(en)",
        [fa_norm]) if k != _lower(en)]
    by_en = [(n, first) for f, n, first in ws.conn.execute(
        f"SELECT fa_norm, COUNT(*), MIN(id) FROM pairs WHERE {_APPROVED} AND lower(en) = lower(?) GROUP BY fa_norm",
        [en]) if f != fa_norm]
    return _messages(by_fa, by_en, _Texts(ws))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(text: str) -> str:
    """SQLite's ``lower``: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


class _Texts:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._rows: dict[int, tuple[str, str]] = {}

    def __call__(self, pair_id: int) -> tuple[str, str]:
        if pair_id not in self._rows:
            row = self.ws.conn.execute("SELECT fa, en FROM pairs WHERE id = ?", [pair_id]).fetchone()
            self._rows[pair_id] = (row[0], row[1]) if row else ("", "")
        return self._rows[pair_id]


def _messages(by_fa: Groups, by_en: Groups, texts: _Texts) -> list[Finding]:
    out = []
    if by_fa:
        by_fa.sort(key=lambda g: (-g[0], g[1]))
        more = len(by_fa) - 1
        extra = f" (and {more} other rendering{'s' * (more > 1)})" if more else ""
        out.append(Finding(CONSISTENCY, f"the same Persian is approved elsewhere as "
                                        f"'{_quote(texts(by_fa[0][1])[1])}'{extra}"))
    if by_en:
        by_en.sort(key=lambda g: (-g[0], g[1]))
        out.append(Finding(CONSISTENCY, f"the same English is approved for other Persian: "
                                        f"«{_quote(texts(by_en[0][1])[0])}»"))
    return out
