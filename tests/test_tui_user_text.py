"""The review app shows what people typed as typed: a document name, a note or a file path with
Rich markup or an escape sequence in it is drawn literally, and no ESC reaches the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import app_for, make_workspace, toasts
from tests.test_tui_tools import pane_lines, settle
from workbench.store import NewPair, Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]
ESC = "\x1b[31m"
NAME = f"doc [/] [bold]x[/bold] {ESC}"


async def test_names_notes_and_paths_with_markup_and_escapes_are_drawn_as_typed(tmp_path: Path) -> None:
    wsfile = make_workspace(tmp_path / "review.sqlite", name=NAME)
    with Workspace(wsfile) as ws:
        first = next(iter(ws.pairs())).id
        ws.edits.set_note(first, f"check [/] [bold]this[/bold] {ESC}", f"flag {ESC}")
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


async def test_the_workspace_path_with_an_escape_is_drawn_escaped(tmp_path: Path) -> None:
    folder = tmp_path / f"ws [bold]x {ESC}"
    folder.mkdir()
    Workspace(folder / "empty.sqlite").close()
    app = app_for(folder / "empty.sqlite")
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#title").render())
        assert f"ws [bold]x \\x1b[31m" in title and "\x1b" not in title
        empty = str(app.screen.query_one("#empty").render())
        assert "\x1b" not in empty


async def test_a_model_name_with_markup_and_an_escape_is_drawn_as_typed_in_the_scores(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    wsfile = tmp_path / "scores.sqlite"
    with Workspace(wsfile) as ws:
        doc = ws.add_document(NAME)
        ws.insert_pairs(doc.id, [NewPair(fa=["وزیر دیدن کرد."], en=["The minister visited."], status="approved")])
        pair = next(iter(ws.pairs(doc.id)))
        ws.add_draft(pair.id, source=pair.fa, text="Minister visit.", engine="argos", model=f"m [/] {ESC}")
    app = app_for(wsfile)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        await pilot.pause()
        row = " ".join(map(str, app.screen.query_one("#scores", DataTable).get_row_at(0)))
        assert "argos:m [/] \\x1b[31m" in row and "\x1b" not in row, row
