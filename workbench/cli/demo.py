"""``workbench demo``: build the demo workspace from the bundled article, draft it with a real
Persian→English model (downloading one if none is installed), and open it."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from workbench.cli.base import FILE, say
from workbench.errors import WorkbenchError


@click.command()
@click.option("--no-open", is_flag=True, help="Build the workspace and print a summary; do not open the TUI.")
@click.option("--reset", is_flag=True, help="Rebuild the demo workspace from scratch (drops edits).")
@click.option("--offline", is_flag=True,
              help="Never download: without an installed fa→en model the demo has no drafts.")
@click.option("--ws", "ws_path", type=FILE, default=None, help="Workspace file [default: alignments/demo.sqlite].")
def demo(no_open: bool, reset: bool, offline: bool, ws_path: Path | None) -> None:
    """Build alignments/demo.sqlite from the bundled article and its English translation.

    Without a real Persian→English model installed, the one the Argos package index offers
    ($ARGOS_PACKAGE_INDEX) is downloaded and installed first, unless --offline."""
    from workbench.demo import DEFAULT_PATH, build_demo

    path = ws_path or DEFAULT_PATH
    ws, imported = build_demo(path, reset=reset)
    with ws:
        if imported:
            say(f"built {path}: {imported.pairs} aligned pairs from the bundled article")
        else:
            say(f"using the existing demo workspace {path} (--reset rebuilds it)")
        _draft_if_possible(ws, offline=offline)
        if no_open:
            from workbench.cli.corpus import print_status

            print_status(ws, str(path), sample=8)
    if not no_open:
        from workbench.cli.tui import open_tui

        open_tui(path)


def _draft_if_possible(ws, *, offline: bool) -> None:
    """Draft with a real fa→en model: the installed one, else the one the index offers (not
    when offline). Never with a test model's noise: one of those counts as no model."""
    from workbench.mt import fa_en_package_installed

    if not fa_en_package_installed():
        missing = _install_model(offline)
        if missing:
            command = f"workbench translate --ws {shlex.quote(str(ws.path))}"
            say(f"no machine-translation drafts: {missing}; then run `{command}`")
            return
    from workbench.cli.mt import draft_progress
    from workbench.mt import draft_pairs, load_engine

    engine = load_engine()
    with draft_progress(engine.name) as on_progress:
        run = draft_pairs(ws, engine, on_progress=on_progress)
    if run.drafted:
        say(f"drafted {run.drafted} pairs with {engine.model} {engine.model_version}".rstrip())


def _install_model(offline: bool) -> str | None:
    """Install the fa→en model from the Argos index; None once installed, else what was
    skipped or went wrong and how to get the model (one line)."""
    get = "get it with `workbench models install fa en` (needs internet)"
    if offline:
        return f"--offline skipped downloading the Persian→English model; {get}"
    from workbench.cli.mt import download_progress
    from workbench.mt.index import IndexUnreachable, install_from_index

    try:
        with download_progress() as (on_start, on_progress):
            info = install_from_index("fa", "en", on_start=on_start, on_progress=on_progress)
    except IndexUnreachable as e:
        return (f"{e}, so no Persian→English model was downloaded; when online {get}, or install a downloaded "
                "file with `workbench models install PATH.argosmodel`")
    except WorkbenchError as e:
        return f"the Persian→English model was not installed: {e}; {get}"
    say(f"installed {info.name} {info.version} ({info.from_code}→{info.to_code}) into {info.path}")
    if info.test_only:
        return f"the Argos index offered only {info.name}, a test model whose drafts are noise (not used); {get}"
    return None


COMMANDS = [demo]
