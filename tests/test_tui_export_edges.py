"""The review app's export (ctrl+e) never replaces a file or writes one for no pair without
asking, and shows the full path it writes. Pilot presses the keys; the files on disk are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import app_for, toasts
from tests.test_tui_tools import settle, wsfile  # noqa: F401 (fixture)

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]

EARLIER = "<tmx>an earlier export of 52 pairs</tmx>\n"


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@pytest.fixture
def earlier(wsfile: Path) -> Path:
    """An earlier export where the dialog proposes to write (its full path)."""
    target = Path("exports/review-putin-visit.tmx").absolute()
    target.parent.mkdir()
    target.write_text(EARLIER, encoding="utf-8")
    return target


async def only_rejected(pilot) -> None:
    """Statuses: approved unticked, rejected ticked (no pair of the document is rejected)."""
    await pilot.press("tab", "tab", "down", "down", "space", "down", "space")
    await pilot.pause()


async def test_export_asks_before_replacing_a_file_and_names_it_in_full(wsfile: Path, earlier: Path) -> None:
    """ctrl+e then ctrl+s replaced an earlier export without a word."""
    target = earlier
    app = app_for(wsfile)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert f"writes {target}" in shown(app, "#target") and "exists" in shown(app, "#target")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        question = app.screen.question
        assert str(target) in question and "Replace it with 1 pair?" in question
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExportScreen"
        assert target.read_text(encoding="utf-8") == EARLIER
        assert "nothing was written" in toasts(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "PairsScreen"
        assert f"exported 1 pair to {target}" in toasts(app).replace("\n", "")
    assert target.read_text(encoding="utf-8").count("<tu ") == 1


async def test_export_of_no_pair_asks_first_and_keeps_an_earlier_export(wsfile: Path, earlier: Path) -> None:
    """With no pair matching, ctrl+s turned an earlier 52-pair export into an empty TMX."""
    target = earlier
    app = app_for(wsfile)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await only_rejected(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        question = app.screen.question
        assert "No pair has the chosen statuses" in question and str(target) in question
        assert "Replace it with an empty file?" in question
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExportScreen"
    assert target.read_text(encoding="utf-8") == EARLIER


async def test_export_of_no_pair_to_a_new_file_writes_only_when_told(wsfile: Path) -> None:
    target = Path("exports/review-putin-visit.tmx").absolute()
    app = app_for(wsfile)
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await only_rejected(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert f"Write {target} anyway?" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert not target.exists()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ == "PairsScreen"
        assert "exported 0 pairs" in toasts(app)
    assert target.exists() and "<tu " not in target.read_text(encoding="utf-8")
