"""Issue 23, ten million pairs: the review app's first frame reads what the screen shows, not
the document. Measured as SQLite virtual-machine steps on the app's connection (a progress
handler's ticks) from start to the first page drawn, never as time: the same app on a document
of 100 pairs and of 3,000."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, row_text
from workbench.store import NewPair, Workspace

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
