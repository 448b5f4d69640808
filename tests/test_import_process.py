"""A big corpus file is read, prepared and staged by a process of its own (store/import_process.py)
while the importer stores what it staged: the workspace ends up exactly as when one process does
both, an error in the file still says where in one line, and whichever of the two processes dies,
nothing is left behind (no hidden document, no chunk files, no process)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import workbench.ingest as ingest
import workbench.store.import_process as import_process
import workbench.store.imports as imports
from tests.synthetic import write_tmx
from workbench.errors import WorkbenchError
from workbench.store import NewPair, Workspace

WORKBENCH = str(Path(sys.executable).parent / "workbench")
TICO = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "tico19" / "all.en-fa.tmx"


def write_tsv(path: Path, units: int, *, bad_line: int | None = None) -> None:
    """Real-length pairs, some repeated, some with an empty side or a side of only a joiner."""
    from workbench.formats import read_tmx

    real = [(u.fa, u.en) for u in read_tmx(TICO)]
    with path.open("w", encoding="utf-8") as f:
        f.write("fa\ten\n")
        for i in range(units):
            fa, en = real[i % len(real)]
            if i % 97 == 5:
                en = ""
            if i % 89 == 7:
                fa, en = "\u200c", ""  # nothing visible: skipped, counted
            if bad_line is not None and i + 2 == bad_line:  # line 1 is the header
                f.write("one\ttwo\tthree\n")
            f.write(f"{fa}\t{en}\n" if i % 50 else f"{fa} {i}\t{en} {i}\n")


def stored(ws_path: Path) -> tuple[object, ...]:
    """What an import leaves: the pairs, their sentences, the kept counts and the search index."""
    with Workspace(ws_path) as ws:
        conn = ws.conn
        pairs = conn.execute("SELECT doc_id, position, fa, fa_norm, en, n_fa, n_en, status, confidence, note, flag "
                             "FROM pairs ORDER BY doc_id, position").fetchall()
        sentences = conn.execute("SELECT p.position, s.lang, s.ord, s.text, s.para FROM sentences s "
                                 "JOIN pairs p ON p.id = s.pair_id ORDER BY p.position, s.lang, s.ord").fetchall()
        counts = conn.execute("SELECT doc_id, status, n FROM pair_counts WHERE n ORDER BY 1, 2").fetchall()
        found = [conn.execute("SELECT COUNT(*) FROM pairs_fts WHERE pairs_fts MATCH ?", [word]).fetchone()[0]
                 for word in ("virus OR market", "ویروس OR بازار", '"the virus" OR "world market"')]
        conn.execute("INSERT INTO pairs_fts (pairs_fts) VALUES ('integrity-check')")
        hidden = conn.execute("SELECT COUNT(*) FROM documents WHERE importing IS NOT NULL").fetchone()[0]
        return pairs, sentences, counts, found, hidden


class Spy:
    """Counts the imports that went through a process of their own."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = 0
        real = imports.ProcessFeed

        def feed(*args: object, **kwargs: object) -> import_process.ProcessFeed:
            self.started += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(imports, "ProcessFeed", feed)


@pytest.mark.parametrize("fmt", ["tsv", "tmx"])
@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_file_read_by_a_process_of_its_own_is_stored_as_one_process_stores_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, start: str) -> None:
    corpus = tmp_path / f"corpus.{fmt}"
    if fmt == "tsv":
        write_tsv(corpus, 3000)
    else:
        write_tmx(corpus, 3000)
    results = {}
    for way, threshold in (("thread", 10**15), ("process", 0)):
        monkeypatch.setattr(ingest, "PROCESS_BYTES", threshold)
        # Small chunks, few written ahead: many chunk files, several a transaction, the reader
        # waiting for the importer (passed to the child, so spawn sees them too).
        monkeypatch.setattr(import_process, "CHUNK", 170)
        monkeypatch.setattr(import_process, "AHEAD", 3)
        monkeypatch.setattr(import_process, "_context", lambda: multiprocessing.get_context(start))
        spy = Spy(monkeypatch)
        with Workspace(tmp_path / f"{way}.sqlite") as ws:
            ws.add_document("before")
            result = ingest.import_file(ws, corpus, doc="corpus")
        assert spy.started == (way == "process")
        results[way] = (result.pairs, result.duplicates, result.empty_units, result.variant_units,
                        stored(tmp_path / f"{way}.sqlite"))
    assert results["process"] == results["thread"]
    pairs, duplicates, empty, _, (rows, sentences, _, found, hidden) = results["process"]
    assert pairs == len(rows) > 2500 and hidden == 0 and min(found) > 0 and len(sentences) > pairs
    assert fmt == "tmx" or (duplicates > 0 and empty > 0)


@pytest.mark.parametrize("fmt", ["tsv", "tmx"])
def test_keys_the_reader_hands_over_are_made_by_the_importer_as_the_reader_makes_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """The reader leaves some pairs' matching key for the importer to make (KeyShare): whatever the
    share, the workspace is the one a single process makes."""
    corpus = tmp_path / f"corpus.{fmt}"
    if fmt == "tsv":
        write_tsv(corpus, 3000)
    else:
        write_tmx(corpus, 3000)
    monkeypatch.setattr(import_process, "CHUNK", 170)
    monkeypatch.setattr(import_process, "_context", lambda: multiprocessing.get_context("fork"))
    results = {}
    for way, threshold, share in (("thread", 10**15, 0), ("process", 0, 0), ("half", 0, 85), ("all", 0, 170)):
        monkeypatch.setattr(ingest, "PROCESS_BYTES", threshold)
        monkeypatch.setattr(import_process.KeyShare, "next_chunk", lambda self, pairs, share=share: min(share, pairs))
        with Workspace(tmp_path / f"{way}.sqlite") as ws:
            ws.add_document("before")
            ingest.import_file(ws, corpus, doc="corpus")
        results[way] = stored(tmp_path / f"{way}.sqlite")
    assert results["all"] == results["half"] == results["process"] == results["thread"]
    assert len(results["all"][0]) > 2500 and all(row[3] for row in results["all"][0])  # every pair has its key


def test_ctrl_c_while_the_importer_makes_keys_interrupts_the_import_and_leaves_nothing(
        tmp_path: Path, ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sqlite3 turns an exception in an SQL function into "user-defined function raised exception":
    a Ctrl-C that lands while the importer stores pairs whose keys the reader left it must still
    stop the import as an interrupt (the command says so and exits 130), not as an SQLite error.
    A signal that arrives while SQLite's own code runs is raised by Python on entering the SQL
    function for the next key, before any of its code: a fresh clone's CI met that once. Here
    reading each staged pair takes SQLite a millisecond or so (the key's expression made slow, to
    the same value) and the first pair of each chunk is left without its key: the signal, sent
    30 ms after the first key is made, lands in SQLite's code, 170 pairs before the next key."""
    import threading

    import workbench.store.staging as staging

    corpus = tmp_path / "corpus.tsv"
    write_tsv(corpus, 3000)
    monkeypatch.setattr(ingest, "PROCESS_BYTES", 0)
    monkeypatch.setattr(import_process, "CHUNK", 170)
    monkeypatch.setattr(import_process, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(import_process.KeyShare, "next_chunk", lambda self, pairs: 1)
    slow = ("(SELECT '' FROM (WITH RECURSIVE r(x) AS (SELECT length(fa) UNION ALL SELECT x + 1 FROM r "
            "WHERE x < 20000) SELECT MAX(x) FROM r))")
    monkeypatch.setattr(import_process, "KEY_SQL", f"{import_process.KEY_SQL} || {slow}")
    calls = [0]
    real = staging.normalize

    def first_key_sends_ctrl_c(text: str) -> str:
        calls[0] += 1
        if calls[0] == 1:
            threading.Timer(0.03, os.kill, [os.getpid(), signal.SIGINT]).start()
        return real(text)

    monkeypatch.setattr(staging, "normalize", first_key_sends_ctrl_c)
    with Workspace(ws_path) as ws:
        ws.add_document("before")
        with pytest.raises(KeyboardInterrupt):
            ingest.import_file(ws, corpus, doc="corpus")
        assert calls[0] == 1  # raised on entering the function for the second key
        assert [d.name for d in ws.documents()] == ["before"]
        assert ws.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 0


def test_the_importer_takes_more_keys_while_it_waits_for_the_reader_and_fewer_while_the_reader_waits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The share of the keys left to the importer, chunk by chunk, as the two processes' waits
    are reported (a clock of the test's own)."""
    clock = [0.0]
    monkeypatch.setattr(import_process.time, "monotonic", lambda: clock[0])
    share = import_process.KeyShare()
    taken = []
    for importer_waits, reader_waits in [(0.05, 0.0)] * 100 + [(0.0, 0.0)] * 5 + [(0.0, 0.05)] * 100:
        clock[0] += 0.1  # the reader writes a chunk in 0.1 s, then hears from the importer
        share.waits(importer_waits, reader_waits)
        clock[0] += reader_waits
        taken.append(share.next_chunk(2000))
    assert taken[0] > 0 and taken[99] == 2000  # the importer waited: it takes more, up to all
    assert taken[100:105] == [2000] * 5  # nobody waited: as it was
    assert taken[105] < 2000 and taken[-1] == 0  # the reader waited: it takes them back
    assert all(b >= a for a, b in zip(taken[:105], taken[1:105]))
    assert all(b <= a for a, b in zip(taken[104:], taken[105:]))


def test_storing_chunk_files_sorts_nothing(tmp_path: Path, ws_path: Path) -> None:
    """The chunk files' rows lie in key order: the statements that store them read them as they
    lie (SQLite sorted a whole transaction's rows, text and all, in a temporary b-tree)."""
    from workbench.store.staging import IN_TEMP, DistinctKeys, add_key_function, create_stage, store_statements

    keys = DistinctKeys(under=str(tmp_path))
    paths = [import_process._write_chunk(str(tmp_path), [next(iter(Sentences(1)))] * 3, 3 * i, keys)[0]
             for i in range(3)]
    keys.close()
    with Workspace(ws_path) as ws:
        add_key_function(ws.conn)
        for i, path in enumerate(paths):
            ws.conn.execute(f"ATTACH DATABASE ? AS import_chunk{i}", [path])
        for statement in store_statements(import_process.chunk_relations(len(paths), 0)):
            plan = " / ".join(row[3] for row in ws.conn.execute(f"EXPLAIN QUERY PLAN {statement}", [1, 1, 0, "", ""][
                :statement.count("?")]))
            assert "TEMP B-TREE" not in plan, plan
        create_stage(ws.conn)  # (the temp tables lie in key order too: their key is the row id)
        pairs_plan = " / ".join(row[3] for row in ws.conn.execute(
            f"EXPLAIN QUERY PLAN {store_statements(IN_TEMP)[0]}", [1, 1, 0, "", ""]))
        assert "TEMP B-TREE" not in pairs_plan


def test_a_bad_line_far_into_a_big_file_is_named_in_one_line_and_nothing_is_left(tmp_path: Path,
                                                                                  ws_path: Path) -> None:
    corpus = tmp_path / "big.tsv"
    write_tsv(corpus, 12_000, bad_line=11_000)
    assert corpus.stat().st_size > ingest.PROCESS_BYTES  # read by a process of its own
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with Workspace(ws_path) as ws:
        ws.add_document("before")
    done = subprocess.run([WORKBENCH, "import", str(corpus), "--ws", str(ws_path)], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp)}, timeout=120)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "line 11000 has 3 columns" in done.stderr and "Traceback" not in done.stderr
    with Workspace(ws_path) as ws:
        assert [d.name for d in ws.documents()] == ["before"]
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 0
    assert not list(tmp.glob("workbench-import-*"))


@dataclass
class DyingSource:
    """Pairs whose reading process dies (SIGKILL) after ``after`` of them."""

    after: int

    def __iter__(self) -> Iterator[NewPair]:
        for i in range(self.after * 10):
            if i == self.after:
                os.kill(os.getpid(), signal.SIGKILL)
            yield NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review")

    def worth_a_process(self) -> bool:
        return True


def test_an_import_copies_no_rows_to_a_temporary_table_and_indexes_them_as_the_trigger_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table with row triggers makes SQLite copy an INSERT … SELECT's rows into a temporary
    table before inserting any: an import's transactions set pairs' insert triggers aside, index
    their rows in one statement, and create the triggers again before they commit. Afterwards
    the triggers are the workspace's own, the counts right, and the search index what SQLite
    rebuilds from the pairs, read by a process of its own or by a thread."""
    from workbench.store.staging import add_key_function, insert_triggers_set_aside, store_statements

    corpus = tmp_path / "corpus.tsv"
    write_tsv(corpus, 3000)
    with Workspace(tmp_path / "fresh.sqlite") as fresh:
        triggers = fresh.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                      "ORDER BY name").fetchall()
        add_key_function(fresh.conn)
        fresh.conn.execute("BEGIN IMMEDIATE")
        statement = store_statements(import_process.chunk_relations(1, 0))[0].replace("import_chunk0.", "temp.")
        fresh.conn.execute("CREATE TEMP TABLE stage_pairs AS SELECT 0 AS k, '' AS fa, '' AS fa_norm, '' AS en, 1 AS "
                           "n_fa, 1 AS n_en, 'draft' AS status, NULL AS confidence, NULL AS fa_para, NULL AS en_para, "
                           "1 AS simple, '' AS note, '' AS flag, 0 AS fa_len, 0 AS en_len")

        calls = [0]

        def copies_rows() -> bool:
            """Whether the statement's program inserts rows into a temporary table of its own
            (another, the status CHECK's list, is an index of four values)."""
            # (Prepared anew each time: an EXPLAIN is not prepared again when the schema changes.)
            calls[0] += 1
            program = fresh.conn.execute(f"EXPLAIN {statement} -- {calls[0]}", [1, 1, 0, "", ""]).fetchall()
            temporary = {row[2] for row in program if row[1] == "OpenEphemeral"}
            return any(row[1] == "Insert" and row[2] in temporary for row in program)

        assert copies_rows()  # (why: the triggers)
        with insert_triggers_set_aside(fresh.conn):
            assert not copies_rows()
        fresh.conn.rollback()
    for way in ("process", "thread"):
        monkeypatch.setattr(ingest, "PROCESS_BYTES", 0 if way == "process" else 10**12)
        path = tmp_path / f"{way}.sqlite"
        with Workspace(path) as ws:
            ingest.import_file(ws, corpus, doc="corpus")
            conn = ws.conn
            assert conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                "ORDER BY name").fetchall() == triggers
            counted = conn.execute("SELECT status, n FROM pair_counts WHERE n ORDER BY 1").fetchall()
            assert counted == conn.execute("SELECT status, COUNT(*) FROM pairs GROUP BY 1 ORDER BY 1").fetchall()
            words = ("virus OR market", "ویروس OR بازار", '"the virus" OR "world market"', "covid", "کرونا")
            found = [conn.execute("SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ? ORDER BY rowid",
                                  [word]).fetchall() for word in words]
            assert all(found)
            with ws.write():
                conn.execute("INSERT INTO pairs_fts (pairs_fts) VALUES ('rebuild')")
            assert found == [conn.execute("SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ? ORDER BY rowid",
                                          [word]).fetchall() for word in words]


@dataclass
class Sentences:
    """``count`` numbered pairs (picklable: read by the import's reading process)."""

    count: int

    def __iter__(self) -> Iterator[NewPair]:
        for i in range(self.count):
            yield NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review")


def test_the_reader_writes_the_next_transactions_chunks_while_the_importer_stores_a_full_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk files in a transaction count against what the reader may write ahead until it
    commits. When that allowance was one transaction's worth, the reader stopped while the importer
    stored a full transaction, and the importer then waited for the next one to be written: each of
    the two idle a third of a big import."""
    import sqlite3

    monkeypatch.setattr(import_process, "CHUNK", 50)
    full = import_process.ATTACHED * 50
    conn = sqlite3.connect(":memory:", isolation_level=None)
    feed = import_process.ProcessFeed(conn, Sentences(full * 4), target=full)
    try:
        feed.wait_for_work()
        with feed.batch() as batch:
            assert batch.count == full  # a full transaction, not yet stored
            deadline = time.monotonic() + 20
            while len(feed.ready) < import_process.ATTACHED and time.monotonic() < deadline:
                feed._receive(0.1)
            assert len(feed.ready) >= import_process.ATTACHED, "the reader waited for the transaction"
    finally:
        feed.stop()
        conn.close()


def test_an_import_whose_reading_process_dies_fails_and_leaves_nothing(ws_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_process, "CHUNK", 100)
    with Workspace(ws_path) as ws:
        with pytest.raises(WorkbenchError, match="reading process ended unexpectedly"):
            imports.import_pairs(ws, "dies", DyingSource(after=1500), kind="corpus", source=None, who="me")
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
        # the stored pairs' sentences went with them (the import checks no references while it
        # writes; removing what it wrote relies on them)
        assert ws.conn.execute("SELECT COUNT(*) FROM spans").fetchone()[0] == 0
        # the connection is as it was: references checked, nothing attached
        assert ws.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert [row[1] for row in ws.conn.execute("PRAGMA database_list")] == ["main", "temp"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_reading_process_ends_and_removes_its_files_when_the_importer_is_killed(tmp_path: Path,
                                                                                    ws_path: Path) -> None:
    corpus = tmp_path / "big.tsv"
    write_tsv(corpus, 200_000)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    importer = subprocess.Popen([WORKBENCH, "import", str(corpus), "--ws", str(ws_path)], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp)})
    readers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not list(tmp.glob("workbench-import-*/*.sqlite")):  # chunks written: the reader runs
            assert importer.poll() is None and time.monotonic() < deadline, importer.communicate()
            time.sleep(0.02)
        readers = _children(importer.pid)
        assert len(readers) == 1
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
        deadline = time.monotonic() + 20
        while (_alive(readers[0]) or list(tmp.glob("workbench-import-*"))) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(readers[0])
        assert not list(tmp.glob("workbench-import-*"))
    finally:
        for pid in _children(importer.pid) + readers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)  # a reader left running holds the test's pipes open
        if importer.poll() is None:
            importer.kill()
        importer.communicate()


def test_a_failure_inside_an_import_transaction_leaves_references_checked_and_nothing_behind(ws_path: Path) -> None:
    """The import checks no foreign keys while it writes; a failure in its last transaction must
    not leave them unchecked (removing what it wrote relies on them to take the sentences too)."""
    def last(_conn: object) -> None:
        raise WorkbenchError("the last step failed")

    with Workspace(ws_path) as ws:
        pairs = [NewPair(fa=[f"جمله {i}.", "دوم."], en=[f"Sentence {i}."]) for i in range(3000)]
        with pytest.raises(WorkbenchError, match="the last step failed"):
            imports.import_pairs(ws, "fails", pairs, kind="corpus", source=None, who="me", last=last)
        assert ws.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert ws.conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 0
        assert ws.conn.execute("SELECT COUNT(*) FROM spans").fetchone()[0] == 0


def test_an_import_stopped_by_its_importer_leaves_no_temporary_files(tmp_path: Path, ws_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer fails (here: its third transaction) and ends the reader at once: the reader's
    chunk files and the pair hashes it spilled to disk (past DistinctKeys.LIMIT) all go."""
    import tempfile

    from workbench.store.staging import DistinctKeys

    corpus = tmp_path / "big.tsv"
    write_tsv(corpus, 20_000)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setattr(ingest, "PROCESS_BYTES", 0)
    monkeypatch.setattr(import_process, "_context", lambda: multiprocessing.get_context("fork"))  # sees the patches
    monkeypatch.setattr(import_process, "CHUNK", 500)
    monkeypatch.setattr(DistinctKeys, "LIMIT", 1000)
    calls: list[int] = []
    real = imports.store_staged

    def failing(*args: object, **kwargs: object) -> int:
        calls.append(1)
        if len(calls) == 3:
            time.sleep(0.5)  # the reader has spilled hashes by now
            raise WorkbenchError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "store_staged", failing)
    with Workspace(ws_path) as ws, pytest.raises(WorkbenchError, match="disk full"):
        ingest.import_file(ws, corpus, doc="big")
    assert not list(tmp.glob("workbench-import-*"))


def test_a_reader_that_has_written_everything_still_cleans_up_after_a_killed_importer(tmp_path: Path,
                                                                                     ws_path: Path) -> None:
    """The reader writes a small big file's few chunks and says it is done long before the
    importer has stored them; killed then, the importer leaves them behind unless the reader
    waits for the pipe to close before it leaves (it used to leave at once)."""
    import sqlite3

    corpus = tmp_path / "small-big.tsv"
    write_tsv(corpus, 7000)
    assert corpus.stat().st_size > ingest.PROCESS_BYTES and 7000 <= import_process.AHEAD * import_process.CHUNK
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with Workspace(ws_path) as ws:
        ws.add_document("before")
    importer = subprocess.Popen([WORKBENCH, "import", str(corpus), "--ws", str(ws_path)], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp)})
    readers: list[int] = []
    blocker = sqlite3.connect(ws_path, timeout=30, isolation_level=None)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp.glob("workbench-import-*/*.sqlite")):
            assert importer.poll() is None and time.monotonic() < deadline, importer.communicate()
            time.sleep(0.01)
        readers = _children(importer.pid)
        blocker.execute("BEGIN IMMEDIATE")  # the importer waits for the lock: nothing more is stored
        deadline = time.monotonic() + 30
        while len(list(tmp.glob("workbench-import-*/*.sqlite"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # the reader has written its last chunk and said so
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
        blocker.execute("ROLLBACK")
        deadline = time.monotonic() + 20
        while (any(map(_alive, readers)) or list(tmp.glob("workbench-import-*"))) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert readers and not any(map(_alive, readers))
        assert not list(tmp.glob("workbench-import-*"))
    finally:
        blocker.close()
        for pid in readers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if importer.poll() is None:
            importer.kill()
        importer.communicate()
