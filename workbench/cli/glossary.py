"""Glossary commands: ``workbench glossary import|export|add|list``."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.base import FILE, console, literal, open_workspace, say, ws_option
from workbench.errors import WorkbenchError


@click.group()
def glossary() -> None:
    """The workspace's glossary: Persian terms, their English, forbidden variants."""


@glossary.command("import")
@click.argument("file", type=FILE)
@ws_option
def import_(file: Path, ws_path: Path) -> None:
    """Import a TBX file, or a CSV/TSV file whose header names fa and en (optional: note,
    forbidden; several English terms in one field separated by | or ;, a backslash before one keeps
    it in the term: AT&T\\; Inc). Terms already in the
    glossary take the new English; spellings of one term in the file that differ only by spaces or
    a ZWNJ become one entry, with a note; the whole file is read and checked before anything is
    stored."""
    from workbench.terms import glossary as store
    from workbench.terms.files import read_glossary

    read = read_glossary(file)
    with open_workspace(ws_path, create=True) as ws:
        result = store.save(ws, read.entries, action=f"import {file.name}")
    say(f"imported {len(read.entries)} glossary entries from {file}: {result.added} new, "
               f"{result.updated} updated, {result.unchanged} unchanged")
    for note in read.notes:
        say(f"note: {note}", err=True)


@glossary.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Output file: .tbx (TBX-Basic), .tsv or .csv.")
@ws_option
def export(output: Path, ws_path: Path) -> None:
    """Write the glossary to a TBX, TSV or CSV file."""
    from workbench.terms import glossary as store
    from workbench.terms.files import write_glossary

    with open_workspace(ws_path) as ws:
        if ws.is_own_file(output):
            raise WorkbenchError(f"{output}: would overwrite the workspace; give another file name with -o")
        entries = store.entries(ws)
    write_glossary(entries, output)
    say(f"exported {len(entries)} glossary entries to {output}")


@glossary.command()
@click.argument("fa")
@click.argument("en", nargs=-1)
@click.option("--note", default="", help="A note on the term (meaning, usage).")
@click.option("--forbidden", multiple=True, help="An English variant not to use (repeatable).")
@ws_option
def add(fa: str, en: tuple[str, ...], note: str, forbidden: tuple[str, ...], ws_path: Path) -> None:
    """Add a term: FA its Persian, EN its English (more than one allowed). A term already in the
    glossary gets the new English, variants and note."""
    from workbench.terms import glossary as store
    from workbench.terms import make_entry

    entry = make_entry(fa, en, forbidden=forbidden, note=note)
    with open_workspace(ws_path, create=True) as ws:
        stored, outcome = store.add(ws, entry)
    say(f"{outcome} {stored.fa} → {' / '.join(stored.en) or '(no English)'}"
               + (f" (forbidden: {', '.join(stored.forbidden)})" if stored.forbidden else ""))


@glossary.command()
@click.argument("fa")
@ws_option
def remove(fa: str, ws_path: Path) -> None:
    """Remove the term FA (matched as in QA: normalized, ZWNJ and Arabic letter forms aside).
    The removal is kept in the glossary's history."""
    from workbench.terms import glossary as store

    with open_workspace(ws_path) as ws:
        old = store.remove(ws, fa)
    say(f"removed {old.fa} → {' / '.join(old.en) or '(no English)'}")


@glossary.command("list")
@ws_option
def list_(ws_path: Path) -> None:
    """Print the glossary: Persian, English, forbidden variants, note."""
    from rich.table import Table

    from workbench.terms import glossary as store

    with open_workspace(ws_path) as ws:
        entries = store.entries(ws)
    if not entries:
        click.echo("the glossary is empty (workbench glossary add FA EN, or glossary import FILE)")
        return
    table = Table(title=f"glossary ({len(entries)} terms)", title_justify="left")
    for name in ("Persian", "English", "forbidden", "note"):
        table.add_column(name, overflow="fold")
    for e in entries:
        table.add_row(*map(literal, (e.fa, " / ".join(e.en), ", ".join(e.forbidden), e.note)))
    console().print(table)


COMMANDS = [glossary]
