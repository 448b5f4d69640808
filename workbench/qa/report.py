"""A QA report to hand to translators (``workbench qa --report FILE.xlsx|FILE.html``): one row per
finding with its document, pair number, check, severity, Persian, English, message and status.

Status: ``open`` (shown), ``false positive`` (marked in the review app for the pair's current
text; the reason is the editor's, with who marked it and when) or ``fixed``: listed by the last report, no longer
found (report_log.py keeps what each report listed).

Both files are written atomically (formats/atomic.py). Text goes into the spreadsheet as string
cells only: a Persian or English cell beginning with = + - @ stays text and is never run as a
formula when the file is opened (a translator's file must not run what a source text holds).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.qa import Record, report_log
from workbench.qa.checker import QaChecker, check_pairs, record
from workbench.qa.profile import Profile
from workbench.store import Workspace

OPEN = "open"
FALSE_POSITIVE = "false positive"
FIXED = "fixed"
HEADER = ("document", "pair", "check", "severity", "Persian", "English", "message", "status", "reason")
FORMATS = (".xlsx", ".html", ".htm")
XLSX_CELL_LIMIT = 32767  # characters Excel keeps in a cell


@dataclass(frozen=True)
class Row:
    record: Record
    status: str = OPEN
    reason: str = ""

    def cells(self) -> tuple[str | int, ...]:
        r = self.record
        return (r.doc, r.pair, r.check, r.severity, r.fa, r.en, r.message, self.status, self.reason)


def report_format(path: Path) -> str:
    """The report's kind from its file name (``.xlsx`` or ``.html``); anything else is refused
    before any work is done."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise WorkbenchError(f"{path}: a QA report is a .xlsx or .html file")
    return "xlsx" if suffix == ".xlsx" else "html"


def rows(ws: Workspace, *, doc: str | None = None, checks: Iterable[str] | None = None,
         profile: Profile | None = None) -> list[Row]:
    """Every finding of a document or the workspace in document order, shown ones and those
    marked as false positives, limited to ``checks``, then those the last report listed that are
    gone (fixed); with the workspace's QA profile or ``profile``. ``report_log.record`` once the
    file is written."""
    checker = QaChecker(ws, profile=profile)
    wanted = set(checks or checker.profile.names())
    doc_id = ws.document(doc).id if doc else None
    marked = {(pid, check, message): (who, at, why) for pid, check, message, who, at, why in ws.conn.execute(
        "SELECT pair_id, check_name, message, who, at, reason FROM qa_ignored")}
    out: list[Row] = []
    for item in check_pairs(ws, doc_id=doc_id, write=not ws.read_only, checker=checker):
        out += [Row(record(item, f, checker.profile)) for f in item.findings.shown if f.check in wanted]
        for f in item.findings.hidden:
            if f.check in wanted:
                who, at, why = marked.get((item.pair.id, f.check, f.message), (None, None, ""))
                reason = ((f"{why} (" if why else "") + "marked as a false positive" + (f" by {who}" if who else "")
                          + (f" on {at}" if at else "") + (")" if why else ""))
                out.append(Row(record(item, f, checker.profile), FALSE_POSITIVE, reason))
    return out + [Row(r, FIXED, reason) for r, reason in report_log.fixed(ws, [row.record for row in out], doc=doc,
                                                                         checks=wanted)]


def write(path: Path, report_rows: list[Row]) -> None:
    """Write the report as ``path``'s suffix says, atomically."""
    if report_format(path) == "xlsx":
        with atomic_outputs(path, binary=True) as (out,):
            write_xlsx(out, report_rows)
    else:
        with atomic_outputs(path) as (out,):
            out.write(to_html(report_rows))


def write_xlsx(out: object, report_rows: list[Row]) -> None:
    """The rows as an Excel workbook written to ``out`` (a seekable binary file)."""
    import xlsxwriter  # loaded only for a report

    # No conversion of strings to formulas, numbers or links: every text is written as a string.
    book = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_numbers": False,
                                     "strings_to_urls": False, "in_memory": True})
    sheet = book.add_worksheet("QA findings")
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    # The Persian column reads right to left, aligned right, as in a Persian editor.
    persian = book.add_format({"text_wrap": True, "valign": "top", "reading_order": 2, "align": "right"})
    for col, name in enumerate(HEADER):
        sheet.write_string(0, col, name, bold)
    for n, row in enumerate(report_rows, start=1):
        for col, value in enumerate(row.cells()):
            if isinstance(value, int):
                sheet.write_number(n, col, value, wrap)
            else:
                sheet.write_string(n, col, value[:XLSX_CELL_LIMIT], persian if col == 4 else wrap)
    for col, width in enumerate((16, 6, 14, 9, 50, 50, 40, 14, 30)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(report_rows), len(HEADER) - 1)
    book.close()


_STYLE = """
body { font-family: sans-serif; margin: 1em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; vertical-align: top; }
th { background: #eee; position: sticky; top: 0; }
td.fa { font-family: Vazirmatn, Tahoma, "Noto Naskh Arabic", sans-serif; text-align: right; }
tr.error td.severity { color: #b00; font-weight: bold; }
tr.false-positive { color: #777; }
pre { margin: 0; font: inherit; white-space: pre-wrap; }
"""


def to_html(report_rows: list[Row]) -> str:
    """The rows as one HTML page: the Persian cells right to left (``dir="rtl"``), the others left
    to right; every text escaped and its spaces kept (a double space is a finding)."""
    def cell(value: str | int, cls: str, extra: str = "") -> str:
        return f'<td class="{cls}"{extra}><pre>{html.escape(str(value))}</pre></td>'

    lines = []
    for row in report_rows:
        r = row.record
        lines.append(
            f'<tr class="{html.escape(r.severity)} {row.status.replace(" ", "-")}">'
            + cell(r.doc, "doc") + cell(r.pair, "pair") + cell(r.check, "check") + cell(r.severity, "severity")
            + cell(r.fa, "fa", ' dir="rtl" lang="fa"') + cell(r.en, "en", ' dir="ltr" lang="en"')
            + cell(r.message, "message", ' dir="auto"') + cell(row.status, "status") + cell(row.reason, "reason")
            + "</tr>")
    head = "".join(f"<th>{name}</th>" for name in HEADER)
    count = f"{len(report_rows)} finding{'s' * (len(report_rows) != 1)}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>QA report: {count}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>QA report</h1>\n<p>{count}</p>\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(lines) + "\n</tbody>\n</table>\n</body>\n</html>\n")
