"""Issue 13 "Never damage the corpus with one key" and issue 12's review-app part: keys are
pressed with Pilot, and what is stored (and exported) is read back from the workspace file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, stored
from workbench.export import export
from workbench.store import Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    """The five-pair document of test_tui; pair 2 (a 2-2 bead with English) also has a draft."""
    path = make_workspace(tmp_path / "safety.sqlite")
    with Workspace(path) as ws:
        second = list(ws.pairs())[1]
        ws.add_draft(second.id, source=second.fa, text="He met Tokayev and they signed twelve documents.",
                     engine="argos", model="fa-en-test")
    return path


@pytest.fixture(autouse=True)
def no_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes made "meanwhile" by another connection must reach the app only through the key
    pressed (a 1 s poll on a loaded machine could show them first)."""
    monkeypatch.setattr("workbench.tui.app.POLL_SECONDS", 3600)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def jsonl(path: Path, tmp_path: Path, status: str = "all") -> list[dict]:
    out = tmp_path / "out.jsonl"
    with Workspace(path) as ws:
        export(ws, "jsonl", out, status=status)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


# -- a: never approve a pair without English ---------------------------------------------------
async def test_a_on_a_pair_without_english_says_why_and_changes_nothing(wsfile: Path, tmp_path: Path) -> None:
    third = ids(wsfile)[2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "a")
        await pilot.pause()
        assert app.screen.current.id == third  # did not move on as if approved
        assert "cannot approve pair 3: it has no English — enter writes it, d takes the MT draft" in messages(app)
    assert stored(wsfile, third).status == "draft"
    with Workspace(wsfile) as ws:
        assert not [e for e in ws.history.entries(third) if e.action == "status:approved"]
    tsv = tmp_path / "approved.tsv"
    with Workspace(wsfile) as ws:
        export(ws, "tsv", tsv)
    assert all(line.split("\t")[1].strip() for line in tsv.read_text(encoding="utf-8").splitlines())


async def test_a_after_deleting_the_english_in_the_editor_refuses(wsfile: Path, tmp_path: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter", "ctrl+e", *["backspace"] * 40, "ctrl+s")  # delete every letter, save
        await pilot.pause()
        assert stored(wsfile, first).en == ""
        await pilot.press("a")
        await pilot.pause()
        assert any(m.startswith("cannot approve pair 1: it has no English") for m in messages(app))
    assert stored(wsfile, first).status != "approved"
    assert not [r for r in jsonl(wsfile, tmp_path, "approved") if not r["en"]]


# -- d: taking the draft over English asks first ------------------------------------------------
async def test_d_over_english_asks_naming_what_is_replaced_and_n_keeps_it(wsfile: Path) -> None:
    from workbench.tui.screens.dialogs import ReplaceEnglishScreen

    second = ids(wsfile)[1]
    before = stored(wsfile, second)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReplaceEnglishScreen)
        assert dialog.question.startswith("Pair 2 already has English (2 sentences). Replace it with the MT draft?")
        assert dialog.english == before.en and dialog.draft == before.draft
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "PairsScreen"
    after = stored(wsfile, second)
    assert (after.en, after.n_en, after.version) == (before.en, 2, before.version)


async def test_d_then_y_replaces_in_one_undo_step_and_undo_brings_both_sentences_back(wsfile: Path,
                                                                                      tmp_path: Path) -> None:
    second = ids(wsfile)[1]
    before = stored(wsfile, second)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        after = stored(wsfile, second)
        assert after.en == "He met Tokayev and they signed twelve documents."
        assert after.status == "review"  # not approved by taking the draft
        row = next(r for r in jsonl(wsfile, tmp_path) if r["pair"] == 2)
        assert row["en"] == after.en and row["status"] == "review"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "restored pair 2 to review (undid the taking of the draft)" in messages(app)
    restored = stored(wsfile, second)
    assert (restored.en, restored.n_en) == (before.en, 2)
    with Workspace(wsfile) as ws:
        sentences = [s.text for s in ws.sentences(second, "en")]
    assert sentences == ["He met the president of Kazakhstan (Tokayev).",
                         "The two sides signed 12 cooperation documents."]


async def test_d_on_a_pair_without_english_takes_the_draft_without_asking(wsfile: Path) -> None:
    third = ids(wsfile)[2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "d")
        await pilot.pause()
        assert type(app.screen).__name__ == "PairsScreen"
    assert stored(wsfile, third).en == "The price of oil reached 80 dollars."


# -- escape: cancel at once, but the dropped text comes back ------------------------------------
async def test_escape_drops_the_edit_at_once_and_E_brings_it_back(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter", "ctrl+e", *" Really?", "escape")
        await pilot.pause()
        assert app.screen.editing is None  # escape still cancels at once (CONTRACT)
        assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday."
        assert "dropped your English edit of pair 1 (not saved) — E brings it back" in messages(app)
        await pilot.press("j", "j", "E")  # from another row: back to the pair, text in the editor
        await pilot.pause()
        assert app.screen.current.id == first
        assert app.screen.editing is not None and app.screen.editing.pair_id == first
        assert app.screen.detail.editor.text == "Putin travelled to Astana on Tuesday. Really?"
        await pilot.press("ctrl+s")
        await pilot.pause()
    pair = stored(wsfile, first)
    assert pair.en == "Putin travelled to Astana on Tuesday. Really?"
    assert pair.n_en == 1  # the bead shape is kept: 1-1, not 1-2


async def test_a_brought_back_edit_of_a_pair_changed_meanwhile_is_a_conflict(wsfile: Path) -> None:
    from workbench.tui.screens.dialogs import ConflictScreen

    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+e", *" Mine.", "escape")
        with Workspace(wsfile) as other:
            other.edits.set_english(first, "Theirs.", who="other")
        await pilot.press("E", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        assert app.screen.number == 1
    assert stored(wsfile, first).en == "Theirs."


async def test_E_without_a_dropped_edit_says_so(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter", "escape", "E")  # nothing typed: nothing dropped
        await pilot.pause()
        assert app.screen.editing is None
        assert "no dropped edit to bring back" in messages(app)


async def test_editing_the_english_of_a_two_sentence_pair_keeps_the_bead_shape(wsfile: Path) -> None:
    second = ids(wsfile)[1]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter", "ctrl+end", *" Really?", "ctrl+s")
        await pilot.pause()
    pair = stored(wsfile, second)
    assert pair.shape == "2-2"
    assert pair.en.endswith("documents. Really?")


# -- conflicts name the pair's number -----------------------------------------------------------
async def test_a_status_conflict_names_the_pairs_number(wsfile: Path) -> None:
    second = ids(wsfile)[1]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j")
        with Workspace(wsfile) as other:
            other.edits.set_english(second, "Changed elsewhere.", who="other")
        await pilot.press("x")
        await pilot.pause()
        assert any(m.startswith("pair 2 was changed by someone else meanwhile") for m in messages(app))
    assert stored(wsfile, second).status == "review"


# -- merge and shift carry the neighbour's version ------------------------------------------------
@pytest.mark.parametrize("key", ["m", "greater_than_sign"])
async def test_merge_and_shift_refuse_when_the_neighbour_changed_meanwhile(wsfile: Path, key: str) -> None:
    first, second = ids(wsfile)[:2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        with Workspace(wsfile) as other:  # the next pair, as the editor has not seen it
            other.edits.set_english(second, "Rewritten by someone else.", who="other")
        await pilot.press(key)
        await pilot.pause()
        assert any(m.startswith("pair 2 was changed by someone else meanwhile") for m in messages(app))
    assert ids(wsfile)[:2] == [first, second]  # nothing merged
    assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday."
    assert stored(wsfile, second).en == "Rewritten by someone else."


async def test_merge_with_the_neighbour_as_seen_goes_through(wsfile: Path) -> None:
    first, second = ids(wsfile)[:2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
    assert second not in ids(wsfile)
    assert stored(wsfile, first).shape == "3-3"


# -- a write never blocks the screen on another writer's lock (issue 12) ------------------------
def hold_write_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


async def test_approve_while_another_writer_holds_the_lock_waits_in_a_worker_and_lands_once(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.ws.busy_timeout_ms <= 500  # the screen's own connection waits only a moment
        lock = hold_write_lock(wsfile)
        try:
            await pilot.press("a")
            await pilot.pause()
            waiting = app.screen.query_one("#waiting")
            assert waiting.has_class("-shown")
            assert "approve pair 1: waiting for another writer" in str(waiting.render())
            await pilot.press("x")  # other changes wait for it: no interleaving
            await pilot.pause()
            assert any("still waiting for another writer" in m for m in messages(app))
            assert stored(wsfile, first).status == "review"
        finally:
            lock.execute("COMMIT")
            lock.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.screen.query_one("#waiting").has_class("-shown")
        assert app.screen.table.cursor == 1  # moved on, as after any approval
    assert stored(wsfile, first).status == "approved"
    with Workspace(wsfile) as ws:
        assert [e.action for e in ws.history.entries(first)].count("status:approved") == 1
        assert not [e for e in ws.history.entries(first) if e.action == "status:rejected"]


async def test_escape_gives_up_a_waiting_change_and_nothing_is_stored(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        lock = hold_write_lock(wsfile)
        try:
            await pilot.press("a")
            await pilot.pause()
            await pilot.press("escape")
            gave_up = "not saved (gave up waiting for another writer)"
            for _ in range(600):  # the worker's current attempt ends within its short busy timeout;
                # the notification is posted as the write is forgotten: wait for both
                if app.screen.writes.pending is None and any(gave_up in m for m in messages(app)):
                    break
                await pilot.pause(0.1)
            assert app.screen.writes.pending is None
            assert any(gave_up in m for m in messages(app))
        finally:
            lock.execute("COMMIT")
            lock.close()
        await pilot.pause()
    assert stored(wsfile, first).status == "review"


async def test_a_save_that_waits_keeps_the_editor_until_it_is_stored(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+e", *" Indeed.")
        lock = hold_write_lock(wsfile)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen.editing is not None and app.screen.detail.editor.read_only
        finally:
            lock.execute("COMMIT")
            lock.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.editing is None
    assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday. Indeed."


async def test_a_save_that_waited_for_a_writer_who_changed_the_pair_shows_the_conflict(wsfile: Path) -> None:
    from workbench.tui.screens.dialogs import ConflictScreen

    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+e", *" Mine.")
        other = Workspace(wsfile)
        other.conn.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            other.edits.set_english(first, "Theirs.", who="other")  # inside the other writer's transaction
        finally:
            other.conn.commit()
            other.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("k")  # keep mine: a deliberate overwrite of the version now seen
        await pilot.pause()
    assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday. Mine."


async def test_quitting_while_a_change_waits_asks_first(wsfile: Path) -> None:
    from workbench.tui.screens.dialogs import ConfirmScreen

    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        lock = hold_write_lock(wsfile)
        try:
            await pilot.press("a")
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "waiting for another writer" in app.screen.question
            await pilot.press("n")
            await pilot.pause()
            assert app.is_running
        finally:
            lock.execute("COMMIT")
            lock.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert stored(wsfile, first).status == "approved"
