"""Which process this is, in words that outlive it: ``host pid start``. Names who imports a hidden
document (``imports``) and who created a workspace nobody else has written to (``sole_writer``)."""

from __future__ import annotations

import os
import socket

_tag: tuple[int, str] | None = None  # (pid, tag): computed once per process (a fork gets its own)


def process_tag() -> str:
    """``host pid start`` of this process."""
    global _tag
    pid = os.getpid()
    if _tag is None or _tag[0] != pid:
        _tag = (pid, f"{socket.gethostname()} {pid} {start_time(pid)}")
    return _tag[1]


def start_time(pid: int) -> str:
    """When a process started (clock ticks since boot), so a reused pid is not taken for it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""
