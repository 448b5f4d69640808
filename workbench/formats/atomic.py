"""Atomic output: write a temporary file beside the target, fsync, rename. A crash or an error
never leaves a half-written target, and an existing target stays as it was."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from workbench.errors import WorkbenchError

TEMP_MARK = ".partial-"


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


@contextlib.contextmanager
def atomic_outputs(*targets: Path, binary: bool = False) -> Iterator[list[IO]]:
    """Open temporary files for ``targets``; on success all are renamed into place together."""
    targets = tuple(Path(t) for t in targets)
    temps = [_temp_path(t) for t in targets]
    files: list[IO] = []
    try:
        for target, temp in zip(targets, temps):
            if target.is_dir():
                raise WorkbenchError(f"{target}: is a folder; give a file name")
            _remove_stale(target)
            if binary:
                files.append(open(temp, "wb"))
            else:
                files.append(open(temp, "w", encoding="utf-8", newline="\n"))
        yield files
        for f in files:
            f.flush()
            os.fsync(f.fileno())
            f.close()
        for target, temp in zip(targets, temps):
            os.replace(temp, target)
    except OSError as e:
        _discard(files, temps)
        where = e.filename or (targets[0] if targets else "")
        raise WorkbenchError(f"{where}: cannot write ({e.strerror or e})") from None
    except BaseException:
        _discard(files, temps)
        raise


def _discard(files: list[IO], temps: list[Path]) -> None:
    for f in files:
        with contextlib.suppress(OSError):
            f.close()
    for temp in temps:
        temp.unlink(missing_ok=True)
