"""One name for an undecided pair: ``new`` wherever a person or a file sees it (the CLI's options
and tables, JSONL ``status``, TMX ``x-status``, the export dialog); ``draft``, its old name, is
still taken on input (old exports, scripts) without a word."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_workbench
from workbench.store import Workspace

OLD_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="workbench" creationtoolversion="0.1" segtype="sentence"
 o-tmf="workbench" adminlang="en" srclang="fa" datatype="plaintext"/>
<body>
<tu><prop type="x-status">draft</prop><tuv xml:lang="fa"><seg>سلام دنیا.</seg></tuv></tu>
<tu><prop type="x-status">approved</prop><tuv xml:lang="fa"><seg>خداحافظ.</seg></tuv>
<tuv xml:lang="en"><seg>Goodbye.</seg></tuv></tu>
</body></tmx>
"""


def test_new_is_the_name_in_options_tables_and_files(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("سلام دنیا.\nیک جمله دیگر.\n", encoding="utf-8")
    ws = tmp_path / "ws.sqlite"

    imported = run_workbench("import", text, "--status", "new", "--ws", ws, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    table = run_workbench("status", "--ws", ws, cwd=tmp_path)
    header = next(line for line in table.stdout.splitlines() if "document" in line)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == ["document", "kind", "new", "review", "approved",
                                                               "rejected", "total"]
    assert " draft " not in table.stdout

    jsonl = run_workbench("export", "--format", "jsonl", "--status", "new", "-o", "-", "--ws", ws, cwd=tmp_path)
    assert jsonl.returncode == 0, jsonl.stderr
    assert [json.loads(line)["status"] for line in jsonl.stdout.splitlines()] == ["new", "new"]

    tmx = tmp_path / "out.tmx"
    exported = run_workbench("export", "--format", "tmx", "--status", "new", "-o", tmx, "--ws", ws, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert tmx.read_text(encoding="utf-8").count('<prop type="x-status">new</prop>') == 2
    assert "x-status\">draft" not in tmx.read_text(encoding="utf-8")

    helptext = run_workbench("export", "--help", cwd=tmp_path).stdout
    assert "new|review" in helptext and "draft|" not in helptext


def test_draft_is_still_taken_on_input_without_a_word(tmp_path: Path) -> None:
    """Old exports re-import; ``--status draft`` in a script still works, with nothing on stderr."""
    old = tmp_path / "old.tmx"
    old.write_text(OLD_EXPORT, encoding="utf-8")
    ws = tmp_path / "ws.sqlite"
    imported = run_workbench("import", old, "--ws", ws, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    with Workspace(ws) as w:
        assert [p.status for p in w.pairs()] == ["draft", "approved"]  # stored as before: "new" at the edges

    again = run_workbench("export", "--format", "jsonl", "--status", "draft", "-o", "-", "--ws", ws, cwd=tmp_path)
    assert again.returncode == 0 and again.stderr == "exported 1 pairs to -\n"  # the summary, no warning
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == ["new"]

    text = tmp_path / "a.txt"
    text.write_text("سلام دنیا.\n", encoding="utf-8")
    scripted = run_workbench("import", text, "--doc", "scripted", "--status", "draft", "--ws", ws, cwd=tmp_path)
    assert scripted.returncode == 0 and scripted.stderr == ""
    with Workspace(ws) as w:
        assert w.count_pairs(w.document("scripted").id, status="draft") == 1

    # The round trip: a new export of the re-imported pairs says "new" again, and re-imports as it.
    tmx = tmp_path / "again.tmx"
    run_workbench("export", "--format", "tmx", "--status", "all", "-o", tmx, "--ws", ws, cwd=tmp_path)
    ws2 = tmp_path / "ws2.sqlite"
    assert run_workbench("import", tmx, "--ws", ws2, cwd=tmp_path).returncode == 0
    with Workspace(ws2) as w:
        assert sorted(p.status for p in w.pairs()) == ["approved", "draft", "draft"]

    bad = run_workbench("export", "--format", "jsonl", "--status", "drafts", "--ws", ws, cwd=tmp_path)
    assert bad.returncode == 2 and "'new'" in bad.stderr  # click's usage error names the choices
