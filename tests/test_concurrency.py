"""Several processes on one workspace file: creating it, upgrading it, a failed first import's
cleanup, reading it read-only, and what killed backups leave behind. Imports that run while
others write: tests/test_concurrency_import.py."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.soak import import_rounds
from tests.synthetic import write_tmx
from tests.conftest import run_workbench
from workbench.store import NewPair, Workspace

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def start(*args: object, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([WORKBENCH, *map(str, args)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def flock_free(path: Path) -> bool:
    """Whether nobody holds a lock on the workspace file (tried from a separate process, since
    flock is per open file and ours would not conflict with itself)."""
    code = ("import fcntl, os, sys\nfd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(1)\n")
    return subprocess.run([sys.executable, "-c", code, str(path)]).returncode == 0


def has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == str(path.resolve())
                   for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def broken_tmx(path: Path, units: int) -> Path:
    """A TMX that is malformed at its very end: the import reads (and stores) for a while, then fails."""
    write_tmx(path, units)
    with path.open("a", encoding="utf-8") as f:
        f.write("<tu><tuv")
    return path


# -- creating a workspace ------------------------------------------------------------------------

def test_three_first_imports_at_once_all_succeed(tmp_path: Path) -> None:
    """It was: in 18 of 30 rounds one failed ("table documents already exists", "database is
    locked", "not a workbench workspace"), 3 lost an import that had reported success, once the
    file was gone. The soak (bench/soak.py imports) runs 30 rounds; here three, with a fourth
    import of a broken file each round whose cleanup must not touch the others' work."""
    problems, succeeded = import_rounds(tmp_path, rounds=3, importers=3, units=500)
    assert problems == []
    assert succeeded == 9


def test_an_old_workspace_opened_by_several_processes_is_upgraded_once(tmp_path: Path) -> None:
    """Every process found the migration pending and ran it: "duplicate column name"."""
    ws_path = tmp_path / "old.sqlite"
    for round_ in range(3):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ws_path}{suffix}").unlink(missing_ok=True)
        with Workspace(ws_path) as ws:
            ws.add_document("d")
        conn = sqlite3.connect(ws_path)  # back to the schema before m006 (and m015, which reads its column)
        conn.executescript("DROP TABLE pair_counts; DROP TRIGGER pair_counts_ai; DROP TRIGGER pair_counts_ad; "
                           "DROP TRIGGER pair_counts_au")
        conn.execute("ALTER TABLE documents DROP COLUMN importing")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('m006_documents_importing', 'm015_pair_counts')")
        conn.commit()
        conn.close()
        procs = [start("status", "--ws", ws_path, cwd=tmp_path) for _ in range(4)]
        results = [(p.wait(), p.stderr.read()) for p in procs]
        assert [code for code, _ in results] == [0] * 4, (round_, results)
    with Workspace(ws_path) as ws:
        assert [d.name for d in ws.documents()] == ["d"]


def test_a_failed_first_import_keeps_a_workspace_another_process_has_open(tmp_path: Path) -> None:
    """The failed import created the file; meanwhile another process opened it and wrote a
    document. The cleanup used to delete the file under it."""
    ws_path = tmp_path / "new.sqlite"
    bad = start("import", broken_tmx(tmp_path / "bad.tmx", 30_000), "--ws", ws_path, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not ws_path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    with Workspace(ws_path) as ws:  # waits while the failing import creates the schema
        doc = ws.add_document("mine")
        ws.insert_pairs(doc.id, [NewPair(fa=["یک."], en=["One."], status="review")])
        assert bad.wait(timeout=120) == 1, bad.stdout.read()
        assert "malformed TMX" in bad.stderr.read()
        assert [d.name for d in ws.documents()] == ["mine"]
    with Workspace(ws_path, create=False) as ws:
        assert [d.name for d in ws.documents()] == ["mine"]
    assert run_workbench("check", "--ws", ws_path, cwd=tmp_path).returncode == 0


def test_a_failed_first_import_keeps_a_workspace_another_process_wrote_and_closed(tmp_path: Path) -> None:
    ws_path = tmp_path / "new.sqlite"
    bad = start("import", broken_tmx(tmp_path / "bad.tmx", 30_000), "--ws", ws_path, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not ws_path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    with Workspace(ws_path) as ws:
        ws.add_document("mine")
    assert bad.wait(timeout=120) == 1
    with Workspace(ws_path, create=False) as ws:
        assert [d.name for d in ws.documents()] == ["mine"]


def test_a_failed_first_import_alone_leaves_no_file(tmp_path: Path) -> None:
    ws_path = tmp_path / "new.sqlite"
    done = run_workbench("import", broken_tmx(tmp_path / "bad.tmx", 3000), "--ws", ws_path, cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tmx"]


def test_the_file_lock_is_shared_by_a_process_and_held_while_any_connection_is_open(tmp_path: Path) -> None:
    """One lock per process and file: closing one of two workspaces (a TUI worker's) keeps it,
    so no other process may delete or upgrade the file under the other."""
    ws_path = tmp_path / "ws.sqlite"
    first = Workspace(ws_path)
    second = Workspace(ws_path)
    fds = [fd for fd in os.listdir("/proc/self/fd")
           if os.path.realpath(f"/proc/self/fd/{fd}") == str(ws_path.resolve())]
    assert not flock_free(ws_path)
    first.close()
    assert not flock_free(ws_path)
    second.add_document("still here")  # its SQLite locks were not dropped with the first's
    second.close()
    assert flock_free(ws_path)
    # SQLite's own descriptors plus exactly one of ours
    assert len(fds) <= 3


def test_threads_of_one_process_open_a_new_workspace_at_once(tmp_path: Path) -> None:
    """The review app's workers each open their own Workspace: one lock for them all, set up once."""
    import threading

    ws_path = tmp_path / "ws.sqlite"
    errors: list[BaseException] = []
    start_line = threading.Barrier(8)

    def worker(i: int) -> None:
        try:
            start_line.wait()
            with Workspace(ws_path) as ws:
                ws.add_document(f"doc{i}")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Workspace(ws_path) as ws:
        assert len(ws.documents()) == 8
    assert flock_free(ws_path)


def test_opening_waits_while_another_process_creates_the_schema(tmp_path: Path) -> None:
    """An empty file under another process's exclusive lock is being set up: wait for it, do not
    take it for a missing workspace or create the schema a second time."""
    from sqlite_utils import Database

    from workbench.store.schema import migrations

    ws_path = tmp_path / "ws.sqlite"
    ws_path.touch()
    fd = os.open(ws_path, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        status = start("status", "--ws", ws_path, cwd=tmp_path)
        deadline = time.monotonic() + 60
        while status.poll() is None and not has_open(status.pid, ws_path) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        assert status.poll() is None  # it has the file open and waits, not failing on an empty file
        conn = sqlite3.connect(ws_path)  # what the other process does meanwhile
        conn.execute("PRAGMA journal_mode = WAL")
        migrations.apply(Database(conn))
        conn.execute("INSERT INTO documents (name, kind, created_at) VALUES ('made', 'text', 'now')")
        conn.commit()
        conn.close()
    finally:
        os.close(fd)
    assert status.wait(timeout=60) == 0, status.stderr.read()
    assert "made" in status.stdout.read()


# -- read-only workspaces ------------------------------------------------------------------------

def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test read-only access as root"
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def test_a_read_only_workspace_is_checked_and_read_without_leaving_files(tmp_path: Path) -> None:
    """A workspace file the user may not write, in a folder they may: `check` failed ("attempt to
    write a readonly database") and reading left 0444 -wal/-shm files that broke later writers."""
    folder = Path(tempfile.mkdtemp(prefix="ro-file-"))  # pytest's tmp_path is closed to nobody
    try:
        folder.chmod(0o777)
        ws_path = folder / "w.sqlite"
        note = folder / "note.txt"
        note.write_text("یک جمله.\n", encoding="utf-8")
        subprocess.run([WORKBENCH, "import", str(note), "--ws", str(ws_path)], check=True, capture_output=True)
        prefix = _as_nobody()
        if prefix:
            os.chown(ws_path, *_nobody_ids())
        ws_path.chmod(0o444)

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([*prefix, WORKBENCH, *args, "--ws", str(ws_path)], capture_output=True, text=True)

        for args in (("check",), ("status",), ("export", "--format", "tsv", "--status", "all", "-o", "-")):
            done = run(*args)
            assert done.returncode == 0, (args, done.stdout, done.stderr)
            assert sorted(p.name for p in folder.iterdir()) == ["note.txt", "w.sqlite"], args
        ws_path.chmod(0o644)  # writable again: the same user's import works
        done = run("import", str(note), "--doc", "again")
        assert done.returncode == 0, done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _nobody_ids() -> tuple[int, int]:
    import grp
    import pwd

    return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid


# -- what a killed backup leaves -----------------------------------------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_backup_and_check_remove_what_killed_backups_left(tmp_path: Path, ws_path: Path) -> None:
    """A backup killed with -9 left its temporary copy and journal forever."""
    with Workspace(ws_path) as ws:
        ws.add_document("d")
    backups = tmp_path / "backups"
    backups.mkdir()
    dead = _dead_pid()
    stale = [backups / f".copy.sqlite.tmp-{dead}", backups / f".copy.sqlite.tmp-{dead}-journal",
             backups / f".other.sqlite.tmp-{dead}", ws_path.parent / f".nightly.sqlite.tmp-{dead}"]
    alive = backups / f".copy.sqlite.tmp-{os.getpid()}"  # a backup running now: left alone
    for path in (*stale, alive):
        path.write_bytes(b"x" * 1000)
    done = run_workbench("backup", backups / "copy.sqlite", "--ws", ws_path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in backups.iterdir()) == sorted(["copy.sqlite", alive.name])
    assert stale[-1].exists()  # another folder: `check` of the workspace beside it removes it
    done = run_workbench("check", "--ws", ws_path, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not stale[-1].exists()
    assert "removed 1 temporary backup file" in done.stdout


@pytest.mark.slow
def test_backup_killed_with_9_leaves_nothing_after_the_next_one(tmp_path: Path) -> None:
    ws_path = tmp_path / "big.sqlite"
    tmx = tmp_path / "big.tmx"
    write_tmx(tmx, 60_000)
    assert run_workbench("import", tmx, "--ws", ws_path, cwd=tmp_path).returncode == 0
    target = tmp_path / "out" / "copy.sqlite"
    for _ in range(20):  # kill it while its temporary copy exists
        proc = start("backup", target, "--ws", ws_path, cwd=tmp_path)
        deadline = time.monotonic() + 30
        while proc.poll() is None and not list(target.parent.glob(".copy.sqlite.tmp-*")) \
                and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.kill()
        proc.wait()
        if list(target.parent.glob(".copy.sqlite.tmp-*")):
            break
    assert list(target.parent.glob(".copy.sqlite.tmp-*"))
    assert run_workbench("backup", target, "--ws", ws_path, cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite"]
