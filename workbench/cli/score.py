"""Scoring commands: score (the workspace's drafts) and score-files (sacrebleu-compatible)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.base import FILE, console, literal, open_workspace, say, ws_option
from workbench.errors import WorkbenchError
from workbench.formats.text import reading

COLUMNS = (("bleu", "BLEU"), ("chrf", "chrF"), ("chrf++", "chrF++"), ("ter", "TER"), ("edit", "edit rate"))


def _read_lines(path: Path) -> list[str]:
    """Lines as sacrebleu reads them: split on \\n only, trailing whitespace stripped."""
    with reading(path), path.open(encoding="utf-8", newline="\n") as f:
        return [line.rstrip() for line in f]


@click.command("score-files")
@click.argument("hyp", type=FILE)
@click.argument("refs", type=FILE, nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="sacrebleu's JSON output.")
@click.option("--tokenize", default=None,
              help="BLEU tokenizer, as sacrebleu's (default 13a; flores101/flores200/spm/spBLEU-1K download a model).")
def score_files(hyp: Path, refs: tuple[Path, ...], as_json: bool, tokenize: str | None) -> None:
    """BLEU, chrF and TER of HYP against one or more references, as `sacrebleu REF -i HYP -m bleu chrf ter`."""
    from workbench.score import corpus_score

    hypotheses = _read_lines(hyp)
    references = [_read_lines(r) for r in refs]
    if not hypotheses:  # blank lines are sentences (an empty output scores 0, as in sacrebleu)
        raise WorkbenchError(f"{hyp}: empty file")
    for ref, lines in zip(refs, references):
        if len(lines) != len(hypotheses):
            raise WorkbenchError(f"{ref}: {len(lines)} lines, but {hyp} has {len(hypotheses)}")
    scores = [corpus_score(name, hypotheses, references, tokenize if name == "bleu" else None)
              for name in ("bleu", "chrf", "ter")]
    if as_json:
        click.echo(json.dumps([s.as_sacrebleu_json() for s in scores], indent=1, ensure_ascii=False))
        return
    for s in scores:
        say(f"{s.name}|{s.signature} = {s.score:.1f}" + (f" {s.verbose}" if s.verbose else ""))


@click.command()
@click.option("--doc", default=None, help="Only this document.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--bootstrap", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Paired bootstrap resamples.")
@click.option("--trials", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Approximate randomization trials.")
@ws_option
def score(doc: str | None, as_json: bool, bootstrap: int, trials: int, ws_path: Path) -> None:
    """Score drafts against the approved English: BLEU, chrF, chrF++, TER, edit rate, significance."""
    from workbench.score import workspace_report

    with open_workspace(ws_path) as ws:
        doc_id = ws.document(doc).id if doc else None
        report = workspace_report(ws, doc_id, bootstrap=bootstrap, trials=trials)
    if as_json:
        click.echo(json.dumps(_as_json(report), indent=1, ensure_ascii=False))
    else:
        _print(report)


def _row_json(row) -> dict:
    return {
        "engine": row.system.engine, "model": row.system.model, "doc": row.doc, "pairs": row.pairs,
        **{key: round(row.value(key), 4) for key, _ in COLUMNS}, "unchanged": round(row.unchanged, 4),
    }


def _as_json(report) -> dict:
    sig = report.significance
    return {
        "signatures": {label: report.signatures[key] for key, label in COLUMNS},
        "overall": [_row_json(r) for r in report.overall],
        "documents": [_row_json(r) for r in report.documents],
        "significance": None if sig is None else {
            "baseline": sig.baseline, "pairs": sig.pairs,
            "paired_bootstrap": sig.bootstrap, "approximate_randomization": sig.randomization,
            "signatures": {"paired_bootstrap": sig.signatures.get("bs", {}),
                           "approximate_randomization": sig.signatures.get("ar", {})},
        },
    }


def _print(report) -> None:
    """The report as tables. Document and system names are shown as they are: never read as
    markup, control characters escaped."""
    from rich.table import Table

    out = console()
    for title, rows, with_doc in (("Per engine/model", report.overall, False),
                                  ("Per document", report.documents, True)):
        table = Table(title=title, title_justify="left")
        if with_doc:
            table.add_column("document")
        for name in ("engine:model", "pairs", *(label for _, label in COLUMNS), "unchanged"):
            table.add_column(name, justify="left" if name == "engine:model" else "right")
        for row in rows:
            cells = [literal(row.system.label), str(row.pairs), *(f"{row.value(k):.1f}" for k, _ in COLUMNS),
                     f"{row.unchanged:.0%}"]
            table.add_row(*([literal(row.doc)] if with_doc else []), *cells)
        out.print(table)
    sig = report.significance
    if sig is not None:
        table = Table(title=literal(f"Significance against {sig.baseline} on the {sig.pairs} pairs all systems "
                                    "drafted"), title_justify="left")
        for name in ("system", "metric", "score", "baseline", "bootstrap p", "95% CI (mean ± ci)", "rand. p"):
            table.add_column(name)
        for label, metrics in sig.bootstrap.items():
            for metric_name, res in metrics.items():
                ar = sig.randomization.get(label, {}).get(metric_name, {})
                table.add_row(literal(label), metric_name, f"{res['score']:.1f}", f"{res['baseline']:.1f}",
                              f"{res['p_value']:.4f}", f"{res['mean']:.1f} ± {res['ci']:.1f}",
                              f"{ar.get('p_value', float('nan')):.4f}")
        out.print(table)
    out.print("signatures:")
    for key, label in COLUMNS:
        out.print(literal(f"  {label}: {report.signatures[key]}"))
    if sig is not None:
        for kind, title in (("bs", "paired bootstrap"), ("ar", "approximate randomization")):
            for name, signature in sig.signatures.get(kind, {}).items():
                out.print(literal(f"  {name} ({title}): {signature}"))


COMMANDS = [score, score_files]
