"""Reuse: ``workbench analyze`` (Persian word and segment counts by match band and by status)
and ``workbench approve`` (approving pairs, their English given to the repetitions)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.base import console, literal, open_workspace, say, ws_option
from workbench.errors import WorkbenchError
from workbench.store import status_name
from workbench.store.edits import REPEAT_SCOPES


@click.command()
@click.option("--doc", default=None, help="Only this document [default: every document that is not a corpus].")
@click.option("--json", "as_json", is_flag=True,
              help="Machine-readable: total {words, segments}, one object per band and per status.")
@ws_option
def analyze(doc: str | None, as_json: bool, ws_path: Path) -> None:
    """Persian words and segments by translation-memory match band (repetitions, 100%, 95-99%,
    85-94%, 75-84%, 50-74%, no match) and by status, as CAT tools quote a job (a ZWNJ joins
    one word)."""
    from workbench.mt.analysis import analyze as run

    with open_workspace(ws_path) as ws:
        doc_id = ws.document(doc).id if doc else None
        result = run(ws, doc_id)
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=1, ensure_ascii=False))
        return
    from rich.table import Table

    out = console()
    total = result.total
    title = ", ".join(result.docs) if result.docs else "no documents"
    for heading, counts in (("Match band", result.bands), ("Status", result.statuses)):
        table = Table(title=literal(f"{heading} · {title}"), title_justify="left")
        for name in (heading.lower(), "segments", "words", "% words"):
            table.add_column(name, justify="left" if name == heading.lower() else "right")
        for name, count in counts.items():
            share = f"{100 * count.words / total.words:.1f}" if total.words else "–"
            table.add_row(name, f"{count.segments:,}", f"{count.words:,}", share)
        table.add_row("total", f"{total.segments:,}", f"{total.words:,}", "100.0" if total.words else "–",
                      style="bold")
        out.print(table)


@click.command()
@click.argument("numbers", type=click.IntRange(min=1), nargs=-1, required=True)
@click.option("--doc", required=True, help="The document the pairs are in.")
@click.option("--repetitions", type=click.Choice(REPEAT_SCOPES), default="document", show_default=True,
              help="Give the approved English to identical Persian (with no English or only the untouched MT "
                   "draft) in the document, the workspace, or nowhere (off). Marked review, with a note.")
@ws_option
def approve(numbers: tuple[int, ...], doc: str, repetitions: str, ws_path: Path) -> None:
    """Approve pairs of a document by their numbers (as the app and exports count them)."""
    with open_workspace(ws_path) as ws:
        document = ws.document(doc)
        for number in numbers:
            row = ws.conn.execute("SELECT id FROM pairs WHERE doc_id = ? ORDER BY position LIMIT 1 OFFSET ?",
                                  [document.id, number - 1]).fetchone()
            if row is None:
                raise WorkbenchError(f"{doc!r} has {ws.count_pairs(document.id)} pairs: no pair {number}")
            filled = ws.edits.approve(row[0], repeat=repetitions)
            extra = f"; its English given to {len(filled)} repetitions (review)" if filled else ""
            say(f"approved pair {number} of {doc!r}{extra}")


@click.command()
@click.argument("persian")
@click.option("--limit", type=click.IntRange(min=1), default=3, show_default=True, help="Matches to show at most.")
@click.option("--min", "min_score", type=click.FloatRange(0, 100), default=75.0, show_default=True,
              help="The lowest match percentage shown.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of {score, doc, pair, fa, en, status, changed}.")
@ws_option
def matches(persian: str, limit: int, min_score: float, as_json: bool, ws_path: Path) -> None:
    """Translation-memory matches for a Persian sentence, best first: the word-level match
    percentage (as CAT tools compute it), where each is from, its Persian and English, and
    the words of its Persian that differ."""
    from workbench.mt.tm import lookup

    with open_workspace(ws_path) as ws:
        found = lookup(ws, persian, limit=limit, min_score=min_score)
        numbers = [ws.pair_label(m.pair_id)[0] for m in found]
    if as_json:
        click.echo(json.dumps([{"score": m.score, "doc": m.doc, "pair": n, "fa": m.fa, "en": m.en,
                                "status": status_name(m.status), "changed": list(m.changed)}
                               for m, n in zip(found, numbers)], indent=1, ensure_ascii=False))
        return
    if not found:
        say(f"no memory match of {min_score:g}% or more")
    for m, n in zip(found, numbers):
        say(f"{m.score:g}%  {m.doc} #{n}  {m.fa}  →  {m.en}")


COMMANDS = [analyze, approve, matches]
