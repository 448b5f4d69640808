"""``workbench open``: the review app (bare ``workbench`` opens it too)."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.base import FILE, WS_HELP, resolve_ws


def open_tui(ws_path: Path | None) -> None:
    """Open the review app on ``ws_path`` (default workspace if None), creating it if missing."""
    from workbench.tui import run

    run(resolve_ws(ws_path))


@click.command("open")
@click.option("--ws", "ws_path", type=FILE, default=None, help=WS_HELP)
@click.pass_context
def open_command(ctx: click.Context, ws_path: Path | None) -> None:
    """Open the review app: read, correct, align and approve pairs.

    Keys: ? in the app. Settings and key remapping: $WORKBENCH_CONFIG or
    ~/.config/workbench/config.toml; WORKBENCH_RTL=visual|terminal sets the right-to-left display.
    """
    root = ctx.find_root().obj or {}
    open_tui(ws_path or root.get("ws"))


COMMANDS = [open_command]
