"""Escape after an edit keeps every dropped edit, in the workspace, per user (issue 18): a second
drop does not lose the first, E offers a list when there are several, they survive closing the
app (and an edit left open when it closes is kept too), and dropping an edit of more than a few
words (store: ASK_ABOVE_WORDS) asks first. Pilot presses the keys; the workspace file is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, stored
from workbench.store import Workspace, dropped

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]

FIRST_EN = "Putin travelled to Astana on Tuesday."


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "dropped.sqlite")


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_second_drop_keeps_the_first_and_E_offers_both(wsfile: Path) -> None:
    first, second, *_ = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "enter", "ctrl+e", *" Really?", "escape")  # pair 1
        await pilot.press("j", "enter", "ctrl+end", *" Indeed.", "escape")  # pair 2: the first is not lost
        await pilot.pause()
        assert app.screen.editing is None
        await pilot.press("E")
        await pilot.pause()
        assert type(app.screen).__name__ == "DroppedEditsScreen"
        options = app.screen.query_one("OptionList")
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[0].startswith("pair 2 · English") and lines[0].endswith("documents. Indeed.")
        assert lines[1].startswith("pair 1 · English") and lines[1].endswith("Tuesday. Really?")
        await pilot.press("down", "enter")  # the older one: pair 1's
        await pilot.pause()
        assert app.screen.current.id == first
        assert app.screen.detail.editor.text == FIRST_EN + " Really?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(wsfile, first).en == FIRST_EN + " Really?"
        await pilot.press("E")  # one left (pair 2's): straight into the editor
        await pilot.pause()
        assert app.screen.editing is not None and app.screen.editing.pair_id == second
        assert app.screen.detail.editor.text.endswith("documents. Indeed.")
    with Workspace(wsfile) as ws:  # saved: it left the list; pair 2's is still kept
        assert [(d.pair_id, d.typed[-7:]) for d in dropped.listed(ws, who="tester")] == [(second, "Indeed.")]


async def test_dropped_edits_survive_closing_the_app_and_an_open_edit_is_kept(wsfile: Path) -> None:
    first, second, *_ = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "enter", "ctrl+e", *" Really?", "escape")
        await pilot.press("j", "enter", "ctrl+end", *" Open.")  # still open when the session ends
        await pilot.pause()
    assert stored(wsfile, first).en == FIRST_EN and not stored(wsfile, second).en.endswith("Open.")

    again = app_for(wsfile)  # a new session of the same user
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("E")
        await pilot.pause()
        options = again.screen.query_one("OptionList")
        assert options.option_count == 2
        await pilot.press("enter")  # the newest: the edit that was open
        await pilot.pause()
        assert again.screen.editing.pair_id == second
        assert again.screen.detail.editor.text.endswith("documents. Open.")


async def test_dropped_edits_are_per_user(wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "enter", "ctrl+e", *" Mine.", "escape")
        await pilot.pause()
    monkeypatch.setenv("WORKBENCH_USER", "someone-else")
    other = app_for(wsfile)
    async with other.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("E")
        await pilot.pause()
        assert "no dropped edit to bring back" in messages(other)


async def test_dropping_an_edit_of_more_than_a_few_words_asks_first(wsfile: Path) -> None:
    from workbench.tui.screens.dialogs import ConfirmScreen
    from workbench.tui.screens.pairs.editing import ASK_ABOVE_WORDS

    long_edit = " and then he went home by train at night"  # 9 words
    assert dropped.words_changed(FIRST_EN, FIRST_EN + long_edit) > ASK_ABOVE_WORDS
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "enter", "ctrl+e", *long_edit, "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "It changes 9 words" in app.screen.question
        await pilot.press("n")  # keep editing: nothing dropped, the text still there
        await pilot.pause()
        assert app.screen.editing is not None
        assert app.screen.detail.editor.text == FIRST_EN + long_edit
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.editing is None
        assert any("dropped your English edit of pair 1" in m for m in messages(app))
    with Workspace(wsfile) as ws:
        assert [d.typed for d in dropped.listed(ws, who="tester")] == [FIRST_EN + long_edit]


async def test_a_drop_the_workspace_cannot_take_is_kept_for_the_session(wsfile: Path, tmp_path: Path) -> None:
    """The file replaced under the app (a backup restored): escape still cancels at once, and E
    still brings the text back; nothing is written to the file now there."""
    other = make_workspace(tmp_path / "other.sqlite", name="other-doc")
    before = other.read_bytes()
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "enter", "ctrl+e", *" mine")
        other.replace(wsfile)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.editing is None
        assert any("kept in this session only" in m for m in messages(app))
        assert [e.typed for e in app.screen.editor.unkept] == [FIRST_EN + " mine"]
        await pilot.press("E")  # the file is gone: E says so rather than opening an editor on it
        await pilot.pause()
        assert app.screen.editing is None and app.screen.editor.unkept
    assert wsfile.read_bytes() == before


async def test_a_dropped_edit_of_a_pair_merged_away_is_listed_and_can_be_thrown_away(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "j", "enter", "ctrl+e", *" Mine.", "escape")  # pair 2
        await pilot.press("g", "m")  # pair 1 merged with pair 2: pair 2 is gone
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        assert type(app.screen).__name__ == "DroppedEditsScreen"
        assert str(app.screen.query_one("OptionList").get_option_at_index(0).prompt).startswith(
            "a pair merged away · English")
        await pilot.press("enter")  # cannot open: the text is shown, and stays in the list
        await pilot.pause()
        assert app.screen.editing is None
        assert any("merged or deleted; its text: He met the president" in m for m in messages(app))
        await pilot.press("E", "delete")
        await pilot.pause()
        assert "dropped edit thrown away" in messages(app)
    assert stored(wsfile, first).en.endswith("documents.")  # the merge, nothing of the dropped text
    with Workspace(wsfile) as ws:
        assert dropped.listed(ws, who="tester") == []


async def test_quitting_on_an_unsaved_edit_says_it_is_kept_and_keeps_it(wsfile: Path) -> None:
    from workbench.tui.screens.dialogs import ConfirmScreen

    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "enter", "ctrl+e", *" Unsaved.", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Quit without saving the text you are editing? It is kept: E brings it back."
        await pilot.press("y")
        await pilot.pause()
    with Workspace(wsfile) as ws:
        assert [d.typed for d in dropped.listed(ws, who="tester")] == [FIRST_EN + " Unsaved."]
