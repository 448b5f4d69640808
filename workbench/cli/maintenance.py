"""Workspace maintenance: ``check`` and ``backup``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.base import UserFacingError, open_workspace, say, ws_option


@click.command()
@ws_option
def check(ws_path: Path) -> None:
    """Integrity, schema, orphan rows, search index and history replay of a workspace."""
    from workbench.store.maintenance import check as run_checks

    with open_workspace(ws_path) as ws:
        results = run_checks(ws)
    for result in results:
        say(f"{'ok  ' if result.ok else 'FAIL'}  {result.name}: {result.detail}")
    failed = [r.name for r in results if not r.ok]
    if failed:
        raise UserFacingError(f"{ws_path}: {len(failed)} checks failed ({', '.join(failed)})")


@click.command()
@click.argument("target", type=click.Path(path_type=Path))  # a folder is refused in one line
@ws_option
def backup(target: Path, ws_path: Path) -> None:
    """Write a consistent copy of the workspace to TARGET, even while editors work."""
    from workbench.store.maintenance import backup as run_backup

    with open_workspace(ws_path) as ws:
        run_backup(ws, target)
    say(f"backed up {ws_path} to {target}")


COMMANDS = [check, backup]
