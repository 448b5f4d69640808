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


def one_unit_job(tmp_path: Path, source: str, target: str) -> Path:
    """A workspace holding an XLIFF 1.2 job of one Persian→English unit (inline markup allowed),
    imported as document "job"."""
    xlf = tmp_path / "job.xlf"
    xlf.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file original="a.html" source-language="fa" target-language="en" datatype="html"><body>'
        f'<trans-unit id="1"><source>{source}</source>'
        f'<target state="needs-review-translation">{target}</target></trans-unit>'
        '</body></file></xliff>', encoding="utf-8")
    wsfile = tmp_path / "w.sqlite"
    with Workspace(wsfile) as ws:
        import_file(ws, xlf, doc="job")
    return wsfile


def drawn_rtl(word: str) -> str:
    """A Persian word as a plain terminal must show it: joined letters, right to left."""
    from arabic_reshaper import reshape

    return reshape(word)[::-1]


async def test_a_closing_token_between_persian_words_is_drawn_whole_and_in_its_place(tmp_path: Path) -> None:
    """"یک ⟦1⟧جمله⟦/1⟧ تازه." read right to left: the tokens stay around the same word, and the
    closing one reads ⟦/1⟧ (as in the English and as it must be kept), not ⟦1/⟧, in the table,
    the detail pane and the Persian editor; f2 (terminal mode) sends the logical text."""
    from tests.test_tui import row_text

    wsfile = one_unit_job(tmp_path, 'یک <g id="1">جمله</g> تازه.', 'A new <g id="1">sentence</g>.')
    visual = f".{drawn_rtl('تازه')} ⟦/1⟧{drawn_rtl('جمله')}⟦1⟧ {drawn_rtl('یک')}"
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.current.fa == "یک ⟦1⟧جمله⟦/1⟧ تازه."
        assert visual in row_text(app, 1)
        pane = app.screen.query_one("#source")
        assert any(visual in str(line) for line, _ in pane.lines(pane.content_size.width))
        await pilot.press("p")
        await pilot.pause()
        editor = app.screen.detail.persian_editor
        assert any(visual in editor.render_line(y).text for y in range(3))
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert app.rtl_mode == "terminal"
        assert "یک ⟦1⟧جمله⟦/1⟧ تازه." in row_text(app, 1)


async def test_f9_types_the_next_token_the_english_lacks_where_the_cursor_is(tmp_path: Path) -> None:
    """A terminal has no key for ⟦: f9 inserts the Persian's first token missing from the English
    at the cursor, then the next; with none missing it says so. The English then saves."""
    wsfile = one_unit_job(tmp_path, 'برای اطلاعات بیشتر <g id="1">اینجا</g> را ببینید.',
                          "For more information see here.")
    with Workspace(wsfile) as ws:
        pair_id = list(ws.pairs())[0].id
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter", "end", *["left"] * len("here."), "f9", *["right"] * len("here"), "f9")
        await pilot.pause()
        assert app.screen.detail.editor.text == "For more information see ⟦1⟧here⟦/1⟧."
        await pilot.press("f9")
        await pilot.pause()
        assert "the English has every inline-code token of the Persian" in [n.message for n in app._notifications]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.editing is None
    assert stored(wsfile, pair_id).en == "For more information see ⟦1⟧here⟦/1⟧."
