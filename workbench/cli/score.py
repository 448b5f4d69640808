"""CLI commands of this area (to be filled in)."""

import click

COMMANDS: list[click.Command] = []
