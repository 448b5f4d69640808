"""An import makes room for other writers only when one waits (issue 23): a writer that finds the
write lock taken announces itself (store/waiters.py) and the importer leaves a gap after its
transaction then; alone, it goes from one transaction to the next without pausing. (The wait a
writer sees during a real import is pinned in tests/test_import_edges.py.)"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.store import NewPair, Workspace
from workbench.store import import_thread, imports
from workbench.store.waiters import anyone_waiting, others_connected, waiting


def pauses_of_an_import(ws_path: Path, monkeypatch: pytest.MonkeyPatch, *, announced: bool,
                        unannounced_gap: float = 10**6) -> int:
    """Import 6,000 pairs in transactions of 1,000, another writer announced as waiting all along
    or not; returns how many times the importer paused between transactions. (By default the
    fallback for writers that cannot announce is left aside.)"""
    monkeypatch.setattr(import_thread, "BLOCK", 500)
    monkeypatch.setattr(imports, "FIRST_TRANSACTION", 1000)
    monkeypatch.setattr(imports, "MAX_TRANSACTION", 1000)
    monkeypatch.setattr(imports, "UNANNOUNCED_GAP_S", unannounced_gap)
    pauses: list[float] = []
    sleep = imports.time.sleep

    def recorded(seconds: float) -> None:
        if threading.current_thread() is threading.main_thread():
            pauses.append(seconds)
        sleep(seconds)

    monkeypatch.setattr(imports.time, "sleep", recorded)
    with Workspace(ws_path) as ws:
        with waiting(ws_path) if announced else contextlib.nullcontext():
            assert anyone_waiting(ws_path) is announced
            imports.import_pairs(ws, "big", (NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."]) for i in range(6000)),
                                 kind="corpus", source=None, who="me")
        assert ws.count_pairs(ws.document("big").id) == 6000
    return len(pauses)


def test_an_import_alone_never_pauses_between_its_transactions(ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace(ws_path).close()
    assert pauses_of_an_import(ws_path, monkeypatch, announced=False) == 0


def test_an_import_pauses_after_each_transaction_while_a_writer_waits(ws_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace(ws_path).close()
    assert pauses_of_an_import(ws_path, monkeypatch, announced=True) >= 5


@contextlib.contextmanager
def another_process_connected(ws_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process (not workbench: Python's sqlite3, as any tool) with the workspace open,
    reading; it ends when its input closes."""
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT COUNT(*) FROM documents')"
            ".fetchall(); print('open', flush=True); sys.stdin.read()")
    proc = subprocess.Popen([sys.executable, "-c", code, str(ws_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        yield proc
    finally:
        proc.communicate(timeout=30)


def test_an_import_alone_leaves_no_gap_for_writers_that_cannot_announce(ws_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Only another process could hold such a writer: with none connected, the importer's
    periodic gap (a twentieth of a 100k-pair import) is not taken, however often it is due."""
    Workspace(ws_path).close()
    assert not others_connected(ws_path)
    assert pauses_of_an_import(ws_path, monkeypatch, announced=False, unannounced_gap=0.0) == 0


def test_an_import_leaves_gaps_while_another_process_has_the_workspace_open(ws_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace(ws_path).close()
    with another_process_connected(ws_path):
        assert others_connected(ws_path)
        assert pauses_of_an_import(ws_path, monkeypatch, announced=False, unannounced_gap=0.0) >= 5
    assert not others_connected(ws_path)


def test_an_importer_asks_whether_others_have_the_workspace_open_without_the_kernels_lock_list(
        ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer has the workspace open: it asks the kernel through its own descriptor of the
    -shm file. Reading /proc/locks takes a lock over every file lock of the machine and sleeps
    ~10 ms, and an import alone asked after each of its transactions once its gap was due (1M
    pairs: a second asleep). Here the list cannot be read, which used to mean "someone may be"."""
    real_open = open

    def no_lock_list(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == "/proc/locks":
            raise PermissionError(13, "Permission denied", "/proc/locks")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    with Workspace(ws_path):
        monkeypatch.setattr("builtins.open", no_lock_list)
        assert not others_connected(ws_path)
        with another_process_connected(ws_path):
            assert others_connected(ws_path)
        assert not others_connected(ws_path)


def test_a_writer_that_finds_the_lock_taken_announces_itself_until_it_has_it(ws_path: Path) -> None:
    done = threading.Event()

    def save() -> None:
        with Workspace(ws_path) as other, other.write() as conn:
            conn.execute("UPDATE documents SET source = 'x'")
        done.set()

    with Workspace(ws_path) as holder:
        holder.conn.execute("BEGIN IMMEDIATE")
        thread = threading.Thread(target=save)
        thread.start()
        try:
            for _ in range(500):
                if anyone_waiting(ws_path):
                    break
                done.wait(0.01)
            announced = anyone_waiting(ws_path) and not done.is_set()
        finally:
            holder.conn.rollback()
            thread.join(30)
    assert announced
    assert done.is_set() and not anyone_waiting(ws_path)


def index_settings(conn: sqlite3.Connection) -> dict[str, int]:
    """The search index's automerge, crisismerge and hashsize: FTS5's defaults when never set."""
    config = dict(conn.execute("SELECT k, v FROM pairs_fts_config").fetchall())
    return {key: int(config.get(key, default)) for key, default in imports.DEFAULT_INDEX.items()}


def test_the_search_index_merges_as_usual_after_an_import_whole_or_failed(ws_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """An import lets the index's segments pile up (automerge 16) while it writes, merging them a
    step a transaction (a level is merged whole, in one transaction, only at 64 segments: at 16,
    every merge was whole, and a big level's held the write lock for seconds), and keeps a
    transaction's terms in memory until its commit (hashsize 16 MiB); afterwards every other write
    merges and flushes as FTS5 does by default (4, 16, 1 MiB), whether the import finished or not."""
    monkeypatch.setattr(imports, "FIRST_TRANSACTION", 1000)
    monkeypatch.setattr(imports, "MAX_TRANSACTION", 1000)
    seen: list[dict[str, int]] = []
    store = imports.store_staged

    def storing(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(index_settings(conn))
        return store(conn, *args, **kwargs)

    monkeypatch.setattr(imports, "store_staged", storing)

    def units(fail: bool):  # type: ignore[no-untyped-def]
        for i in range(3000):
            yield NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."])
        if fail:
            raise ValueError("the file ends badly")

    with Workspace(ws_path) as ws:
        imports.import_pairs(ws, "whole", units(False), kind="corpus", source=None, who="me")
        assert seen and all(settings == imports.IMPORT_INDEX for settings in seen)
        assert imports.IMPORT_INDEX == {"automerge": 16, "crisismerge": 64, "hashsize": 16 * 1024 * 1024}
        assert index_settings(ws.conn) == imports.DEFAULT_INDEX == {"automerge": 4, "crisismerge": 16,
                                                                     "hashsize": 1024 * 1024}
        with pytest.raises(ValueError):
            imports.import_pairs(ws, "broken", units(True), kind="corpus", source=None, who="me")
        assert index_settings(ws.conn) == imports.DEFAULT_INDEX and ws.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1


def test_an_import_hands_the_interpreter_over_quickly_and_then_as_before(ws_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer waits for the interpreter after each SQLite call while the stager parses: at
    Python's 5 ms switch interval that wait was a fifth of an import (store/imports.py)."""
    import sys

    seen: list[float] = []
    store = imports.store_staged

    def storing(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(sys.getswitchinterval())
        return store(conn, *args, **kwargs)

    monkeypatch.setattr(imports, "store_staged", storing)
    before = sys.getswitchinterval()
    with Workspace(ws_path) as ws:
        imports.import_pairs(ws, "d", (NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."]) for i in range(3000)),
                             kind="corpus", source=None, who="me")
    assert seen and max(seen) <= imports.SWITCH_INTERVAL_S < before
    assert sys.getswitchinterval() == before


def test_two_imports_at_once_leave_the_switch_interval_as_it_was(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The review app can run two imports in one process: when the first ends while the second
    still runs, the interval must stay short for the second, and be as it was after both."""
    import sys

    before = sys.getswitchinterval()
    a_storing, b_storing, a_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[float] = []
    store = imports.store_staged

    def storing(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "a":
            a_storing.set()
            b_storing.wait(60)
        else:
            b_storing.set()
            a_done.wait(60)
            seen.append(sys.getswitchinterval())  # the first import ended meanwhile
        return store(conn, *args, **kwargs)

    monkeypatch.setattr(imports, "store_staged", storing)

    def run(name: str) -> None:
        with Workspace(tmp_path / f"{name}.sqlite") as ws:
            imports.import_pairs(ws, name, (NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."]) for i in range(10)),
                                 kind="corpus", source=None, who="me")

    a, b = threading.Thread(target=run, args=("a",), name="a"), threading.Thread(target=run, args=("b",), name="b")
    a.start()
    assert a_storing.wait(60)
    b.start()
    a.join(60)
    a_done.set()
    b.join(60)
    assert seen and max(seen) <= imports.SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize("merging", ["import", "every merge whole"])
def test_no_import_transaction_merges_a_whole_level_of_the_search_index(ws_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                         merging: str) -> None:
    """FTS5 merges a level whole, in one go, once it holds ``crisismerge`` segments. When that
    equalled the import's automerge (16), every merge of the index was one, inside a single
    import transaction: at 1M pairs two transactions held the write lock 1.2-1.6 s. Measured here
    as the index blocks each transaction writes (600 transactions of 10 pairs, a segment each):
    the merges go a step a transaction, none writing many times what the others write (with the
    old settings one wrote 13 times as much)."""
    if merging != "import":  # the old settings, to show the measure sees the whole-level merges
        monkeypatch.setattr(imports, "IMPORT_INDEX", {**imports.IMPORT_INDEX, "crisismerge": 16})
    monkeypatch.setattr(import_thread, "BLOCK", 10)
    monkeypatch.setattr(imports, "FIRST_TRANSACTION", 10)
    monkeypatch.setattr(imports, "MAX_TRANSACTION", 10)
    written: list[int] = []
    with Workspace(ws_path) as ws:
        # Index pages of 32 bytes (FTS5's smallest; 4,050 by default): each transaction writes
        # dozens, as a big import's transactions do, so merges proceed as they do at scale.
        ws.conn.execute("INSERT INTO pairs_fts (pairs_fts, rank) VALUES ('pgsz', 32)")
        ws.conn.commit()

        def blocks() -> dict[int, int]:
            return dict(ws.conn.execute("SELECT id, length(block) FROM pairs_fts_data WHERE id > 10").fetchall())

        before = blocks()
        next_target = imports._next_target

        def measured(target: int, pairs: int, took: float) -> int:  # after each transaction's commit
            nonlocal before
            now = blocks()
            written.append(sum(size for block, size in now.items() if block not in before))
            before = now
            return next_target(target, pairs, took)

        monkeypatch.setattr(imports, "_next_target", measured)
        words = ["جمله", "کتاب", "sentence", "book", "virus", "ویروس", "خانه", "house"]
        imports.import_pairs(ws, "d", (NewPair(fa=[f"{words[i % 8]} {i} {words[i * 7 % 8]} {i * 13 % 1000}."],
                                               en=[f"{words[i * 3 % 8]} {i} {i * 17 % 997}."]) for i in range(6000)),
                             kind="corpus", source=None, who="me")
    assert len(written) == 600
    usual = sorted(written)[int(len(written) * 0.98)]  # what all but a few transactions write at most
    whole_level_merged = max(written) > 3 * usual
    assert whole_level_merged is (merging != "import"), (max(written), usual)


def segments(conn: sqlite3.Connection) -> set[int]:
    """The search index's segments, by id (an index page's row id is its segment's id << 37 plus
    the page's number; rows 1 and 10 are the index's averages and structure)."""
    return {row[0] for row in conn.execute("SELECT DISTINCT id >> 37 FROM pairs_fts_data WHERE id > 10")}


@pytest.mark.parametrize("hashsize", ["import", "FTS5's default"])
def test_an_import_writes_a_transactions_index_terms_as_one_segment(ws_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    hashsize: str) -> None:
    """FTS5 writes the terms it holds in memory as a new segment of the index whenever they pass
    ``hashsize`` (1 MiB by default), then merges the segments. An import's transaction of thousands
    of pairs holds several MiB: at the default each wrote several segments, and merging them was a
    sixth of the writer's work. The import keeps a transaction's terms whole until its commit."""
    if hashsize != "import":  # FTS5's default, to show the measure sees the segments pile up
        monkeypatch.setattr(imports, "IMPORT_INDEX", {**imports.IMPORT_INDEX, "hashsize": 1024 * 1024})
    monkeypatch.setattr(imports, "FIRST_TRANSACTION", 3000)
    monkeypatch.setattr(imports, "MAX_TRANSACTION", 3000)
    monkeypatch.setattr(import_thread, "BLOCK", 3000)
    written: list[int] = []
    with Workspace(ws_path) as ws:
        before = segments(ws.conn)
        next_target = imports._next_target

        def measured(target: int, pairs: int, took: float) -> int:  # after each transaction's commit
            nonlocal before
            now = segments(ws.conn)
            written.append(len(now - before))
            before = now
            return next_target(target, pairs, took)

        monkeypatch.setattr(imports, "_next_target", measured)
        # Numbers seen once each: every one a term of its own, as a corpus's rarer words are (about
        # 1.5 MiB of terms a transaction).
        imports.import_pairs(ws, "d", (NewPair(fa=["جمله " + " ".join(str(i * 40 + j) for j in range(20))],
                                               en=["sentence " + " ".join(f"n{i * 40 + j}" for j in range(20, 40))])
                                       for i in range(12_000)), kind="corpus", source=None, who="me")
    assert len(written) == 4
    # The last transaction sets FTS5's defaults back before its commit (its segment may be merged).
    if hashsize == "import":
        assert written[:-1] == [1, 1, 1]
    else:
        assert min(written[:-1]) > 1, written


def test_an_import_keeps_its_transactions_pages_in_memory_and_then_the_cache_as_it_was(
        ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At SQLite's default page cache (2 MiB) an import's transaction wrote its pages to the log
    before its commit and read them back (1M pairs: 370k more reads and writes); while importing
    the workspace's connection caches 64 MiB, and afterwards what it cached before."""
    seen: list[int] = []
    store = imports.store_staged

    def storing(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(conn.execute("PRAGMA cache_size").fetchone()[0])
        return store(conn, *args, **kwargs)

    monkeypatch.setattr(imports, "store_staged", storing)
    with Workspace(ws_path) as ws:
        before = ws.conn.execute("PRAGMA cache_size").fetchone()[0]
        imports.import_pairs(ws, "d", (NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."]) for i in range(3000)),
                             kind="corpus", source=None, who="me")
        assert seen and set(seen) == {-imports.IMPORT_CACHE_KIB} == {-64 * 1024}
        assert ws.conn.execute("PRAGMA cache_size").fetchone()[0] == before != -imports.IMPORT_CACHE_KIB
