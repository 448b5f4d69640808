"""The lock every process holds on a workspace file it has open (``flock``), and removing a
workspace a failed command created.

Every process that has a workspace open holds a shared ``flock`` on the file (one descriptor per
process and file, counted over its connections). Creating the schema or migrating it takes the
exclusive lock (``connection.open_database``), so it happens once and nobody reads a half-made
schema. Deleting a workspace that a failed first import created (``remove_if_unused``) takes the
exclusive lock without waiting: it fails while anybody else has the file open.

On Linux ``flock`` locks and the POSIX (``fcntl``) locks SQLite takes are independent, so neither
waits on the other and they cannot deadlock: a process waits for a flock holding no SQLite lock
(its connection is idle or not yet open); SQLite's locks are only waited on with the shared flock
held, and the exclusive flock is only ever tried, never waited for, so holding the shared one
blocks nobody who holds a SQLite lock. (Over NFS and SMB the kernel emulates flock with POSIX
locks; SQLite's WAL mode does not work there either.)

One rule keeps SQLite's own locks whole: closing any descriptor of a database file drops every
POSIX lock the process holds on it, including those of SQLite's connections
(https://sqlite.org/howtocorrupt.html, section 2.2). So the lock's descriptor is opened once per
process and file, and closed only after the last connection to that file is closed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError

# How long to wait for another process creating or upgrading the schema (it holds the exclusive lock).
SCHEMA_WAIT_S = 120.0
POLL_S = 0.02

Identity = tuple[int, int]  # (device, inode): which file a path names


@dataclass
class _Lock:
    fd: int
    users: int = 0
    spare_fds: list[int] = field(default_factory=list)  # closed with fd (see hold)
    setup: threading.Lock = field(default_factory=threading.Lock)  # schema checks of this process
    # Set once the thread that opened the file holds the shared flock on it (or gave up: failed).
    ready: threading.Event = field(default_factory=threading.Event)
    failed: bool = False


locks: dict[Identity, _Lock] = {}
_locks_guard = threading.RLock()


def _identity(path: Path) -> Identity | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Held:
    """One user's share of the process's lock on a workspace file."""

    def __init__(self, path: Path, identity: Identity, read_only: bool, created: bool) -> None:
        self.path, self.identity, self.read_only, self.created = path, identity, read_only, created
        self.released = False

    @property
    def fd(self) -> int:
        return locks[self.identity].fd

    def still_named(self) -> bool:
        """Whether the path still names the locked file (not deleted or replaced meanwhile)."""
        return _identity(self.path) == self.identity

    def release(self) -> None:
        with _locks_guard:
            if self.released:
                return
            self.released = True
            lock = locks[self.identity]
            lock.users -= 1
            if lock.users == 0:
                del locks[self.identity]
                for fd in (lock.fd, *lock.spare_fds):
                    os.close(fd)  # closing the descriptor drops the flock


def flock(fd: int, mode: int, wait_s: float) -> bool:
    """Take ``mode`` (LOCK_SH or LOCK_EX) on ``fd``, waiting up to ``wait_s``; False if not."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)


def hold(path: Path, create: bool) -> Held:
    """Share this process's lock on the workspace at ``path``, opening the file (and creating it,
    with ``create``) if this process does not hold it yet; the shared flock is held on return, on
    the file the path names."""
    deadline = time.monotonic() + SCHEMA_WAIT_S
    while True:
        with _locks_guard:
            known = _identity(path)
            lock = locks.get(known) if known else None
            if lock and known:  # already open here: share it, never open a second descriptor
                lock.users += 1
                held, opened = Held(path, known, _lock_read_only(lock.fd), created=False), False
            else:
                fd, created, read_only = _open_file(path, create)
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    os.close(fd)
                    raise WorkbenchError(f"{path}: not a regular file, not a workspace")
                identity = (st.st_dev, st.st_ino)
                lock = locks.get(identity)
                if lock:  # renamed into place since the stat above: share it, closing fd only at the end
                    lock.spare_fds.append(fd)
                    lock.users += 1
                    held, opened = Held(path, identity, read_only, created=False), False
                else:
                    lock = locks[identity] = _Lock(fd, users=1)
                    held, opened = Held(path, identity, read_only, created), True
        if not opened:
            lock.ready.wait()  # until the thread that opened it holds the flock
            if not lock.failed:
                return held
            held.release()
            continue
        got = flock(lock.fd, fcntl.LOCK_SH, max(0.0, deadline - time.monotonic()))
        lock.failed = not got or not held.still_named()
        lock.ready.set()
        if not lock.failed:
            return held
        held.release()
        if not got:
            raise WorkbenchError(f"{path}: another workbench process is creating or upgrading this workspace; "
                                 "try again when it has finished")
        # Deleted or replaced while we waited (a failed first import removed its empty workspace):
        # start again with what the path names now.


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


# -- removing a workspace a failed command created -------------------------------------------------

def remove_if_unused(path: str | Path, identity: Identity) -> bool:
    """Delete the workspace file ``identity`` at ``path`` (and SQLite's files beside it) if it is
    still that file, nobody has it open (the exclusive flock is free at once) and nobody but this
    process has written to it (its ``sole_writer`` row still names this process: every other
    writer deletes it, whatever table it writes). For a command that created the file and then
    failed: it never deletes what another process has written or has open. True if deleted."""
    path = Path(path)
    with _locks_guard:
        if identity in locks or _identity(path) != identity:
            return False
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != identity or not flock(fd, fcntl.LOCK_EX, 0):
                return False
            if _identity(path) != identity or not _written_only_by_us(path):
                return False
            for suffix in ("-wal", "-shm", "-journal", ""):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return True
        finally:
            os.close(fd)  # no SQLite connection of ours is open on it (checked above)


def _written_only_by_us(path: Path) -> bool:
    from workbench.store.process import process_tag

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error:
        return False
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master").fetchone():
            return True  # no schema yet: nobody has written anything (a writer creates the schema first)
        rows = conn.execute("SELECT process FROM sole_writer").fetchall()
        return rows == [(process_tag(),)]
    except sqlite3.Error:  # no such table: not a workspace this version created
        return False
    finally:
        conn.close()


# -- replacing a file that may be somebody's workspace ----------------------------------------------

# SQLite's locks: every connection to a WAL database holds a read lock on this byte of the -shm
# file while it is open ("DMS", after the eight WAL-index locks at 120); a connection using the
# database in rollback mode locks bytes from the "pending byte" of the main file.
_SHM_DMS_BYTE = 128
_PENDING_BYTE, _LOCK_BYTES = 0x40000000, 2 + 510


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[None]:
    """While a new file is renamed over ``path`` (a backup over an older one): refuse if any
    process has the file there open as a database (a workbench process holds its flock; any
    SQLite connection locks its -shm or the main file), else hold its exclusive flock and remove
    what SQLite left beside it. A -wal or -journal an editor killed with -9 left belongs to the
    old file: SQLite would replay it into the new one and corrupt it."""
    with _locks_guard:
        if _identity(path) in locks:
            raise _busy(path)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW)
        except FileNotFoundError:
            fd = None
        try:
            in_use = fd is not None and (not flock(fd, fcntl.LOCK_EX, 0)
                                         or _sqlite_locked(path, _PENDING_BYTE, _LOCK_BYTES))
            if in_use or _sqlite_locked(Path(f"{path}-shm"), _SHM_DMS_BYTE):
                raise _busy(path)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            yield
        finally:
            if fd is not None:
                os.close(fd)  # drops the flock; this process has no SQLite connection to the file (checked)


def _sqlite_locked(path: Path, offset: int, length: int = 1) -> bool:
    """Whether another process holds a lock SQLite takes on ``length`` bytes at ``offset`` of the
    file at ``path`` (a missing file holds none). Tested by taking a lock and dropping it (this
    process has no SQLite connection to the file, whose locks closing the descriptor would drop)."""
    try:
        fd, mode = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW), fcntl.LOCK_EX
    except FileNotFoundError:
        return False
    except OSError:  # a file we may only read: a read lock still meets every writer's lock
        try:
            fd, mode = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW), fcntl.LOCK_SH
        except OSError:
            return True  # cannot even look: in use rather than replaced blindly
    try:
        fcntl.lockf(fd, mode | fcntl.LOCK_NB, length, offset)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _busy(path: Path) -> WorkbenchError:
    return WorkbenchError(f"{path}: another process has this file open (an editor or a workbench command); "
                          "close it or choose another path")
