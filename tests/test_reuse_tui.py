"""Reuse in the review app (issue 20): fuzzy memory matches in the detail pane with the words
that differ marked, alt+1..3 taking one (one undo step, refused over approved English), the
approve filling repetitions unless switched off, and the analysis on the documents screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, stored
from workbench.store import NewPair, Workspace
from workbench.tui.qa_view import highlight_forms
from workbench.tui.widgets.detail import CHANGED

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]

THIS = "قیمت نفت خام در بازارهای جهانی امروز بالا رفت."
NEAR = "قیمت نفت خام در بازارهای جهانی دیروز بالا رفت."  # one word of ten differs: 90%
FAR = "قیمت نفت خام در بازارهای آسیایی دیروز پایین رفت."  # three differ: 70%, not a fuzzy match



@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    """A document whose first pair has no English yet; the memory holds a 90% match."""
    path = tmp_path / "reuse.sqlite"
    with Workspace(path) as ws:
        memory = ws.add_document("memory", kind="corpus")
        ws.insert_pairs(memory.id, [NewPair(fa=[NEAR], en=["Crude rose yesterday."]),
                                    NewPair(fa=[FAR], en=["Asian crude fell."])])
        doc = ws.add_document("job")
        ws.insert_pairs(doc.id, [NewPair(fa=[THIS]), NewPair(fa=["جمله‌ای دیگر."], en=["Another."], status="approved"),
                                 NewPair(fa=[THIS])])
    return path


def job_ids(path: Path) -> list[int]:
    with Workspace(path) as ws:
        return [p.id for p in ws.pairs(ws.document("job").id)]


async def rest(pilot) -> None:
    """The cursor rests until the matches of the pair under it are shown (looked for once the
    cursor rests: a timer, then a worker; waited for, not timed, so a loaded machine is no risk)."""
    for _ in range(200):
        await pilot.pause(0.05)
        screen = pilot.app.screen
        shown = getattr(getattr(screen, "suggestions", None), "shown", None)
        if shown and screen.current is not None and shown[0] == screen.current.id:
            break
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_job(app, pilot) -> None:
    await pilot.pause()
    with Workspace(app.ws_path) as ws:
        doc_id = ws.document("job").id
    app.open_document(doc_id)
    await pilot.pause()
    await pilot.press("g")
    await rest(pilot)


async def test_alt_1_takes_the_fuzzy_match_shown_with_its_percentage_and_differences(wsfile: Path) -> None:
    first = job_ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_job(app, pilot)
        pane = app.screen.detail.query_one("#source")
        lines = [line.strip() if isinstance(line, str) else line.plain.strip() for line, _ in pane.lines(70)]
        assert "Translation memory — alt+1 · 90% · memory" in lines, lines
        assert "Asian crude fell." not in lines  # 70%: below the fuzzy bands
        drawn = pane.render()
        marked = {drawn.plain[s.start:s.end] for s in drawn.spans if str(s.style) == CHANGED}
        assert marked == set(highlight_forms(("دیروز",), app.rtl_mode, True))  # the one word that differs
        await pilot.press("alt+1")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pair = stored(wsfile, first)
        assert (pair.en, pair.status) == ("Crude rose yesterday.", "review")
        await pilot.press("ctrl+z")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert stored(wsfile, first).en == ""
        assert any("undid the taking of a memory match" in n.message for n in app._notifications)


async def test_a_match_is_refused_over_approved_english(wsfile: Path) -> None:
    first = job_ids(wsfile)[0]
    with Workspace(wsfile) as ws:
        ws.edits.set_english(first, "An editor's English.")
        ws.edits.set_status(first, "approved", repeat="off")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_job(app, pilot)
        await pilot.press("alt+1")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert stored(wsfile, first).en == "An editor's English."
        assert any("memory match does not replace approved English" in n.message for n in app._notifications)


@pytest.mark.parametrize("setting, filled", [(None, True), ("off", False)])
async def test_approving_in_the_app_fills_the_repetition_unless_switched_off(
        wsfile: Path, isolated_config: Path, setting: str | None, filled: bool) -> None:
    if setting:
        isolated_config.write_text(f'[review]\nrepetitions = "{setting}"\n')
    first, _, third = job_ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_job(app, pilot)
        await pilot.press("alt+1", "a")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        repetition = stored(wsfile, third)
        assert (repetition.en == "Crude rose yesterday.") is filled
        if filled:
            assert repetition.status == "review" and "pair 1 of 'job'" in repetition.note
            assert any("given to 1 repetition (review)" in n.message for n in app._notifications)
            await pilot.press("ctrl+z")  # the approve and its propagation: one step
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert stored(wsfile, third).en == "" and stored(wsfile, first).status == "review"


async def test_z_on_the_documents_screen_shows_the_analysis_of_the_selected_document(wsfile: Path) -> None:
    from workbench.tui.screens.documents import DocumentsScreen

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if not isinstance(app.screen, DocumentsScreen):
            await pilot.press("o")
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#documents")
        table.move_cursor(row=[str(k.value) for k in table.rows].index(str(job_ids_doc(wsfile))))
        await pilot.press("z")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one("#analysis").render())
        # the job: THIS twice (90% to the memory, then a repetition), one more segment with no match
        assert "Analysis · job · 20 words in 3 segments" in shown, shown
        lines = analysis_rows(shown)
        assert lines["repetitions"] == ["1", "9"] and lines["85-94%"] == ["1", "9"]
        assert lines["approved"] == ["1", "2"] and lines["new"] == ["2", "18"]


def analysis_rows(shown: str) -> dict[str, list[str]]:
    """Each band's and status's row of the analysis panel: label → [segments, words]."""
    rows = {}
    for line in shown.splitlines()[2:]:
        for half in line.split("│"):
            words = half.split()
            if words:  # "no match": a label of two words
                label = 2 if words[0] == "no" else 1
                rows[" ".join(words[:label])] = words[label:label + 2]
    return rows


async def test_the_analysis_panel_shows_every_band_and_status_at_80_columns(wsfile: Path) -> None:
    """What the panel draws, in an 80×24 terminal: every band and every status, the last one
    (rejected) included, each row whole with its share."""
    from textual.geometry import Region

    from workbench.mt.analysis import BAND_NAMES
    from workbench.store import STATUS_NAMES
    from workbench.tui.screens.documents import DocumentsScreen

    app = app_for(wsfile)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen, DocumentsScreen):
            await pilot.press("o")
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        table = app.screen.query_one("#documents")
        table.move_cursor(row=[str(k.value) for k in table.rows].index(str(job_ids_doc(wsfile))))
        await pilot.press("z")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one("#analysis")
        drawn = "\n".join(strip.text for strip in panel.render_lines(Region(0, 0, *panel.region.size)))
        rows = analysis_rows(drawn)
        assert set(BAND_NAMES) | set(STATUS_NAMES) <= set(rows), drawn
        assert rows["rejected"] == ["0", "0"] and rows["new"] == ["2", "18"]
        assert drawn.count("%") >= len(BAND_NAMES) + len(STATUS_NAMES), drawn  # no share cut off


def job_ids_doc(path: Path) -> int:
    with Workspace(path) as ws:
        return ws.document("job").id


async def test_only_the_match_marks_its_differing_word_not_the_pairs_own_persian(tmp_path: Path) -> None:
    """The word that differs (دیروز where this pair has امروز) is marked in the match's Persian
    only: the same word elsewhere in this pair's own Persian, which the match did not change,
    stays unmarked."""
    path = tmp_path / "leak.sqlite"
    this = "قیمت نفت خام دیروز در بازارهای جهانی امروز بالا رفت."
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("memory", kind="corpus").id, [NewPair(fa=[NEAR], en=["Crude rose yesterday."])])
        ws.insert_pairs(ws.add_document("job").id, [NewPair(fa=[this])])
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_job(app, pilot)
        pane = app.screen.detail.query_one("#source")
        drawn = pane.render()
        assert "alt+1" in drawn.plain
        marked_lines = [drawn.plain[:s.start].count("\n") for s in drawn.spans if str(s.style) == CHANGED]
        persian_line = next(n for n, line in enumerate(drawn.plain.split("\n"))
                            if highlight_forms(("امروز",), app.rtl_mode, True)[0] in line)
        assert len(marked_lines) == 1 and marked_lines[0] > persian_line, (marked_lines, drawn.plain)


async def test_of_a_word_twice_in_the_match_only_the_occurrence_that_differs_is_marked(tmp_path: Path) -> None:
    """The match has "در" twice, this pair "از" in place of the second: only that second "در"
    is marked — on the left of the line in visual mode (Persian reads from the right), the
    later one in the logical text in terminal mode; f2 redraws the pane with the matches kept."""
    path = tmp_path / "twice.sqlite"
    memory = "قیمت نفت در بازار تهران در ماه گذشته بالا رفت."
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("memory", kind="corpus").id, [NewPair(fa=[memory], en=["Prices rose."])])
        ws.insert_pairs(ws.add_document("job").id, [NewPair(fa=[memory.replace("تهران در", "تهران از")])])
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_job(app, pilot)
        for mode in ("visual", "terminal"):
            assert app.rtl_mode == mode
            lines = app.screen.detail.query_one("#source").render().split("\n")
            assert any("alt+1" in line.plain for line in lines), mode  # f2 keeps the matches on screen
            line = lines[next(n for n, line in enumerate(lines) if "alt+1" in line.plain) + 1]  # the match's Persian
            form = highlight_forms(("در",), mode, True)[0]
            both = [i for i in range(len(line.plain)) if line.plain.startswith(form, i)]
            marked = [s.start for s in line.spans if str(s.style) == CHANGED]
            assert len(both) == 2 and marked == [min(both) if mode == "visual" else max(both)], (mode, both, marked)
            await pilot.press("f2")
            await pilot.pause()
