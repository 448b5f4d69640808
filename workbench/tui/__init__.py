"""The Textual review app. The only package that imports ``textual``; import it lazily."""

from __future__ import annotations

from pathlib import Path


def run(ws_path: str | Path) -> None:
    """Open the review app on a workspace file (created if missing) and wait until it quits."""
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.config import load_config

    config = load_config()  # a broken config file is a one-line user error, before the screen clears
    WorkbenchApp(ws_path, config=config).run()
