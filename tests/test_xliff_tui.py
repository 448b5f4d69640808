"""The review app on a document from XLIFF: an edit that breaks a protected token is not saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, stored
from tests.test_xliff import FA_EN_12
from workbench.ingest import import_file
from workbench.store import Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]



async def test_saving_english_that_breaks_a_token_is_refused_naming_it(tmp_path: Path) -> None:
    wsfile = tmp_path / "w.sqlite"
    with Workspace(wsfile) as ws:
        import_file(ws, FA_EN_12, doc="job")
        second = list(ws.pairs())[1].id  # the first pair needing review: the app opens on it
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.screen.current.id == second
        assert app.screen.current.en == "The price is ⟦1⟧ tomans. ⟦2⟧"
        # the last token typed away (backspace over "⟧", "2", "⟦")
        await pilot.press("enter", "ctrl+e", *["backspace"] * 3, "ctrl+s")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert ("not saved: pair 2 of 'job': the English breaks the codes of the segment (missing ⟦2⟧); keep "
                "each ⟦n⟧ token as it is (escape drops the edit)") in messages, messages
        assert app.screen.editing is not None  # still editing: nothing typed is lost
        assert app.screen.detail.editor.text == "The price is ⟦1⟧ tomans. "
        assert stored(wsfile, second).en == "The price is ⟦1⟧ tomans. ⟦2⟧"
        # the token typed back (moved: a translation may), it saves
        await pilot.press("home")
        app.screen.detail.editor.insert("⟦2⟧ ")  # pasted: the terminal driver sends no key for "⟦"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.editing is None
        assert stored(wsfile, second).en == "⟦2⟧ The price is ⟦1⟧ tomans."


async def test_the_export_dialog_writes_an_xliff_document_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_xliff import canonical

    monkeypatch.chdir(tmp_path)
    wsfile = tmp_path / "w.sqlite"
    with Workspace(wsfile) as ws:
        import_file(ws, FA_EN_12, doc="job")
    app = app_for(wsfile)
    async with app.run_test(size=(120, 45), notifications=True) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExportScreen"
        await pilot.press("down", "down", "down", "down", "enter")  # format: XLIFF
        await pilot.pause()
        path = Path(app.screen.query_one("#path").value)
        assert path.suffix == ".xlf"
        await pilot.press("ctrl+s")
        for _ in range(50):
            await pilot.pause(0.1)
            if path.exists():
                break
    assert canonical(path) == canonical(FA_EN_12)


async def test_merge_in_the_app_is_refused_on_a_document_from_xliff(tmp_path: Path) -> None:
    wsfile = tmp_path / "w.sqlite"
    with Workspace(wsfile) as ws:
        import_file(ws, FA_EN_12, doc="job")
        before = [p.id for p in ws.pairs()]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = " ".join(n.message for n in app._notifications)
        assert "document 'job' came from an XLIFF file, whose segments fix its structure: merge refused" in messages
    with Workspace(wsfile) as ws:
        assert [p.id for p in ws.pairs()] == before
