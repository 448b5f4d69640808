"""Opening a workspace file safely: refuse what is not ours, never touch it before checking, and
create or upgrade its schema once however many processes open it at the same moment (under the
exclusive file lock of ``filelock``; every open connection shares the shared one)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import sqlite3
import time
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store.filelock import (
    POLL_S,
    SCHEMA_WAIT_S,
    Held,
    Identity,
    flock,
    hold,
    locks,
    remove_if_unused,
)
from workbench.store.process import process_tag
from workbench.store.schema import MIGRATION_SET, migrations

BUSY_TIMEOUT_MS = 10_000
# How long to wait for the others to close a workspace this process must upgrade.
UPGRADE_WAIT_S = BUSY_TIMEOUT_MS / 1000

__all__ = ["BUSY_TIMEOUT_MS", "WorkspaceConnection", "default_path", "note_writer", "open_database",
           "remove_if_unused"]


def default_path() -> Path:
    return Path(os.environ.get("WORKBENCH_WS") or Path("alignments") / "workbench.sqlite")


class WorkspaceConnection(sqlite3.Connection):
    """A connection that gives back its share of the file lock when closed (or collected), after
    SQLite has closed the file. ``created``: the file's identity if this open created it."""

    created: Identity | None = None
    _held: Held | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            held, self._held = self._held, None
            if held is not None:
                held.release()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing left to release
            pass


# -- opening ---------------------------------------------------------------------------------------

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


def _blank(conn: sqlite3.Connection) -> bool:
    """A file with no schema at all: new, or left by a creator killed before its first table."""
    return bool(conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0)


def open_database(path: str | Path | None, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the workspace at ``path``; ``None`` is in-memory.

    An existing file is checked before anything is written to it: a file that is not a
    workspace, or one from a newer schema, is refused untouched. A read-only workspace opens
    for reading. Safe when several processes open (or create) the same path at once."""
    if path is None or str(path) == ":memory:":
        from sqlite_utils import Database

        db = Database(memory=True, execute_plugins=False)
        _configure(db.conn, memory=True)
        migrations.apply(db)
        return db.conn
    path = Path(path)
    if path.is_dir():
        raise WorkbenchError(f"{path}: is a folder, not a workspace file")
    if not path.exists():
        if not create:
            raise WorkbenchError(f"{path}: no workspace here (import a file first or pass --ws)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WorkbenchError(f"{path.parent}: cannot create folder ({e.strerror})") from None
    while True:
        held = hold(path, create)
        try:
            with locks[held.identity].setup:  # one thread of this process sets the file up
                conn = _open_held(path, held, create)
        except _Vanished:
            held.release()
            continue
        except BaseException:
            held.release()
            if held.created:  # our own new file, which nobody else has written: leave nothing behind
                remove_if_unused(path, held.identity)
            raise
        conn._held = held
        conn.created = held.identity if held.created else None
        return conn


class _Vanished(Exception):
    """The file was deleted or replaced while this process held no lock on it: open again."""


def _open_held(path: Path, held: Held, create: bool) -> WorkspaceConnection:
    """Open SQLite on the file whose shared flock ``held`` holds; create or migrate the schema
    under the exclusive flock if needed."""
    if held.read_only:
        return _open_read_only(path)
    deadline = time.monotonic() + UPGRADE_WAIT_S
    while True:
        conn = _connect(path, f"{path.resolve().as_uri()}?mode=rw")
        try:
            state = _schema_state(path, conn)
        except _ReadOnly:
            conn.close()
            return _open_read_only(path)
        except BaseException:
            conn.close()
            raise
        if state == "current":
            return _ready(path, conn)
        conn.close()
        if state == "blank" and not create:
            raise WorkbenchError(f"{path}: no workspace here (an empty file; import a file first)")
        # Creating or upgrading needs the file to ourselves. The shared lock is dropped first and
        # the exclusive one only tried, never waited for, so two processes that both want it
        # cannot wait on each other; between tries we hold nothing and sleep a random moment.
        fcntl.flock(held.fd, fcntl.LOCK_UN)
        if flock(held.fd, fcntl.LOCK_EX, 0):
            try:
                if not held.still_named():
                    raise _Vanished
                _create_or_migrate(path)
            finally:
                fcntl.flock(held.fd, fcntl.LOCK_SH)  # back to sharing (atomic from exclusive on Linux)
        else:
            if time.monotonic() >= deadline:
                raise WorkbenchError(f"{path}: the workspace needs an upgrade, and another workbench process "
                                     "has it open; close the others and try again")
            time.sleep(random.uniform(POLL_S / 2, POLL_S * 2))
            if not flock(held.fd, fcntl.LOCK_SH, SCHEMA_WAIT_S):
                raise WorkbenchError(f"{path}: another workbench process is creating or upgrading this "
                                     "workspace; try again when it has finished")
        if not held.still_named():
            raise _Vanished


def note_writer(conn: sqlite3.Connection) -> None:
    """Inside a write transaction: this process writes the workspace, so the process that created
    it is no longer its sole writer (a failed first import of that process must keep the file)."""
    conn.execute("DELETE FROM sole_writer WHERE process <> ?", [process_tag()])


# A new workspace's page size (SQLite's default is 4 KiB). Bulk writes (imports) go through the
# log and into the file a page per system call: twice the page, half the calls (100k pairs
# imported ~5% faster, the file 4% smaller). An existing workspace keeps its own.
PAGE_SIZE = 8192


def _create_or_migrate(path: Path) -> None:
    """Under the exclusive flock: bring the schema up to date unless another process just did."""
    conn = _connect(path, f"{path.resolve().as_uri()}?mode=rw")
    try:
        state = _schema_state(path, conn)
        if state == "blank":  # before the first page is written, or never
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if state != "current":
            _configure(conn, memory=False)
            from sqlite_utils import Database  # only here: it takes 0.1 s to import

            migrations.apply(Database(conn, execute_plugins=False))
            if _schema_state(path, conn) != "current":  # never loop on a schema we cannot finish
                raise WorkbenchError(f"{path}: cannot bring the workspace's schema up to date")
            with conn:  # the creator is the sole writer until another writes; an upgrade is a write
                if state == "blank":
                    conn.execute("INSERT INTO sole_writer (process) VALUES (?)", [process_tag()])
                else:
                    note_writer(conn)
    except _ReadOnly:
        raise WorkbenchError(f"{path}: cannot create a workspace here (read-only)") from None
    except sqlite3.OperationalError as e:
        if _is_read_only_error(e):
            raise WorkbenchError(f"{path}: cannot create a workspace here (read-only)") from None
        raise WorkbenchError(f"{path}: cannot create workspace ({e})") from None
    finally:
        conn.close()


class _ReadOnly(Exception):
    """SQLite cannot write the file or the files beside it."""


def _schema_state(path: Path, conn: sqlite3.Connection) -> str:
    """``current``, ``blank`` (no schema yet) or ``pending`` (older schema); raises for a file that
    is not ours or from a newer workbench."""
    try:
        applied = _applied(conn)
        blank = applied is None and _blank(conn)
    except sqlite3.OperationalError as e:
        if _is_read_only_error(e):
            raise _ReadOnly from None
        raise WorkbenchError(f"{path}: cannot open workspace ({e})") from None
    except sqlite3.DatabaseError as e:
        raise _foreign(path, e) from None
    if blank:
        return "blank"
    _check_ours(path, applied)
    return "current" if _complete(applied) else "pending"


def _complete(applied: list[str] | None) -> bool:
    # A set, not a sequence: the order they were applied in is history, not state.
    return applied is not None and set(applied) == set(migrations.names())


def _ready(path: Path, conn: WorkspaceConnection) -> WorkspaceConnection:
    try:
        _configure(conn, memory=False)
    except sqlite3.OperationalError as e:
        conn.close()
        if _is_read_only_error(e):
            return _open_read_only(path)
        raise WorkbenchError(f"{path}: cannot open workspace ({e})") from None
    return conn


def _foreign(path: Path, e: sqlite3.DatabaseError) -> WorkbenchError:
    if "malformed" in str(e):  # a SQLite file whose pages are damaged, not a foreign file
        return WorkbenchError(f"{path}: workspace file is damaged ({e}); restore a backup")
    return WorkbenchError(f"{path}: not a workbench workspace ({e})")


def _connect(path: Path, uri: str) -> WorkspaceConnection:
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                               factory=WorkspaceConnection)
    except sqlite3.Error as e:
        raise WorkbenchError(f"{path}: cannot open workspace ({e})") from None


def _is_read_only_error(e: sqlite3.OperationalError) -> bool:
    return "readonly" in str(e) or "read-only" in str(e) or "unable to open" in str(e)


def _check_ours(path: Path, applied: list[str] | None) -> None:
    if applied is None:
        raise WorkbenchError(f"{path}: not a workbench workspace")
    unknown = [name for name in applied if name not in migrations.names()]
    if unknown:
        raise WorkbenchError(
            f"{path}: made by a newer workbench (schema {unknown[-1]}); upgrade workbench to open it"
        )


def _open_read_only(path: Path) -> WorkspaceConnection:
    """A workspace we may not write, read as it is, creating nothing beside it: a reader must
    not leave a write-ahead log or shared-memory file that only it may write (later writers would
    fail on them). A workspace with both in use (a writer has it open) is read through them; one
    without is read as an immutable file; a log left with changes but no shared memory (a writer
    killed) needs a writer to fold it in."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if wal.exists() and shm.exists():
        query = "mode=ro"
    elif wal_size:
        raise WorkbenchError(f"{path}: read-only, and its log ({wal.name}) holds changes not yet in the file; "
                             "open it once with write access to fold them in")
    else:
        query = "immutable=1"
    conn = _connect(path, f"{path.resolve().as_uri()}?{query}")
    try:
        applied = _applied(conn)
        _check_ours(path, applied)
        if not _complete(applied):
            raise WorkbenchError(f"{path}: read-only workspace needs an upgrade it cannot get")
    except sqlite3.DatabaseError as e:
        conn.close()
        raise WorkbenchError(f"{path}: cannot open read-only workspace ({e})") from None
    except WorkbenchError:
        conn.close()
        raise
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA query_only = ON")  # Workspace.read_only reads this back
    return conn


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


def file_identity(path: Path | None) -> tuple[int, int] | None:
    """Which file ``path`` names now (device, inode); None if nothing is there."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def is_database_file(path: Path, target: str | Path) -> bool:
    """Whether writing ``target`` would overwrite the database ``path`` or SQLite's files beside
    it (its write-ahead log holds committed work not yet copied into the main file)."""
    target = os.path.realpath(target)
    for base in {str(path), os.path.realpath(path)}:
        for suffix in ("", "-wal", "-shm", "-journal"):
            side = f"{base}{suffix}"
            if target == os.path.realpath(side):
                return True
            with contextlib.suppress(OSError):
                if os.path.samefile(target, side):  # a hard link
                    return True
    return False
