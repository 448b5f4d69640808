"""CLI commands of this area (to be filled in)."""

import click

COMMANDS: list[click.Command] = []


def open_tui(ws_path):
    raise click.ClickException("the TUI is not built yet")
