"""What people typed (document names, glossary terms, notes, file paths, model folders) reaches a
person's terminal as typed: Rich markup in it ("[/]", "[bold]x[/bold]") is neither parsed (no
MarkupError traceback) nor swallowed, and an escape sequence ("\\x1b[31m") is shown escaped, never
sent raw. Data outputs (segment, export -o -, --json) stay exact."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_workbench
from workbench.store import Workspace

ESC = "\x1b[31m"
MARKUP = "[/] [bold]x[/bold]"
NAME = f"doc {MARKUP} {ESC}"
SHOWN_NAME = f"doc {MARKUP} \\x1b[31m"


def shown_to_a_person(result, *, exit_code: int = 0) -> str:
    """The output of a command styled for a person, checked for what must never be in it."""
    output = result.stdout + result.stderr
    assert result.returncode == exit_code, output
    assert "Traceback" not in output and "MarkupError" not in output
    assert "\x1b" not in output, output
    return output


def test_every_command_shows_names_and_text_as_typed(tmp_path: Path) -> None:
    folder = tmp_path / f"in {MARKUP.replace('/', '|')} {ESC}"  # a "/" would make folders
    folder.mkdir()
    shown_folder = str(folder).replace(ESC, "\\x1b[31m")
    (folder / "fa.txt").write_text("سلام دنیا. این یک آزمایش است.\n", encoding="utf-8")
    (folder / "en.txt").write_text("Hello [/] world. This is a [bold]test[/bold].\n", encoding="utf-8")
    ws = tmp_path / "ws.sqlite"
    env = {"WORKBENCH_WS": str(ws), "ARGOS_PACKAGES_DIR": str(folder / "models")}

    def run(*args: str):
        return run_workbench(*args, cwd=tmp_path, env=env)

    out = shown_to_a_person(run("import", folder / "fa.txt", "--translation", folder / "en.txt", "--doc", NAME))
    assert SHOWN_NAME in out
    out = shown_to_a_person(run("glossary", "add", "سلام", "[bold]hi[/bold]", "[/]", "--note", f"see {MARKUP}"))
    assert "[bold]hi[/bold] / [/]" in out
    out = shown_to_a_person(run("glossary", "list"))
    assert "[bold]hi[/bold] / [/]" in out and f"see {MARKUP}" in out
    out = shown_to_a_person(run("glossary", "add", "دنیا", "world", "--note", f"red {ESC}"), exit_code=1)
    assert out.startswith("workbench: error: ") and "\\x1b[31m" in out
    out = shown_to_a_person(run("glossary", "export", "-o", folder / "terms.tsv"))
    assert f"to {shown_folder}/terms.tsv" in out
    out = shown_to_a_person(run("glossary", "import", folder / "terms.tsv"))
    assert f"from {shown_folder}/terms.tsv" in out
    out = shown_to_a_person(run("status"))
    assert SHOWN_NAME in out
    out = shown_to_a_person(run("qa"))
    assert SHOWN_NAME in out and "'[bold]hi[/bold] / [/]' not in the English" in out
    out = shown_to_a_person(run("align", "--doc", NAME))
    assert f"{SHOWN_NAME}: " in out
    out = shown_to_a_person(run("export", "--format", "tsv", "--status", "all", "-o", folder / "out.tsv"))
    assert f"to {shown_folder}/out.tsv" in out
    out = shown_to_a_person(run("backup", folder / "copy.sqlite"))
    assert f"to {shown_folder}/copy.sqlite" in out
    out = shown_to_a_person(run("check"))
    assert "Traceback" not in out
    out = shown_to_a_person(run("import", folder / "missing.txt"), exit_code=1)
    assert out == f"workbench: error: {shown_folder}/missing.txt: no such file\n"
    out = shown_to_a_person(run("export", "--format", "tsv", "--doc", f"none {MARKUP} {ESC}"), exit_code=1)
    assert out.startswith("workbench: error: ") and f"none {MARKUP} \\x1b[31m" in out

    package = folder / "models" / "m[bold]x"
    package.mkdir(parents=True)
    (package / "metadata.json").write_text(json.dumps({"code": f"[bold]x[/bold]{ESC}", "package_version": "1[/]",
                                                       "from_code": "fa", "to_code": "en"}), encoding="utf-8")
    out = shown_to_a_person(run("models", "list"))
    assert "[bold]x[/bold]\\x1b[31m" in out and "1[/]" in out and f"{shown_folder}/models/m[bold]x" in out


def test_data_outputs_stay_exact(tmp_path: Path) -> None:
    (tmp_path / "fa.txt").write_text("سلام دنیا. این یک آزمایش است.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Hello [/] world. This is a [bold]test[/bold].\n", encoding="utf-8")
    env = {"WORKBENCH_WS": str(tmp_path / "ws.sqlite")}

    def run(*args: str):
        result = run_workbench(*args, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("import", "fa.txt", "--translation", "en.txt", "--doc", NAME)
    run("glossary", "add", "سلام", "[bold]hi[/bold]")
    assert "Hello [/] world." in run("export", "--format", "tsv", "--status", "all", "-o", "-")
    assert {f["doc"] for f in json.loads(run("qa", "--json"))} == {NAME}
    (tmp_path / "s.txt").write_text("The [bold]first[/bold] one is here. The second [/] is there.\n", encoding="utf-8")
    assert run("segment", "s.txt", "--lang", "en") == "The [bold]first[/bold] one is here.\nThe second [/] is there.\n"


def test_a_glossary_entry_stored_before_the_checks_is_listed_escaped_and_not_lost(tmp_path: Path) -> None:
    """An entry with an ESC in it (added before terms were checked) is shown escaped by
    `glossary list`, and TBX, which cannot hold it, refuses in one line instead of a traceback."""
    ws = tmp_path / "ws.sqlite"
    env = {"WORKBENCH_WS": str(ws)}
    assert run_workbench("glossary", "add", "کتاب", "book", cwd=tmp_path, env=env).returncode == 0
    with Workspace(ws) as workspace, workspace.write() as conn:
        conn.execute("UPDATE glossary SET note = ?", [f"old {ESC} [/]"])
    out = shown_to_a_person(run_workbench("glossary", "list", cwd=tmp_path, env=env))
    assert "old \\x1b[31m [/]" in out
    out = shown_to_a_person(run_workbench("glossary", "export", "-o", tmp_path / "g.tbx", cwd=tmp_path, env=env),
                            exit_code=1)
    assert out.startswith("workbench: error: glossary entry 'کتاب'") and out.count("\n") == 1
    assert not (tmp_path / "g.tbx").exists()
