"""Shared fixtures: workspaces, the CLI, the bundled data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from workbench.store import Workspace


def pytest_configure(config: pytest.Config) -> None:
    """Started in the background by a shell without job control (``make test &`` in a script, some
    CI runners), the test process ignores SIGINT, and so does every process it starts (an ignored
    signal survives exec, and Python then leaves it ignored): the tests that press Ctrl-C in a
    workbench process saw it run to the end. Set back to Python's default, as in a terminal."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# TICO-19 (CC0, licence beside it) ships gzipped to keep the repository small.
TICO_GZ = DATA / "tico19" / "all.en-fa.tmx.gz"


@pytest.fixture
def anyio_backend() -> str:
    """The review app's tests (anyio-marked, async) run on asyncio, as Textual does."""
    return "asyncio"


@pytest.fixture
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The review app's tests: no developer's own config, display mode, name or model leaks in,
    and files the app writes land in the test's folder. Returns the config file's path."""
    config = tmp_path / "config.toml"
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    monkeypatch.chdir(tmp_path)
    return config


@pytest.fixture
def ws() -> Workspace:
    """An in-memory workspace."""
    workspace = Workspace(None)
    yield workspace
    workspace.close()


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    """Where a workspace file may be created."""
    return tmp_path / "ws.sqlite"


@pytest.fixture
def cli(ws_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run ``workbench ARGS`` in-process against ``ws_path``; returns click's Result."""
    from workbench.cli import cli as group

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_WS", str(ws_path))

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(group, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


def damage(ws_path: Path) -> None:
    """Scribble over five pages near the end of a workspace file (tables and indexes), its log
    checkpointed first, as a failing disk would."""
    import sqlite3

    conn = sqlite3.connect(ws_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages, size = conn.execute("PRAGMA page_count").fetchone()[0], conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with ws_path.open("r+b") as f:
        f.seek(size * (pages - 5))
        f.write(b"\xde\xad\xbe\xef" * (size * 5 // 4))


def run_workbench(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300,
                  input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real ``workbench`` console script in a subprocess (``input``: its stdin)."""
    full_env = {**os.environ, **(env or {})}
    exe = Path(sys.executable).parent / "workbench"
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, input=input)


@pytest.fixture(scope="session")
def tico_tmx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TICO-19 en–fa as a plain TMX file (3,071 units)."""
    import gzip
    import shutil

    path = tmp_path_factory.mktemp("tico19") / "all.en-fa.tmx"
    with gzip.open(TICO_GZ, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path
