"""Exporting pairs as parallel corpora: streamed from SQLite into an atomic writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import cast

from workbench.errors import WorkbenchError
from workbench.formats import CARRY_QA, WRITERS, ExportRecord, output_paths
from workbench.formats.atomic import STDOUT, make_folder
from workbench.formats.file_records import Rendered
from workbench.formats.rendered import SQL_FORMATS
from workbench.formats.xliff_write import SegmentEdit, write_back, write_fresh
from workbench.qa import CONSISTENCY
from workbench.qa.checker import ExportFlags, cache_unchecked
from workbench.store import STATUS_NAMES, STATUSES, Workspace, status_name, stored_status
from workbench.store import xliff as xliff_store
from workbench.store.export_rows import (FIELDS, ExportRow, export_row, export_rows, places, qa_names, rendered_blocks,
                                         text_rows)

FORMATS = ("tmx", "moses", "tsv", "jsonl", "xliff", "xliff2")
SUFFIX = {"tmx": ".tmx", "moses": "", "tsv": ".tsv", "jsonl": ".jsonl", "xliff": ".xlf", "xliff2": ".xlf"}
TEXT_ONLY = frozenset({"tsv", "moses"})  # formats that write each pair's two texts and nothing else


def default_output(ws_path: Path | None, fmt: str, exports_dir: Path = Path("exports")) -> Path:
    stem = ws_path.stem if ws_path else "workspace"
    return exports_dir / f"{stem}{SUFFIX[fmt]}"


Progress = Callable[[int], None]  # called with how many pairs have been read so far
PROGRESS_EVERY = 500


def records(ws: Workspace, *, status: str | Iterable[str] = "approved", doc: str | None = None,
            on_progress: Progress | None = None, qa: bool = True) -> Iterator[ExportRecord]:
    """Export records in document order. ``pair`` is the pair's 1-based place in its document,
    counted over all pairs so it is the same whatever the status filter. ``status``: one status,
    several, or "all". ``qa`` holds the names of the QA checks the pair fails now (``workbench qa``),
    not counting false positives; without ``qa`` it is empty and no check runs."""
    wanted = _statuses(status)
    if qa:
        # The QA cache brought up to date first, as `workbench qa` does (the unchecked pairs on
        # every core, in pages): the flags below are then read from it, not computed one by one.
        # (A read-only workspace keeps nothing: its flags are computed below as they are read.)
        cache_unchecked(ws, ws.document(doc).id if doc else None)
    # One snapshot: a document an import makes visible meanwhile is in both the names and the
    # pairs, or in neither (names read before the pairs once missed it: KeyError).
    with ws.read_snapshot():
        doc_id = ws.document(doc).id if doc else None
        names = {d.id: d.name for d in ws.documents()}
        qa_flags = ExportFlags(ws, doc_id) if qa else None
        current_doc, ordinal, read = None, 0, 0
        for row in export_rows(ws, doc_id, qa_state=qa_flags is not None):
            read += 1
            if on_progress is not None and read % PROGRESS_EVERY == 0:
                on_progress(read)
            if row.doc_id != current_doc:
                current_doc, ordinal, doc_name = row.doc_id, 0, names[row.doc_id]
            ordinal += 1
            if _selected(row.status, row.en, wanted):
                yield _record(row, doc_name, ordinal, qa_flags)
    if on_progress is not None:
        on_progress(read)


def _record(row: ExportRow, doc: str, ordinal: int, qa_flags: ExportFlags | None) -> ExportRecord:
    return ExportRecord(doc=doc, pair=ordinal, fa=row.fa, en=row.en, draft=row.draft, status=status_name(row.status),
                        engine=row.engine, model=row.model, qa=qa_flags.of_row(row) if qa_flags is not None else [],
                        updated_at=row.updated_at, note=row.note or None, flag=row.flag or None)


# The status names a file shows, in SQL (status_name for each stored status).
_STATUS_NAME = f"CASE p.status {' '.join(f'WHEN {s!r} THEN {status_name(s)!r}' for s in STATUSES)} END"


def rendered(ws: Workspace, fmt: str, *, status: str | Iterable[str] = "approved", doc: str | None = None,
             on_progress: Progress | None = None) -> Iterator[ExportRecord | Rendered]:
    """``records`` for a format SQLite writes (formats/rendered.py SQL_FORMATS), in blocks of
    pairs made by the query: a block that may hold a pair the query cannot make as the writer
    would (a text to escape further, QA flags not cached as they are) goes pair by pair, such a
    pair as the ExportRecord ``records`` gives."""
    wanted = _statuses(status)
    form, qa = SQL_FORMATS[fmt], fmt in CARRY_QA
    if qa:
        cache_unchecked(ws, ws.document(doc).id if doc else None)  # as in records
    with ws.read_snapshot():
        docs = [ws.document(doc)] if doc else ws.documents()
        qa_flags = ExportFlags(ws, docs[0].id if doc else None) if qa else None
        fields, params = FIELDS._replace(status=_STATUS_NAME), dict[str, object]()
        if qa_flags is not None:
            profile = [n for n in qa_flags.checker.profile.names() if n != CONSISTENCY]
            qa_sql, params = qa_names(qa_flags.checker.rev, profile, sorted({*qa_flags.marks, *qa_flags.consistency}))
            fields = fields._replace(qa=qa_sql)
        read = 0
        for document in docs:
            place = places(ws, document.id)
            blocks = rendered_blocks(ws, document.id, form.sql(fields._replace(pair=place)),
                                     sorted(wanted) if wanted is not None else None, qa_state=qa, place=place,
                                     params={**params, **form.params(document.name)}, size=PROGRESS_EVERY)
            for block in blocks:
                if on_progress is not None and (read + len(block)) // PROGRESS_EVERY > read // PROGRESS_EVERY:
                    on_progress(read + len(block))
                read += len(block)
                made = [row[0] for row in block]
                if None not in made:  # one check of the block's bytes: most blocks go whole
                    data = b"".join(cast(list[bytes], made))
                    if not form.odd(data):
                        yield Rendered(len(made) - made.count(b""), data)
                        continue
                for one, pair_id, ordinal in block:
                    if one is not None and not form.odd(one):
                        if one:  # else not selected
                            yield Rendered(1, one)
                        continue
                    row = export_row(ws, pair_id, qa_state=qa)
                    if _selected(row.status, row.en, wanted):
                        yield _record(row, document.name, ordinal, qa_flags)
    if on_progress is not None:
        on_progress(read)


def texts(ws: Workspace, *, status: str | Iterable[str] = "approved", doc: str | None = None,
          on_progress: Progress | None = None) -> Iterator[ExportRecord]:
    """``records`` for a format that writes the text alone (``TEXT_ONLY``): only each pair's
    status and text are read (``text_rows``); the other fields are left empty."""
    wanted = _statuses(status)
    doc_id = ws.document(doc).id if doc else None
    read = 0
    for stored, fa, en in text_rows(ws, doc_id):
        read += 1
        if on_progress is not None and read % PROGRESS_EVERY == 0:
            on_progress(read)
        if _selected(stored, en, wanted):
            yield ExportRecord(doc="", pair=0, fa=fa, en=en, draft=None, status=status_name(stored), engine=None,
                               model=None, qa=[], updated_at="")
    if on_progress is not None:
        on_progress(read)


def _selected(stored: str, en: str, wanted: set[str] | None) -> bool:
    # An approved pair without English is not a translation (a workspace from before approval
    # needed English): never an empty line.
    return (wanted is None or stored in wanted) and not (stored == "approved" and not en.strip())


def count_selected(ws: Workspace, *, status: str | Iterable[str] = "approved", doc: str | None = None) -> int:
    """How many pairs ``records`` would export now, counted without reading them (the review
    app asks before writing a file for none)."""
    wanted = _statuses(status)
    doc_id = ws.document(doc).id if doc else None
    count = ws.count_pairs(doc_id, status=sorted(wanted) if wanted is not None else None)
    if wanted is None or "approved" in wanted:  # approved without English is left out (see records)
        blank = "trim(p.en, ' ' || char(9, 10, 11, 12, 13, 160)) = ''"
        count -= sum(1 for p in ws.pairs(doc_id, status="approved", where=blank) if not p.en.strip())
    return count


def _statuses(status: str | Iterable[str]) -> set[str] | None:
    """The stored statuses to export (None: all), from their names (``new``, or ``draft``)."""
    wanted = {stored_status(s) for s in ([status] if isinstance(status, str) else status)}
    if "all" in wanted:
        return None
    unknown = sorted(wanted - set(STATUSES))
    if unknown or not wanted:
        raise WorkbenchError(f"unknown status {unknown[0] if unknown else ''!r} (all, {', '.join(STATUS_NAMES)})")
    return wanted


def export(ws: Workspace, fmt: str, output: Path, *, status: str | Iterable[str] = "approved",
           doc: str | None = None, on_progress: Progress | None = None) -> tuple[int, list[Path]]:
    """Write the selected pairs to ``output``; returns (count, files written). ``on_progress``
    hears how many pairs have been read (of ``ws.count_pairs`` of the document, or all); an
    exception it raises stops the export and leaves no file behind."""
    if fmt in ("xliff", "xliff2"):
        if output != STDOUT:
            _check_output(ws, [output])
            make_folder(output.parent)
        return _export_xliff(ws, fmt, output, status=status, doc=doc, on_progress=on_progress), [output]
    if fmt not in WRITERS:
        raise WorkbenchError(f"unknown export format {fmt!r} ({', '.join(FORMATS)})")
    if output == STDOUT:
        if fmt == "moses":
            raise WorkbenchError("moses writes two files (PATH.fa, PATH.en); give -o PATH, not -")
        return _write(ws, fmt, output, status, doc, on_progress), [output]
    paths = output_paths(fmt, output)
    _check_output(ws, paths)
    make_folder(output.parent)
    return _write(ws, fmt, output, status, doc, on_progress), paths


def _write(ws: Workspace, fmt: str, output: Path, status: str | Iterable[str], doc: str | None,
           on_progress: Progress | None) -> int:
    if fmt in SQL_FORMATS:
        return SQL_FORMATS[fmt].write(rendered(ws, fmt, status=status, doc=doc, on_progress=on_progress), output)
    if fmt in TEXT_ONLY:
        return WRITERS[fmt](texts(ws, status=status, doc=doc, on_progress=on_progress), output)
    return WRITERS[fmt](records(ws, status=status, doc=doc, on_progress=on_progress, qa=fmt in CARRY_QA), output)


def _check_output(ws: Workspace, paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            raise WorkbenchError(f"{path}: is a folder; give a file name with -o")
        if ws.is_own_file(path):
            raise WorkbenchError(f"{path}: would overwrite the workspace; give another file name with -o")


def _export_xliff(ws: Workspace, fmt: str, output: Path, *, status: str | Iterable[str], doc: str | None,
                  on_progress: Progress | None) -> int:
    """A document that came from XLIFF written back whole, in its version and direction, with
    what the editors changed (``--format xliff2`` does so for a 2.0 file only); any other
    selection as fresh XLIFF (1.2, or 2.0 for ``xliff2``). Returns the segments (units) written."""
    with ws.read_snapshot():
        source = xliff_store.document(ws, ws.document(doc).id) if doc else None
        if source is not None and (fmt == "xliff" or source.version == "2.0"):
            edits = [_edit(b, f"pair {n} of {doc!r}") for n, b in enumerate(xliff_store.imported(ws, source.doc_id), 1)]
            write_back(source.data, source.direction, [e for e in edits if e is not None], output)
            if on_progress is not None:
                on_progress(len(edits))
            return len(edits)
    return write_fresh(records(ws, status=status, doc=doc, on_progress=on_progress, qa=False), output,
                       "2.0" if fmt == "xliff2" else "1.2")


def _edit(b: xliff_store.Baseline, where: str) -> SegmentEdit | None:
    """What the editors changed in a segment since it was imported (None: nothing)."""
    (fa0, en0, status0, note0), (fa, en, now_status, note) = b.then, b.now
    added = ""
    if note != note0:  # the editor's note goes beside the file's, never over it
        added = note[len(note0):].strip() if note0 and note.startswith(note0) else note.strip()
    if (fa, en, now_status) == (fa0, en0, status0) and not added:
        return None
    return SegmentEdit(b.ord, where, fa=fa if fa != fa0 else None, en=en if en != en0 else None,
                       status=now_status if now_status != status0 else None, note=added or None, codes=b.codes)
