"""Writing without freezing the screen: every change of the pairs view goes through ``write``.

The screen's own connection waits only a moment for SQLite's write lock (``UI_BUSY_MS``). When
another writer holds it longer (an import, a `translate`, another editor's approve-all), the
same change is retried in a worker with its own connection while the screen says "waiting for
another writer"; other changes wait for it, moving and reading go on. The change is a function
of the workspace, so the retry makes it again from scratch: a transaction refused for the lock
wrote nothing, and the versions it carries make a change that someone else's meanwhile
overtook a conflict, never a silent overwrite or a second copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static
from textual.worker import get_current_worker

from workbench.errors import EditConflict, WorkbenchError, WorkspaceBusy
from workbench.store import Workspace
from workbench.tui.messages import WriteFinished

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

UI_BUSY_MS = 200  # how long a keypress may wait for the write lock before the worker takes over
WORKER_BUSY_MS = 500  # each attempt of the worker (a short wait keeps escape responsive)


@dataclass
class PendingWrite:
    what: str  # "approve pair 3": says what is waiting
    change: Callable[[Workspace], Any]
    on_done: Callable[[Any], None]
    on_conflict: Callable[[EditConflict], None]
    on_refused: Callable[[WorkbenchError], bool] | None = None  # True: handled


def conflict_subject(e: EditConflict) -> str:
    """The pair a conflict is about, by its number in the document (as the table counts)."""
    return f"pair {e.number}" if e.number is not None else "this pair"


def retry_while_busy(ws: Workspace, change: Callable[[Workspace], Any], cancelled: Callable[[], bool]) -> Any:
    """``change(ws)``, again after each WorkspaceBusy, until it goes through or is cancelled
    (then WorkspaceBusy is raised: nothing was written)."""
    while True:
        if cancelled():
            raise WorkspaceBusy("gave up waiting for another writer")
        try:
            return change(ws)
        except WorkspaceBusy:
            pass


class WriteQueue(Static):
    """The "waiting for another writer" line, and the one change that waits (it owns it)."""

    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 — Textual's name
        super().__init__(id=id)
        self.pending: PendingWrite | None = None

    @property
    def ws(self) -> Workspace:
        return self.app.ws

    def write(self, what: str, change: Callable[[Workspace], Any], *, on_done: Callable[[Any], None],
              on_conflict: Callable[[EditConflict], None],
              on_refused: Callable[[WorkbenchError], bool] | None = None) -> None:
        """Make ``change`` on the screen's connection; if the lock is taken, in a worker."""
        pending = PendingWrite(what, change, on_done, on_conflict, on_refused)
        try:
            result = change(self.ws)
        except WorkspaceBusy:
            self._wait_for_writer(pending)
            return
        except Exception as e:  # noqa: BLE001 — sorted out below, as for the worker's
            self._write_failed(pending, e)
            return
        on_done(result)

    def _wait_for_writer(self, pending: PendingWrite) -> None:
        self.pending = pending
        self.update(Text(f"{pending.what}: waiting for another writer to finish… "
                         "(other changes wait; escape gives up, nothing is saved then)"))
        self.add_class("-shown")
        self.run_worker(partial(self._write_worker, pending), thread=True, group="write", exit_on_error=False)

    def _write_worker(self, pending: PendingWrite) -> None:
        worker = get_current_worker()
        try:
            with self.app.worker_workspace(busy_timeout_ms=WORKER_BUSY_MS) as ws:
                result = retry_while_busy(ws, pending.change, lambda: worker.is_cancelled)
        except Exception as e:  # noqa: BLE001 — shown on the screen, never raised in the worker
            self.post_message(WriteFinished(pending, error=e))
            return
        self.post_message(WriteFinished(pending, result=result))

    def on_write_finished(self, message: WriteFinished) -> None:
        message.stop()
        pending = message.pending
        if pending is not self.pending:
            return
        self.pending = None
        self.remove_class("-shown")
        if message.error is not None:
            self._write_failed(pending, message.error)
        else:
            pending.on_done(message.result)

    def _write_failed(self, pending: PendingWrite, error: BaseException) -> None:
        if isinstance(error, WorkspaceBusy):  # given up (escape)
            self.notify(f"{pending.what}: not saved (gave up waiting for another writer)", severity="warning")
        elif isinstance(error, EditConflict):
            pending.on_conflict(error)
        elif isinstance(error, WorkbenchError):
            if pending.on_refused is None or not pending.on_refused(error):
                self.notify(str(error), severity="error")
        elif isinstance(error, sqlite3.Error):
            self.notify(f"{pending.what}: {error}", severity="error")
        else:
            raise error

    def stop_waiting(self) -> bool:
        """Escape while a change waits: give it up (nothing of it was written)."""
        if self.pending is None:
            return False
        for worker in self.workers:
            if worker.group == "write" and worker.node is self:
                worker.cancel()
        return True
