"""The review app: one Textual ``App`` over one workspace file.

Screens: documents (home) → pairs of one document, with help and small dialogs on top. The app
owns the UI thread's ``Workspace``; workers open their own. A timer watches SQLite's
``data_version`` so edits saved by another editor (another app on the same file) show up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from workbench.errors import WorkbenchError
from workbench.store import Workspace
from workbench.store.imports import VISIBLE_DOCS
from workbench.store.search import PairQuery, has_drafts
from workbench.text import printable
from workbench.tui.config import Config, load_config, remember
from workbench.tui.display import Mode, has_rtl, sanitize, visual_line
from workbench.tui.keys import (
    APP_KEYS,
    DOCUMENT_KEYS,
    PAIR_KEYS,
    RESULT_KEYS,
    SCORE_KEYS,
    SPECS,
    TABLE_KEYS,
    KeySpec,
    bindings,
    shown_keys,
)
from workbench.tui.screens.dialogs import ConfirmScreen
from workbench.tui.screens.documents import DocumentsScreen
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.pairs import FILTERS, PairsScreen
from workbench.tui.screens.pairs.writes import UI_BUSY_MS
from workbench.tui.screens.scores import ScoresScreen
from workbench.tui.screens.search_results import SearchResultsScreen

POLL_SECONDS = 1.0


class WorkbenchApp(App[None]):
    TITLE = "workbench"
    BINDINGS = bindings(APP_KEYS)

    rtl_mode: reactive[Mode] = reactive[Mode]("visual")

    def __init__(self, ws_path: str | Path, *, config: Config | None = None) -> None:
        super().__init__()
        self.ws_path = Path(ws_path)
        self.config = config or load_config()
        self.set_reactive(WorkbenchApp.rtl_mode, self.config.rtl)
        # The screen's connection waits only a moment for another writer: a change that would
        # wait longer is retried in a worker (screens/pairs/writes.py), the screen never freezes.
        self.ws = Workspace(self.ws_path, create=True, busy_timeout_ms=UI_BUSY_MS)
        self._data_version = self._read_data_version()
        self._file_lost = False  # the workspace file was deleted or replaced (said once)
        self._engine: Any = None
        self._engine_lock = threading.Lock()
        self.last_search: tuple[str, int] = ("", 0)  # the last workspace search and its row (ctrl+f)
        self.show_diff = True  # the draft → English changes in the detail pane (= toggles)
        # Where the QA list was left (its scope, the finding selected, the findings listed): it
        # opens there again after a fix, or on the finding after the one fixed.
        self.qa_list_place: tuple[tuple[bool, int | None], Any, list[Any]] | None = None
        if self.config.keys:
            self.set_keymap(self.config.keys)

    def get_default_screen(self) -> Screen:
        return DocumentsScreen()

    def on_mount(self) -> None:
        for warning in self.config.warnings:
            self.notify(warning, severity="warning", timeout=10)
        documents = self.ws.documents()
        if documents:
            first = search_first_undecided_document(self.ws) or documents[0].id
            self.open_document(first)
            if not has_drafts(self.ws):  # e.g. the demo on a machine without a model
                self.run_worker(self._say_if_no_model, thread=True, group="model-check", exit_on_error=False)
        self.set_interval(POLL_SECONDS, self._poll)

    def _say_if_no_model(self) -> None:
        """No drafts anywhere: if no real fa→en model is installed either, tell how to get one
        (once, at the start) rather than let the editor find out by pressing t."""
        from workbench.mt import INSTALL_HINT, fa_en_package_installed

        if not fa_en_package_installed():
            message = f"No machine-translation drafts yet: {INSTALL_HINT}; then t or D drafts here."
            self.call_from_thread(self.notify, message, severity="information", timeout=15)

    def on_unmount(self) -> None:
        self.ws.close()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is plain text, whoever sends it (screens' ``notify`` comes here):
        many carry the editor's search, a file path or a stored text, where "[/x]" read as
        markup would end the app with a MarkupError. None of ours uses markup. Control characters
        in them (an ESC in a pasted path) are shown escaped, as the command line shows them, not
        sent to the terminal. Persian in them (a document's name, a search) is drawn as the
        display mode wants, like every other line."""
        message = "\n".join(map(printable, message.split("\n")))
        if self.rtl_mode == "visual" and has_rtl(message):
            message = visual_line(sanitize(message), rtl=False)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- navigation ---------------------------------------------------------------------------
    def open_document(self, doc_id: int, pair_id: int | None = None, query: PairQuery | None = None) -> None:
        doc = self.ws.document_by_id(doc_id)
        self.push_screen(PairsScreen(doc, start_pair_id=pair_id, query=query))

    def action_scores(self) -> None:
        """Fresh scores on top: an older scores screen (and the pairs of a bar opened from it)
        goes first, so the screens do not pile up and the numbers are never stale."""
        while any(isinstance(screen, ScoresScreen) for screen in self.screen_stack):
            self.pop_screen()
        self.push_screen(ScoresScreen())

    def action_documents(self) -> None:
        while isinstance(self.screen, (PairsScreen, ScoresScreen, SearchResultsScreen)):
            self.pop_screen()

    def _editing_elsewhere(self) -> bool:
        """An English edit is open on a pairs screen: say so (leaving it would drop the text)."""
        if any(isinstance(s, PairsScreen) and s.editing is not None for s in self.screen_stack):
            self.notify("save (ctrl+s) or cancel (escape) the English you are editing first", severity="warning")
            return True
        return False

    def action_search_all(self) -> None:
        """ctrl+f: search every document; starts from the open document's search, else the last one."""
        if isinstance(self.screen, SearchResultsScreen):
            self.screen.action_edit_search()
            return
        if not isinstance(self.screen, (PairsScreen, DocumentsScreen, ScoresScreen)) or self._editing_elsewhere():
            return
        text, cursor = self.last_search
        here = self.screen.search_text if isinstance(self.screen, PairsScreen) else ""
        if here and here != text:
            text, cursor = here, 0
        self.push_screen(SearchResultsScreen(text, cursor))

    def open_pair(self, doc_id: int, pair_id: int) -> None:
        """Show a pair in its document, on a fresh pairs view (no filter or search hides it)."""
        if self._editing_elsewhere():
            return
        self.action_documents()
        self.open_document(doc_id, pair_id)

    def action_export(self) -> None:
        from workbench.tui.screens.export import ExportScreen

        if isinstance(self.screen, ExportScreen):
            return
        doc = self.screen.doc if isinstance(self.screen, PairsScreen) else None
        self.push_screen(ExportScreen(doc))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(first=getattr(self.screen, "HELP_SECTION", None)))

    async def action_quit(self) -> None:
        """q, and Textual's ctrl+q (which works even in the editor): English typed and not yet
        saved is not thrown away without asking."""
        pairs = [s for s in self.screen_stack if isinstance(s, PairsScreen)]
        waiting = any(s.writes.pending is not None for s in pairs)
        unsaved = any(s.editor.unsaved() for s in pairs)
        if not (unsaved or waiting) or isinstance(self.screen, ConfirmScreen):
            self.exit()
            return
        key = shown_keys(SPECS["restore_edit"], self.config.keys)
        question = ("Quit and drop the change still waiting for another writer (not saved)?" if waiting
                    else f"Quit without saving the text you are editing? It is kept: {key} brings it back.")
        self.push_screen(ConfirmScreen(question), lambda yes: self.exit() if yes else None)

    def action_toggle_rtl(self) -> None:
        self.rtl_mode = "terminal" if self.rtl_mode == "visual" else "visual"
        problem = remember("rtl", self.rtl_mode, self.config.path)
        kept = f" (not remembered: {problem})" if problem else " (remembered for the next run)"
        self.notify(f"right-to-left display: {self.rtl_mode}{kept}", timeout=3)

    # -- other editors ------------------------------------------------------------------------
    def worker_workspace(self, *, busy_timeout_ms: int | None = None) -> Workspace:
        """A connection for a worker thread. It never creates the file: if the workspace was
        deleted meanwhile, an empty one must not appear in its place."""
        return Workspace(self.ws_path, create=False, busy_timeout_ms=busy_timeout_ms)

    def _read_data_version(self) -> int:
        return self.ws.conn.execute("PRAGMA data_version").fetchone()[0]

    def _poll(self) -> None:
        """Another connection committed: refresh what is on screen. The file itself gone or
        replaced: say so once (every change is refused from then on, by the store)."""
        if not self.is_running:  # a last tick while quitting: the screens are being taken down
            return
        if not self._file_lost:
            try:
                self.ws.check_file()
            except WorkbenchError as e:
                self._file_lost = True
                self.notify(str(e), severity="error", timeout=30)
        version = self._read_data_version()
        if version == self._data_version:
            return
        self._data_version = version
        for screen in self.screen_stack:
            if isinstance(screen, (PairsScreen, SearchResultsScreen)):
                screen.external_change()
            elif isinstance(screen, DocumentsScreen) and screen is self.screen:
                screen.reload()

    # -- drafting engine, loaded once, in a worker thread -----------------------------------------
    def engine(self) -> Any:
        with self._engine_lock:
            if self._engine is None:
                import os

                from workbench.mt import load_engine

                # A test model drafts only when named, as with `translate --model`: else the
                # loader says no model is installed, and t shows that.
                self._engine = load_engine(model=os.environ.get("WORKBENCH_MODEL") or None)
            return self._engine

    # -- command palette: every action of the current screen ----------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        specs: list[KeySpec] = list(APP_KEYS)
        if isinstance(screen, PairsScreen):
            specs = PAIR_KEYS + TABLE_KEYS + specs
        elif isinstance(screen, DocumentsScreen):
            specs = DOCUMENT_KEYS + specs
        elif isinstance(screen, ScoresScreen):
            specs = SCORE_KEYS + specs
        elif isinstance(screen, SearchResultsScreen):
            specs = RESULT_KEYS + TABLE_KEYS + specs
        for spec in specs:
            target = self if spec in APP_KEYS else screen.query_one("PairTable") if spec in TABLE_KEYS else screen
            name = spec.action.split("(")[0]
            if target is screen and screen.check_action(name, ()) is False:
                continue
            yield SystemCommand(spec.help, f"key: {shown_keys(spec, self.config.keys)}",
                                _runner(target, spec.action))
        if isinstance(screen, PairsScreen):
            for name, _ in FILTERS:
                yield SystemCommand(f"Filter: show {name} pairs", "status filter (f cycles)",
                                    _runner(screen, f"set_filter({name!r})"))
        yield from super().get_system_commands(screen)


def _runner(target: Any, action: str):
    async def run() -> None:
        await target.run_action(action)

    return run


def search_first_undecided_document(ws: Workspace) -> int | None:
    """The first document with a pair needing review: where an editor picks up work."""
    row = ws.conn.execute("SELECT doc_id FROM pairs WHERE status IN ('draft', 'review') "
                          f"AND doc_id IN ({VISIBLE_DOCS}) LIMIT 1").fetchone()
    return row[0] if row else None
