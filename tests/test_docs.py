"""Docs that cannot drift: the command reference is generated from the click commands, and the
layout in docs/architecture.md names every package, folder and top-level module of workbench/."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import click
from cogapp import Cog

from workbench.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"


def test_the_command_reference_is_what_the_commands_say():
    """docs/cli.md regenerated now is docs/cli.md as committed (`make docs` rewrites it)."""
    out, err = io.StringIO(), io.StringIO()
    cog = Cog()
    cog.set_output(stdout=out, stderr=err)
    status = cog.main(["cog", "--check", "--diff", "--check-fail-msg", "run `make docs` and commit docs/cli.md",
                       str(ROOT / "docs" / "cli.md")])
    assert status == 0, out.getvalue() + err.getvalue()


def test_the_command_reference_is_the_same_on_any_machine():
    """A narrow terminal and the CLI's own variables set, in a fresh process (so values read at
    import time count too), change nothing in it: it would fail on a colleague's machine."""
    env = {**os.environ, "COLUMNS": "40", "WORKBENCH_WS": "/elsewhere/other.sqlite",
           "WORKBENCH_MODEL": "translate-fa_en-test", "WORKBENCH_RTL": "terminal",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "cogapp", "--check", "--diff", "docs/cli.md"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_command_reference_has_every_command_and_subcommand():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")

    def paths(group: click.Group, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = []
        for name, command in group.commands.items():
            if command.hidden:
                continue
            found.append((*prefix, name))
            if isinstance(command, click.Group):
                found += paths(command, (*prefix, name))
        return found

    every = paths(cli, ())
    assert ("glossary", "add") in every and ("models", "install") in every
    missing = [p for p in every if f"\nUsage: workbench {' '.join(p)} " not in text]
    assert not missing, f"docs/cli.md lacks {missing}: run `make docs`"


def described() -> dict[str, str]:
    """The layout block of docs/architecture.md as {path under workbench/: description}.

    An entry is a line ``<indent><name>/ or <name>.py  <description>``, two spaces of indent a
    level; deeper lines without such a name continue the description above them."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```\nworkbench/\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no layout block starting with workbench/"
    entries: dict[str, str] = {}
    parents: list[str] = []
    for line in block.group(1).splitlines():
        m = re.match(r"( *)(\S+/|\S+\.py)(?: {2,}(\S.*))?$", line)
        depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
        if not m or len(m.group(1)) % 2 or depth > len(parents):
            continue  # a description's continuation line
        parents[depth:] = [m.group(2)]
        entries["".join(parents).rstrip("/")] = m.group(3) or ""
    return entries


def on_disk() -> set[str]:
    """Every folder under workbench/ (packages, subpackages, data) and every top-level module."""
    folders = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
               if p.is_dir() and p.name != "__pycache__"}
    modules = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    return folders | modules


def test_the_architecture_describes_every_package_and_top_level_module():
    entries = described()
    undescribed = sorted(on_disk() - {name for name, what in entries.items() if what})
    assert not undescribed, f"docs/architecture.md says nothing of {undescribed} (one line each, in its layout block)"


def test_the_architecture_names_nothing_that_is_gone():
    gone = sorted(name for name in described() if not (PACKAGE / name).exists())
    assert not gone, f"docs/architecture.md describes {gone}, which workbench/ no longer has"


def test_a_package_listing_its_modules_lists_them_all():
    """A package whose modules the layout lists one by one (store/) lists every one, so a new
    module cannot slip in unexplained beside its described neighbours."""
    entries = described()
    for folder in {name.rpartition("/")[0] for name in entries if name.endswith(".py") and "/" in name}:
        listed = {name for name in entries if name.startswith(f"{folder}/") and name.endswith(".py")}
        present = {f"{folder}/{p.name}" for p in (PACKAGE / folder).glob("*.py") if p.name != "__init__.py"}
        assert not present - listed, f"docs/architecture.md lists {folder}/'s modules but not {sorted(present - listed)}"
