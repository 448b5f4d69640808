"""The edges of importing: a failed first import never deletes what another process wrote (any
table), a bounded write lock while a big import runs, oversized lines refused in bounded memory,
units with nothing visible, and one safe way of reading XML (TMX, TBX)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.synthetic import write_tmx
from tests.conftest import run_workbench
from tests.test_concurrency_import import pause_corpus_reading
from workbench.store import Workspace


def broken_tmx(path: Path, units: int) -> Path:
    """A TMX malformed at its very end: the import stores chunks of it, then fails."""
    write_tmx(path, units)
    with path.open("a", encoding="utf-8") as f:
        f.write("<tu><tuv")
    return path


# -- 1. a failed first import and what others wrote meanwhile -------------------------------------

@pytest.mark.parametrize("glossary", ["add", "import"])
def test_a_failed_first_import_keeps_a_glossary_added_while_it_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   glossary: str) -> None:
    """`import big_broken.tmx --ws new.sqlite`, and while it ran `glossary add` (or `glossary
    import`) into the new file: the import failed at the end and deleted the file, glossary and
    all, because it looked only for documents, lexicon and history. Forced interleaving: the
    import's reading waits, half stored, until the glossary command has finished."""
    from workbench.cli import cli as group

    ws_path = tmp_path / "new.sqlite"
    bad = broken_tmx(tmp_path / "big_broken.tmx", 5000)
    reached, go = pause_corpus_reading(monkeypatch, after=3000)
    outcome: list[object] = []

    def run_import() -> None:
        outcome.append(CliRunner().invoke(group, ["import", str(bad), "--ws", str(ws_path)]))

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert reached.wait(60)
        if glossary == "add":
            done = run_workbench("glossary", "add", "سلام", "hello", "--ws", ws_path, cwd=tmp_path)
            assert done.returncode == 0 and "added" in done.stdout, done.stderr
        else:
            terms = tmp_path / "terms.tsv"
            terms.write_text("fa\ten\n" + "".join(f"سلام {i}\thello {i}\n" for i in range(3000)), encoding="utf-8")
            done = run_workbench("glossary", "import", terms, "--ws", ws_path, cwd=tmp_path)
            assert done.returncode == 0 and "3000 new" in done.stdout, done.stderr
    finally:
        go.set()
        thread.join(120)
    result = outcome[0]
    assert result.exit_code == 1 and "malformed TMX" in result.output, result.output
    assert ws_path.exists()
    with Workspace(ws_path, create=False) as ws:
        assert ws.documents() == []  # the import's own chunks are gone
        terms_kept = ws.conn.execute("SELECT COUNT(*) FROM glossary").fetchone()[0]
    assert terms_kept == (1 if glossary == "add" else 3000)
    assert run_workbench("check", "--ws", ws_path, cwd=tmp_path).returncode == 0


def test_a_failed_first_import_alone_still_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker that keeps others' work is the creator's own: alone, it still cleans up, also
    after reading the file it created (a reader is not a writer)."""
    ws_path = tmp_path / "new.sqlite"
    bad = broken_tmx(tmp_path / "bad.tmx", 5000)
    reached, go = pause_corpus_reading(monkeypatch, after=3000)
    outcome: list[object] = []
    from workbench.cli import cli as group

    thread = threading.Thread(target=lambda: outcome.append(
        CliRunner().invoke(group, ["import", str(bad), "--ws", str(ws_path)])))
    thread.start()
    try:
        assert reached.wait(60)
        done = run_workbench("status", "--ws", ws_path, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    finally:
        go.set()
        thread.join(120)
    assert outcome[0].exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tmx"]
