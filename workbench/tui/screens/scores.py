"""Draft scores: BLEU, chrF, TER and edit rate per document and engine, and a histogram of
sentence chrF from which the editor jumps to the pairs of a bar (the worst drafts first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from workbench.errors import WorkbenchError
from workbench.store.search import PairQuery
from workbench.text import printable
from workbench.tui.display import has_rtl, visual_line
from workbench.tui.keys import SCORE_KEYS, bindings

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

SCORE_COLUMNS = ("Document", "Engine:model", "Pairs", "BLEU", "chrF", "TER", "Edit rate", "Unchanged")

BINS = 10
BAR_WIDTH = 40


@dataclass
class ScoresReady(Message):
    rows: list[tuple[int, str, str, int, float, float, float, float, float]]  # doc id, doc, system, pairs, …
    histograms: dict[int, list[tuple[float, float, int]]]  # doc id → (low, high, count) per bin


@dataclass
class ScoresFailed(Message):
    error: str


class ScoresScreen(Screen):
    HELP_SECTION = "Scores"  # the help screen (?) shows this screen's keys first
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    BINDINGS = bindings(SCORE_KEYS)
    DEFAULT_CSS = """
    ScoresScreen #title { height: 1; background: $panel; padding: 0 1; }
    ScoresScreen #scores { height: 1fr; }
    ScoresScreen #histogram-title { height: 1; padding: 0 1; background: $panel; }
    ScoresScreen #histogram { height: 14; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Scores · computing…", id="title")
        yield DataTable(id="scores", cursor_type="row", zebra_stripes=True)
        yield Static("", id="histogram-title")
        yield DataTable(id="histogram", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        scores = self.query_one("#scores", DataTable)
        for label in SCORE_COLUMNS:
            scores.add_column(label)
        bins = self.query_one("#histogram", DataTable)
        for label in ("Sentence chrF", "Pairs", ""):
            bins.add_column(label)
        self.histograms: dict[int, list[tuple[float, float, int]]] = {}
        self.shown: ScoresReady | None = None
        self.watch(self.app, "rtl_mode", self._rtl_changed, init=False)
        self.run_worker(self._compute, thread=True, group="scores", exclusive=True, exit_on_error=False)

    def _compute(self) -> None:
        from workbench.score import chrf_histogram, workspace_report

        try:
            ws = self.app.worker_workspace()
        except WorkbenchError as e:
            self.post_message(ScoresFailed(str(e)))
            return
        with ws:
            try:
                report = workspace_report(ws, significance=False)
            except WorkbenchError as e:
                self.post_message(ScoresFailed(str(e)))
                return
            ids = {d.name: d.id for d in ws.documents()}
            rows = [(ids[r.doc], r.doc, r.system.label, r.pairs, r.value("bleu"), r.value("chrf"),
                     r.value("ter"), r.value("edit"), r.unchanged)
                    for r in report.documents if r.doc is not None]  # (only the overall row has none)
            histograms = {doc_id: [(b.low, b.high, b.count) for b in chrf_histogram(ws, doc_id, BINS)]
                          for doc_id in {row[0] for row in rows}}
        self.post_message(ScoresReady(rows, histograms))

    @on(ScoresFailed)
    def _failed(self, message: ScoresFailed) -> None:
        self.query_one("#title", Static).update(Text(f"Scores · {message.error}"))

    def _rtl_changed(self, mode: str) -> None:
        if self.shown is not None:  # document names are drawn for the display mode
            self._show(self.shown)

    @on(ScoresReady)
    def _show(self, message: ScoresReady) -> None:
        first, self.shown = self.shown is None, message
        self.histograms = message.histograms
        table = self.query_one("#scores", DataTable)
        selected = table.cursor_row
        rows = {f"{doc_id}:{system}": [Text(self._display(doc)), Text(printable(system)), Text(f"{pairs:,}"),
                                        *(Text(f"{v:.1f}") for v in (bleu, chrf, ter, edit)), Text(f"{unchanged:.0%}")]
                for doc_id, doc, system, pairs, bleu, chrf, ter, edit, unchanged in message.rows}
        # Columns as wide as what they hold, set here: a DataTable measures new rows only when the
        # app is next idle, and a frame drawn before that cut "25.0" to "25.".
        table.clear(columns=True)
        for i, label in enumerate(SCORE_COLUMNS):
            table.add_column(label, width=max([len(label)] + [row[i].cell_len for row in rows.values()]))
        for key, cells in rows.items():
            table.add_row(*cells, key=key)
        self.query_one("#title", Static).update(Text(
            f"Scores of drafts against approved English · {len(message.rows)} document × engine rows · "
            "enter on a bar shows its pairs"))
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))
        if first:
            table.focus()
        self._show_histogram()

    def _display(self, name: str) -> str:
        line = printable(name)
        return visual_line(line, rtl=has_rtl(line)) if self.app.rtl_mode == "visual" else line

    @property
    def doc_id(self) -> int | None:
        table = self.query_one("#scores", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key is not None  # every row is added with a key
        return int(key.split(":")[0])

    @on(DataTable.RowHighlighted, "#scores")
    def _row_changed(self) -> None:
        self._show_histogram()

    def _show_histogram(self) -> None:
        doc_id = self.doc_id
        bins = self.query_one("#histogram", DataTable)
        if doc_id is None:
            bins.clear()
            return
        histogram = self.histograms.get(doc_id, [])
        peak = max((count for _, _, count in histogram), default=0) or 1
        counts = [f"{count:,}" for _, _, count in histogram]
        bins.clear(columns=True)  # widths set, not measured when idle (see _show)
        for label, width in (("Sentence chrF", 13), ("Pairs", max([5, *map(len, counts)])), ("", BAR_WIDTH)):
            bins.add_column(label, width=width)
        for (low, high, count), shown in zip(histogram, counts):
            bar = "█" * round(BAR_WIDTH * count / peak)
            bins.add_row(f"{low:3.0f}–{high:3.0f}", shown, Text(bar, style="green" if low >= 50 else "red"),
                         key=f"{low}:{high}")
        name = self.app.ws.document_by_id(doc_id).name
        self.query_one("#histogram-title", Static).update(Text(
            f"Sentence chrF of the current drafts of approved pairs · {self._display(name)}"))

    def action_open_bin(self) -> None:
        """Show the pairs of the highlighted bar in the pairs view."""
        bins = self.query_one("#histogram", DataTable)
        doc_id = self.doc_id
        if doc_id is None or not bins.row_count:
            return
        key = bins.coordinate_to_cell_key(bins.cursor_coordinate).row_key.value
        assert key is not None  # every bar is added with a key
        low, high = (float(x) for x in key.split(":"))
        self.app.open_document(doc_id, query=PairQuery(doc_id=doc_id, chrf=(low, high)))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_histogram(self) -> None:
        self.query_one("#histogram", DataTable).focus()

    @on(DataTable.RowSelected, "#histogram")
    def _bin_selected(self) -> None:
        self.action_open_bin()

    @on(DataTable.RowSelected, "#scores")
    def _row_selected(self) -> None:
        self.action_focus_histogram()
