"""``workbench users add|list|remove|passwd``: who may sign in to ``workbench serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench.cli.base import console, literal, open_workspace, say, ws_option
from workbench.errors import WorkbenchError


def read_password(name: str) -> str:
    """From a prompt typed twice on a terminal; else the first line of stdin (scripts, tests)."""
    if sys.stdin.isatty():
        return click.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise WorkbenchError("no password on stdin (one line)")
    return line


@click.group()
def users() -> None:
    """Who may sign in to the served review app (workbench serve). Passwords are kept as salted
    scrypt hashes in the workspace; they are read from a prompt, or from stdin's first line when it
    is not a terminal."""


@users.command()
@click.argument("name")
@ws_option
def add(name: str, ws_path: Path) -> None:
    """Add a user (the password from a prompt or stdin)."""
    from workbench.store import users as store

    store.valid_name(name)
    password = read_password(name)
    with open_workspace(ws_path, create=True) as ws:
        store.add(ws, name, password)
    say(f"added user {name}")


@users.command("list")
@ws_option
def list_(ws_path: Path) -> None:
    """The users, with when and by whom each was added."""
    from rich.table import Table

    from workbench.store import users as store

    with open_workspace(ws_path) as ws:
        found = store.users(ws)
    if not found:
        say("no users (workbench users add NAME adds one)")
        return
    table = Table("user", "added", "by", box=None)
    for user in found:
        table.add_row(literal(user.name), user.created, literal(user.who))
    console().print(table)


@users.command()
@click.argument("name")
@ws_option
def remove(name: str, ws_path: Path) -> None:
    """Remove a user: their next request to the server is refused."""
    from workbench.store import users as store

    with open_workspace(ws_path) as ws:
        store.remove(ws, name)
    say(f"removed user {name}")


@users.command()
@click.argument("name")
@ws_option
def passwd(name: str, ws_path: Path) -> None:
    """Change a user's password (from a prompt or stdin)."""
    from workbench.store import users as store

    with open_workspace(ws_path) as ws:
        if store.stored_hash(ws, name) is None:
            raise WorkbenchError(f"no user {name!r} (workbench users list shows them)")
        store.set_password(ws, name, read_password(name))
    say(f"changed the password of {name}")


COMMANDS = [users]
