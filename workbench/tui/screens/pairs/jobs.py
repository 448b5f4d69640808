"""Background jobs of the pairs view: drafting, realigning, approve-through, find and replace
and big undo steps run in a thread worker with their own workspace connection. ``JobBar`` (the
line with the progress bar) owns the job that runs: it starts it, shows its progress, and lets
its end (``JobFinished``, ``JobFailed``) bubble up to the screen, which shows the pairs it changed.
The work itself is a function of the app returning a summary and the pairs to show."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar
from textual.worker import Worker, get_current_worker

from workbench.errors import EditConflict, WorkbenchError
from workbench.tui.history_text import describe_step
from workbench.tui.labels import plural
from workbench.tui.messages import JobFailed, JobFinished, JobProgress
from workbench.tui.screens.pairs.writes import conflict_subject, retry_while_busy
from workbench.tui.screens.replace import ReplaceRequest

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

# Jobs that hold the workspace's write lock from start to end (one transaction): while they run,
# an edit on the UI thread would wait for the lock and freeze the screen, so edits wait instead.
LOCKING_JOBS = {"approve", "realign", "undo", "redo", "replace"}
STOPPABLE_JOBS = {"draft"}  # drafting commits batch by batch; the others are one transaction

Work = Callable[[], tuple[str, list[int]]]  # a job: its summary and the pairs to show afterwards


class JobBar(Horizontal):
    """The running job's line: its name, progress, and whether escape stops it."""

    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 — Textual's name
        super().__init__(id=id)
        self.job: Worker[None] | None = None
        self.job_name = ""

    def compose(self) -> ComposeResult:
        yield Label("", id="job-label")
        yield ProgressBar(id="job-bar", show_eta=False)

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.is_running

    @property
    def locking(self) -> bool:
        """A job holding the write lock runs (edits wait for it)."""
        return self.running and self.job_name in LOCKING_JOBS

    def start(self, name: str, work: Work) -> None:
        """Run ``work`` in a thread worker; its end or its error comes back as a message."""
        self.job_name = name
        self._show(f"{name}: starting…", None)
        self.job = self.run_worker(partial(self._run, name, work), thread=True, group="job", exit_on_error=False)

    def stop(self) -> None:
        """Escape: stop a job that can stop halfway, or say why it cannot."""
        if self.job_name not in STOPPABLE_JOBS:
            self.notify(f"the {self.job_name} job cannot be stopped halfway; ctrl+z undoes it once done", timeout=4)
            return
        if self.job is not None:
            self.job.cancel()
        self.notify("stopping…", timeout=2)

    def _run(self, name: str, work: Work) -> None:
        try:
            summary, pair_ids = work()
        except WorkbenchError as e:
            self.post_message(JobFailed(name, str(e)))
        except Exception as e:  # a broken model or file must not take the editor's session down
            self.post_message(JobFailed(name, f"{name} failed: {type(e).__name__}: {e}"))
        else:
            self.post_message(JobFinished(name, summary, pair_ids))

    def _show(self, label: str, total: int | None, done: int = 0) -> None:
        self.add_class("-running")
        stop = " · escape stops" if self.job_name in STOPPABLE_JOBS else ""
        self.query_one("#job-label", Label).update(Text(f"{label}{stop}"))
        self.query_one("#job-bar", ProgressBar).update(total=total, progress=done)

    def on_job_progress(self, message: JobProgress) -> None:
        message.stop()
        self._show(f"{message.job}: {message.done:,}/{message.total:,}", message.total, message.done)

    def on_job_finished(self, _message: JobFinished) -> None:  # bubbles on to the screen
        self.remove_class("-running")

    def on_job_failed(self, message: JobFailed) -> None:
        message.stop()
        self.remove_class("-running")
        self.notify(message.error, severity="error", timeout=10)


# -- the jobs' work (each in the worker's thread, on the worker's own connection) ------------------
def approve_job(bar: JobBar, pair_id: int, confirmed: dict[int, int]) -> tuple[str, list[int]]:
    with bar.app.worker_workspace() as ws:
        done = retry_while_busy(ws, lambda w: w.edits.approve_through(pair_id, confirmed=confirmed),
                                lambda: get_current_worker().is_cancelled)
    skipped = (f"; skipped {plural(done.skipped, 'pair')} changed by someone else since you confirmed"
               if done.skipped else "")
    return f"approved {plural(done.approved, 'pair')}{skipped} (ctrl+z undoes)", [pair_id]


def draft_job(bar: JobBar, doc_id: int | None, pair_ids: list[int] | None) -> tuple[str, list[int]]:
    from workbench.mt import draft_pairs  # the engines load heavy libraries: only when drafting
    from workbench.store import current_user

    worker = get_current_worker()
    app = bar.app
    engine = app.engine()

    def progress(done: int, total: int) -> None:
        bar.post_message(JobProgress("draft", done, total))

    with app.worker_workspace() as ws:
        result = draft_pairs(
            ws, engine, doc_id=doc_id, pair_ids=pair_ids, redraft=pair_ids is not None, on_progress=progress,
            should_stop=lambda: worker.is_cancelled, undo_step_of=current_user(),
        )
    summary = "stopped" if worker.is_cancelled else f"drafted {plural(result.drafted, 'pair')}"
    return summary + (" (ctrl+z undoes)" if result.drafted else ""), pair_ids or []


def realign_job(bar: JobBar, doc_id: int, first_id: int, last_id: int) -> tuple[str, list[int]]:
    from workbench.align import realign_range
    from workbench.align.workspace import notes_joined

    with bar.app.worker_workspace() as ws:
        replaced = retry_while_busy(ws, lambda w: realign_range(w, doc_id, first_id, last_id),
                                    lambda: get_current_worker().is_cancelled)
        joined = notes_joined(ws, replaced)
    if not replaced.created:
        return "the range was aligned already", []
    return f"realigned the range{'; ' + joined if joined else ''} (ctrl+z undoes)", replaced.created


def history_job(bar: JobBar, which: str) -> tuple[str, list[int]]:
    with bar.app.worker_workspace() as ws:
        try:
            entry = retry_while_busy(ws, lambda w: w.history.undo() if which == "undo" else w.history.redo(),
                                     lambda: get_current_worker().is_cancelled)
        except EditConflict as e:
            raise WorkbenchError(f"cannot {which}: {conflict_subject(e)} was changed by someone else since") from None
        if entry is None:
            return f"nothing to {which}", []
        return describe_step(ws, entry, which), entry.pair_ids


def replace_job(bar: JobBar, request: ReplaceRequest) -> tuple[str, list[int]]:
    with bar.app.worker_workspace() as ws:
        try:
            changed = ws.edits.replace_english(request.find, request.replacement, regex=request.regex,
                                         ignore_case=request.ignore_case, doc_id=request.doc_id,
                                         seen=request.seen)
        except EditConflict as e:
            raise WorkbenchError(f"pair {e.number} of {e.doc!r} was changed by someone else since the "
                                 "preview: nothing was replaced; ctrl+r previews again") from None
    n = len(changed)
    # No pairs to show: the cursor stays where the editor is.
    return f"replaced in {n:,} pair{'s' * (n != 1)} (ctrl+z undoes them all)", []
