"""The real ``workbench open`` in a real terminal (tmux): Persian on the first screen, ``a``
approves, ``ctrl+z`` undoes, ``q`` quits. Skipped where tmux is not installed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_tui import ids, make_workspace, stored

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
PERSIAN = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")


def wait_for(check, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def tmux(tmp_path: Path):
    """A private tmux server; killed afterwards whatever happens."""
    socket = f"workbench-test-{os.getpid()}"

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True, check=check)

    yield run
    run("kill-server", check=False)


def test_open_in_tmux_shows_persian_approves_undoes_and_quits(tmp_path: Path, tmux) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    first = ids(ws)[0]
    exe = Path(sys.executable).parent / "workbench"
    status_file = tmp_path / "exit-status"
    app = " ".join([
        "env", f"WORKBENCH_CONFIG={shlex.quote(str(tmp_path / 'none.toml'))}", "WORKBENCH_USER=tmux-editor",
        "TERM=tmux-256color", shlex.quote(str(exe)), "open", "--ws", shlex.quote(str(ws)),
    ])
    command = f"{app}; echo $? > {shlex.quote(str(status_file))}"
    tmux("new-session", "-d", "-s", "review", "-x", "120", "-y", "36", command)

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "review", check=False).stdout

    def first_screen() -> str:
        shown = screen()
        return shown if PERSIAN.search(shown) and "Putin travelled" in shown and "putin-visit" in shown else ""

    wait_for(first_screen, what="the first screen with Persian")

    tmux("send-keys", "-t", "review", "a")
    wait_for(lambda: stored(ws, first).status == "approved", what="'a' to approve the pair")
    assert stored(ws, first).updated_by == "tmux-editor"

    tmux("send-keys", "-t", "review", "C-z")
    wait_for(lambda: stored(ws, first).status == "review", what="ctrl+z to restore the previous status")

    tmux("send-keys", "-t", "review", "q")
    wait_for(lambda: status_file.exists() and status_file.read_text().strip(), what="q to quit")
    assert status_file.read_text().strip() == "0"
