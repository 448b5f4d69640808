"""The documents of the workspace with their review progress; the app's home screen."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from workbench.text import printable
from workbench.tui.display import has_rtl, visual_line
from workbench.tui.keys import DOCUMENT_KEYS, SPECS, bindings
from workbench.tui.messages import AnalysisReady, CountsReady

if TYPE_CHECKING:
    from workbench.mt.analysis import Analysis, Count
    from workbench.tui.app import WorkbenchApp

EMPTY = """\
This workspace has no documents yet.

Import one from another shell (it shows up here when done):

    workbench import ARTICLE.fa.txt --translation ARTICLE.en.txt --ws {ws}
    workbench import CORPUS.tmx --ws {ws}

or build the demo workspace:  workbench demo
"""


class DocumentTable(DataTable, inherit_bindings=False):
    """The documents, one a row. Moving as in the pairs table (j/k, remappable by the same ids);
    no enter of its own: the screen's open_document opens (so the footer shows it, and a
    remapped key is the one that opens)."""

    BINDINGS = bindings([SPECS[key_id] for key_id in ("cursor_down", "cursor_up", "page_down", "page_up")]) + [
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]


class DocumentsScreen(Screen):
    HELP_SECTION = "Documents"  # the help screen (?) shows this screen's keys first
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    BINDINGS = bindings(DOCUMENT_KEYS)
    DEFAULT_CSS = """
    DocumentsScreen #title { height: 1; background: $panel; padding: 0 1; }
    DocumentsScreen #empty { padding: 2 4; display: none; }
    DocumentsScreen.-empty #empty { display: block; }
    DocumentsScreen.-empty DataTable { display: none; }
    DocumentsScreen DataTable { height: 1fr; }
    DocumentsScreen #analysis { height: auto; max-height: 14; padding: 0 1; border-top: solid $panel; display: none; }
    DocumentsScreen #analysis.-shown { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="empty")
        yield DocumentTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Static(id="analysis")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (("Document", "name"), ("Kind", "kind"), ("Pairs", "pairs"), ("Approved", "approved"),
                           ("Review", "review"), ("New", "draft"), ("Rejected", "rejected"), ("Done", "done")):
            table.add_column(label, key=key)
        self.query_one("#title", Static).update(Text(f"Documents · {printable(str(self.app.ws_path))}"))
        self.query_one("#empty", Static).update(Text(EMPTY.format(ws=printable(str(self.app.ws_path)))))
        self.watch(self.app, "rtl_mode", lambda _: self.reload(), init=False)  # names drawn per mode

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Counting every pair by status takes a moment on a big workspace: do it in a worker."""
        self.run_worker(self._count, thread=True, group="counts", exclusive=True, exit_on_error=False)

    def _count(self) -> None:
        with self.app.worker_workspace() as ws:
            rows = [(doc.id, doc.name, doc.kind, counts) for doc, counts in ws.status_counts()]
        self.post_message(CountsReady(rows))

    @on(CountsReady)
    def _show(self, message: CountsReady) -> None:
        table = self.query_one(DataTable)
        selected = table.cursor_row
        table.clear()
        self.set_class(not message.rows, "-empty")
        for doc_id, name, kind, counts in message.rows:
            total = sum(counts.values())
            decided = counts["approved"] + counts["rejected"]
            done = f"{100 * decided / total:.0f}%" if total else "–"
            numbers = [f"{n:,}" for n in (total, counts["approved"], counts["review"], counts["draft"],
                                          counts["rejected"])]
            table.add_row(Text(self._display_name(name)), kind, *numbers, done, key=str(doc_id))
        if message.rows:
            table.move_cursor(row=min(selected, len(message.rows) - 1))
            table.focus()

    def _display_name(self, name: str) -> str:
        line = printable(name)
        return visual_line(line, rtl=has_rtl(line)) if self.app.rtl_mode == "visual" else line

    def _selected_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key is not None  # every row is added with its document's id as key
        return int(key)

    def action_open_document(self) -> None:
        doc_id = self._selected_id()
        if doc_id is not None:
            self.app.open_document(doc_id)

    def action_analyze(self) -> None:
        """Analyse the selected document in a worker (a memory lookup a segment: seconds)."""
        doc_id = self._selected_id()
        if doc_id is None:
            return
        self.run_worker(partial(self._analyze, doc_id), thread=True, group="analysis", exclusive=True,
                        exit_on_error=False)

    def _analyze(self, doc_id: int) -> None:
        from workbench.mt.analysis import analyze

        def progress(done: int, total: int) -> None:
            self.post_message(AnalysisReady(doc_id, None, done, total))

        with self.app.worker_workspace() as ws:
            result = analyze(ws, doc_id, progress)
        self.post_message(AnalysisReady(doc_id, result))

    @on(AnalysisReady)
    def _show_analysis(self, message: AnalysisReady) -> None:
        panel = self.query_one("#analysis", Static)
        panel.add_class("-shown")
        result = message.analysis
        if result is None:
            panel.update(Text(f"Analysing… {message.done:,} of {message.total:,} segments"))
            return
        panel.update(analysis_text(result, self._display_name(", ".join(result.docs))))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        assert event.row_key.value is not None  # every row is added with its document's id as key
        self.app.open_document(int(event.row_key.value))


def analysis_text(result: Analysis, name: str) -> Text:
    """The analysis as two small tables side by side in text: bands on the left, statuses on the
    right (stacked they took more lines than the panel has: the last status was cut off). 75
    columns: an 80-column terminal shows it whole."""
    total = result.total

    def row(label: str, count: Count) -> str:
        share = f"{100 * count.words / total.words:5.1f}%" if total.words else "     –"
        return f"{label:<11}{count.segments:>9,}{count.words:>9,} {share}"

    def header(label: str) -> str:
        return f"{label:<11}{'segments':>9}{'words':>9}  share"

    bands = [row(band, count) for band, count in result.bands.items()]
    statuses = [row(status, count) for status, count in result.statuses.items()]
    width = len(header("band"))
    lines = [f"Analysis · {name} · {total.words:,} words in {total.segments:,} segments (z again: recount)",
             f"{header('band')} │ {header('status')}"]
    for n in range(max(len(bands), len(statuses))):
        left = bands[n] if n < len(bands) else ""
        right = statuses[n] if n < len(statuses) else ""
        lines.append(f"{left:<{width}} │ {right}".rstrip())
    return Text("\n".join(lines))
