"""Issue 23, ten million pairs: the review app's first frame reads what the screen shows, not
the document. Measured as SQLite virtual-machine steps on the app's connection (a progress
handler's ticks) from start to the first page drawn, never as time: the same app on a document
of 100 pairs and of 3,000."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, row_text
from workbench.store import NewPair, Workspace, hits

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]


async def ticks_to_first_page(path: Path) -> int:
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 0

    app = app_for(path)
    app.ws.conn.set_progress_handler(tick, 100)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Sentence 0." in row_text(app, 1)  # the first page is on screen
        seen = ticks
        app.ws.conn.set_progress_handler(None, 0)
    return seen


async def test_the_first_page_of_an_imported_corpus_costs_the_page_not_the_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An imported corpus has no drafts: asking whether the document has any joined every pair
    of it with the drafts (10M pairs: 0.78 s on the event loop before the first frame)."""
    import workbench.tui.rows

    monkeypatch.setattr(workbench.tui.rows, "FLAGS_LOOK", 5)  # the flags look is bounded by design
    ticks = {}
    for size in (100, 3000):  # both fill the screen
        path = tmp_path / f"corpus-{size}.sqlite"
        with Workspace(path) as ws:
            ws.insert_pairs(ws.add_document("corpus").id,
                            [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(size)])
        ticks[size] = await ticks_to_first_page(path)
    assert ticks[3000] <= ticks[100] * 1.2 + 10, ticks


async def test_a_workspace_search_runs_its_full_text_match_once(tmp_path: Path, monkeypatch) -> None:
    """ctrl+f's results: the ids and the number of documents come from one pass; a second query
    counting the documents ran the match again (a common word at 10M pairs: seconds each). As
    in a big workspace, the first rows are found first (one range of hits), then all."""
    monkeypatch.setattr(hits, "STRETCH", 4)
    monkeypatch.setattr(hits, "BUDGET", 0)
    path = tmp_path / "two.sqlite"
    with Workspace(path) as ws:
        for name in ("one", "two"):
            ws.insert_pairs(ws.add_document(name).id,
                            [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i} of {name}."], status="review")
                             for i in range(5)])
    app = app_for(path)
    matches: list[str] = []
    opened = app.worker_workspace

    def traced(**kwargs) -> Workspace:
        ws = opened(**kwargs)
        # the search's pairs read through the match (a range of hits for the first rows, then
        # all): not the index's count of hits, FTS5's own statements ("--"), other workers' matches
        ws.conn.set_trace_callback(lambda sql: matches.append(sql) if "MATCH 'sentence*'" in sql
                                   and "SELECT 1 FROM pairs_fts" not in sql and not sql.startswith("--") else None)
        return ws

    app.worker_workspace = traced
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+f", *"sentence", "enter")
        for _ in range(200):
            await pilot.pause(0.01)
            if "10 pairs in 2 documents" in str(app.screen.query_one("#title").render()):
                break
        assert "10 pairs in 2 documents" in str(app.screen.query_one("#title").render())
    assert len(matches) == 2 and "BETWEEN" in matches[0], matches


async def test_a_merge_during_a_search_finds_its_pairs_again_in_a_worker(tmp_path: Path, monkeypatch) -> None:
    """A structural change (merge, split, shift, undo) while a search is shown: the search's pairs
    are found again off the event loop, as a new search is (a common word at 10M pairs froze the
    app 2.2 s), then shown with the cursor on the merged pair."""
    import threading

    path = tmp_path / "corpus.sqlite"
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("corpus").id,
                        [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(6)])
    on_the_loop: list[str] = []
    found_again = hits.ids

    def ids(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            on_the_loop.append("hits.ids")
        return found_again(*args, **kwargs)

    monkeypatch.setattr(hits, "ids", ids)
    monkeypatch.setattr(hits, "BUDGET", 0)  # the search's first rows first, then all: as at 10M
    monkeypatch.setattr(hits, "STRETCH", 2)
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"sentence", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.table.source.total == 6
        await pilot.press("down", "m")  # the second pair merged with the third
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause(0.01)
            if screen.table.source.total == 5:
                break
        assert screen.table.source.total == 5
        assert screen.current.en == "Sentence 1. Sentence 2."
        assert "Sentence 1. Sentence 2." in row_text(app, 2)
    assert not on_the_loop
