"""An import's Persian normalized in a worker process (store/prepare_pool.py, issue 23): the same
rows as normalized in the importing process, in order, and no worker outliving its importer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.store import NewPair, Workspace, prepare_pool
from workbench.store import imports
from workbench.text import normalize

# Arabic letter forms, spaced and glued می, plural suffixes: texts whose key differs from the text.
FA = ["كتاب هاي من", "مي كنم {}", "موشکهای {} ي", "قیمت ۸۰ دلار است {}.", "نمیدانم {}"]


def _pairs(count: int) -> list[NewPair]:
    """Every tenth pair repeats the one before it: the distinct count is known."""
    pairs: list[NewPair] = []
    for i in range(count):
        pairs.append(pairs[-1] if i % 10 == 9 else NewPair(fa=[FA[i % len(FA)].format(i)], en=[f"line {i}"]))
    return pairs


def test_a_big_import_is_normalized_in_a_worker_as_it_would_be_here(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "BLOCK", 100)
    monkeypatch.setattr(prepare_pool, "WORKER_AFTER", 2)
    monkeypatch.setattr(prepare_pool, "cores", lambda: 2)
    sent: list[int] = []

    class Counting(prepare_pool.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            sent.append(len(args[0]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(prepare_pool, "ProcessPoolExecutor", Counting)
    pairs = _pairs(2050)
    with Workspace(tmp_path / "ws.sqlite") as ws:
        done = imports.import_pairs(ws, "big", pairs, kind="corpus", source=None, who="t")
        rows = ws.conn.execute("SELECT fa, fa_norm, en FROM pairs ORDER BY position").fetchall()
    assert sum(sent) == 2050 - 200  # all but the first two blocks went to the worker
    assert rows == [(p.fa[0], normalize(p.fa[0]), p.en[0]) for p in pairs]
    assert (done.pairs, done.distinct) == (2050, 2050 - 205)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_killed_importer_leaves_no_worker_behind(tmp_path: Path) -> None:
    big = tmp_path / "big.tsv"
    with big.open("w", encoding="utf-8") as out:
        out.write("fa\ten\n")
        for i in range(150_000):
            out.write(f"{FA[i % len(FA)].format(i)} و این جمله کمی بلندتر است\tline {i} and a longer sentence\n")
    exe = Path(sys.executable).parent / "workbench"
    importer = subprocess.Popen([str(exe), "import", str(big), "--ws", str(tmp_path / "ws.sqlite")], cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: list[int] = []
        for _ in range(1200):  # the worker starts after a few blocks (a minute at most on a loaded machine)
            workers = _children(importer.pid)
            if workers or importer.poll() is not None:
                break
            time.sleep(0.05)
        assert workers, "the import ended before its worker was seen"
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.wait()
    for _ in range(600):  # the worker notices within a second or so
        if not any(Path(f"/proc/{w}").exists() and "zombie" not in _state(w) for w in workers):
            break
        time.sleep(0.1)
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and "zombie" not in _state(w)]


def _state(pid: int) -> str:
    try:
        return "zombie" if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z" else "alive"
    except OSError:
        return "zombie"
