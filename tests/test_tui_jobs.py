"""Background jobs of the review app: drafting, realigning, translation-memory suggestions.

Drafting runs the real argos engine on the tiny random-weight Argos package (tests/tiny_model.py,
installed into a temporary ARGOS_PACKAGES_DIR), suggestions come from the real translation memory
and realigning from the real aligner. What is tested is the app's side: worker threads with their
own connection, progress, the table refreshed afterwards, and errors shown as messages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, stored
from tests.tiny_model import PACKAGE_NAME, TinyArgos, tiny_argos  # noqa: F401 (fixture)
from workbench.store import NewPair, Workspace

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))  # no developer's own models
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "jobs.sqlite")


@pytest.fixture
def tiny_model(tiny_argos: TinyArgos, monkeypatch: pytest.MonkeyPatch) -> TinyArgos:
    """The test model installed and chosen by name (it drafts only when named)."""
    for name, value in tiny_argos.env.items():
        monkeypatch.setenv(name, value)
    return tiny_argos


async def test_t_drafts_the_selected_pair_in_a_worker(wsfile: Path, tiny_model: TinyArgos) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pair = stored(wsfile, first)
        assert pair.draft and pair.engine == "argos" and pair.model == PACKAGE_NAME
        with Workspace(wsfile) as ws:
            assert ws.drafts(first)[0].source == pair.fa
        assert app.screen.current.draft == pair.draft  # the table shows it without a reload key
        # issue 13: not "1 pairs"; issue 18: redrafting is an undo step, and says so
        assert any(n.message == "drafted 1 pair (ctrl+z undoes)" for n in app._notifications)
        assert not app.screen.query_one("#job").has_class("-running")


async def test_draft_document_reports_progress_and_fills_every_missing_draft(
        wsfile: Path, tiny_model: TinyArgos) -> None:
    from workbench.tui.messages import JobProgress

    progress: dict[int, tuple[int, int]] = {}  # by message: the hook sees a message at each pump it reaches

    def record(message) -> None:
        if isinstance(message, JobProgress):
            progress[id(message)] = (message.done, message.total)

    app = app_for(wsfile)
    async with app.run_test(size=SIZE, message_hook=record) as pilot:
        await pilot.press("D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        with Workspace(wsfile) as ws:
            pairs = list(ws.pairs())
        assert all(p.draft for p in pairs)
        assert pairs[2].draft == "The price of oil reached 80 dollars."  # already drafted: kept
        assert [p.model for p in pairs] == [PACKAGE_NAME] * 2 + ["fa-en-test"] + [PACKAGE_NAME] * 2
        assert sorted(progress.values())[-1] == (4, 4)  # one batch of the four missing drafts


async def test_a_failing_engine_becomes_a_message_not_a_crash(wsfile: Path, tiny_argos: TinyArgos, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken-models"
    shutil.copytree(tiny_argos.packages, broken)
    (broken / PACKAGE_NAME / "model" / "model.bin").write_bytes(b"not a model")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(broken))
    monkeypatch.setenv("WORKBENCH_MODEL", PACKAGE_NAME)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert any("cannot load the CTranslate2 model" in n.message and n.severity == "error"
                   for n in app._notifications)


async def test_missing_model_message_comes_from_the_engine_loader(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("workbench models install fa en" in n.message for n in app._notifications)


async def test_t_never_drafts_with_a_test_model_nobody_chose(wsfile: Path, tiny_argos: TinyArgos,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: only the test model installed, not named: t says no model is installed (as
    the startup message would) and names the test model, instead of storing its noise."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tiny_argos.packages))
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("no Persian→English model is installed" in m for m in messages)
        assert any(f"only the test model {PACKAGE_NAME}" in m and "chosen by name" in m for m in messages)
    with Workspace(wsfile) as ws:
        assert [p.model for p in ws.pairs() if p.draft] == ["fa-en-test"]  # only the one drafted beforehand


async def test_realign_a_marked_range_in_a_worker_and_undo_it(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        # Pair 2 holds two Persian and two English sentences (2-2), pair 3 a Persian sentence alone.
        await pilot.press("j", "v", "j", "R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = ids(wsfile)
        assert after[0] == all_ids[0] and after[-2:] == all_ids[-2:]
        with Workspace(wsfile) as ws:
            realigned = [ws.pair(pid) for pid in after[1:-2]]
        assert [p.shape for p in realigned] == ["1-1", "1-1", "1-0"]
        assert realigned[1].en == "The two sides signed 12 cooperation documents."
        assert app.screen.current.id == after[1]
        assert app.screen.table.mark is None
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert ids(wsfile) == all_ids


async def test_realign_without_a_mark_explains_how(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert any("mark the start of the range with v" in n.message for n in app._notifications)


async def test_translation_memory_suggestions_show_for_the_resting_pair(wsfile: Path) -> None:
    from workbench.mt.tm import lookup

    twin_fa, twin_en = "پوتین روز دوشنبه به آستانه سفر کرد.", "Putin travelled to Astana on Monday."
    with Workspace(wsfile) as ws:
        memory = ws.add_document("memory", kind="corpus")
        ws.insert_pairs(memory.id, [NewPair(fa=[twin_fa], en=[twin_en], status="review")])
        first = next(ws.pairs())
        score = lookup(ws, first.fa, exclude_pair_id=first.id)[0].score
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.4)  # suggestions wait until the cursor rests
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = [str(line).strip() for line, _ in app.screen.detail.query_one("#source").lines(60)]  # Text: marked
        assert f"Translation memory — alt+1 · {round(score)}% · memory" in lines, lines
        assert 80 < score < 100
        assert twin_en in lines, repr(lines[5:])


async def test_the_range_mark_stays_on_its_pair_when_rows_above_it_merge(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "v")  # mark pair 4
        await pilot.press("g", "m")  # merge pairs 1 and 2: pair 4 is now row 3
        await pilot.pause()
        table = app.screen.table
        assert table.source.get(table.mark).id == all_ids[3]
        await pilot.press("f", "f", "f", "f", "f", "f")  # round the filters back to all
        await pilot.pause()
        assert table.source.get(table.mark).id == all_ids[3]
        await pilot.press("R")  # realigns rows 1–3: the merged pair, pair 3 and the marked pair 4
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ids(wsfile)[-1] == all_ids[4]  # pair 5, outside the range, untouched
        with Workspace(wsfile) as ws:
            assert ws.pair(all_ids[4]).version == 1


async def test_realigning_a_range_says_when_two_notes_landed_on_one_pair(wsfile: Path, monkeypatch) -> None:
    from tests.test_edges_structure import aligning_as_one

    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:
        ws.edits.set_note(all_ids[1], "first note")
        ws.edits.set_note(all_ids[2], "second note")
    aligning_as_one(monkeypatch, 0, 3)  # pair 2's sentences (2-2) and pair 3's (1-0) in one bead
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "v", "j", "R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("the notes of two pairs landed on pair 2: both kept" in n.message for n in app._notifications)
        assert stored(wsfile, ids(wsfile)[1]).note == "first note / second note"
