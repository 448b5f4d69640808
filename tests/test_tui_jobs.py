"""Background jobs of the review app: drafting, realigning, translation-memory suggestions.

The app reaches ``workbench.mt`` and ``workbench.align`` only through ``workbench.tui.backends``.
Until those packages are in this build, these tests put a small module of the same shape in
their place (a word-for-word "engine" writing real drafts with the real store), so what is
tested is the app's side: worker threads with their own connection, progress, the table
refreshed afterwards, and errors shown as messages.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, stored
from workbench.errors import WorkbenchError
from workbench.store import NewPair, Workspace

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    monkeypatch.setenv("WORKBENCH_USER", "tester")


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "jobs.sqlite")


def stand_in(monkeypatch: pytest.MonkeyPatch, name: str, **functions) -> None:
    """Put a module ``name`` with these functions where the app will import it from."""
    module = types.ModuleType(name)
    module.__dict__.update(functions)
    monkeypatch.setitem(sys.modules, name, module)


def word_engine_draft_pairs(ws, engine, *, doc_id=None, pair_ids=None, redraft=False, on_progress=None,
                            should_stop=None):
    """Drafts "[engine] <Persian>" for each pair, reporting progress like workbench.mt will."""
    pairs = [ws.pair(i) for i in pair_ids] if pair_ids else [p for p in ws.pairs(doc_id) if redraft or not p.draft]
    done = 0
    for pair in pairs:
        if should_stop and should_stop():
            break
        ws.add_draft(pair.id, source=pair.fa, text=f"[{engine}] {pair.fa}", engine="words", model="test-model")
        done += 1
        if on_progress:
            on_progress(done, len(pairs))
    return done


async def test_t_drafts_the_selected_pair_in_a_worker(wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(monkeypatch, "workbench.mt", load_engine=lambda: "word-engine", draft_pairs=word_engine_draft_pairs)
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        pair = stored(wsfile, first)
        assert pair.draft == f"[word-engine] {pair.fa}" and pair.engine == "words"
        assert app.screen.current.draft == pair.draft  # the table shows it without a reload key
        assert any("drafted 1 pairs" in n.message for n in app._notifications)
        assert not app.screen.query_one("#job").has_class("-running")


async def test_draft_document_reports_progress_and_fills_every_missing_draft(
        wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(monkeypatch, "workbench.mt", load_engine=lambda: "word-engine", draft_pairs=word_engine_draft_pairs)
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
            drafts = [p.draft for p in ws.pairs()]
        assert all(drafts)
        assert drafts[2] == "The price of oil reached 80 dollars."  # already drafted: kept
        assert sorted(progress.values()) == [(1, 4), (2, 4), (3, 4), (4, 4)]


async def test_a_failing_engine_becomes_a_message_not_a_crash(wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("CUDA out of memory")

    stand_in(monkeypatch, "workbench.mt", load_engine=lambda: "engine", draft_pairs=broken)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert any("CUDA out of memory" in n.message and n.severity == "error" for n in app._notifications)


async def test_missing_model_message_comes_from_the_engine_loader(wsfile: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model():
        raise WorkbenchError("no Persian→English model is installed: run `workbench models install fa en`")

    stand_in(monkeypatch, "workbench.mt", load_engine=no_model, draft_pairs=word_engine_draft_pairs)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("workbench models install fa en" in n.message for n in app._notifications)


async def test_realign_a_marked_range_in_a_worker_and_undo_it(wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def realign_range(ws, doc_id, first_pair_id, last_pair_id, who=None):
        """Re-pair a range as one bead (what an aligner does to a 2-1 + 1-0 run, say)."""
        first, last = ws.pair(first_pair_id), ws.pair(last_pair_id)
        run = [p for p in ws.pairs(doc_id) if first.position <= p.position <= last.position]
        fa = [s.text for p in run for s in ws.sentences(p.id, "fa")]
        en = [s.text for p in run for s in ws.sentences(p.id, "en")]
        return ws.replace_pairs(doc_id, [p.id for p in run], [NewPair(fa=fa, en=en, status="review")], who=who)

    stand_in(monkeypatch, "workbench.align", realign_range=realign_range)
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "v", "j", "R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = ids(wsfile)
        assert len(after) == 4 and after[0] == all_ids[0] and after[2:] == all_ids[3:]
        merged = stored(wsfile, after[1])
        assert (merged.n_fa, merged.n_en) == (3, 2)
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


async def test_translation_memory_suggestions_show_for_the_resting_pair(wsfile: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def suggestions(ws, pair, limit):
        return [(0.92, pair.fa, "A remembered translation."), (0.61, "...", "A weaker match.")][:limit]

    stand_in(monkeypatch, "workbench.mt", suggestions=suggestions)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.4)  # suggestions wait until the cursor rests
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = [line.strip() for line, _ in app.screen.detail.query_one("#source").lines(60)]
        assert "Translation memory" in lines, lines
        assert "92% A remembered translation." in lines, repr(lines[5:])
