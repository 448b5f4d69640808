"""``workbench demo``: build the demo workspace from the bundled article and open it."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from workbench.cli.base import FILE


@click.command()
@click.option("--no-open", is_flag=True, help="Build the workspace and print a summary; do not open the TUI.")
@click.option("--reset", is_flag=True, help="Rebuild the demo workspace from scratch (drops edits).")
@click.option("--ws", "ws_path", type=FILE, default=None, help="Workspace file [default: alignments/demo.sqlite].")
def demo(no_open: bool, reset: bool, ws_path: Path | None) -> None:
    """Build alignments/demo.sqlite from the bundled article and its English translation."""
    from workbench.demo import DEFAULT_PATH, build_demo

    path = ws_path or DEFAULT_PATH
    ws, imported = build_demo(path, reset=reset)
    with ws:
        if imported:
            click.echo(f"built {path}: {imported.pairs} aligned pairs from the bundled article")
        else:
            click.echo(f"using the existing demo workspace {path} (--reset rebuilds it)")
        _draft_if_possible(ws)
        if no_open:
            from workbench.cli.corpus import print_status

            print_status(ws, str(path), sample=8)
    if not no_open:
        from workbench.cli.tui import open_tui

        open_tui(path)


def _draft_if_possible(ws) -> None:
    """Draft with a real installed fa→en model; never with a test model's noise, never download."""
    from workbench.mt import INSTALL_HINT, fa_en_package_installed

    if not fa_en_package_installed():
        command = f"workbench translate --ws {shlex.quote(str(ws.path))}"
        click.echo(f"no machine-translation drafts: {INSTALL_HINT}, then run `{command}`")
        return
    from workbench.mt import draft_pairs, load_engine

    engine = load_engine()
    run = draft_pairs(ws, engine)
    if run.drafted:
        click.echo(f"drafted {run.drafted} pairs with {engine.model} {engine.model_version}".rstrip())


COMMANDS = [demo]
