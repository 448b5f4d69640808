"""Exporting from inside the app (ctrl+e, or "Export" in the command palette): format,
statuses, this document or every one, the file; the export runs in a worker with its own
workspace connection and a progress bar, and escape stops it without leaving a file behind
(the writers write to a temporary file and rename it only when done). The dialog shows the
full path it writes; it asks before replacing a file there, and before writing a file for no
pair at all (an export onto an earlier one had silently left an empty file in its place)."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    ProgressBar,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.worker import Worker, get_current_worker

from workbench.errors import WorkbenchError
from workbench.export import FORMATS, SUFFIX, count_selected, default_output, export
from workbench.store import STATUSES, Document, status_name
from workbench.tui.display import shown_line
from workbench.tui.messages import JobFailed, JobFinished, JobProgress
from workbench.tui.screens.dialogs import DIALOG_CSS, ConfirmScreen

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

FORMAT_NAMES = {"tmx": "TMX (CAT tools; notes as <note>)", "moses": "Moses (PATH.fa + PATH.en)",
                "tsv": "TSV (Persian TAB English)", "jsonl": "JSONL (every field, notes too)",
                "xliff": "XLIFF (as it came; else 1.2)", "xliff2": "XLIFF 2.0"}


class Stopped(WorkbenchError):
    """The editor stopped the export (nothing was written)."""


def output_for(ws_path: Path, fmt: str, doc: Document | None) -> Path:
    """Where an export goes by default: exports/<workspace>[-<document>].<suffix>."""
    path = default_output(ws_path, fmt)
    if doc is None:
        return path
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", doc.name).strip(" .") or "document"
    return path.with_name(f"{ws_path.stem}-{name}{SUFFIX[fmt]}")


class ExportScreen(ModalScreen[None]):
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    DEFAULT_CSS = DIALOG_CSS.format(name="ExportScreen") + """
    ExportScreen #choices { height: auto; }
    ExportScreen #choices > Vertical { width: 1fr; height: auto; }
    ExportScreen SelectionList { height: auto; max-height: 8; }
    ExportScreen .label { margin-top: 1; }
    ExportScreen #progress { height: auto; margin-top: 1; display: none; }
    ExportScreen.-running #progress { display: block; }
    ExportScreen #target { height: auto; }
    ExportScreen #target.-exists { color: $warning; }
    """
    BINDINGS = [
        Binding("ctrl+s", "export", "Export", priority=True),
        Binding("escape", "close", "Close / stop"),
    ]

    def __init__(self, doc: Document | None) -> None:
        super().__init__()
        self.doc = doc
        self.job: Worker | None = None
        self._path_edited = False  # the editor typed a path: format changes leave it alone
        self.written: list[Path] = []  # the files the finished export wrote

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export pairs", classes="title")
            with Horizontal(id="choices"):
                with Vertical():
                    yield Label("Format")
                    with RadioSet(id="format"):
                        for n, fmt in enumerate(FORMATS):
                            yield RadioButton(FORMAT_NAMES[fmt], value=n == 0, name=fmt)
                    yield Label("Pairs of", classes="label")
                    with RadioSet(id="scope"):
                        if self.doc is not None:
                            label = shown_line(f"this document ({self.doc.name})", self.app.rtl_mode)
                            yield RadioButton(Text(label), value=True, name="doc")
                        yield RadioButton("every document", value=self.doc is None, name="all")
                with Vertical():
                    yield Label("With the status")
                    yield SelectionList[str](*((status_name(s), s, s == "approved") for s in STATUSES),
                                             id="statuses")
            yield Label("To the file (moses: PATH.fa and PATH.en)", classes="label")
            yield Input(id="path")
            yield Static("", id="target")
            with Vertical(id="progress"):
                yield Label("", id="progress-label")
                yield ProgressBar(id="bar", show_eta=False)
            with Horizontal():
                yield Button(Text("Export [ctrl+s]"), id="export", variant="primary")
                yield Button(Text("Close [esc]"), id="close")

    def on_mount(self) -> None:
        self._default_path()
        self.query_one("#format", RadioSet).focus()

    # -- choices ------------------------------------------------------------------------------
    def _choice(self, set_id: str) -> str:
        pressed = self.query_one(f"#{set_id}", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else ""

    @property
    def fmt(self) -> str:
        return self._choice("format") or FORMATS[0]

    @property
    def scope_doc(self) -> Document | None:
        return self.doc if self._choice("scope") == "doc" else None

    def _default_path(self) -> None:
        if not self._path_edited:
            box = self.query_one("#path", Input)
            with box.prevent(Input.Changed):
                box.value = str(output_for(self.app.ws_path, self.fmt, self.scope_doc))
        self._show_target()

    def _files(self) -> tuple[list[Path], list[Path]]:
        """The files the export writes, in full, and those of them there already."""
        from workbench.formats import output_paths

        value = self.query_one("#path", Input).value.strip()
        paths = [p.absolute() for p in output_paths(self.fmt, Path(value).expanduser())] if value else []
        return paths, [p for p in paths if p.is_file()]

    def _show_target(self) -> None:
        paths, existing = self._files()
        line = f"writes {_names(paths)}" if paths else ""
        if existing:
            which = ("it exists" if len(paths) == 1 else "they exist") if existing == paths else _exist(existing)
            line += f" ({which}: you will be asked before replacing)"
        target = self.query_one("#target", Static)
        target.update(Text(shown_line(line, self.app.rtl_mode)))
        target.set_class(bool(existing), "-exists")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._default_path()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._path_edited = True
        self._show_target()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_export() if event.button.id == "export" else self.action_close()

    # -- the export ---------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.job is not None and self.job.is_running:
            return
        statuses = list(self.query_one("#statuses", SelectionList).selected)
        paths, existing = self._files()
        if not statuses:
            self.notify("choose at least one status", severity="warning")
            return
        if not paths:
            self.notify("give the file to write", severity="warning")
            return
        doc = self.scope_doc
        status = "all" if set(statuses) == set(STATUSES) else statuses
        try:
            count = count_selected(self.app.ws, status=status, doc=doc.name if doc else None)
        except WorkbenchError as e:
            self.notify(str(e), severity="error")
            return
        base = Path(self.query_one("#path", Input).value.strip()).expanduser().absolute()  # moses: PATH.fa, PATH.en
        start = partial(self._start, self.fmt, base, status, doc)
        question = []
        if count == 0:
            question.append("No pair has the chosen statuses: the file would hold no pair.")
        if existing:
            empty = " with an empty file" if count == 0 else f" with {count:,} pair{'s' * (count != 1)}"
            question.append(f"{_exist(existing)}. Replace {'it' if len(existing) == 1 else 'them'}{empty}?")
        elif count == 0:
            question.append(f"Write {_names(paths)} anyway?")
        if not question:
            start()
            return
        self.app.push_screen(ConfirmScreen(" ".join(question)),
                             lambda yes: start() if yes else self.notify("nothing was written"))

    def _start(self, fmt: str, path: Path, status: str | list[str], doc: Document | None) -> None:
        self.add_class("-running")
        self._progress(0, None)
        self.job = self.run_worker(partial(self._export, fmt, path, status, doc),
                                   thread=True, group="export", exit_on_error=False)

    def _export(self, fmt: str, path: Path, status: str | list[str], doc: Document | None) -> None:
        worker = get_current_worker()
        try:
            with self.app.worker_workspace() as ws:
                total = ws.count_pairs(doc.id if doc else None)

                def progress(done: int) -> None:
                    if worker.is_cancelled:
                        raise Stopped("export stopped: nothing was written")
                    self.post_message(JobProgress("export", done, total))

                count, paths = export(ws, fmt, path, status=status, doc=doc.name if doc else None,
                                      on_progress=progress)
        except WorkbenchError as e:
            self.post_message(JobFailed("export", str(e)))
        except OSError as e:
            self.post_message(JobFailed("export", f"{path}: cannot write ({e.strerror or e})"))
        else:
            hint = "; no pair has the chosen statuses (tick more of them)" if count == 0 else ""
            self.written = paths  # read by on_job_finished, which this message reaches after
            self.post_message(JobFinished("export", f"exported {count:,} pair{'s' * (count != 1)} to "
                                                    f"{_names(paths)}{hint}"))

    def _progress(self, done: int, total: int | None) -> None:
        label = f"exporting: {done:,}/{total:,} pairs read" if total else "exporting…"
        self.query_one("#progress-label", Label).update(Text(label + " · escape stops"))
        self.query_one("#bar", ProgressBar).update(total=total, progress=done)

    def on_job_progress(self, message: JobProgress) -> None:
        self._progress(message.done, message.total)

    def on_job_finished(self, message: JobFinished) -> None:
        summary = message.summary
        if self.app.is_web:
            # In a browser (workbench serve) the file is on the server: offer it as a download
            # too (textual-serve serves what deliver_binary hands it).
            for path in self.written:
                self.app.deliver_binary(path)
            summary += "; your browser downloads it"
        self.notify(summary, timeout=8)
        self.dismiss(None)

    def on_job_failed(self, message: JobFailed) -> None:
        self.remove_class("-running")
        self.notify(message.error, severity="warning" if "stopped" in message.error else "error", timeout=10)

    def action_close(self) -> None:
        if self.job is not None and self.job.is_running:
            self.job.cancel()
            return
        self.dismiss(None)


def _names(paths: list[Path]) -> str:
    return ", ".join(map(str, paths))


def _exist(paths: list[Path]) -> str:
    return f"{_names(paths)} {'exists' if len(paths) == 1 else 'exist'}"
