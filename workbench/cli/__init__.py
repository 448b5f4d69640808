"""Command line: ``workbench COMMAND``. Commands live in area modules; this module holds the
group, the shared ``--ws`` option and the one place where errors become one-line messages.

Heavy libraries (argostranslate, textual, sacrebleu) are imported inside commands so that
quick commands start quickly.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from workbench.cli.base import FILE, WS_HELP, Interrupted, UserFacingError, main_group


@click.group(cls=main_group(), invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--ws", "ws_path", type=FILE, default=None, envvar="WORKBENCH_WS", help=WS_HELP)
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx: click.Context, ws_path: Path | None) -> None:
    """Persian→English translation and alignment workbench."""
    ctx.ensure_object(dict)
    ctx.obj["ws"] = ws_path
    if ctx.invoked_subcommand is None:
        from workbench.cli.tui import open_tui

        open_tui(ws_path)


def _register() -> None:
    from workbench.cli import (align, corpus, demo, findings, glossary, maintenance, mt, qa_settings, reuse, score,
                               serve, tui, users)

    for module in (corpus, demo, mt, align, score, tui, serve, users, maintenance, glossary, findings, qa_settings,
                   reuse):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    try:
        cli(prog_name="workbench")
    except UserFacingError as e:  # raised outside click's own handling (e.g. in a TUI exit path)
        e.show()
        sys.exit(1)
    except SystemExit as e:
        if e.code == Interrupted.exit_code:
            _leave_now(Interrupted.exit_code)
        raise


def _leave_now(status: int) -> NoReturn:
    """After Ctrl-C, by the time we get here every transaction in hand has been rolled back.
    A drafting thread may still be inside a CTranslate2 batch, which cannot be cancelled:
    interpreter shutdown would kill it mid-call and the C++ runtime would abort the process
    (SIGABRT instead of 130). So leave without the shutdown; SQLite needs no close to be safe."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


__all__ = ["cli", "main"]
