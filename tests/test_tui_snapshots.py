"""Screenshots of the review app compared with approved SVGs (pytest-textual-snapshot).

After a deliberate change to the look: ``pytest tests/test_tui_snapshots.py --snapshot-update``,
then look at the new SVGs in tests/__snapshots__/test_tui_snapshots/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import make_workspace
from workbench.store import NewPair, Workspace

SIZE = (110, 30)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The app on a fixed workspace, with paths and names that do not vary between runs."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")  # relative: shown in help
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    path = make_workspace(Path("review.sqlite"))
    with Workspace(path) as ws:
        doc = ws.add_document("گزارش-اقتصادی")
        ws.insert_pairs(doc.id, [NewPair(fa=["رشد اقتصادی ۳ درصد بود."], en=["Growth was 3 percent."],
                                         status="approved")])

    def make():
        from workbench.tui.app import WorkbenchApp

        return WorkbenchApp(path)

    return make


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_pairs_view_visual(app, snap_compare) -> None:
    assert snap_compare(app(), terminal_size=SIZE, press=["j"], run_before=settle)


def test_pairs_view_terminal_mode(app, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_RTL", "terminal")
    assert snap_compare(app(), terminal_size=SIZE, press=["j"], run_before=settle)


def test_documents_screen(app, snap_compare) -> None:
    async def documents(pilot) -> None:
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=documents)


def test_help_screen(app, snap_compare) -> None:
    async def help_screen(pilot) -> None:
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app(), terminal_size=(110, 60), run_before=help_screen)


def test_scores_screen(tmp_path: Path, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_tui_scores import scored_workspace

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    path = scored_workspace(Path("scores.sqlite"))

    async def scores(pilot) -> None:
        await pilot.press("c")
        await settle(pilot)

    from workbench.tui.app import WorkbenchApp

    assert snap_compare(WorkbenchApp(path), terminal_size=SIZE, run_before=scores)


@pytest.fixture
def revised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pair whose English an editor made from the MT draft, with a Persian note and a flag."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    path = make_workspace(Path("revised.sqlite"))
    with Workspace(path) as ws:
        third = list(ws.pairs())[2]
        ws.set_english(third.id, "Oil prices reached $80 a barrel.")
        ws.set_note(third.id, "قیمت را با گزارش رویترز مقایسه کنید (Reuters)", "ask the client")
    return path


def test_detail_pane_diff_and_note(revised: Path, snap_compare) -> None:
    from workbench.tui.app import WorkbenchApp

    assert snap_compare(WorkbenchApp(revised), terminal_size=SIZE, press=["j", "j"], run_before=settle)


def test_search_results_concordance(revised: Path, snap_compare) -> None:
    from workbench.tui.app import WorkbenchApp

    async def search_all(pilot) -> None:
        await pilot.press("ctrl+f", *"قزاقستان OR oil", "enter")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(WorkbenchApp(revised), terminal_size=SIZE, run_before=search_all)
