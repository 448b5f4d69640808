"""Opening a workspace file safely: refuse what is not ours, never touch it before checking, and
create or upgrade its schema once however many processes open it at the same moment.

Every process that has a workspace open holds a shared ``flock`` on the file (one descriptor per
process and file, counted over its connections). Creating the schema or migrating it takes the
exclusive lock, so it happens once and nobody reads a half-made schema; a process that finds the
schema current keeps its shared lock and goes on. Deleting a workspace that a failed first import
created (``remove_if_unused``) takes the exclusive lock without waiting: it fails while anybody
else has the file open.

On Linux ``flock`` locks and the POSIX (``fcntl``) locks SQLite takes are independent, so neither
waits on the other and they cannot deadlock: a process waits for the exclusive flock holding no
SQLite lock (its connection is idle or not yet open), and SQLite's locks are only ever waited on
with the shared flock held, which never blocks anyone but a creator or migrator. (Over NFS and SMB
the kernel emulates flock with POSIX locks; SQLite's WAL mode does not work there either.)

One rule keeps SQLite's own locks whole: closing any descriptor of a database file drops every
POSIX lock the process holds on it, including those of SQLite's other connections
(https://sqlite.org/howtocorrupt.html, section 2.2). So the lock's descriptor is opened once per
process and file, and closed only after the last connection to that file is closed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import random
import sqlite3
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from workbench.errors import WorkbenchError
from workbench.store.schema import MIGRATION_SET, known_migrations, migrations

BUSY_TIMEOUT_MS = 10_000
# How long to wait for another process creating or upgrading the schema (shared lock), and for
# the others to close a workspace this process must upgrade (exclusive lock).
SCHEMA_WAIT_S = 120.0
UPGRADE_WAIT_S = BUSY_TIMEOUT_MS / 1000
_POLL_S = 0.02

Identity = tuple[int, int]  # (device, inode): which file a path names


def default_path() -> Path:
    return Path(os.environ.get("WORKBENCH_WS") or Path("alignments") / "workbench.sqlite")


# -- the per-process lock on a workspace file ------------------------------------------------------

@dataclass
class _Lock:
    fd: int
    users: int = 0
    spare_fds: list[int] = field(default_factory=list)  # closed with fd (see _open_lock)
    setup: threading.Lock = field(default_factory=threading.Lock)  # schema checks of this process


_locks: dict[Identity, _Lock] = {}
_locks_guard = threading.RLock()


def _identity(path: Path) -> Identity | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class _Held:
    """One user's share of the process's lock on a workspace file."""

    def __init__(self, path: Path, identity: Identity, read_only: bool, created: bool) -> None:
        self.path, self.identity, self.read_only, self.created = path, identity, read_only, created
        self.released = False

    @property
    def fd(self) -> int:
        return _locks[self.identity].fd

    def still_named(self) -> bool:
        """Whether the path still names the locked file (not deleted or replaced meanwhile)."""
        return _identity(self.path) == self.identity

    def release(self) -> None:
        with _locks_guard:
            if self.released:
                return
            self.released = True
            lock = _locks[self.identity]
            lock.users -= 1
            if lock.users == 0:
                del _locks[self.identity]
                for fd in (lock.fd, *lock.spare_fds):
                    os.close(fd)  # closing the descriptor drops the flock


def _flock(fd: int, mode: int, wait_s: float) -> bool:
    """Take ``mode`` (LOCK_SH or LOCK_EX) on ``fd``, waiting up to ``wait_s``; False if not."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)


def _open_lock(path: Path, create: bool) -> _Held:
    """Share this process's lock on the workspace at ``path``, opening the file (and creating it,
    with ``create``) if this process does not hold it yet; the shared flock is held on return, on
    the file the path names."""
    deadline = time.monotonic() + SCHEMA_WAIT_S
    while True:
        with _locks_guard:
            known = _identity(path)
            if known in _locks:  # already open here: share it, never open a second descriptor
                _locks[known].users += 1
                return _Held(path, known, _lock_read_only(_locks[known].fd), created=False)
            fd, created, read_only = _open_file(path, create)
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                os.close(fd)
                raise WorkbenchError(f"{path}: not a regular file, not a workspace")
            identity = (st.st_dev, st.st_ino)
            if identity in _locks:  # renamed into place since the stat above: keep fd open till the end
                _locks[identity].spare_fds.append(fd)
                _locks[identity].users += 1
                return _Held(path, identity, read_only, created=False)
            _locks[identity] = _Lock(fd, users=1)
            held = _Held(path, identity, read_only, created)
        if not _flock(fd, fcntl.LOCK_SH, max(0.0, deadline - time.monotonic())):
            held.release()
            raise WorkbenchError(f"{path}: another workbench process is creating or upgrading this workspace; "
                                 "try again when it has finished")
        if held.still_named():
            return held
        # Deleted or replaced while we waited (a failed first import removed its empty workspace):
        # start again with what the path names now.
        held.release()


def _open_file(path: Path, create: bool) -> tuple[int, bool, bool]:
    """(descriptor, created by us, read-only) for the workspace file."""
    flags = os.O_CLOEXEC | os.O_NONBLOCK  # NONBLOCK: a FIFO named as a workspace must not hang us
    if create:
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | flags, 0o666), True, False
        except FileExistsError:
            pass
        except IsADirectoryError:
            raise WorkbenchError(f"{path}: is a folder, not a workspace file") from None
        except OSError as e:
            if e.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
                raise WorkbenchError(f"{path}: cannot create a workspace here (read-only)") from None
            raise WorkbenchError(f"{path}: cannot create workspace ({e.strerror})") from None
    try:
        return os.open(path, os.O_RDWR | flags), False, False
    except FileNotFoundError:
        if create:  # deleted between our two opens: the caller's loop creates it
            return _open_file(path, create)
        raise WorkbenchError(f"{path}: no workspace here (import a file first or pass --ws)") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path}: is a folder, not a workspace file") from None
    except OSError as e:
        if e.errno not in (errno.EACCES, errno.EROFS, errno.EPERM):
            raise WorkbenchError(f"{path}: cannot open workspace ({e.strerror})") from None
    try:
        return os.open(path, os.O_RDONLY | flags), False, True
    except OSError as e:
        raise WorkbenchError(f"{path}: cannot open workspace ({e.strerror})") from None


def _lock_read_only(fd: int) -> bool:
    return (fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE) == os.O_RDONLY


class WorkspaceConnection(sqlite3.Connection):
    """A connection that gives back its share of the file lock when closed (or collected), after
    SQLite has closed the file. ``created``: the file's identity if this open created it."""

    created: Identity | None = None
    _held: _Held | None = None

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
    return conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def open_database(path: str | Path | None, *, create: bool = True) -> Database:
    """Open (and if needed create and migrate) the workspace at ``path``; ``None`` is in-memory.

    An existing file is checked before anything is written to it: a file that is not a
    workspace, or one from a newer schema, is refused untouched. A read-only workspace opens
    for reading. Safe when several processes open (or create) the same path at once."""
    if path is None or str(path) == ":memory:":
        db = Database(memory=True, execute_plugins=False)
        _configure(db.conn, memory=True)
        migrations.apply(db)
        return db
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
        held = _open_lock(path, create)
        try:
            with _locks[held.identity].setup:  # one thread of this process sets the file up
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
        return Database(conn, execute_plugins=False)


class _Vanished(Exception):
    """The file was deleted or replaced while this process held no lock on it: open again."""


def _open_held(path: Path, held: _Held, create: bool) -> WorkspaceConnection:
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
        if _flock(held.fd, fcntl.LOCK_EX, 0):
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
            time.sleep(random.uniform(_POLL_S / 2, _POLL_S * 2))
            if not _flock(held.fd, fcntl.LOCK_SH, SCHEMA_WAIT_S):
                raise WorkbenchError(f"{path}: another workbench process is creating or upgrading this "
                                     "workspace; try again when it has finished")
        if not held.still_named():
            raise _Vanished


def _create_or_migrate(path: Path) -> None:
    """Under the exclusive flock: bring the schema up to date unless another process just did."""
    conn = _connect(path, f"{path.resolve().as_uri()}?mode=rw")
    try:
        if _schema_state(path, conn) != "current":
            _configure(conn, memory=False)
            migrations.apply(Database(conn, execute_plugins=False))
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
    return "current" if applied == known_migrations() else "pending"


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
    unknown = [name for name in applied if name not in known_migrations()]
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
        if applied != known_migrations():
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


# -- removing a workspace a failed command created -------------------------------------------------

def remove_if_unused(path: str | Path, identity: Identity) -> bool:
    """Delete the workspace file ``identity`` at ``path`` (and SQLite's files beside it) if it is
    still that file, nobody has it open (the exclusive flock is free at once) and it holds no
    document, lexicon or history. For a command that created the file and then failed: it never
    deletes what another process has written or has open. True if it was deleted."""
    path = Path(path)
    with _locks_guard:
        if identity in _locks or _identity(path) != identity:
            return False
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != identity or not _flock(fd, fcntl.LOCK_EX, 0):
                return False
            if _identity(path) != identity or not _holds_nothing(path):
                return False
            for suffix in ("-wal", "-shm", "-journal", ""):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return True
        finally:
            os.close(fd)  # no SQLite connection of ours is open on it (checked above)


def _holds_nothing(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error:
        return False
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in ("documents", "lexicon", "history"):
            if table in tables and conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                return False
        return True
    except sqlite3.Error:
        return False
    finally:
        conn.close()
