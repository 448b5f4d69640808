"""Builds docs/cli.md's command reference from the click commands (run by cog: `make docs`).

Every command and subcommand of ``workbench.cli:cli`` gets a section holding its ``--help``
exactly as a user sees it (usage line, help text, options). The output must not depend on the
machine that generates it, or `make test` would fail on a colleague's: the help is rendered
at a fixed width and with the environment variables the CLI reads removed while it runs. A help
text built from the environment when the CLI is imported cannot be undone here; the test
``test_the_command_reference_is_the_same_on_any_machine`` regenerates the file in a process with
those variables set, so such a text fails it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import click
from click.testing import CliRunner

from workbench.cli import cli

# 80 columns is click's own cap (max_content_width); fixing the terminal width too keeps
# $COLUMNS and the size of the terminal out of the wrapping whatever CliRunner does about them.
WIDTH = 80
# The variables the CLI reads, unset while a help screen is rendered, so that no default read
# from them when a command runs can reach one.
ENV_UNSET = ("WORKBENCH_WS", "WORKBENCH_MODEL", "WORKBENCH_USER", "WORKBENCH_CONFIG",
             "WORKBENCH_RTL", "COLUMNS", "LINES")


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """The commands below ``group`` with their paths, in the order its help lists them, groups
    before their subcommands: ("align",), ..., ("glossary",), ("glossary", "add"), ..."""
    ctx = click.Context(group, info_name="workbench")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner(env=dict.fromkeys(ENV_UNSET)).invoke(
        cli, [*path, "--help"], prog_name="workbench",
        terminal_width=WIDTH, max_content_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"workbench {' '.join(path)} --help exited {result.exit_code}: {result.output}")
    return result.output.rstrip() + "\n"


def anchor(title: str) -> str:
    """The id GitHub gives a heading: lower case, spaces to hyphens, punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def summary(command: click.Command) -> str:
    """The first paragraph of the command's help on one line (click's own short help stops at
    the first full stop, even the one of "e.g.")."""
    paragraph = inspect.cleandoc(command.help or "").split("\n\n")[0]
    return " ".join(paragraph.replace("\b", " ").split()).replace("|", "\\|")


def markdown() -> str:
    found: list[tuple[tuple[str, ...], click.Command]] = [((), cli), *commands()]
    titles = [" ".join(("workbench", *path)) for path, _ in found]
    out = ["| command | what it does |", "|---|---|"]
    for (_, command), title in zip(found, titles):
        out.append(f"| [`{title}`](#{anchor(title)}) | {summary(command)} |")
    for (path, _), title in zip(found, titles):
        out += ["", f"## {title}", "", "```text", help_text(path).rstrip("\n"), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
