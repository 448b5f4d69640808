"""The edges of exports and backups: what lies beside the target (a killed editor's -wal, a link
planted at a temporary name), a target someone has open, a damaged workspace, a file's mode and
owner kept through a link, and an import finishing while an export or `qa` reads."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import damage
from tests.test_cli_corpus import assert_one_line_error
from workbench.store import NewPair, Workspace


def build(path: Path, name: str = "d", n: int = 300, en: str = "Sentence") -> None:
    with Workspace(path) as ws:
        doc = ws.add_document(name)
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"{en} {i}." if en else ""], status="review")
                                 for i in range(n)])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pair_texts(path: Path) -> list[str]:
    with Workspace(path) as ws:
        return [p.en for p in ws.pairs()]


# -- backup over a file with a stale -wal beside it (item 3) -----------------------------------------

EDITOR_KILLED = """
import os, sys
from workbench.store import Workspace
ws = Workspace(sys.argv[1])
ws.conn.execute("PRAGMA wal_autocheckpoint = 0")  # every change stays in the -wal
for i, pair in enumerate(list(ws.pairs())[:200]):
    ws.edits.set_english(pair.id, f"Edited in the copy {i}.", who="eve")
os.kill(os.getpid(), 9)
"""


def test_backup_over_a_copy_whose_editor_was_killed_is_sound(cli, ws_path: Path, tmp_path: Path) -> None:
    """An editor killed with -9 on an earlier backup left its -wal; the next backup renamed a new
    file under it and SQLite replayed the old log into it: `check` failed integrity, pair text,
    search index and history replay, after "backed up"."""
    build(ws_path)
    copy = tmp_path / "copy.sqlite"
    assert cli("backup", copy).exit_code == 0
    editor = subprocess.run([sys.executable, "-c", EDITOR_KILLED, str(copy)], capture_output=True, text=True)
    assert editor.returncode == -9, editor.stderr
    assert Path(f"{copy}-wal").stat().st_size > 0
    build(ws_path, name="e", en="Second")
    result = cli("backup", copy)
    assert result.exit_code == 0, result.output
    checked = cli("check", "--ws", copy)
    assert checked.exit_code == 0, checked.output
    assert pair_texts(copy) == pair_texts(ws_path)


HOLDER = """
import sys, time
from workbench.store import Workspace
ws = Workspace(sys.argv[1])
list(ws.pairs(limit=1))
print("open", flush=True)
time.sleep(120)
"""


def test_backup_refuses_a_target_another_process_has_open(cli, ws_path: Path, tmp_path: Path) -> None:
    build(ws_path)
    copy = tmp_path / "copy.sqlite"
    assert cli("backup", copy).exit_code == 0
    build(ws_path, name="e")
    editor = subprocess.Popen([sys.executable, "-c", HOLDER, str(copy)], stdout=subprocess.PIPE, text=True)
    try:
        assert editor.stdout.readline().strip() == "open"
        before = copy.stat().st_ino
        assert_one_line_error(cli("backup", copy), "copy.sqlite", "another process has this file open")
        assert copy.stat().st_ino == before and len(pair_texts(copy)) == 300  # the editor's file, untouched
        assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []
    finally:
        editor.kill()
        editor.wait()
    assert cli("backup", copy).exit_code == 0  # closed (even killed): replaced
    assert len(pair_texts(copy)) == 600


def test_backup_of_a_damaged_workspace_says_so_and_keeps_the_earlier_backup(cli, ws_path: Path,
                                                                            tmp_path: Path) -> None:
    """It printed "backed up" and replaced a good backup with the damaged copy."""
    build(ws_path, n=3000)
    copy = tmp_path / "copy.sqlite"
    assert cli("backup", copy).exit_code == 0
    before = digest(copy)
    damage(ws_path)
    result = cli("backup", copy)
    assert_one_line_error(result, str(ws_path), "damaged")
    assert "backed up" not in result.stdout
    assert digest(copy) == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


# -- links: a file's mode and owner kept, nothing written through a planted link (item 7) --------------

@pytest.mark.parametrize("command", ["export", "backup"])
def test_replacing_through_a_link_keeps_the_files_mode_and_owner(cli, ws_path: Path, tmp_path: Path,
                                                                 command: str) -> None:
    """`export -o link` onto a 0600 file left it 0644 (the new file's default)."""
    build(ws_path, n=5)
    real = tmp_path / "private" / "out.file"
    real.parent.mkdir()
    real.write_text("earlier\n", encoding="utf-8")
    os.chmod(real, 0o600)
    owner = (4321, 4321) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(real, *owner)
    link = tmp_path / "latest"
    link.symlink_to(real)
    args = ("export", "--format", "tsv", "--status", "all", "-o", link) if command == "export" else ("backup", link)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    st = os.stat(real)
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, *owner)
    assert real.read_bytes() != b"earlier\n"
    assert [p.name for p in real.parent.iterdir()] == ["out.file"]


def test_a_link_planted_at_a_temporary_name_is_never_written_through(cli, ws_path: Path, tmp_path: Path) -> None:
    """The temporary file had a name anyone could predict (the PID): a link planted there made
    the export write into the file it pointed at, then renamed the link over the target."""
    build(ws_path, n=5)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out, copy = tmp_path / "out.tsv", tmp_path / "copy.sqlite"
    for name in (f".out.tsv.partial-{os.getpid()}", f".copy.sqlite.tmp-{os.getpid()}"):
        (tmp_path / name).symlink_to(victim)
    assert cli("export", "--format", "tsv", "--status", "all", "-o", out).exit_code == 0
    assert cli("backup", copy).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not out.is_symlink() and not copy.is_symlink()
    assert out.read_text(encoding="utf-8").splitlines()[0] == "جمله 0.\tSentence 0."
    assert len(pair_texts(copy)) == 5


# -- an import finishing while an export or qa reads (item 8) ------------------------------------------

@pytest.fixture
def import_finishes_meanwhile(monkeypatch: pytest.MonkeyPatch, ws_path: Path):
    """Forces the interleaving: just before the command first reads pairs (after it read the
    documents' names, on today's main), another connection finishes importing "late"."""
    from workbench.store.imports import import_pairs

    original = Workspace.pairs
    done: list[bool] = []

    def pairs(self, *args, **kwargs):
        if not done:
            done.append(True)
            with Workspace(ws_path) as other:
                import_pairs(other, "late", [NewPair(fa=[f"دیر {i}."], en=[""], status="review") for i in range(3)],
                             kind="corpus", source=None, who="bob")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Workspace, "pairs", pairs)
    return done


def test_export_while_an_import_finishes(cli, ws_path: Path, tmp_path: Path, import_finishes_meanwhile) -> None:
    """It died with KeyError (a traceback) naming the new document's id."""
    build(ws_path, n=5, en="")
    out = tmp_path / "out.jsonl"
    result = cli("export", "--format", "jsonl", "--status", "all", "-o", out)
    assert import_finishes_meanwhile
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # One state of the workspace: "late" is whole or absent, never a pair without its name.
    assert {r["doc"] for r in rows} in ({"d"}, {"d", "late"})
    assert sum(r["doc"] == "d" for r in rows) == 5 and sum(r["doc"] == "late" for r in rows) in (0, 3)


def test_qa_json_names_a_document_an_import_finished_meanwhile(cli, ws_path: Path,
                                                              import_finishes_meanwhile) -> None:
    """`qa --json` gave "doc": "" for the new document's findings."""
    build(ws_path, n=5, en="")
    result = cli("qa", "--json", "--check", "empty")
    assert import_finishes_meanwhile
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert sorted({(f["doc"], f["pair"]) for f in findings}) == [
        *(("d", n) for n in range(1, 6)), *(("late", n) for n in range(1, 4))]
