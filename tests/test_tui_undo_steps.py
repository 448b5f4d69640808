"""Every change an editor makes from the review app is one undo step (issue 18): redrafting a
pair (t) and drafting a document (D) too, so ctrl+z never skips them to undo something older
(another pair's Persian fix). Pilot presses the keys; the workspace file is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import DRAFT, SIZE, app_for, ids, make_workspace, stored
from tests.test_tui_jobs import isolated, tiny_model  # noqa: F401 (fixtures)
from tests.tiny_model import PACKAGE_NAME, TinyArgos, tiny_argos  # noqa: F401 (fixture)
from workbench.store import Workspace

pytestmark = pytest.mark.anyio


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "undo.sqlite")


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_redrafting_a_pair_is_one_undo_step(wsfile: Path, tiny_model: TinyArgos) -> None:
    first, _, third, *_ = ids(wsfile)
    fa_before = stored(wsfile, first).fa
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "p", "end", *" x", "ctrl+s")  # a Persian fix on pair 1
        await settle(app, pilot)
        fixed = stored(wsfile, first).fa
        assert fixed != fa_before
        await pilot.press("j", "j", "t")  # redraft pair 3 (it has an MT draft already)
        await settle(app, pilot)
        assert stored(wsfile, third).model == PACKAGE_NAME
        redraft = stored(wsfile, third).draft

        await pilot.press("ctrl+z")  # undoes the redraft, not the Persian fix
        await settle(app, pilot)
        pair = stored(wsfile, third)
        assert (pair.draft, pair.model) == (DRAFT, "fa-en-test")
        assert stored(wsfile, first).fa == fixed
        assert app.screen.current.draft == DRAFT  # the table shows it
        with Workspace(wsfile) as ws:
            assert [d.text for d in ws.drafts(third)] == [DRAFT]  # the redraft is gone, not only hidden

        await pilot.press("ctrl+y")  # redoes it
        await settle(app, pilot)
        assert (stored(wsfile, third).draft, stored(wsfile, third).model) == (redraft, PACKAGE_NAME)

        await pilot.press("ctrl+z", "ctrl+z")  # the redraft, then the Persian fix
        await settle(app, pilot)
        assert stored(wsfile, third).draft == DRAFT
        assert stored(wsfile, first).fa == fa_before
    from workbench.store.maintenance import check

    with Workspace(wsfile) as ws:
        assert [(c.name, c.detail) for c in check(ws) if not c.ok] == []  # history replays, no orphan drafts


async def test_drafting_a_document_is_one_undo_step(wsfile: Path, tiny_model: TinyArgos) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("g", "a")  # approve the first pair: the change before the drafting
        await settle(app, pilot)
        await pilot.press("D")
        await settle(app, pilot)
        assert all(stored(wsfile, pid).draft for pid in all_ids)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert [stored(wsfile, pid).draft for pid in all_ids] == [None, None, DRAFT, None, None]
        assert stored(wsfile, all_ids[0]).status == "approved"  # the approval is the next step, still there
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert all(stored(wsfile, pid).draft for pid in all_ids)


class Echo:
    """A drafting engine that says which Persian it drafted."""

    name, model, model_version, params = "echo", "echo-1", "", {}

    def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str | None]:
        return [f"draft of {s}" for s in sentences]


def test_a_document_drafted_batch_by_batch_is_one_undo_step_even_when_stopped(wsfile: Path) -> None:
    """Each batch adds its drafts to the run's entry in its own transaction: a run stopped after
    two batches is one step holding exactly those drafts."""
    from workbench.mt import draft_pairs

    with Workspace(wsfile) as ws:
        doc = ws.documents()[0].id
        batches = iter([False, False, True])  # asked before the first batch, then after each
        run = draft_pairs(ws, Echo(), doc_id=doc, batch_size=1, undo_step_of="ed",
                          should_stop=lambda: next(batches, True))
        assert run.stopped and run.drafted == 2
        assert ws.history.step_size("undo", who="ed") == 2  # both batches: one step
        ws.history.undo(who="ed")
        assert sum(1 for p in ws.pairs() if p.draft) == 1  # the one made before
        assert ws.history.undo(who="ed") is None
        ws.history.redo(who="ed")
        assert sum(1 for p in ws.pairs() if p.engine == "echo") == 2
        assert ws.history.replay() == []
