"""Background jobs of the pairs view: drafting, realigning, approve-through and big undo steps
run in a thread worker with their own workspace connection and report back by message."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from workbench.errors import WorkbenchError
from workbench.store import search
from workbench.tui.messages import JobFailed, JobFinished, JobProgress
from workbench.tui.labels import plural
from workbench.tui.screens.pairs.editing import STOPPABLE_JOBS
from workbench.tui.screens.pairs.writes import retry_while_busy

# Jobs that hold the workspace's write lock from start to end (one transaction): while they run,
# an edit on the UI thread would wait for the lock and freeze the screen, so edits wait instead.
LOCKING_JOBS = {"approve", "realign", "undo", "redo", "replace"}


class JobActions:
    """Background jobs (a part of PairsScreen)."""

    def action_draft_pair(self) -> None:
        pair = self.current
        if pair is not None:
            self._start_job("draft", partial(self._draft_job, None, [pair.id]))

    def action_draft_document(self) -> None:
        self._start_job("draft", partial(self._draft_job, self.doc.id, None))

    def action_realign(self) -> None:
        table = self.table
        if table.mark_pair is None:
            self.notify("mark the start of the range with v, move to its end, then press R", severity="warning")
            return
        if table.source is None or table.source.query.filtered or table.mark is None:
            self.notify("realign in the unfiltered view (f until 'all'): a range must be consecutive pairs",
                        severity="warning")
            return
        first, last = sorted((table.mark, table.cursor))
        first_pair, last_pair = table.source.get(first), table.source.get(last)
        if first_pair is None or last_pair is None:
            return
        table.set_mark(False)
        self._start_job("realign", partial(self._realign_job, first_pair.id, last_pair.id))

    def _start_job(self, name: str, work: Callable[[], tuple[str, list[int]]]) -> None:
        """Run ``work`` (returning a summary and the pairs to show) in a thread worker with its
        own connection; its end or its error comes back as a message."""
        if self.job is not None and self.job.is_running:
            self.notify(f"the {self.job_name} job is still running", severity="warning")
            return
        if not self._writable():
            return
        self.job_name = name
        self._show_job(f"{name}: starting…", None)
        self.job = self.run_worker(partial(self._run_job, name, work), thread=True, group="job",
                                   exit_on_error=False)

    def _run_job(self, name: str, work: Callable[[], tuple[str, list[int]]]) -> None:
        try:
            summary, pair_ids = work()
        except WorkbenchError as e:
            self.post_message(JobFailed(name, str(e)))
        except Exception as e:  # a broken model or file must not take the editor's session down
            self.post_message(JobFailed(name, f"{name} failed: {type(e).__name__}: {e}"))
        else:
            self.post_message(JobFinished(name, summary, pair_ids))

    def _approve_job(self, pair_id: int, confirmed: dict[int, int]) -> tuple[str, list[int]]:
        with self.app.worker_workspace() as ws:
            done = retry_while_busy(ws, lambda w: w.edits.approve_through(pair_id, confirmed=confirmed),
                                    lambda: get_current_worker().is_cancelled)
        skipped = (f"; skipped {plural(done.skipped, 'pair')} changed by someone else since you confirmed"
                   if done.skipped else "")
        return f"approved {plural(done.approved, 'pair')}{skipped} (ctrl+z undoes)", [pair_id]

    def _draft_job(self, doc_id: int | None, pair_ids: list[int] | None) -> tuple[str, list[int]]:
        from workbench.mt import draft_pairs
        from workbench.store import current_user

        worker = get_current_worker()
        engine = self.app.engine()
        with self.app.worker_workspace() as ws:
            result = draft_pairs(
                ws, engine, doc_id=doc_id, pair_ids=pair_ids, redraft=pair_ids is not None,
                on_progress=lambda done, total: self.post_message(JobProgress("draft", done, total)),
                should_stop=lambda: worker.is_cancelled, undo_step_of=current_user(),
            )
        summary = "stopped" if worker.is_cancelled else f"drafted {plural(result.drafted, 'pair')}"
        return summary + (" (ctrl+z undoes)" if result.drafted else ""), pair_ids or []

    def _realign_job(self, first_id: int, last_id: int) -> tuple[str, list[int]]:
        from workbench.align import realign_range
        from workbench.align.workspace import notes_joined

        with self.app.worker_workspace() as ws:
            replaced = retry_while_busy(ws, lambda w: realign_range(w, self.doc.id, first_id, last_id),
                                        lambda: get_current_worker().is_cancelled)
            joined = notes_joined(ws, replaced)
        if not replaced.created:
            return "the range was aligned already", []
        return f"realigned the range{'; ' + joined if joined else ''} (ctrl+z undoes)", replaced.created

    def _show_job(self, label: str, total: int | None, done: int = 0) -> None:
        self.query_one("#job").add_class("-running")
        stop = " · escape stops" if self.job_name in STOPPABLE_JOBS else ""
        self.query_one("#job-label", Label).update(Text(f"{label}{stop}"))
        self.query_one("#job-bar", ProgressBar).update(total=total, progress=done)

    def on_job_progress(self, message: JobProgress) -> None:
        self._show_job(f"{message.job}: {message.done:,}/{message.total:,}", message.total, message.done)

    def on_job_finished(self, message: JobFinished) -> None:
        self.query_one("#job").remove_class("-running")
        self.table.show_draft = search.has_drafts(self.ws, self.doc.id)  # the first drafts add the column
        self.refresh_rows(self._first_existing(message.pair_ids), structural=True)
        self.notify(message.summary, timeout=4)

    def on_job_failed(self, message: JobFailed) -> None:
        self.query_one("#job").remove_class("-running")
        self.notify(message.error, severity="error", timeout=10)

