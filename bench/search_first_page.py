"""A workspace-wide search (ctrl+f) on a big workspace: time to its first rows on screen and to
all of them, with Pilot (issue 23's "first page under 1 s at 10M pairs").

    .venv/bin/python bench/search_first_page.py WS WORD [WORD…]
    .venv/bin/python bench/search_first_page.py /work/big/ws10m.sqlite ویروس the Putin nowhere
    .venv/bin/python bench/search_first_page.py --doc p10m WS WORD…   # / in that document's pairs view

The app is opened once; each search pushes the results screen and times it from the push to
the first rows (found, then drawn: a frame rendered) and to the whole count. With ``--doc``,
each search is typed into the document's pairs view instead (the document the app opens on),
from its first pair, timed from enter. Run it from
outside the checkout's folder with the checkout on the path, as the figures in docs/scale.md
were. The figures are the workspace's, not a ratio: sqlite-utils has no concordance to
compare against; docs/scale.md gives the same searches before the change.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WORKBENCH_CONFIG", os.devnull)
os.environ.setdefault("WORKBENCH_USER", "bench")

from bench.tui import SIZE, FrameClock  # noqa: E402


async def measure(path: Path, words: list[str]) -> None:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.search_results import SearchResultsScreen

    app = WorkbenchApp(path)
    clock = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        await clock.wait_ready()
        await pilot.pause()
        for word in words:
            screen = SearchResultsScreen(word, 0)
            start = time.perf_counter()
            app.push_screen(screen)
            while not screen.is_mounted or screen.table.source is None:
                await asyncio.sleep(0.002)
            found = time.perf_counter()
            clock.frames.clear()
            for _ in range(500):  # no new frame if nothing on screen changed (no hits)
                if clock.frames:
                    break
                await asyncio.sleep(0.002)
            drawn = clock.frames[-1] if clock.frames else found
            while screen.counting is not None:
                await asyncio.sleep(0.005)
            counted = time.perf_counter()
            total = screen.table.source.total
            print(f"{word}: first rows {found - start:.2f} s, drawn {drawn - start:.2f} s; "
                  f"all {counted - start:.2f} s ({total:,} pairs)", flush=True)
            app.pop_screen()
            await pilot.pause()


async def measure_in_document(path: Path, doc: str, words: list[str]) -> None:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.pairs.screen import PairsScreen

    app = WorkbenchApp(path)
    clock = FrameClock(app)
    async with app.run_test(size=SIZE) as pilot:
        await clock.wait_ready()
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, PairsScreen) or screen.doc.name != doc:
            sys.exit(f"the app opened on {getattr(screen, 'doc', screen)!r}, not {doc!r}: open that document once "
                     "in the app (it opens on the last document)")
        screen = app.screen
        for word in words:
            await pilot.press("slash", *word)
            start = time.perf_counter()
            screen.filtering.submitted(word)  # what enter does (Pilot's press would wait for the app to be idle)
            while screen.table.source.query.text != word:
                await asyncio.sleep(0.002)
            found = time.perf_counter()
            while screen.filtering.counting:
                await asyncio.sleep(0.005)
            counted = time.perf_counter()
            print(f"{word} in {doc}: first rows {found - start:.2f} s; all {counted - start:.2f} s "
                  f"({screen.table.source.total:,} pairs)", flush=True)
            screen.filtering.submitted("")
            while screen.table.source.query.text:
                await asyncio.sleep(0.01)
            await pilot.press("home")  # each search from the document's top, as the first one


if __name__ == "__main__":
    args = sys.argv[1:]
    doc = None
    if args[:1] == ["--doc"] and len(args) > 1:
        doc, args = args[1], args[2:]
    if len(args) < 2:
        sys.exit("usage: bench/search_first_page.py [--doc NAME] WORKSPACE WORD [WORD…]")
    if doc is None:
        asyncio.run(measure(Path(args[0]), args[1:]))
    else:
        asyncio.run(measure_in_document(Path(args[0]), doc, args[1:]))
