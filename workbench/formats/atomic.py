"""Atomic output: write a temporary file beside the target, fsync, rename. A crash or an error
never leaves a half-written target, and an existing target stays as it was.

Targets that are not regular files cannot be renamed over without destroying them: ``-`` is
standard output, and a device or pipe (/dev/null, ``>(gzip > x.gz)``) is written straight into.
A symbolic link is followed, so the file it points at is replaced, not the link."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from workbench.errors import WorkbenchError

TEMP_MARK = ".partial-"
STDOUT = Path("-")


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}")


def _remove_stale(target: Path) -> None:
    """Temp files of earlier runs killed with -9 (their process is gone)."""
    for stale in target.parent.glob(f".{target.name}{TEMP_MARK}*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
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


def _open(path: Path, binary: bool) -> IO:
    if path == STDOUT:  # our own file object on fd 1: UTF-8 and \n whatever the locale
        sys.stdout.flush()
        fd, closefd = sys.stdout.fileno(), False
    else:
        fd, closefd = str(path), True
    if binary:
        return open(fd, "wb", closefd=closefd)
    return open(fd, "w", encoding="utf-8", newline="\n", closefd=closefd)


@contextlib.contextmanager
def atomic_outputs(*targets: Path, binary: bool = False) -> Iterator[list[IO]]:
    """Open temporary files for ``targets``; on success all are renamed into place together."""
    given = tuple(Path(t) for t in targets)
    streams = [is_stream(t) for t in given]
    targets = tuple(t if s else real_target(t) for t, s in zip(given, streams))
    temps = [None if s else _temp_path(t) for t, s in zip(targets, streams)]
    files: list[IO] = []
    try:
        for target, temp in zip(targets, temps):
            if target.is_dir():
                raise WorkbenchError(f"{target}: is a folder; give a file name")
            if temp is None:
                files.append(_open(target, binary))
                continue
            _remove_stale(target)
            files.append(_open(temp, binary))
        yield files
        for f, temp in zip(files, temps):
            f.flush()
            if temp is not None:  # fsync is for files; a pipe or terminal refuses it
                os.fsync(f.fileno())
            f.close()
        for target, temp in zip(targets, temps):
            if temp is not None:
                os.replace(temp, target)
    except BrokenPipeError:
        # The reader of standard output or a pipe went away (`export -o - | head -1`): not an
        # error of ours; the command line leaves quietly, as Unix tools do.
        _discard(files, temps)
        raise
    except OSError as e:
        _discard(files, temps)
        # Name the file the user asked for, not our temporary one.
        where = next((g for g, t in zip(given, temps) if str(t) == str(e.filename)), e.filename or given[0])
        where = "standard output" if where == STDOUT else where
        raise WorkbenchError(f"{where}: cannot write ({e.strerror or e})") from None
    except BaseException:
        _discard(files, temps)
        raise


def _discard(files: list[IO], temps: list[Path | None]) -> None:
    for f in files:
        with contextlib.suppress(OSError):
            f.close()
    for temp in temps:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
