"""Writers waiting for a workspace's write lock, announced (issue 23).

SQLite does not tell the holder of the write lock that someone waits for it, so an import used to
leave a gap after every short transaction, whether or not anybody was waiting. Now a writer that
finds the lock taken (``Workspace.write``: ``begin_immediate``) holds a shared ``flock`` on the workspace's waiters file
while it waits (``waiting``), and the importer leaves its gap only when that file is locked
(``anyone_waiting``). The file lives in the temporary folder, named by the workspace file's device
and inode (so nothing is added beside the workspace, and a replaced workspace gets a new one); it
is empty and never removed. Writers that do not announce themselves (the sqlite3 shell, another
tool) still get the lock: while another process has the workspace open (``others_connected``),
the importer also leaves a gap every ``importer.UNANNOUNCED_GAP_S``.

flock locks belong to an open file, so each announcement and each check opens the file anew:
threads of one process (the review app's workers) announce to an importer in another thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import struct
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

FOLDER = "workbench-waiters"


def waiters_file(workspace: Path) -> Path | None:
    """The waiters file of the workspace file at ``workspace`` (None if it does not exist)."""
    try:
        st = os.stat(workspace)
    except OSError:
        return None
    return Path(tempfile.gettempdir()) / FOLDER / f"{st.st_dev}-{st.st_ino}"


def _open(path: Path) -> int | None:
    try:
        path.parent.mkdir(mode=0o777, exist_ok=True)
        return os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
    except OSError:  # no temporary folder to write: nobody announces, the importer's timer serves
        return None


@contextlib.contextmanager
def waiting(workspace: Path | None) -> Iterator[None]:
    """Announce a writer waiting for ``workspace``'s write lock for the duration of the block."""
    path = waiters_file(workspace) if workspace is not None else None
    fd = _open(path) if path is not None else None
    if fd is None:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_SH)  # an importer's check holds it exclusively for an instant
        yield
    finally:
        os.close(fd)  # drops the lock


def begin_immediate(conn: sqlite3.Connection, workspace: Path | None, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE on ``conn``: at once if the write lock is free, else announced as waiting
    while SQLite's busy handler waits (up to ``busy_timeout_ms``, the connection's setting)."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as e:
        if e.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or workspace is None:
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    with waiting(workspace):
        conn.execute("BEGIN IMMEDIATE")


def anyone_waiting(workspace: Path | None) -> bool:
    """Whether a writer announced it is waiting for ``workspace``'s write lock."""
    path = waiters_file(workspace) if workspace is not None else None
    fd = _open(path) if path is not None else None
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


# Every connection to a WAL database holds a read lock on this byte of the -shm file while it is
# open (SQLite's "DMS" lock, after the eight WAL-index locks at 120).
_SHM_DMS_BYTE = 128


def others_connected(workspace: Path | None) -> bool:
    """Whether another process has ``workspace`` open as a database: a writer that cannot announce
    itself (the sqlite3 shell, another tool) may be waiting only then. Asked of the kernel with
    F_GETLK on a descriptor of the ``-shm`` file this process holds already (SQLite's): it names a
    lock of another process that a write lock on SQLite's DMS byte would conflict with, and never
    one of this process's own. No descriptor of the file is opened for it: closing one would drop
    this process's own SQLite locks on it. A process with no descriptor of it reads the kernel's
    list of POSIX locks instead (Linux's /proc/locks). True wherever neither can be asked."""
    if workspace is None:  # in memory: nobody else can open it
        return False
    try:
        st = os.stat(f"{workspace}-shm")
    except FileNotFoundError:  # no connection has it open (the last one to close removes it)
        return False
    except OSError:
        return True
    held = _lock_of_another(st)
    return held if held is not None else _listed_lock_of_another(st)


# struct flock of 64-bit Linux: l_type, l_whence, l_start, l_len, l_pid (padded to 32 bytes).
_FLOCK = struct.Struct("hhqqi4x")


def _lock_of_another(st: os.stat_result) -> bool | None:
    """Whether another process holds a lock on the DMS byte of the file ``st`` describes, asked
    through one of this process's descriptors of it (None: it has none, or cannot ask)."""
    if sys.platform != "linux" or sys.maxsize <= 2**32:
        return None
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for name in descriptors:
        try:
            fd = int(name)
            held = os.fstat(fd)
            if (held.st_dev, held.st_ino) != (st.st_dev, st.st_ino):
                continue
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, _SHM_DMS_BYTE, 1, 0))
        except (OSError, ValueError):  # closed since listed (another thread), or not a number
            continue
        return bool(_FLOCK.unpack(answer)[0] != fcntl.F_UNLCK)
    return None


def _listed_lock_of_another(st: os.stat_result) -> bool:
    """Whether the kernel's list of POSIX locks shows another process's lock on the DMS byte of
    the file ``st`` describes. (Slow: reading the list takes a lock over every file lock of the
    machine, ~10 ms asleep on ours.)"""
    file = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return True
    me = str(os.getpid())
    for line in lines:  # "1: POSIX  ADVISORY  READ 4242 fe:00:2146723 128 128" ("->" marks a lock waited for)
        fields = [f for f in line.split() if f != "->"]
        if len(fields) < 8 or fields[1] != "POSIX" or fields[5] != file or fields[4] == me:
            continue
        start, end = fields[6], fields[7]
        if not start.isdigit() or int(start) > _SHM_DMS_BYTE:
            continue
        if end == "EOF" or (end.isdigit() and int(end) >= _SHM_DMS_BYTE):
            return True
    return False


__all__ = ["anyone_waiting", "begin_immediate", "others_connected", "waiters_file", "waiting"]
