"""Atomic output: write a temporary file beside the target, fsync, rename. A crash or an error
never leaves a half-written target, and an existing target stays as it was.

Targets that are not regular files cannot be renamed over without destroying them: ``-`` is
standard output, and a device or pipe (/dev/null, ``>(gzip > x.gz)``) is written straight into.
A symbolic link is followed, as Unix tools do, so the file it points at is replaced, not the link.

The temporary file is created exclusively under a name nobody can guess (``O_EXCL``, no link
followed): in a shared folder, a link planted at a predictable name would have had us write into
whatever it pointed at. The replacement keeps the replaced file's mode, and its owner and group
where the process may set them (an export over a 0600 file stays 0600)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from workbench.errors import WorkbenchError

TEMP_MARK = ".partial-"
STDOUT = Path("-")


def create_temp(target: Path, mark: str = TEMP_MARK) -> tuple[Path, int]:
    """A new empty file beside ``target``, ``.NAME<mark>PID-RANDOM``, and a descriptor open for
    writing: created exclusively, so never a file or link somebody else put there. (The PID lets
    a later run remove it once its process is gone.)"""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        temp = target.with_name(f".{target.name}{mark}{os.getpid()}-{secrets.token_hex(6)}")
        try:
            return temp, os.open(temp, flags, 0o666)  # 0666 less the umask, as a plain open() makes
        except FileExistsError:
            continue
        except OSError as e:  # name the file asked for, not a temporary name nobody knows
            raise OSError(e.errno, e.strerror, str(target)) from None


_TEMP_TAIL = re.compile(r"(\d+)(-[0-9a-f]{12})?(-journal|-wal|-shm)?")  # PID, random part, SQLite's files


def temp_owner(name: str, mark: str) -> int | None:
    """The PID in a temporary file's name (``.NAME<mark>PID[-RANDOM]``, and SQLite's files
    beside a backup's), or None for any other name."""
    _, found, tail = name.rpartition(mark)
    match = _TEMP_TAIL.fullmatch(tail) if found and name.startswith(".") else None
    return int(match.group(1)) if match else None


def keep_attributes(temp: Path, target: Path) -> None:
    """Give ``temp`` the mode of the file it is about to replace, and its owner and group where
    this process may (root may; others may set a group they belong to)."""
    try:
        old = os.stat(target)
    except FileNotFoundError:
        return
    new = os.stat(temp)
    if (old.st_uid, old.st_gid) != (new.st_uid, new.st_gid):
        for uid in (old.st_uid, -1):
            with contextlib.suppress(PermissionError):
                os.chown(temp, uid, old.st_gid)
                break
    os.chmod(temp, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


def _remove_stale(target: Path) -> None:
    """Temp files of earlier runs killed with -9 (their process is gone)."""
    prefix = f".{target.name}{TEMP_MARK}"
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            pid = temp_owner(entry.name, TEMP_MARK) if entry.name.startswith(prefix) else None
            if pid is not None and not pid_alive(pid):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def pid_alive(pid: int) -> bool:
    """Whether a process of this host has that PID (one we may not signal counts: it exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stream(target: Path) -> bool:
    """``-`` or an existing file that is neither a regular file nor a folder (device, pipe, socket)."""
    if target == STDOUT:
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def real_target(target: Path) -> Path:
    """Where a write to ``target`` really lands: symbolic links followed."""
    return Path(os.path.realpath(target))


def make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents, or say in one line why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise WorkbenchError(f"{folder}: cannot create folder (a file of that name is in the way)") from None
    except OSError as e:
        raise WorkbenchError(f"{folder}: cannot create folder ({e.strerror})") from None


def _open(path: Path | int, binary: bool) -> IO[Any]:  # bytes or text, as ``binary`` says
    if path == STDOUT:  # our own file object on fd 1: UTF-8 and \n whatever the locale
        sys.stdout.flush()
        fd, closefd = sys.stdout.fileno(), False
    else:
        fd, closefd = path if isinstance(path, int) else str(path), True
    if binary:
        return open(fd, "wb", closefd=closefd)
    return open(fd, "w", encoding="utf-8", newline="\n", closefd=closefd)


@contextlib.contextmanager
def atomic_outputs(*targets: Path, binary: bool = False) -> Iterator[list[IO[Any]]]:
    """Open temporary files for ``targets``; on success all are renamed into place together."""
    given = tuple(Path(t) for t in targets)
    streams = [is_stream(t) for t in given]
    targets = tuple(t if s else real_target(t) for t, s in zip(given, streams))
    temps: list[Path | None] = []
    files: list[IO[Any]] = []
    try:
        for target, stream in zip(targets, streams):
            if target.is_dir():
                raise WorkbenchError(f"{target}: is a folder; give a file name")
            if stream:
                temps.append(None)
                files.append(_open(target, binary))
                continue
            _remove_stale(target)
            new_temp, fd = create_temp(target)
            temps.append(new_temp)
            files.append(_open(fd, binary))
        yield files
        for f, temp in zip(files, temps):
            f.flush()
            if temp is not None:  # fsync is for files; a pipe or terminal refuses it
                os.fsync(f.fileno())
            f.close()
        for target, temp in zip(targets, temps):
            if temp is not None:
                keep_attributes(temp, target)
                os.replace(temp, target)
    except BrokenPipeError:
        # The reader of standard output or a pipe went away (`export -o - | head -1`): not an
        # error of ours; the command line leaves quietly, as Unix tools do.
        _discard(files, temps)
        raise
    except OSError as e:
        _discard(files, temps)
        # Name the file the user asked for, not our temporary one.
        where = next((g for g, t, r in zip(given, temps + [None] * len(given), targets)
                      if str(e.filename) in (str(t), str(r))), e.filename or given[0])
        where = "standard output" if where == STDOUT else where
        raise WorkbenchError(f"{where}: cannot write ({e.strerror or e})") from None
    except BaseException:
        _discard(files, temps)
        raise


def _discard(files: list[IO[Any]], temps: list[Path | None]) -> None:
    for f in files:
        with contextlib.suppress(OSError):
            f.close()
    for temp in temps:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
