"""The review app shows what people typed as typed: a document name, a note or a file path with
Rich markup or an escape sequence in it is drawn literally, and no ESC reaches the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import app_for, make_workspace, toasts
from tests.test_tui_tools import isolated_config, pane_lines, settle  # noqa: F401 (fixture)
from workbench.store import Workspace

pytestmark = pytest.mark.anyio
ESC = "\x1b[31m"
NAME = f"doc [/] [bold]x[/bold] {ESC}"


async def test_names_notes_and_paths_with_markup_and_escapes_are_drawn_as_typed(tmp_path: Path) -> None:
    wsfile = make_workspace(tmp_path / "review.sqlite", name=NAME)
    with Workspace(wsfile) as ws:
        first = next(iter(ws.pairs())).id
        ws.set_note(first, f"check [/] [bold]this[/bold] {ESC}", f"flag {ESC}")
    folder = tmp_path / f"out [bold]x {ESC}"
    folder.mkdir()
    app = app_for(wsfile)
    async with app.run_test(size=(120, 45), notifications=True) as pilot:
        await settle(pilot)
        await pilot.pause()
        detail = " ".join(pane_lines(app, "#source") + pane_lines(app, "#english"))
        assert "\x1b" not in detail and "check [/] [bold]this[/bold]" in detail, detail
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExportScreen"
        app.screen.query_one("#path").value = str(folder / "x.tsv")  # as pasted
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        shown = toasts(app)
        assert app.is_running
        assert f"to {tmp_path}/out [bold]x \\x1b[31m/x.tsv" in shown, shown
        assert "\x1b" not in shown
