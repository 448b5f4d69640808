"""The scores screen: per-document, per-engine scores and a chrF histogram whose bars open their
pairs in the pairs view."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for
from workbench.store import NewPair, Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]

ENGLISH = [f"The minister visited city number {i} on Monday." for i in range(12)]
DRAFTS = [e if i % 3 else f"Minister go town {i}" for i, e in enumerate(ENGLISH)]  # every third is poor


def scored_workspace(path: Path) -> Path:
    with Workspace(path) as ws:
        doc = ws.add_document("گزارش")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"وزیر روز دوشنبه از شهر {i} دیدن کرد."], en=[e], status="approved")
                                 for i, e in enumerate(ENGLISH)])
        for pair, draft in zip(ws.pairs(doc.id), DRAFTS):
            ws.add_draft(pair.id, source=pair.fa, text=draft, engine="argos", model="fa-en-test")
    return path


async def test_histogram_bar_opens_its_pairs(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from workbench.tui.screens.pairs import PairsScreen
    from workbench.tui.screens.scores import ScoresScreen

    path = scored_workspace(tmp_path / "scores.sqlite")
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ScoresScreen)
        scores = app.screen.query_one("#scores", DataTable)
        assert scores.row_count == 1
        assert "argos:fa-en-test" in str(scores.get_row_at(0))
        bins = app.screen.query_one("#histogram", DataTable)
        counts = [int(str(bins.get_row_at(i)[1])) for i in range(bins.row_count)]
        assert sum(counts) == 12 and counts[-1] == 8  # unchanged drafts score 100
        worst = next(i for i, n in enumerate(counts) if n)
        await pilot.press("tab")
        for _ in range(worst):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PairsScreen)
        source = app.screen.table.source
        assert source.total == 4 == counts[worst]
        with Workspace(path) as ws:
            shown = [p for p in ws.pairs() if p.chrf is not None and p.chrf < (worst + 1) * 10]
        assert {p.en for p in shown} == {ENGLISH[i] for i in (0, 3, 6, 9)}
        assert "chrF" in str(app.screen.query_one("#title").render())


async def test_scores_screen_without_scorable_pairs_says_why(tmp_path: Path) -> None:
    from tests.test_tui import make_workspace

    app = app_for(make_workspace(tmp_path / "plain.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "nothing to score" in str(app.screen.query_one("#title").render())


async def test_escape_leaves_the_scores_and_c_never_piles_them_up(tmp_path: Path) -> None:
    from workbench.tui.screens.pairs import PairsScreen
    from workbench.tui.screens.scores import ScoresScreen

    app = app_for(scored_workspace(tmp_path / "scores.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PairsScreen)
        for _ in range(3):  # scores, a bar's pairs, scores again…
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("tab", "enter")
            await pilot.pause()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["DocumentsScreen", "PairsScreen", "ScoresScreen"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PairsScreen) and not isinstance(app.screen_stack[-2], ScoresScreen)


async def open_first_bar_with_pairs(pilot) -> None:
    from textual.widgets import DataTable

    bins = pilot.app.screen.query_one("#histogram", DataTable)
    first = next(i for i in range(bins.row_count) if int(str(bins.get_row_at(i)[1])))
    await pilot.press("tab", *["down"] * first, "enter")
    await pilot.pause()


async def test_filtering_and_searching_the_pairs_of_a_bar_keeps_the_bar(tmp_path: Path) -> None:
    app = app_for(scored_workspace(tmp_path / "scores.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await open_first_bar_with_pairs(pilot)  # the four poor drafts
        screen = app.screen
        assert screen.table.source.total == 4
        rejected = screen.current.id
        await pilot.press("x", *"fffff")  # reject one; filter all → … → rejected
        await pilot.pause()
        assert [screen.table.source.get(i).id for i in range(screen.table.source.total)] == [rejected]
        await pilot.press("f", "slash", *"minister", "enter")  # all again, and a search
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.source.total == 4  # all twelve pairs match; only the bar's are shown
        assert "chrF" in str(screen.query_one("#title").render())


async def test_help_lists_the_scores_keys_first_on_the_scores_screen(tmp_path: Path) -> None:
    app = app_for(scored_workspace(tmp_path / "scores.sqlite"))
    async with app.run_test(size=(110, 40)) as pilot:  # too short for every section: the scores' come first
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        shown = app.export_screenshot()
        for key_id in ("open_bin", "focus_histogram", "back"):
            assert key_id in shown


async def test_f2_redraws_the_document_names_on_the_scores_screen(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    app = app_for(scored_workspace(tmp_path / "scores.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        name = lambda: str(app.screen.query_one("#scores", DataTable).get_row_at(0)[0])  # noqa: E731
        assert name() != "گزارش"  # visual: shaped and reordered
        await pilot.press("f2")
        await pilot.pause()
        assert name() == "گزارش"
        assert "گزارش" in str(app.screen.query_one("#histogram-title").render())
