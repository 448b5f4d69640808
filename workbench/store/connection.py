"""Opening a workspace file safely: refuse what is not ours, never touch it before checking."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from workbench.errors import WorkbenchError
from workbench.store.schema import MIGRATION_SET, known_migrations, migrations

BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    return Path(os.environ.get("WORKBENCH_WS") or Path("alignments") / "workbench.sqlite")


def _applied(conn: sqlite3.Connection) -> list[str] | None:
    """Names of our applied migrations, or None if the file holds no workbench schema."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_sqlite_migrations'"
    ).fetchone()
    if not has_table:
        return None
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
    ).fetchall()
    return [r[0] for r in rows] or None


def open_database(path: str | Path | None, *, create: bool = True) -> Database:
    """Open (and if needed create and migrate) the workspace at ``path``; ``None`` is in-memory.

    An existing file is checked before anything is written to it: a file that is not a
    workspace, or one from a newer schema, is refused untouched. A read-only workspace opens
    for reading."""
    if path is None or str(path) == ":memory:":
        db = Database(memory=True, execute_plugins=False)
        _configure(db.conn, memory=True)
        migrations.apply(db)
        return db
    path = Path(path)
    if path.is_dir():
        raise WorkbenchError(f"{path}: is a folder, not a workspace file")
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise WorkbenchError(f"{path}: no workspace here (import a file first or pass --ws)")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WorkbenchError(f"{path.parent}: cannot create folder ({e.strerror})") from None
    try:
        # An existing file is opened without SQLite's create flag: if it vanishes between the
        # check above and here (deleted while a TUI worker starts), no empty file takes its place.
        conn = _connect(path, f"{path.resolve().as_uri()}?mode=rw" if exists else None)
    except sqlite3.Error as e:
        raise WorkbenchError(f"{path}: cannot {'open' if exists else 'create'} workspace ({e})") from None
    try:
        if exists:
            try:
                applied = _applied(conn)
            except sqlite3.OperationalError as e:
                if not _is_read_only_error(e):
                    raise
                conn.close()
                return _open_read_only(path)
            _check_ours(path, applied)
        _configure(conn, memory=False)
        db = Database(conn, execute_plugins=False)
        if migrations.pending(db):
            migrations.apply(db)
        return db
    except sqlite3.OperationalError as e:
        conn.close()
        if _is_read_only_error(e):
            if exists:
                return _open_read_only(path)
            raise WorkbenchError(f"{path}: cannot create a workspace here (read-only)") from None
        raise WorkbenchError(f"{path}: cannot open workspace ({e})") from None
    except sqlite3.DatabaseError as e:
        conn.close()
        if "malformed" in str(e):  # a SQLite file whose pages are damaged, not a foreign file
            raise WorkbenchError(f"{path}: workspace file is damaged ({e}); restore a backup") from None
        raise WorkbenchError(f"{path}: not a workbench workspace ({e})") from None
    except WorkbenchError:
        conn.close()
        raise


def _connect(path: Path, uri: str | None = None) -> sqlite3.Connection:
    target, is_uri = (uri, True) if uri else (str(path), False)
    return sqlite3.connect(target, uri=is_uri, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)


def _is_read_only_error(e: sqlite3.OperationalError) -> bool:
    return "readonly" in str(e) or "read-only" in str(e) or "unable to open" in str(e)


def _check_ours(path: Path, applied: list[str] | None) -> None:
    if applied is None:
        raise WorkbenchError(f"{path}: not a workbench workspace")
    unknown = [name for name in applied if name not in known_migrations()]
    if unknown:
        raise WorkbenchError(
            f"{path}: made by a newer workbench (schema {unknown[-1]}); upgrade workbench to open it"
        )


def _open_read_only(path: Path) -> Database:
    """A workspace we may not write: read it as it is. ``immutable`` is the fallback when SQLite
    cannot even create the WAL index beside it (a read-only folder)."""
    last: Exception | None = None
    for query in ("mode=ro", "immutable=1"):
        conn = _connect(path, f"{path.resolve().as_uri()}?{query}")
        try:
            applied = _applied(conn)
        except sqlite3.DatabaseError as e:
            conn.close()
            last = e
            continue
        try:
            _check_ours(path, applied)
            if applied != known_migrations():
                raise WorkbenchError(f"{path}: read-only workspace needs an upgrade it cannot get")
        except WorkbenchError:
            conn.close()
            raise
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA query_only = ON")  # Workspace.read_only reads this back
        return Database(conn, execute_plugins=False)
    raise WorkbenchError(f"{path}: cannot open read-only workspace ({last})")


def _configure(conn: sqlite3.Connection, *, memory: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not memory:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlite3.OperationalError("attempt to write a readonly database")
        # WAL + NORMAL is durable across application crashes (kill -9); only power loss
        # can lose the last transactions, never corrupt the file.
        conn.execute("PRAGMA synchronous = NORMAL")
