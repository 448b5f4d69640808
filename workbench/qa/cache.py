"""Where QA results live: ``qa_state`` (each pair's findings, cached) and ``qa_ignored``
(findings marked as false positives).

A cached row is valid while the pair's version and current draft and the workspace's QA
revision (the checks' version, the glossary's revision, the user dictionary's and the QA profile's) are those it was computed for: every
change to a pair's text raises its version, a new draft changes its draft id, a glossary change
adds a glossary history row. Stale rows are simply recomputed; nothing has to delete them.

A false-positive mark holds the pair's Persian and English of the moment it was made: it hides
the finding while the pair still reads so, and lets it show again once either text changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.qa import Finding
from workbench.store import current_user, now, search

if TYPE_CHECKING:
    from workbench.store import Workspace

# Rows that stay with a pair's sentences when a realignment rebuilds the pair (the cache does not:
# a new pair's findings are computed again).
CARRIED = ("qa_ignored",)
# A false-positive mark: (check, message, Persian, English at marking time).
Mark = tuple[str, str, str, str]
# A pair's cached findings: (pair id, version, draft id, revision, findings JSON, shown count).
StateRow = tuple[int, int, int | None, str, str, int]
CHECKS_VERSION = 5  # raise when a check changes what it finds: every cached row goes stale
REVISION_SQL = (f"('{CHECKS_VERSION}:' || (SELECT COALESCE(MAX(id), 0) FROM glossary_history)"
                " || ':' || (SELECT COALESCE(MAX(id), 0) FROM user_words_log)"
                " || ':' || (SELECT COALESCE(MAX(id), 0) FROM qa_profile_log))")
# A pair whose cached findings are current and not all hidden (for "next pair with a QA finding").
HAS_FINDINGS_SQL = ("EXISTS (SELECT 1 FROM qa_state q WHERE q.pair_id = p.id AND q.shown > 0 "
                    f"AND q.version = p.version AND q.draft_id IS p.draft_id AND q.rev = {REVISION_SQL})")
search.register_need(search.QA, HAS_FINDINGS_SQL)  # the store's searches name it, not knowing qa_state


def revision(ws: Workspace, profile_digest: str | None = None) -> str:
    """The workspace's QA revision; with a profile from a file (``workbench qa --profile``), that
    profile's digest added: findings cached under one profile are never read under another."""
    rev: str = ws.conn.execute(f"SELECT {REVISION_SQL}").fetchone()[0]
    return rev if profile_digest is None else f"{rev}:file:{profile_digest}"


def held_english(en: str, draft: str | None) -> str:
    """The English the checks read: the pair's own, or its draft while it has none."""
    return en if en.strip() else (draft or "")


def encode(findings: Iterable[Finding]) -> str:
    return json.dumps([[f.check, f.message] for f in findings], ensure_ascii=False)


def decode(text: str) -> list[Finding]:
    return [Finding(c, m) for c, m in json.loads(text)]


def store(ws: Workspace, rows: list[StateRow]) -> None:
    """Write (pair id, version, draft id, revision, findings JSON, shown count) rows, in the
    caller's transaction if there is one. Rows of pairs deleted meanwhile are left out."""
    if not rows or ws.read_only:
        return
    with ws.write() as conn:
        conn.executemany(
            "INSERT INTO qa_state (pair_id, version, draft_id, rev, findings, shown) "
            "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM pairs WHERE id = ?) "
            "ON CONFLICT(pair_id) DO UPDATE SET version = excluded.version, draft_id = excluded.draft_id, "
            "rev = excluded.rev, findings = excluded.findings, shown = excluded.shown",
            [(*row, row[0]) for row in rows])


# -- false positives ----------------------------------------------------------------------------

def ignored(ws: Workspace, pair_ids: Iterable[int] | None = None) -> dict[int, list[Mark]]:
    """pair id → marks (check, message, Persian, English at marking time)."""
    sql = "SELECT pair_id, check_name, message, fa, en FROM qa_ignored"
    args: list[int] = []
    if pair_ids is not None:
        ids = list(pair_ids)
        if not ids:
            return {}
        sql += f" WHERE pair_id IN ({','.join('?' * len(ids))})"
        args = ids
    out: dict[int, list[Mark]] = {}
    for pid, check, message, fa, en in ws.conn.execute(sql, args):
        out.setdefault(pid, []).append((check, message, fa, en))
    return out


def hidden(finding: Finding, marks: list[Mark], fa: str, en: str) -> bool:
    return any(m[0] == finding.check and m[1] == finding.message and m[2] == fa and m[3] == en for m in marks)


def mark_false_positive(ws: Workspace, pair_id: int, finding: Finding, *, who: str | None = None,
                        undo: bool = False, reason: str = "") -> None:
    """Hide ``finding`` of a pair until its text changes (``undo``: show it again), with why
    (the report shows it). One transaction: the mark, and the pair's cached count of findings shown."""
    with ws.write() as conn:
        row = conn.execute("SELECT fa, en, draft FROM pairs WHERE id = ?", [pair_id]).fetchone()
        if row is None:
            raise WorkbenchError(f"pair {pair_id} no longer exists")
        fa, en = row[0], held_english(row[1], row[2])
        conn.execute("DELETE FROM qa_ignored WHERE pair_id = ? AND check_name = ? AND message = ?",
                     [pair_id, finding.check, finding.message])
        if not undo:
            conn.execute("INSERT INTO qa_ignored (pair_id, check_name, message, fa, en, who, at, reason) "
                         "VALUES (?,?,?,?,?,?,?,?)",
                         [pair_id, finding.check, finding.message, fa, en, who or current_user(), now(), reason])
        state = conn.execute("SELECT findings FROM qa_state WHERE pair_id = ?", [pair_id]).fetchone()
        if state is not None:
            marks = ignored(ws, [pair_id]).get(pair_id, [])
            shown = sum(not hidden(f, marks, fa, en) for f in decode(state[0]))
            conn.execute("UPDATE qa_state SET shown = ? WHERE pair_id = ?", [shown, pair_id])
