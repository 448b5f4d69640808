"""An import is written in short transactions into a hidden document: other writers proceed
meanwhile, nobody sees the document before it is whole, and a failed or killed import leaves
nothing (`check` removes what a killed one left)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import workbench.ingest as ingest
from tests.synthetic import write_tmx
from tests.conftest import run_workbench
from workbench.errors import WorkbenchError
from workbench.export import records
from workbench.mt.drafting import pending_pairs
from workbench.store import NewPair, Workspace
from workbench.store.search import count, pair_query, search

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def seed(ws_path: Path) -> list[int]:
    with Workspace(ws_path) as ws:
        doc = ws.add_document("old")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"ایران {i}."], en=[f"Iran {i}."], status="review") for i in range(20)])
        return [p.id for p in ws.pairs(doc.id)]


def hidden_pairs(ws: Workspace) -> int:
    return ws.conn.execute(
        "SELECT COUNT(*) FROM pairs WHERE doc_id IN (SELECT id FROM documents WHERE importing IS NOT NULL)"
    ).fetchone()[0]


def pause_corpus_reading(monkeypatch: pytest.MonkeyPatch, after: int) -> tuple[threading.Event, threading.Event]:
    """The import's reader stops after ``after`` units until ``go`` is set; ``reached`` tells.
    The reading stays in this process (a big file's is otherwise a process of its own:
    tests/test_import_process.py), where the pause is seen."""
    monkeypatch.setattr(ingest, "PROCESS_BYTES", 10**15)
    reached, go = threading.Event(), threading.Event()
    original = ingest._corpus_pairs

    def paused(*args, **kwargs):
        for i, pair in enumerate(original(*args, **kwargs)):
            if i == after:
                reached.set()
                go.wait(60)
            yield pair

    monkeypatch.setattr(ingest, "_corpus_pairs", paused)
    return reached, go


def test_others_write_and_see_nothing_of_an_import_while_it_runs(tmp_path: Path, ws_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A long import held one write transaction: an editor's save, `translate` and other imports
    failed with "database is locked" after 10 s. Now it commits as it goes, invisibly."""
    ids = seed(ws_path)
    tmx = tmp_path / "corpus.tmx"
    write_tmx(tmx, 12_000)
    reached, go = pause_corpus_reading(monkeypatch, after=9000)
    outcome: list[object] = []

    def run_import() -> None:
        try:
            with Workspace(ws_path) as ws:
                outcome.append(ingest.import_file(ws, tmx, doc="corpus"))
        except BaseException as e:  # noqa: BLE001 - reported below
            outcome.append(e)

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert reached.wait(60)
        with Workspace(ws_path, busy_timeout_ms=5000) as other:
            # writing goes on (this waited for the whole import, then failed with WorkspaceBusy)
            other.edits.set_status(ids[0], "approved", who="editor")
            new = other.add_document("another")
            other.insert_pairs(new.id, [NewPair(fa=["یک."], en=["One."], status="review")])
            assert hidden_pairs(other) > 0  # part of the import is committed, and hidden:
            assert [d.name for d in other.documents()] == ["old", "another"]
            assert other.find_document("corpus") is None
            assert [doc.name for doc, _ in other.status_counts()] == ["old", "another"]
            assert other.count_pairs() == 21 and len(list(other.pairs())) == 21
            assert count(other, pair_query(other, text="tehran")) == 0
            assert {p.doc_id for p in search(other, "Iran")} == {other.document("old").id}
            assert [r.doc for r in records(other, status="all")] == ["old"] * 20 + ["another"]
            assert len(pending_pairs(other)) == 21
            with pytest.raises(WorkbenchError, match="already exists"):
                other.add_document("corpus")
    finally:
        go.set()
        thread.join(120)
    assert not isinstance(outcome[0], BaseException), outcome
    with Workspace(ws_path) as ws:
        assert [d.name for d in ws.documents()] == ["old", "corpus", "another"]
        assert ws.count_pairs(ws.document("corpus").id) == 12_000
        assert ws.pair(ids[0]).status == "approved"
        assert hidden_pairs(ws) == 0


def test_a_failed_import_removes_what_it_had_written(tmp_path: Path, ws_path: Path) -> None:
    """A file that cannot be read whole imports nothing, though chunks of it were committed."""
    seed(ws_path)
    bad = tmp_path / "bad.tmx"
    write_tmx(bad, 20_000)
    with bad.open("a", encoding="utf-8") as f:
        f.write("<tu><tuv")
    done = run_workbench("import", bad, "--ws", ws_path, cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "malformed TMX" in done.stderr
    with Workspace(ws_path) as ws:
        assert [d.name for d in ws.documents()] == ["old"]
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 20
        assert ws.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    assert run_workbench("check", "--ws", ws_path, cwd=tmp_path).returncode == 0


def _start_import(tmx: Path, ws_path: Path, cwd: Path, *extra: str, tmp: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp)} if tmp else None
    return subprocess.Popen([WORKBENCH, "import", str(tmx), "--ws", str(ws_path), *extra], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_until_importing(ws_path: Path, proc: subprocess.Popen) -> None:
    """Until the import has stored part of the file (committed and hidden; with an import that
    holds one transaction: until its log has grown)."""
    deadline = time.monotonic() + 120
    wal = Path(f"{ws_path}-wal")
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 8_000_000:
            return
        with Workspace(ws_path) as ws:
            if hidden_pairs(ws):
                return
        time.sleep(0.05)
    raise AssertionError(f"the import stored nothing: {proc.poll()} {proc.stderr.read() if proc.stderr else ''}")


def test_another_process_writes_while_a_big_import_runs(tmp_path: Path, ws_path: Path) -> None:
    """Processes this time: `workbench import` of a big TMX, and meanwhile another import, a
    status change and `status` from other processes; a second import under the same name is
    refused in one line."""
    seed(ws_path)
    big, small = tmp_path / "big.tmx", tmp_path / "small.tsv"
    write_tmx(big, 150_000)
    small.write_text("یک\tOne\nدو\tTwo\n", encoding="utf-8")
    proc = _start_import(big, ws_path, tmp_path)
    try:
        _wait_until_importing(ws_path, proc)
        done = run_workbench("import", small, "--ws", ws_path, cwd=tmp_path, env={"WORKBENCH_USER": "other"})
        assert done.returncode == 0, done.stderr
        with Workspace(ws_path, busy_timeout_ms=5000) as other:
            other.edits.set_status(next(other.pairs()).id, "approved", who="editor")
        same = run_workbench("import", big, "--ws", ws_path, cwd=tmp_path)
        assert same.returncode == 1 and same.stderr.count("\n") == 1, same.stderr
        assert "is being imported by process" in same.stderr
        status = run_workbench("status", "--ws", ws_path, cwd=tmp_path)
        assert status.returncode == 0 and "small" in status.stdout and "big" not in status.stdout
        assert proc.poll() is None  # all of that happened while the import ran
    finally:
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    with Workspace(ws_path) as ws:
        assert sorted(d.name for d in ws.documents()) == ["big", "old", "small"]
        assert ws.count_pairs(ws.document("big").id) == 150_000
    assert run_workbench("check", "--ws", ws_path, cwd=tmp_path).returncode == 0


def test_check_removes_an_import_whose_importer_was_killed(tmp_path: Path, ws_path: Path) -> None:
    seed(ws_path)
    big = tmp_path / "big.tmx"
    write_tmx(big, 100_000)
    proc = _start_import(big, ws_path, tmp_path, "--doc", "big")
    _wait_until_importing(ws_path, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Workspace(ws_path) as ws:
        assert hidden_pairs(ws) > 0
        assert [d.name for d in ws.documents()] == ["old"]
    done = run_workbench("check", "--ws", ws_path, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unfinished imports: removed 'big'" in done.stdout
    with Workspace(ws_path) as ws:
        assert hidden_pairs(ws) == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 20
    # and the name is free again (a rerun removes a dead importer's leftovers by itself too)
    assert run_workbench("import", tmp_path / "big.tmx", "--ws", ws_path, "--doc", "big", cwd=tmp_path).returncode == 0


def test_a_rerun_takes_over_the_name_a_killed_import_left(tmp_path: Path, ws_path: Path) -> None:
    seed(ws_path)
    big = tmp_path / "big.tmx"
    write_tmx(big, 60_000)
    proc = _start_import(big, ws_path, tmp_path)
    _wait_until_importing(ws_path, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = run_workbench("import", big, "--ws", ws_path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with Workspace(ws_path) as ws:
        assert ws.count_pairs(ws.document("big").id) == 60_000
        assert hidden_pairs(ws) == 0


def test_a_text_with_its_translation_learns_with_its_last_chunk(tmp_path: Path, ws_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The alignment is computed before anything is written; the lexicon grows with the final
    transaction, so an import that fails on the way teaches nothing."""
    import workbench.store.import_thread as import_thread
    import workbench.store.imports as imports

    fa = tmp_path / "doc.fa.txt"
    en = tmp_path / "doc.en.txt"
    fa.write_text("".join(f"کتاب {i} در تهران است.\n" for i in range(3000)), encoding="utf-8")
    en.write_text("".join(f"Book {i} is in Tehran.\n" for i in range(3000)), encoding="utf-8")
    calls = []
    original = imports.store_staged

    def failing_later(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise WorkbenchError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(imports, "store_staged", failing_later)
    monkeypatch.setattr(import_thread.Stager, "PENDING", import_thread.BLOCK)  # stage a block at a time: 2 transactions
    with Workspace(ws_path) as ws:
        with pytest.raises(WorkbenchError, match="disk full"):
            ingest.import_file(ws, fa, translation=en)
        assert ws.conn.execute("SELECT COUNT(*) FROM lexicon").fetchone()[0] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    monkeypatch.setattr(imports, "store_staged", original)
    with Workspace(ws_path) as ws:
        result = ingest.import_file(ws, fa, translation=en)
        assert result.pairs == 3000
        assert ws.conn.execute("SELECT COUNT(*) FROM lexicon").fetchone()[0] > 0


@pytest.mark.slow
def test_import_memory_is_bounded(tmp_path: Path) -> None:
    """Peak RSS of `workbench import` of a 300k-unit TMX (1M units: README, bench/scale.py)."""
    from tests.rss import measure, workbench_exe

    tmx = tmp_path / "big.tmx"
    write_tmx(tmx, 300_000)
    done = measure([workbench_exe(), "import", tmx, "--ws", tmp_path / "w.sqlite"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.peak_mb < 150


def test_ctrl_c_during_an_import_removes_what_it_had_written(tmp_path: Path, ws_path: Path) -> None:
    seed(ws_path)
    big = tmp_path / "big.tmx"
    write_tmx(big, 100_000)  # read by a process of its own (tests/test_import_process.py)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = _start_import(big, ws_path, tmp_path, tmp=tmp)
    _wait_until_importing(ws_path, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)  # its reader too has ended: it held the same pipes
    assert proc.returncode == 130 and err.count("\n") == 1 and "interrupted" in err, err
    assert not list(tmp.glob("workbench-import-*"))  # its chunk files are gone
    with Workspace(ws_path) as ws:
        assert hidden_pairs(ws) == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


def test_repeats_are_counted_in_bounded_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """An import's summary counts repeated pairs from 8-byte hashes, spread over files past a limit."""
    import random

    from workbench.store.staging import DistinctKeys

    rng = random.Random(5)
    keys = [rng.getrandbits(64) - (1 << 63) for _ in range(20_000)]
    keys += keys[:3000] + [keys[0]] * 5
    # In memory (in a set, or sorted by numpy); spilled to 64 files a thousand keys at a time.
    for limit, small in ((10**9, 10**9), (10**9, 0), (1000, 0)):
        monkeypatch.setattr(DistinctKeys, "LIMIT", limit)
        monkeypatch.setattr(DistinctKeys, "SMALL", small)
        counter = DistinctKeys()
        for i in range(0, len(keys), 700):
            counter.add(keys[i:i + 700])
        assert counter.count() == 20_000
        counter.close()
