"""Shared CLI pieces: the ``--ws`` option, opening a workspace, and turning errors into one
line on stderr with exit status 1 (usage errors stay click's exit 2)."""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from workbench.errors import WorkbenchError


class UserFacingError(click.ClickException):
    """A one-line error: ``workbench: error: …`` on stderr, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        say(f"workbench: error: {self.format_message()}", err=True)


class Interrupted(UserFacingError):
    exit_code = 130


def one_line(message: str) -> str:
    return " ".join(str(message).split())


# What the user wrote (names, terms, notes, paths) reaches a person's terminal only through these
# two: `say` for a plain line, `literal` for a cell or title of a rich table. Rich markup in it
# ("[/]", "[bold]") is shown as typed, never parsed (a MarkupError would end the command), and
# control characters (an ESC starting a colour or a cursor move) are written as escapes. Data
# outputs (segment, export -o -, --json) go out exactly and use neither.
def say(message: str, *, err: bool = False) -> None:
    """One line for a person, user text in it shown as typed."""
    from workbench.text import printable

    click.echo(printable(message), err=err)


def literal(text: str):  # -> rich.text.Text (lazy import)
    """``text`` for a rich table or title: never read as markup, control characters escaped."""
    from rich.text import Text

    from workbench.text import printable

    return Text(printable(text))


def main_group() -> type[click.Group]:
    class WorkbenchGroup(click.Group):
        def invoke(self, ctx: click.Context) -> Any:
            try:
                return super().invoke(ctx)
            except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
                raise
            except WorkbenchError as e:
                raise UserFacingError(one_line(str(e))) from None
            except sqlite3.DatabaseError as e:
                raise UserFacingError(one_line(f"workspace error: {e}")) from None
            except BrokenPipeError:
                # The reader went away (`workbench segment FILE | head`): stop quietly, as Unix tools
                # do (status 128 + SIGPIPE); the rest of stdout goes nowhere instead of failing again.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                raise click.exceptions.Exit(141) from None
            except OSError as e:
                where = f"{e.filename}: " if e.filename else ""
                raise UserFacingError(one_line(f"{where}{e.strerror or e}")) from None
            except KeyboardInterrupt:
                # Whatever was in hand is rolled back (one transaction per step); the shell's
                # convention for a Ctrl-C is 128 + SIGINT.
                raise Interrupted("interrupted: the step in hand was rolled back; what was saved before stays") from None

    return WorkbenchGroup


# Paths get no click checks: a folder or an unreadable file is bad input that the command names in
# one line (exit 1), not a usage error with click's three-line message (exit 2).
FILE = click.Path(readable=False, path_type=Path)
WS_HELP = "Workspace file [default: $WORKBENCH_WS or alignments/workbench.sqlite]."


def ws_option(func: Callable) -> Callable:
    """``--ws PATH`` on a subcommand; falls back to the group's ``--ws``, then the default."""

    @click.option("--ws", "ws_path", type=FILE, default=None, help=WS_HELP)
    @functools.wraps(func)
    def wrapper(*args: Any, ws_path: Path | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        root = ctx.find_root().obj or {}
        return func(*args, ws_path=ws_path or root.get("ws") or resolve_ws(None), **kwargs)

    return wrapper


def console(stderr: bool = False):  # -> rich.console.Console (lazy import)
    """A rich console; when piped, wide enough that tables are not folded or truncated."""
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 240, soft_wrap=True)


def resolve_ws(path: Path | None) -> Path:
    from workbench.store import default_path

    return Path(path) if path else default_path()


def open_workspace(path: Path, *, create: bool = False):  # -> Workspace (lazy import)
    from workbench.store import Workspace

    return Workspace(path, create=create)


