"""Hostile input that the corpus tests do not cover already: huge lines, control and bidi
characters, unwritable export targets. Each ends with exit 0 or one clear line, and an unchanged
workspace. (Encodings, empty/binary files, broken TMX/TSV: tests/test_cli_corpus.py; foreign,
newer and read-only workspaces: tests/test_store.py; FTS syntax: tests/test_tui_search.py.)"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import run_workbench
from tests.test_cli_corpus import assert_one_line_error, workspace_state
from workbench.store import NewPair, Workspace

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_a_single_line_as_long_as_a_sentence_may_be(cli, tmp_path: Path, ws_path: Path) -> None:
    """Just under the 1 MB a sentence may be (longer ones are refused: tests/test_import_edges.py)."""
    source = tmp_path / "huge.txt"
    source.write_text(("کلمه " * 115_000) + "پایان.", encoding="utf-8")  # 1.0 MB, no stop until the end
    result = cli("import", source)
    assert result.exit_code == 0, result.output
    with Workspace(ws_path) as ws:
        pair = next(ws.pairs())
        assert len(pair.fa) > 575_000 - 10
    out = tmp_path / "huge.jsonl"
    assert cli("export", "--format", "jsonl", "--status", "all", "-o", out).exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["fa"]) == len(pair.fa)


def test_control_and_bidi_characters_are_kept_and_exports_stay_valid(cli, tmp_path: Path, ws_path: Path) -> None:
    tsv = tmp_path / "odd.tsv"
    fa = f"متن {BIDI} با\x07 کنترل\x1b و \ufffe"
    tsv.write_text(f"{fa}\tplain English{BIDI[:3]}\n", encoding="utf-8")
    assert cli("import", tsv).exit_code == 0
    with Workspace(ws_path) as ws:
        assert next(ws.pairs()).fa == fa  # stored as given
    tmx = tmp_path / "odd.tmx"
    assert cli("export", "--format", "tmx", "--status", "all", "-o", tmx).exit_code == 0
    seg = etree.parse(str(tmx)).find(".//tuv/seg").text  # valid XML despite \x07, \x1b, U+FFFE
    assert BIDI in seg and "\x07" not in seg
    moses = tmp_path / "odd"
    assert cli("export", "--format", "moses", "--status", "all", "-o", moses).exit_code == 0
    assert Path(f"{moses}.fa").read_text(encoding="utf-8").count("\n") == 1


def test_bidi_controls_left_open_cannot_reorder_the_rest_of_an_export_line(cli, tmp_path: Path,
                                                                           ws_path: Path) -> None:
    """An override or isolate left open (U+202E, U+2067) reorders everything after it on the line
    in any bidi-aware viewer: the English column of a TSV, the markup after a TMX segment, the
    fields after a JSON string. TMX and JSONL write them as escapes (same text read back), TSV
    closes them at the end of the field."""
    fa, en = "متن \u202eوارونه", "plain \u2067text"
    tsv = tmp_path / "open.tsv"
    tsv.write_text(f"{fa}\t{en}\n", encoding="utf-8")
    assert cli("import", tsv).exit_code == 0
    with Workspace(ws_path) as ws:
        assert (next(ws.pairs()).fa, next(ws.pairs()).en) == (fa, en)  # stored as given
    outs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("tsv", "tmx", "jsonl")}
    for fmt, out in outs.items():
        assert cli("export", "--format", fmt, "--status", "all", "-o", out).exit_code == 0
    assert outs["tsv"].read_text(encoding="utf-8") == f"{fa}\u202c\t{en}\u2069\n"
    for fmt in ("tmx", "jsonl"):
        assert not any(ch in BIDI for ch in outs[fmt].read_text(encoding="utf-8")), fmt
    segs = [seg.text for seg in etree.parse(str(outs["tmx"])).iter("seg")]
    row = json.loads(outs["jsonl"].read_text(encoding="utf-8"))
    assert segs == [fa, en] and (row["fa"], row["en"]) == (fa, en)


def test_export_to_a_folder_path_is_one_line(cli, tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("یک\tone\n", encoding="utf-8")
    cli("import", tsv)
    (tmp_path / "taken").mkdir()
    assert_one_line_error(cli("export", "--format", "tsv", "--status", "all", "-o", tmp_path / "taken"), "folder")


def test_unknown_encoding_is_one_line(cli, tmp_path: Path, ws_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("سلام.", encoding="utf-8")
    assert_one_line_error(cli("import", source, "--encoding", "klingon"), "klingon")
    assert workspace_state(ws_path) == []


def test_read_only_export_folder(tmp_path: Path) -> None:
    """As root permission bits do not apply, so the export runs as the user ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="ro-export-"))
    try:
        ws = folder / "w.sqlite"
        tsv = folder / "c.tsv"
        tsv.write_text("یک\tone\n", encoding="utf-8")
        exe = str(Path(sys.executable).parent / "workbench")
        subprocess.run([exe, "import", str(tsv), "--ws", str(ws)], check=True, capture_output=True)
        out_dir = folder / "exports"
        out_dir.mkdir()
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = [shutil.which("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
            folder.chmod(0o755)
            out_dir.chmod(0o755)
        else:
            out_dir.chmod(0o555)
        before = workspace_state(ws)
        done = subprocess.run([*prefix, exe, "export", "--format", "tsv", "--status", "all", "-o",
                               str(out_dir / "c.tsv"), "--ws", str(ws)], capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("workbench: error:") and "Traceback" not in done.stderr
        assert list(out_dir.iterdir()) == []
        assert workspace_state(ws) == before
    finally:
        for path in (folder, folder / "exports"):
            if path.exists():
                path.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# -- odd export and backup targets -------------------------------------------------------------

def _corpus(cli, tmp_path: Path) -> None:
    tsv = tmp_path / "c.tsv"
    tsv.write_text("یک\tone\nدو\ttwo\n", encoding="utf-8")
    assert cli("import", tsv).exit_code == 0


def test_export_and_backup_never_overwrite_the_workspace(cli, tmp_path: Path, ws_path: Path) -> None:
    """-o naming the workspace (directly, through a link, or its write-ahead log) once replaced
    the user's whole workspace with the export."""
    _corpus(cli, tmp_path)
    link = tmp_path / "link.sqlite"
    link.symlink_to(ws_path)
    before = workspace_state(ws_path)
    for target in (ws_path, link, Path(f"{ws_path}-wal")):
        assert_one_line_error(cli("export", "--format", "tsv", "--status", "all", "-o", target),
                              str(target), "overwrite the workspace")
        assert_one_line_error(cli("backup", target), str(target), "overwrite the workspace")
    assert workspace_state(ws_path) == before
    assert cli("status").exit_code == 0


def test_export_into_a_pipe_writes_through_it(cli, tmp_path: Path) -> None:
    """A device or pipe (/dev/null, a shell's >(gzip > x.gz)) must be written into, not renamed
    over: as root, the rename once turned /dev/null into a regular file."""
    _corpus(cli, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = cli("export", "--format", "tsv", "--status", "all", "-o", fifo)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert received == ["یک\tone\nدو\ttwo\n".encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []
    assert_one_line_error(cli("backup", fifo), "pipe", "not a regular file")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_export_through_a_link_replaces_the_file_it_points_at(cli, tmp_path: Path) -> None:
    _corpus(cli, tmp_path)
    real = tmp_path / "corpora" / "c.tsv"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.tsv"
    link.symlink_to(real)
    assert cli("export", "--format", "tsv", "--status", "all", "-o", link).exit_code == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "یک\tone\nدو\ttwo\n"


def test_export_to_standard_output(tmp_path: Path) -> None:
    ws = tmp_path / "w.sqlite"
    tsv = tmp_path / "c.tsv"
    tsv.write_text("یک\tone\n", encoding="utf-8")
    assert run_workbench("import", tsv, "--ws", ws, cwd=tmp_path).returncode == 0
    done = run_workbench("export", "--format", "jsonl", "--status", "all", "-o", "-", "--ws", ws, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["en"] for line in done.stdout.splitlines()] == ["one"]  # nothing else on stdout
    assert "exported 1 pairs" in done.stderr
    assert not (tmp_path / "-").exists()
    moses = run_workbench("export", "--format", "moses", "-o", "-", "--ws", ws, cwd=tmp_path)
    assert moses.returncode == 1 and moses.stderr.count("\n") == 1 and "two files" in moses.stderr


def test_export_under_a_file_is_one_line(cli, tmp_path: Path) -> None:
    _corpus(cli, tmp_path)
    (tmp_path / "notes").write_text("x", encoding="utf-8")
    for args in (("export", "--format", "tsv", "--status", "all", "-o"), ("backup",)):
        assert_one_line_error(cli(*args, tmp_path / "notes" / "c.tsv"), "notes", "in the way")


def _unprivileged() -> list[str]:
    """Root ignores permission bits: run as ``nobody`` to meet a read-only file or folder."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test read-only access as root"
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def test_read_only_folder_errors_name_the_file_and_check_still_passes(tmp_path: Path) -> None:
    """In a folder the user may not write: creating a workspace or a backup there names the file
    (it was "workspace error: unable to open database file"), and `check` passes on a healthy
    read-only workspace (FTS5's integrity check is an INSERT, refused there)."""
    folder = Path(tempfile.mkdtemp(prefix="ro-folder-"))
    try:
        ws = folder / "w.sqlite"
        note = folder / "note.txt"
        note.write_text("یک جمله.\n", encoding="utf-8")
        exe = str(Path(sys.executable).parent / "workbench")
        subprocess.run([exe, "import", str(note), "--ws", str(ws)], check=True, capture_output=True)
        prefix = _unprivileged()
        if prefix:
            folder.chmod(0o755)
        else:
            ws.chmod(0o444)
            folder.chmod(0o555)
        before = workspace_state(ws)

        def run(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([*prefix, exe, *args], capture_output=True, text=True)

        for args, target in ((("import", str(note), "--ws", str(folder / "new.sqlite")), "new.sqlite"),
                             (("backup", str(folder / "copy.sqlite"), "--ws", str(ws)), "copy.sqlite")):
            done = run(*args)
            assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
            assert done.stderr.startswith("workbench: error: ") and target in done.stderr
        check = run("check", "--ws", str(ws))
        assert check.returncode == 0, check.stdout + check.stderr
        assert "search index" in check.stdout
        assert sorted(p.name for p in folder.iterdir()) == ["note.txt", "w.sqlite"]
        assert workspace_state(ws) == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_or_unreadable_file_as_input_is_one_line_exit_1(cli, tmp_path: Path, ws_path: Path) -> None:
    """Bad input, not a usage error: click's three-line usage message with exit 2 is for typos."""
    note = tmp_path / "note.txt"
    note.write_text("یک جمله.\n", encoding="utf-8")
    folder = tmp_path / "corpus.tmx"
    folder.mkdir()
    for args in (("import", folder), ("import", note, "--translation", folder), ("segment", folder)):
        assert_one_line_error(cli(*args), str(folder), "is a folder")
    assert not ws_path.exists()
    assert cli("import", note).exit_code == 0
    assert_one_line_error(cli("backup", folder), str(folder), "is a folder")
    folder = Path(tempfile.mkdtemp(prefix="unreadable-"))  # pytest's tmp_path is closed to nobody
    try:
        folder.chmod(0o777)
        secret = folder / "secret.tsv"
        secret.write_text("یک\tone\n", encoding="utf-8")
        secret.chmod(0o000)
        exe = str(Path(sys.executable).parent / "workbench")
        for args in (["import", str(secret), "--ws", str(folder / "w.sqlite")], ["segment", str(secret)]):
            done = subprocess.run([*_unprivileged(), exe, *args], capture_output=True, text=True)
            assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
            assert done.stderr.startswith(f"workbench: error: {secret}: cannot read")
        assert sorted(p.name for p in folder.iterdir()) == ["secret.tsv"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_as_workspace_or_as_an_input_file_is_one_line_for_every_command(cli, tmp_path: Path) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    for args in (("status", "--ws", folder), ("--ws", folder, "status"), ("open", "--ws", folder),
                 ("demo", "--no-open", "--ws", folder), ("translate", "--ws", folder), ("align", "--ws", folder),
                 ("check", "--ws", folder), ("export", "--format", "tsv", "--ws", folder),
                 ("align-files", folder, folder), ("eval-align", folder, folder), ("score-files", folder, folder)):
        assert_one_line_error(cli(*args), str(folder))
    assert list(folder.iterdir()) == []


def test_devices_pipes_and_sockets_are_refused_in_one_line_wherever_a_file_is_read(tmp_path: Path) -> None:
    """/dev/zero read forever and a pipe's open waited for a writer forever, in every command
    that reads a file; a socket failed with a traceback-free but misleading error at best."""
    import socket

    from tests.rss import measure, workbench_exe

    note = tmp_path / "note.txt"
    note.write_text("یک جمله.\n", encoding="utf-8")
    short = Path(tempfile.mkdtemp(prefix="wb-"))  # a socket's path must be short
    fifo, sock_path = short / "pipe", short / "sock"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        for special, kind in ((Path("/dev/zero"), "a device"), (fifo, "a pipe"), (sock_path, "a socket")):
            for args in (("import", special), ("import", note, "--translation", special), ("segment", special),
                         ("score-files", special, note), ("score-files", note, special),
                         ("align-files", special, note), ("align-files", note, special),
                         ("eval-align", special, special)):
                done = measure([workbench_exe(), *args], cwd=tmp_path, env={"WORKBENCH_WS": str(tmp_path / "w.sqlite")},
                               limit_gb=1, timeout=60)
                assert done.returncode == 1, (args, done.stderr[-500:])
                assert done.stderr == f"workbench: error: {special}: {kind}, not a file; only regular files are read\n"
        assert not (tmp_path / "w.sqlite").exists()
    finally:
        sock.close()
        shutil.rmtree(short, ignore_errors=True)


EVIL = "evil\x1b[31mred\x1b[0m\x07"  # an escape sequence and a bell
SHOWN = "evil\\x1b[31mred\\x1b[0m\\x07"  # as printed


def _named_documents(ws_path: Path) -> None:
    """Documents named like markup and like an escape sequence, each with a scored draft, from a
    system whose model name is markup too."""
    with Workspace(ws_path) as ws:
        for name in ("[/]", EVIL, "[bold]loud"):
            doc = ws.add_document(name)
            ws.insert_pairs(doc.id, [NewPair(fa=["جمله یک."], en=["Sentence one [/]."], status="approved")])
            pair = next(ws.pairs(doc.id))
            ws.add_draft(pair.id, source=pair.fa, text="Sentence one.", engine="argos", model="m[/]")


def test_names_are_printed_literally_with_control_characters_escaped(cli, ws_path: Path, tmp_path: Path) -> None:
    """`status` and `score` crashed with rich's MarkupError on a document named [/]; a name with an
    escape sequence reached the terminal raw (`align`) or as markup ([bold])."""
    _named_documents(ws_path)
    for args in (("status",), ("score",), ("align",)):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        for shown in ("[/]", SHOWN, "[bold]loud"):
            assert shown in result.stdout, (args, shown, result.stdout)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, args
    assert "argos:m[/]" in cli("score").stdout
    gold = tmp_path / "[bold]gold"
    gold.write_text("[0]:[0]\n", encoding="utf-8")
    evaluated = cli("eval-align", gold, gold)
    assert evaluated.exit_code == 0, evaluated.output
    assert f"{gold} against {gold}" in evaluated.stdout


@pytest.mark.anyio
async def test_the_review_app_shows_names_literally_with_control_characters_escaped(
        tmp_path: Path, ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The documents and scores screens replaced control characters with spaces and the pairs
    title passed them to the terminal: all three show the name as typed, escapes visible."""
    from textual.widgets import DataTable

    from workbench.tui.app import WorkbenchApp

    monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    _named_documents(ws_path)
    app = WorkbenchApp(ws_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == ["[/]", SHOWN, "[bold]loud"]
        await pilot.press("down", "enter")
        await pilot.pause()
        title = str(app.screen.query_one("#title").render())
        assert title.startswith(SHOWN + " · ") and "\x1b" not in title


def test_export_to_a_reader_that_stops_early_leaves_quietly(tico_tmx: Path, tmp_path: Path) -> None:
    """`export -o - | head -1` printed "cannot write (Broken pipe)" and exited 1; it now leaves as
    `segment` does: nothing on stderr, the shell's status for SIGPIPE (141)."""
    from tests.conftest import ROOT

    ws = tmp_path / "w.sqlite"
    assert run_workbench("import", tico_tmx, "--status", "approved", "--ws", ws, cwd=tmp_path).returncode == 0
    exe = str(Path(sys.executable).parent / "workbench")
    for fmt in ("jsonl", "tsv", "tmx"):
        export = subprocess.Popen([exe, "export", "--format", fmt, "-o", "-", "--ws", str(ws)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert export.stdout.readline()  # `head -1`: one line read, then the pipe closed
        export.stdout.close()
        stderr = export.stderr.read().decode()
        assert export.wait(timeout=120) == 141, stderr
        assert stderr == "", fmt
