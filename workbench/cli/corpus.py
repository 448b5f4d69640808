"""Corpus commands: segment, import, export, status."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.base import FILE, console, literal, open_workspace, say, ws_option
from workbench.errors import WorkbenchError
from workbench.store import STATUS_NAMES, STATUSES, status_name, stored_status


class StatusName(click.Choice):
    """A status by the name people see (``new``, review, approved, rejected), given as its stored
    value; ``draft``, the old name of ``new``, is taken without a word (scripts, old notes)."""

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 — click's signature
        name = super().convert("new" if value == "draft" else value, param, ctx)
        return stored_status(name)


@click.command()
@click.argument("file", type=FILE)
@click.option("--lang", type=click.Choice(["fa", "en"]), default="fa", show_default=True,
              help="Language of FILE. The rules look at the script around each stop (Persian initials, "
                   "English abbreviations), so one splitter serves both and a mixed line splits right "
                   "whichever is given.")
@click.option("--encoding", default=None, help="Encoding of FILE (default UTF-8; e.g. cp1256).")
def segment(file: Path, lang: str, encoding: str | None) -> None:
    """Print FILE's sentences, one a line."""
    from workbench.ingest import read_text
    from workbench.text import segment as split

    for sentence in split(read_text(file, encoding), lang):
        click.echo(sentence)


@click.command("import")
@click.argument("file", type=FILE)
@click.option("--translation", type=FILE, default=None,
              help="The English translation of FILE (a text file); both are segmented and aligned.")
@click.option("--doc", default=None, help="Document name [default: the file name without extension].")
@click.option("--encoding", default=None,
              help="Encoding of FILE (default UTF-8; e.g. cp1256); also of the translation unless "
                   "that is UTF-8 or starts with a byte-order mark.")
@click.option("--status", type=StatusName(STATUS_NAMES), default=None,
              help="Status of the imported pairs (e.g. approved for a trusted corpus) [default: the status "
                   "a workbench TMX recorded, else review (new without English)].")
@ws_option
def import_(file: Path, translation: Path | None, doc: str | None, encoding: str | None,
            status: str | None, ws_path: Path) -> None:
    """Import a Persian .txt, a TMX or XLIFF 1.2/2.0 (by content: any name, gzipped too) or a .tsv (fa TAB en)."""
    from workbench.ingest import import_file

    if not file.exists():
        raise WorkbenchError(f"{file}: no such file")
    if translation is not None and not translation.exists():
        raise WorkbenchError(f"{translation}: no such file")
    created = None
    try:
        with open_workspace(ws_path, create=True) as ws:
            created = ws.conn.created
            result = import_file(ws, file, translation=translation, doc=doc, encoding=encoding, status=status)
    except BaseException:
        # A failed first import leaves no empty workspace behind: the file this command created,
        # if nobody else has it open and it holds nothing (another import may have written to it).
        if created is not None:
            from workbench.store.connection import remove_if_unused

            remove_if_unused(ws_path, created)
        raise
    summary = f"imported {result.pairs} pairs into document {result.document.name!r} ({ws_path})"
    if result.duplicates:
        summary += f"; {result.duplicates} of them repeat an earlier pair exactly (same Persian and English)"
    if result.empty_units:
        summary += (f"; skipped {result.empty_units} {'unit' if result.empty_units == 1 else 'units'} with "
                    "nothing visible on either side")
    say(summary)
    if result.variant_units:
        say(f"note: {result.variant_units} {'unit' if result.variant_units == 1 else 'units'} had more "
                   f"than one Persian or English variant (the first at {result.first_variant_unit}); kept the "
                   "first of each", err=True)
    if result.other_language_units:
        say(f"note: {result.other_language_units} {'unit' if result.other_language_units == 1 else 'units'} "
                   f"had variants in no language or one neither Persian nor English ({result.other_languages}; the "
                   f"first at {result.first_other_language_unit}); those variants were left out", err=True)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["tmx", "moses", "tsv", "jsonl", "xliff", "xliff2"]), required=True,
              help="xliff: a document that came from XLIFF is written back whole in its own version and "
                   "direction (docs/xliff.md), any other as XLIFF 1.2; xliff2: XLIFF 2.0.")
@click.option("--status", type=StatusName(["all", *STATUS_NAMES]), default="approved", show_default=True,
              help="Pairs of this status (a document written back as XLIFF is written whole).")
@click.option("--doc", default=None, help="Only this document.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file, - for standard output (moses: PATH.fa and PATH.en) [default: under exports/].")
@ws_option
def export(fmt: str, status: str, doc: str | None, output: Path | None, ws_path: Path) -> None:
    """Stream pairs out as a parallel corpus."""
    from workbench.export import default_output, export as run_export

    with open_workspace(ws_path) as ws:
        output = output or default_output(ws_path, fmt)
        count, paths = run_export(ws, fmt, output, status=status, doc=doc)
    # With -o - the data goes to standard output: the summary must not mix into it.
    say(f"exported {count} pairs to {', '.join(map(str, paths))}", err=str(output) == "-")
    if count == 0 and status != "all" and not fmt.startswith("xliff"):
        click.echo(f"note: no {status_name(status)} pairs; --status all exports every pair", err=True)


@click.command()
@ws_option
def status(ws_path: Path) -> None:
    """Pairs per document and status."""
    with open_workspace(ws_path) as ws:
        print_status(ws, str(ws_path))


def print_status(ws, title: str, *, sample: int = 0) -> None:
    """The per-document status table; with ``sample``, also the first pairs of each document.
    Names and texts are shown as they are: never read as markup, control characters escaped."""
    from rich.table import Table

    out = console()
    rows = ws.status_counts()
    table = Table(title=literal(title), title_justify="left")
    table.add_column("document", no_wrap=True)
    table.add_column("kind")
    for name in (*STATUS_NAMES, "total"):
        table.add_column(name, justify="right")
    totals = dict.fromkeys(STATUSES, 0)
    for doc, counts in rows:
        table.add_row(literal(doc.name), doc.kind, *(str(counts[s]) for s in STATUSES), str(sum(counts.values())))
        for s in STATUSES:
            totals[s] += counts[s]
    if len(rows) != 1:
        table.add_row("all", "", *(str(totals[s]) for s in STATUSES), str(sum(totals.values())), style="bold")
    out.print(table)
    for doc, _ in rows if sample else []:
        pairs = Table(title=literal(f"{doc.name}: first {sample} pairs"), title_justify="left", show_lines=True)
        for name in ("#", "bead", "conf", "status", "Persian", "English"):
            pairs.add_column(name, overflow="fold")
        for i, pair in enumerate(ws.pairs(doc.id, limit=sample), 1):
            conf = f"{pair.confidence:.2f}" if pair.confidence is not None else ""
            pairs.add_row(str(i), pair.shape, conf, status_name(pair.status), literal(pair.fa), literal(pair.en))
        out.print(pairs)


COMMANDS = [segment, import_, export, status]
