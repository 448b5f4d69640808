"""Exporting pairs as parallel corpora: streamed from SQLite into an atomic writer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.formats.atomic import STDOUT, make_folder
from workbench.store import STATUSES, Workspace

FORMATS = ("tmx", "moses", "tsv", "jsonl")
SUFFIX = {"tmx": ".tmx", "moses": "", "tsv": ".tsv", "jsonl": ".jsonl"}


def default_output(ws_path: Path | None, fmt: str, exports_dir: Path = Path("exports")) -> Path:
    stem = ws_path.stem if ws_path else "workspace"
    return exports_dir / f"{stem}{SUFFIX[fmt]}"


def records(ws: Workspace, *, status: str = "approved", doc: str | None = None) -> Iterator:
    """Export records in document order. ``pair`` is the pair's 1-based place in its document,
    counted over all pairs so it is the same whatever the status filter."""
    from workbench.formats import ExportRecord

    if status != "all" and status not in STATUSES:
        raise WorkbenchError(f"unknown status {status!r} (all, {', '.join(STATUSES)})")
    doc_id = ws.document(doc).id if doc else None
    names = {d.id: d.name for d in ws.documents()}
    current_doc, ordinal = None, 0
    for pair in ws.pairs(doc_id):
        if pair.doc_id != current_doc:
            current_doc, ordinal = pair.doc_id, 0
        ordinal += 1
        if status != "all" and pair.status != status:
            continue
        if pair.status == "approved" and not pair.en.strip():
            continue  # not a translation (a workspace from before approval needed English): never an empty line
        yield ExportRecord(
            doc=names[pair.doc_id], pair=ordinal, fa=pair.fa, en=pair.en, draft=pair.draft,
            status=pair.status, engine=pair.engine, model=pair.model, qa=list(pair.qa),
            updated_at=pair.updated_at,
        )


def export(ws: Workspace, fmt: str, output: Path, *, status: str = "approved",
           doc: str | None = None) -> tuple[int, list[Path]]:
    """Write the selected pairs to ``output``; returns (count, files written)."""
    from workbench.formats import WRITERS, output_paths

    if fmt not in WRITERS:
        raise WorkbenchError(f"unknown export format {fmt!r} ({', '.join(FORMATS)})")
    if output == STDOUT:
        if fmt == "moses":
            raise WorkbenchError("moses writes two files (PATH.fa, PATH.en); give -o PATH, not -")
        return WRITERS[fmt](records(ws, status=status, doc=doc), output), [output]
    paths = output_paths(fmt, output)
    for path in paths:
        if path.is_dir():
            raise WorkbenchError(f"{path}: is a folder; give a file name with -o")
        if ws.is_own_file(path):
            raise WorkbenchError(f"{path}: would overwrite the workspace; give another file name with -o")
    make_folder(output.parent)
    count = WRITERS[fmt](records(ws, status=status, doc=doc), output)
    return count, paths
