"""The real ``workbench open`` in a real terminal (tmux): Persian on the first screen, ``a``
approves, ``ctrl+z`` undoes, ``q`` quits. Without tmux the test fails rather than skips: a
skipped test proves nothing, and .ci/run installs tmux."""

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
    if TMUX is None:
        pytest.fail("tmux is not installed: install it (apt-get install tmux; .ci/run does) to run this test")
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


def test_ci_installs_what_the_tests_need_before_running_them(tmp_path: Path) -> None:
    """.ci/run on a fresh Debian machine (as root) ran `make test` without tmux, so the test above
    skipped itself there; it now installs tmux (and anything else missing) with apt-get first.
    Run here with a PATH that has no tmux, apt-get and make standing in to record their calls."""
    from tests.conftest import ROOT

    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "calls"
    for name in ("python3", "setpriv", "dirname", "id", "sh"):
        (tools / name).symlink_to(shutil.which(name))
    for name in ("apt-get", "make"):
        (tools / name).write_text(f'#!/bin/sh\necho "{name} $*" >> {shlex.quote(str(calls))}\n')
        (tools / name).chmod(0o755)
    (tools / "id").unlink()
    (tools / "id").write_text("#!/bin/sh\necho 0\n")  # as root, as on the CI machine
    (tools / "id").chmod(0o755)
    done = subprocess.run([str(tools / "sh"), str(ROOT / ".ci" / "run")], env={"PATH": str(tools)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = calls.read_text().splitlines()
    assert lines[0] == "apt-get update -q"
    assert lines[1].startswith("apt-get install -y") and lines[1].split()[-1] == "tmux"
    assert "chromium" in lines[1].split()  # tests/test_serve_browser.py
    assert lines[2] == "make test"
