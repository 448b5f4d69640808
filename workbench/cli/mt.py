"""Machine-translation commands: translate (draft English for the pairs) and models (Argos
packages: list and install)."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.cli.base import console, literal, open_workspace, say, ws_option
from workbench.errors import WorkbenchError

if TYPE_CHECKING:  # the engines import heavy libraries: a name for the type only
    from workbench.mt import Engine

ENGINES = ("argos", "tm")  # kept in step with workbench.mt.ENGINES (not imported: quick start)
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32", "default")
DEVICES = ("auto", "cpu", "cuda")  # as workbench.mt.argos (not imported: quick start)


@click.command()
@click.option("--doc", default=None, help="Only this document.")
@click.option("--engine", type=click.Choice(ENGINES), default="argos", show_default=True,
              help="argos: the installed fa→en Argos model; tm: exact translation-memory matches only.")
@click.option("--model", envvar="WORKBENCH_MODEL", default=None,
              help="Argos package to use (code or folder name; also $WORKBENCH_MODEL) [default: the newest real "
                   "fa→en one; a test model drafts only when named].")
@click.option("--redraft", is_flag=True,
              help="Draft again every pair whose draft is not from this engine, model and settings "
                   "(settings that change the drafts: not --batch-size, --threads, --device-index); "
                   "an interrupted redraft resumes.")
@click.option("--beam-size", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--max-length", type=click.IntRange(1, 4096), default=256, show_default=True,
              help="Most target tokens per draft.")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=32, show_default=True,
              help="Sentences per batch; each batch is committed as it is done.")
@click.option("--threads", type=click.IntRange(0, 256), default=0, show_default=True,
              help="CTranslate2 threads (0: one per available core).")
@click.option("--compute-type", type=click.Choice(COMPUTE_TYPES), default="auto", show_default=True,
              help="auto: int8 where supported (int8_float16 or float16 on a GPU), else the model's own type.")
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True,
              help="auto: a CUDA GPU where CTranslate2 sees one, else the CPU.")
@click.option("--device-index", default="0", show_default=True, callback=lambda _c, _p, v: _indices(v),
              help="GPUs to draft on, e.g. 0,1 (one model replica on each).")
@click.option("--ray", "ray_address", is_flag=False, flag_value="", default=None, metavar="[ADDRESS]",
              help="Spread the batches over a Ray cluster: the one whose head is at ADDRESS (HOST:PORT), "
                   "or without one a Ray runtime started on this machine for this command (needs workbench[cluster]).")
@click.option("--ray-workers", type=click.IntRange(1, 4096), default=None,
              help="With --ray: how many workers, each loading the model once [default: one per CPU "
                   "of the cluster (per --threads CPUs), or per GPU with CUDA].")
@ws_option
def translate(doc: str | None, engine: str, model: str | None, redraft: bool, beam_size: int, max_length: int,
              batch_size: int, threads: int, compute_type: str, device: str, device_index: tuple[int, ...],
              ray_address: str | None, ray_workers: int | None,
              ws_path: Path) -> None:
    """Draft English for every pair without a draft (all with --redraft).

    Each batch is committed when done: after a crash or kill run it again to continue. Ctrl-C
    stops after the current batch (exit status 130). With --ray the same drafts come from
    workers on a Ray cluster; this process still stores them (docs/cluster.md)."""
    from workbench.mt import draft_pairs, load_engine, pending_pairs

    if ray_workers is not None and ray_address is None:
        raise click.UsageError("--ray-workers goes with --ray")
    with open_workspace(ws_path) as ws:
        doc_id = ws.document(doc).id if doc else None
        if not redraft and not pending_pairs(ws, doc_id=doc_id, limit=1):  # before loading a model
            click.echo("nothing to draft: every pair with Persian has a draft (--redraft drafts them again)")
            return
        options = None
        if engine == "argos":
            from workbench.mt.argos import DecodeOptions

            options = DecodeOptions(beam_size=beam_size, max_length=max_length, batch_size=batch_size,
                                    threads=threads, compute_type=compute_type, device=device,
                                    device_index=device_index)
        drafter: Engine
        if ray_address is not None:
            if engine != "argos" or options is None:  # options are the argos engine's
                raise WorkbenchError("--ray drafts with the argos engine only")
            from workbench.mt.cluster import load_ray_engine

            drafter = load_ray_engine(model, options, address=ray_address, workers=ray_workers)
        else:
            drafter = load_engine(engine, model=model, options=options, ws=ws)
        if redraft and not pending_pairs(ws, doc_id=doc_id, redraft=True, engine=drafter, limit=1):
            say(f"nothing to redraft: every pair's draft already comes from {drafter.name} "
                       f"{drafter.model} with these settings")
            return
        with _stop_on_signals() as stop, draft_progress(engine) as on_progress:
            run = draft_pairs(ws, drafter, doc_id=doc_id, redraft=redraft, on_progress=on_progress,
                              should_stop=stop.is_set, batch_size=batch_size)
    say(_summary(run, drafter))
    if run.stopped:
        click.echo(f"interrupted: {run.done} of {run.total} pairs done and saved; "
                   "run the same command again to continue", err=True)
        click.get_current_context().exit(128 + stop.signum)


def _indices(value: str) -> tuple[int, ...]:
    try:
        indices = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r}: give device numbers separated by commas, e.g. 0,1") from None
    if any(i < 0 for i in indices):
        raise click.BadParameter(f"{value!r}: device numbers start at 0")
    return indices


class _Stop(threading.Event):
    signum = signal.SIGINT


@contextmanager
def _stop_on_signals():
    """Ctrl-C (or SIGTERM) asks the run to stop after the batch in hand; a second Ctrl-C
    interrupts at once (the uncommitted batch is rolled back)."""
    stop = _Stop()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return
    handled = [signal.SIGINT, signal.SIGTERM]
    previous = {s: signal.getsignal(s) for s in handled}

    def handler(signum, _frame):
        stop.signum = signum
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    for s in handled:
        signal.signal(s, handler)
    try:
        yield stop
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextmanager
def draft_progress(engine: str):
    """A rich progress bar with rate and time left on a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.0f} pairs/s" if task.speed else "… pairs/s")

    with Progress(TextColumn(f"drafting ({engine})"), BarColumn(), MofNCompleteColumn(), Rate(),
                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("drafting", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield on_progress


def _summary(run, engine) -> str:
    rate = run.done / run.seconds if run.seconds else 0.0
    shown = ("beam_size", "max_length", "compute_type", "device", "device_index")
    settings = ", ".join(f"{k} {v}" for k, v in engine.params.items() if k in shown)
    line = (f"drafted {run.drafted} of {run.total} pairs in {run.seconds:.1f} s ({rate:.0f} pairs/s) "
            f"with {engine.name} {engine.model} {engine.model_version}".rstrip())
    if settings:
        line += f" ({settings.replace('_', ' ')})"
    if run.skipped:
        line += f"; {run.skipped} without a {'memory match' if engine.name == 'tm' else 'draft'}"
    if run.flags:
        line += "; QA flags: " + ", ".join(f"{n} {flag}" for flag, n in run.flags.most_common())
    return line


# -- models -----------------------------------------------------------------------------------


@click.group()
def models() -> None:
    """Argos Translate packages (models): list and install."""


@models.command("list")
def list_models() -> None:
    """Installed packages; the Persian→English ones are marked."""
    from rich.table import Table

    from workbench.mt.models import INSTALL_HINT, installed_packages, packages_dir

    packages = installed_packages()
    out = console()
    if not packages:
        out.print(literal(f"no Argos packages in {packages_dir()}"))
    else:
        table = Table(title=literal(f"Argos packages in {packages_dir()}"), title_justify="left")
        for name in ("package", "version", "languages", "fa→en", "path"):
            table.add_column(name, overflow="fold")
        for p in packages:
            fa_en = ("test model: output is noise" if p.test_only else "yes") if p.fa_en else ""
            table.add_row(*map(literal, (p.name, p.version, f"{p.from_code}→{p.to_code}", fa_en, str(p.path))))
        out.print(table)
    if not any(p.fa_en and not p.test_only for p in packages):
        click.echo(INSTALL_HINT.replace("no Persian", "note: no Persian", 1), err=True)


@models.command("install")
@click.argument("source", nargs=-1, required=True)
def install_model(source: tuple[str, ...]) -> None:
    """Install PATH.argosmodel, or FROM TO (e.g. `fa en`) from the Argos index (needs internet).

    A package is installed only if its model and tokenizer load; a damaged one installs nothing."""
    from workbench.mt.models import install_file

    if len(source) == 1:
        path = Path(source[0])
        if not path.exists():
            raise WorkbenchError(f"{path}: no such file (to download by language give two codes, "
                                 "e.g. `workbench models install fa en`)")
        info = install_file(path)
    elif len(source) == 2:
        from workbench.mt.index import IndexUnreachable, install_from_index

        with download_progress() as (on_start, on_progress):
            try:
                info = install_from_index(*source, on_start=on_start, on_progress=on_progress)
            except IndexUnreachable as e:
                raise WorkbenchError(f"{e}; install a downloaded package with "
                                     "`workbench models install PATH.argosmodel`") from None
    else:
        raise click.UsageError("give PATH.argosmodel, or two language codes such as `fa en`")
    say(f"installed {info.name} {info.version} ({info.from_code}→{info.to_code}) into {info.path}")


@contextmanager
def download_progress():
    """``(on_start, on_progress)`` for ``install_from_index``: what is downloaded and its size
    in one line, then a progress bar on a terminal (nothing more when piped)."""
    from workbench.mt.index import Download

    state: dict = {}

    def on_start(download: Download) -> None:
        say(download.describe(), err=True)
        if not sys.stderr.isatty():
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        if "progress" not in state:
            state["progress"] = Progress(BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                                         console=console(stderr=True), transient=True)
            state["progress"].start()
        state["task"] = state["progress"].add_task("download", total=download.size)

    def on_progress(received: int) -> None:
        if "task" in state:
            state["progress"].update(state["task"], completed=received)

    try:
        yield on_start, on_progress
    finally:
        if "progress" in state:
            state["progress"].stop()


COMMANDS = [translate, models]
