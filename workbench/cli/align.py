"""Alignment commands: align (a workspace document), align-files, eval-align."""

from __future__ import annotations

import io
from pathlib import Path

import click

from workbench.cli.base import FILE, console, literal, open_workspace, say, ws_option



@click.command()
@click.option("--doc", default=None, help="Only this document [default: every text document].")
@ws_option
def align(doc: str | None, ws_path: Path) -> None:
    """(Re)align documents, keeping approved pairs as anchors."""
    from workbench.align.workspace import REALIGN_ATTEMPTS, notes_joined, realign_document
    from workbench.errors import EditConflict, PairGone, WorkbenchError

    with open_workspace(ws_path) as ws:
        docs = [ws.document(doc)] if doc else [d for d in ws.documents() if d.kind == "text"]
        for document in docs:
            try:
                replaced = realign_document(ws, document.id)
            except (EditConflict, PairGone):
                raise WorkbenchError(
                    f"{document.name}: not realigned: others kept editing it while it was aligned "
                    f"({REALIGN_ATTEMPTS} tries); nothing of theirs was overwritten — run align again when they pause"
                ) from None
            counts = dict(ws.conn.execute(
                "SELECT status, COUNT(*) FROM pairs WHERE doc_id = ? GROUP BY status", [document.id]))
            say(f"{document.name}: {len(replaced.created)} new pairs from realigning; "
                       f"{counts.get('review', 0)} need review, {counts.get('approved', 0)} approved")
            if joined := notes_joined(ws, replaced):
                say(f"{document.name}: {joined}")


@click.command("align-files")
@click.argument("fa", type=FILE)
@click.argument("en", type=FILE)
@click.option("--presplit", is_flag=True, help="The files hold one sentence a line already.")
@click.option("--encoding", default=None, help="Encoding of both files (default UTF-8).")
def align_files(fa: Path, en: Path, presplit: bool, encoding: str | None) -> None:
    """Print beads, one a line: [fa ids]:[en ids]:confidence (0-based sentence indexes)."""
    from workbench.align import align_sentences
    from workbench.align.evaluate import format_bead
    from workbench.ingest import read_text
    from workbench.text import segment

    def sentences(path: Path, lang: str) -> list[str]:
        # An empty side is a valid input: its alignment is all 1-0 (or 0-1) beads.
        text = read_text(path, encoding, allow_empty=True)
        if presplit:
            # Lines as vecalign and `wc -l` count them: \n, \r\n or \r ends a line, while
            # U+2028, form feeds and other characters str.splitlines() also breaks at do not.
            return [line.strip() for line in io.StringIO(text, newline=None)]
        return segment(text, lang)

    for bead in align_sentences(sentences(fa, "fa"), sentences(en, "en")):
        click.echo(format_bead(bead.fa, bead.en, bead.confidence))


@click.command("eval-align")
@click.argument("gold", type=FILE)
@click.argument("pred", type=FILE)
@click.argument("more", nargs=-1, type=FILE, metavar="[GOLD PRED]...")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def eval_align(gold: Path, pred: Path, more: tuple[Path, ...], as_json: bool) -> None:
    """Strict and lax precision, recall and F1 of PRED against GOLD (vecalign's definitions).

    With several GOLD PRED pairs (one per document), the counts of all documents are pooled
    before dividing, as vecalign's score_multiple does.
    """
    import json

    from rich.table import Table

    from workbench.align.evaluate import read_beads, score

    if len(more) % 2:
        raise click.UsageError(f"{more[-1]} has no PRED file: give GOLD PRED pairs")
    files = (gold, pred, *more)
    golds, preds = [read_beads(f) for f in files[::2]], [read_beads(f) for f in files[1::2]]
    results = {kind: score(golds, preds, kind) for kind in ("all", "1-1", "non-1-1")}
    if as_json:
        click.echo(json.dumps({k: v.__dict__ for k, v in results.items()}, indent=2))
        return
    title = f"{pred} against {gold}" if not more else f"{len(golds)} pairs of files, counts pooled"
    table = Table(title=literal(title), title_justify="left")
    for name in ("beads", "strict P", "strict R", "strict F1", "lax P", "lax R", "lax F1"):
        table.add_column(name, justify="right")
    for kind, s in results.items():
        table.add_row(kind, *(f"{x:.3f}" for x in (s.precision_strict, s.recall_strict, s.f1_strict,
                                                    s.precision_lax, s.recall_lax, s.f1_lax)))
    console().print(table)


COMMANDS = [align, align_files, eval_align]
