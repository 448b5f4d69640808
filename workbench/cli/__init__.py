"""Command line: ``workbench COMMAND``. Commands live in area modules; this module holds the
group, the shared ``--ws`` option and the one place where errors become one-line messages.

Heavy libraries (argostranslate, textual, sacrebleu) are imported inside commands so that
quick commands start quickly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.base import FILE, WS_HELP, UserFacingError, main_group


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
    from workbench.cli import align, corpus, demo, maintenance, mt, score, tui

    for module in (corpus, demo, mt, align, score, tui, maintenance):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    try:
        cli(prog_name="workbench")
    except UserFacingError as e:  # raised outside click's own handling (e.g. in a TUI exit path)
        click.echo(f"workbench: error: {e}", err=True)
        sys.exit(1)


__all__ = ["cli", "main"]
