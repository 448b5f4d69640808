"""Reliability: two editors writing at once lose nothing; kill -9 never half-imports or half-exports.
Longer soak runs: `bench/soak.py` (see its docstring)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak import kill_align_rounds, kill_rounds, run_writers, seed_workspace, verify_writers


def test_two_writers_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    seed_workspace(path, pairs=120)
    logs = run_writers(path, writers=2, ops=250, seed=3)
    assert all(log.accepted for log in logs)
    assert verify_writers(path, logs) == []


@pytest.mark.slow
def test_kill_9_during_import_and_export(tmp_path: Path) -> None:
    assert kill_rounds(tmp_path, rounds=3, units=40_000, seed=11) == []


@pytest.mark.slow
def test_kill_9_during_align(tmp_path: Path) -> None:
    assert kill_align_rounds(tmp_path, rounds=2, sentences=2500) == []
