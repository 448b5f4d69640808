"""Workspace health: integrity and consistency checks, and online backups."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import counts
from workbench.store.imports import remove_stale_imports
from workbench.store.schema import migrations
from workbench.store.spans import MISFIT_PAIRS
from workbench.store.workspace import Workspace

TEMP_MARK = ".tmp-"  # a backup is written to ".NAME.tmp-PID-RANDOM" beside its target, then renamed


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _count(ws: Workspace, sql: str) -> int:
    return int(ws.conn.execute(sql).fetchone()[0])


def check(ws: Workspace) -> list[Check]:
    """Every check, in order; a workspace is healthy when all are ok. A damaged file can make a
    check's own query fail ("database disk image is malformed"): that check fails, the rest run.
    First, what killed processes left is removed: imports that never finished (hidden documents)
    and backups' temporary files beside the workspace."""
    results = []
    for name, run in (("unfinished imports", _unfinished_imports), ("leftover files", _leftover_files),
                      ("integrity", _check_integrity), ("schema", _check_schema), ("foreign keys", _check_keys),
                      ("orphan rows", _check_orphans), ("pair text", _check_pair_text), ("pair order", _check_order),
                      ("search index", _check_search_index), ("pair counts", _check_counts),
                      ("history replay", _check_history)):
        try:
            results.append(run(ws))
        except sqlite3.DatabaseError as e:
            results.append(Check(name, False, str(e)))
    return results


def _unfinished_imports(ws: Workspace) -> Check:
    removed, left = remove_stale_imports(ws)
    parts = []
    if removed:
        parts.append(f"removed {', '.join(map(repr, removed))} (their importers had died)")
    if left:
        parts.append(f"hidden until whole: {', '.join(left)}")
    return Check("unfinished imports", True, "; ".join(parts) or "none")


def _leftover_files(ws: Workspace) -> Check:
    if ws.path is None or ws.read_only:
        return Check("leftover files", True, "none")
    removed = remove_stale_temporaries(Path(ws.path).absolute().parent)
    size = sum(s for _, s in removed)
    return Check("leftover files", True,
                 f"removed {len(removed)} temporary backup files of killed processes ({size / 1e6:.1f} MB)"
                 if removed else "none")


def _check_integrity(ws: Workspace) -> Check:
    integrity = [r[0] for r in ws.conn.execute("PRAGMA integrity_check")]
    return Check("integrity", integrity == ["ok"], "; ".join(integrity[:3]))


def _check_schema(ws: Workspace) -> Check:
    applied = [r[0] for r in ws.conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'workbench' ORDER BY id")]
    return Check("schema", set(applied) == set(migrations.names()), f"{len(applied)} migrations, latest {applied[-1]}")


def _check_keys(ws: Workspace) -> Check:
    fk = ws.conn.execute("PRAGMA foreign_key_check").fetchall()
    return Check("foreign keys", not fk, f"{len(fk)} rows point nowhere" if fk else "none dangling")


def _check_orphans(ws: Workspace) -> Check:
    orphans = _count(ws, "SELECT COUNT(*) FROM pairs WHERE draft_id IS NOT NULL "
                         "AND draft_id NOT IN (SELECT id FROM drafts)")
    return Check("orphan rows", orphans == 0, f"{orphans} pairs point at missing drafts")


# Pairs out of order: one sharing its position with another pair of its document (their order is
# then undefined), or one whose Persian (or English) sentences come from an earlier paragraph of
# the source text than the sentences of the pair before it. Alignment, splits, merges, shifts and
# realignment keep each side's paragraphs in the source's order; an edited English sentence has no
# paragraph and is left out of the comparison.
_OUT_OF_ORDER = """
SELECT pair_id FROM (
    SELECT s.pair_id, s.para, LAG(s.para) OVER (PARTITION BY p.doc_id, s.lang ORDER BY p.position, s.ord) AS before
    FROM sentences s JOIN pairs p ON p.id = s.pair_id WHERE s.para IS NOT NULL)
WHERE para < before
UNION
SELECT p.id FROM pairs p JOIN pairs q ON q.doc_id = p.doc_id AND q.position = p.position AND q.id < p.id
"""


def _check_order(ws: Workspace) -> Check:
    bad = [r[0] for r in ws.conn.execute(_OUT_OF_ORDER)]
    if not bad:
        return Check("pair order", True, "each document in its source's order")
    named = []
    for pid in bad[:3]:
        number, doc = ws.pair_label(pid)
        named.append(f"pair {number} of {doc!r}")
    count = f"{len(bad)} {'pair' if len(bad) == 1 else 'pairs'}"
    return Check("pair order", False, f"{count} out of order ({', '.join(named)})")


def _check_history(ws: Workspace) -> Check:
    bad = ws.history.replay()
    entries = _count(ws, "SELECT COUNT(*) FROM history")
    return Check("history replay", not bad,
                 f"{entries} entries explain the edited pairs" if not bad
                 else f"{len(bad)} pairs differ from their last history state (e.g. {bad[:5]})")


def _check_search_index(ws: Workspace) -> Check:
    """FTS5's own integrity check is written as an INSERT, which a read-only workspace refuses;
    there, check the index has one entry per pair."""
    if not ws.read_only:
        try:  # in a transaction of its own (left open, it swallowed the repairs of later checks)
            with ws.write() as conn:
                conn.execute("INSERT INTO pairs_fts(pairs_fts, rank) VALUES ('integrity-check', 1)")
            return Check("search index", True, "matches the pairs")
        except sqlite3.DatabaseError as e:
            return Check("search index", False, str(e))
    stray = _count(ws, "SELECT (SELECT COUNT(*) FROM pairs WHERE id NOT IN (SELECT id FROM pairs_fts_docsize)) "
                       "+ (SELECT COUNT(*) FROM pairs_fts_docsize WHERE id NOT IN (SELECT id FROM pairs))")
    return Check("search index", stray == 0,
                 f"{stray} pairs missing from or stray in the index" if stray
                 else "one entry per pair (read-only workspace: full check skipped)")


def _check_counts(ws: Workspace) -> Check:
    """The kept pairs per document and status (store/counts.py) against a count; derived
    numbers, so a writable workspace gets them recounted."""
    wrong = counts.differences(ws.conn)
    if not wrong:
        return Check("pair counts", True, "match the pairs")
    shown = ", ".join(f"{status} of document {doc_id}: {kept} kept, {real} counted" for doc_id, status, kept, real in wrong[:3])
    if ws.read_only:
        return Check("pair counts", False, f"{len(wrong)} wrong ({shown})")
    with ws.write() as conn:
        counts.recount(conn)
    return Check("pair counts", True, f"recounted: {len(wrong)} were wrong ({shown})")


def _check_pair_text(ws: Workspace) -> Check:
    """Each pair's sentences (spans) must cover its joined text and give its bead shape."""
    bad = _count(ws, MISFIT_PAIRS)
    return Check("pair text", bad == 0, f"{bad} pairs disagree with their sentences" if bad else "in step with sentences")


def backup(ws: Workspace, target: Path) -> Path:
    """A consistent copy while others keep working (SQLite's online backup API), written to a
    temporary file created beside the target, checked, and renamed into place. A copy that fails
    SQLite's integrity check (the workspace is damaged) replaces nothing. A target some process
    has open is refused; what SQLite left beside an older file there (a killed editor's -wal)
    is removed before the rename, or SQLite would replay it into the new copy."""
    from workbench.formats.atomic import create_temp, is_stream, keep_attributes, make_folder, real_target
    from workbench.store.filelock import replacing

    target = Path(target)
    if ws.is_own_file(target):
        raise WorkbenchError(f"{target}: would overwrite the workspace; choose another backup path")
    if target.is_dir():
        raise WorkbenchError(f"{target}: is a folder; give a file name")
    if is_stream(target):  # renaming over /dev/null or a pipe would destroy it
        raise WorkbenchError(f"{target}: not a regular file; a backup needs a file name")
    real = real_target(target)  # a link is followed: the file it points at is replaced
    make_folder(real.parent)
    remove_stale_temporaries(real.parent)
    temp = None
    try:
        temp, fd = create_temp(real, TEMP_MARK)
        os.close(fd)  # SQLite writes the empty file we created
        damage = _copy(ws, temp)
        if damage:
            raise WorkbenchError(f"{ws.path}: workspace is damaged ({damage}); no backup written, "
                                 f"{target} left as it was; `workbench check` says more")
        with replacing(real):
            keep_attributes(temp, real)
            os.replace(temp, real)
        temp = None
    except (OSError, sqlite3.Error) as e:
        raise WorkbenchError(f"{target}: cannot write backup ({getattr(e, 'strerror', None) or e})") from None
    finally:
        if temp is not None:
            _remove(temp)
    return target


def _copy(ws: Workspace, temp: Path) -> str:
    """Copy the workspace into the empty file ``temp`` as a rollback-journal database (nothing
    beside it to lose); returns what SQLite's integrity check finds wrong with the copy, or ""."""
    dest = sqlite3.connect(temp)
    try:
        ws.conn.backup(dest, pages=1024)
        dest.execute("PRAGMA journal_mode = DELETE")
        found = [r[0] for r in dest.execute("PRAGMA integrity_check(3)")]
    except sqlite3.DatabaseError as e:
        if "malformed" not in str(e) and "corrupt" not in str(e):
            raise
        found = [str(e)]
    finally:
        dest.close()
    return "" if found == ["ok"] else "; ".join(found)


def remove_stale_temporaries(folder: Path) -> list[tuple[str, int]]:
    """Remove the temporary files (and SQLite journals) of backups whose process is gone (killed
    with -9: nothing else can clean up after it). Returns (name, size) of each file removed."""
    from workbench.formats.atomic import pid_alive, temp_owner

    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            pid = temp_owner(entry.name, TEMP_MARK)
            if pid is not None and entry.is_file(follow_symlinks=False) and not pid_alive(pid):
                with contextlib.suppress(OSError):
                    size = entry.stat(follow_symlinks=False).st_size
                    os.unlink(entry.path)
                    removed.append((entry.name, size))
    return removed


def _remove(temp: Path) -> None:
    for path in (temp, *(Path(f"{temp}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
