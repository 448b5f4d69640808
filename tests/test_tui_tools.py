"""Find, compare, annotate: searching every document (a concordance), notes, filters, the
draft → English diff, find-and-replace and exporting from the app. Pilot presses the keys; the
workspace file and the exported files are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, row_text, stored, toasts
from workbench.store import NewPair, Workspace, hits, search

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]

SECOND = [
    NewPair(fa=["اینجا چیزی نیست."], en=["Nothing here."], status="review"),
    NewPair(fa=["اینجا هم نه."], en=["Nothing here either."], status="review"),
    NewPair(fa=["قزاقستان کشوری بزرگ است."], en=["Kazakhstan is a large country."], status="review",
            confidence=0.4),
]



@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    """putin-visit (5 pairs, see test_tui) and "second" (3 pairs; the third names Kazakhstan)."""
    path = make_workspace(tmp_path / "review.sqlite")
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("second").id, SECOND)
    return path


def pane_lines(app, pane_id: str) -> list[str]:
    """What a detail pane shows, line by line, padding included (a right-aligned Persian line
    ends at the pane's right edge)."""
    from textual.geometry import Region

    pane = app.screen.query_one(pane_id)
    return [strip.text.strip() for strip in pane.render_lines(Region(0, 0, *pane.outer_size))]


def pair_id(path: Path, doc: str, number: int) -> int:
    with Workspace(path) as ws:
        return list(ws.pairs(ws.document(doc).id))[number - 1].id


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- search across the workspace ------------------------------------------------------------------
def test_a_word_finds_the_words_it_begins_in_the_demo(tmp_path: Path) -> None:
    from workbench.demo import build_demo

    ws, _ = build_demo(tmp_path / "demo.sqlite")
    with ws:
        assert search.count(ws, search.pair_query(ws, text="Kazakh")) == 28  # Kazakhstan, Kazakh, Kazakhstan's
        assert search.count(ws, search.pair_query(ws, text='"Kazakh"')) == 6  # a quoted word matches as written
        assert search.count(ws, search.pair_query(ws, text="قزاق")) == 27  # قزاقستان, قزاقستانی
        # Short words match whole: "in" must not find every "international", "inside"…
        assert search.pair_query(ws, text="in Kazakh").match == "in kazakh*"
        assert search.pair_query(ws, text="NEAR(Putin Kazakh, 5)").match == "NEAR (putin* kazakh*, 5)"


async def test_ctrl_f_searches_every_document_with_real_numbers_and_enter_opens_the_pair(wsfile: Path) -> None:
    target = pair_id(wsfile, "second", 3)
    with Workspace(wsfile) as ws, ws.write() as conn:  # an alignment bead nobody has looked at
        conn.execute("UPDATE pairs SET status = 'draft' WHERE id = ?", [target])
    app = app_for(wsfile)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+f", *"Kazakh", "enter")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "SearchResultsScreen"
        assert screen.table.source.total == 2
        first, second = row_text(app, 1), row_text(app, 2)
        # The document and the pair's number in it (2 and 3, not the rows 1 and 2).
        assert first.split("│")[0].split() == ["putin-visit", "2"]
        assert second.split("│")[0].split() == ["second", "3"]
        assert "Kazakhstan (Tokayev)" in first  # the hit in its context
        # statuses under their on-screen names, as in the pairs table ("new", not the stored "draft")
        assert [row.split("│")[-1].strip() for row in (first, second)] == ["review", "new"]
        assert "1 document" not in str(screen.query_one("#title").render())
        assert "2 pairs in 2 documents" in str(screen.query_one("#title").render())
        await pilot.press("j", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PairsScreen"
        assert app.screen.doc.name == "second"
        assert app.screen.current.id == target
        # ctrl+f again: the same search, on the same row.
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert app.screen.table.source.total == 2 and app.screen.table.cursor == 1


async def test_a_search_in_a_document_shows_each_pair_by_its_number_in_the_document(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"conference", "enter")
        await settle(pilot)
        assert app.screen.table.source.total == 1
        assert row_text(app, 1).split()[0] == "4"  # pair 4 of the document, the only row


def test_rows_of_a_filter_or_workspace_search_carry_their_numbers_in_the_document_page_after_page() -> None:
    from workbench.tui.rows import RowSource

    with Workspace(None) as ws:
        for name in ("a", "b"):
            ws.insert_pairs(ws.add_document(name).id, [
                NewPair(fa=[f"جمله {i}"], en=[f"Sentence {i} of {name}."], status="review" if i % 3 else "approved")
                for i in range(250)])
        expected = {}
        for doc in ws.documents():
            expected |= {p.id: n for n, p in enumerate(ws.pairs(doc.id), 1)}
        for query in (search.PairQuery(doc_id=ws.document("b").id, statuses=("review",)),
                      search.pair_query(ws, text="sentence", status="review"),
                      search.PairQuery(confidence_below=None, statuses=("approved",))):
            source = RowSource(ws, query)
            shown = {}
            for index in range(source.total):  # scrolling down: each page numbered from the last
                pair = source.get(index)
                shown[pair.id] = source.number(index, pair)
            assert shown == {pid: expected[pid] for pid in shown} and len(shown) == source.total
            jump = RowSource(ws, query)  # a jump to the end first
            pair = jump.get(source.total - 1)
            assert jump.number(source.total - 1, pair) == expected[pair.id]
            # Paged by the ids a worker found: the same rows, the same numbers.
            by_ids = RowSource(ws, query, ids=hits.ids(ws, query))
            assert [by_ids.get(i).id for i in range(by_ids.total)] == list(shown)
            assert by_ids.number(by_ids.total - 1, by_ids.get(by_ids.total - 1)) == shown[pair.id]
        # A pair that leaves the query (approved in a "review" view) leaves the rows at once.
        query = search.pair_query(ws, text="sentence", status="review")
        rows = RowSource(ws, query, ids=hits.ids(ws, query))
        total, second, third = rows.total, rows.get(1), rows.get(2)
        ws.edits.set_status(second.id, "approved")
        rows.changed(ws.pair(second.id), 1)
        assert rows.total == total - 1 and rows.get(1).id == third.id and rows.index_of(third) == 1


def test_concordance_puts_the_hit_at_one_column_and_persian_context_on_the_right_side() -> None:
    from rich.cells import cell_len

    from workbench.store.concordance import hits, terms
    from workbench.tui.display import visual_line
    from workbench.tui.kwic import kwic

    found = terms(search.fts_expression(None_ws(), "قزاق"))
    texts = ["او با رئیس‌جمهور قزاقستان دیدار کرد.", "قزاقستان کشوری بزرگ است."]
    columns = []
    for text in texts:
        pieces = kwic(text, hits(text, found)[0], 40, mode="visual", rtl=True)
        assert sum(cell_len(p) for p, _ in pieces) == 40
        after, hit, before = pieces  # drawn left to right: what follows, the hit, what precedes
        assert hit == (visual_line(text.split()[text.split().index(next(w for w in text.split()
                                                                           if w.startswith("قزاق")))], rtl=True), True)
        columns.append(cell_len(after[0]) + cell_len(hit[0]))  # where the hit ends, from the left
        if text.startswith("او"):
            assert before[0].strip() == visual_line("او با رئیس‌جمهور", rtl=True)  # before it: on its right
            assert after[0].strip() == visual_line("دیدار کرد.", rtl=True)
    assert columns[0] == columns[1]  # the hits line up
    # Terminal mode: logical order, the context before the hit on its left.
    pieces = kwic(texts[0], hits(texts[0], found)[0], 40, mode="terminal", rtl=True)
    assert "".join(p for p, _ in pieces).strip() == texts[0]


def None_ws() -> Workspace:
    return Workspace(None)


async def test_a_hit_only_in_the_note_or_draft_says_where(wsfile: Path) -> None:
    third = pair_id(wsfile, "putin-visit", 3)
    with Workspace(wsfile) as ws:
        ws.edits.set_note(ids(wsfile)[0], "check the spelling of Akmola")
    app = app_for(wsfile)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+f", *"Akmola OR dollars", "enter")
        await settle(pilot)
        rows = [row_text(app, 1), row_text(app, 2)]
        assert "note: check the spelling of Akmola" in rows[0]  # the label stays, the hit at its column
        assert "draft: …ce of oil reached 80 dollars." in rows[1]
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.screen.current.id == third


# -- notes ------------------------------------------------------------------------------------------
async def test_hash_writes_a_note_and_flag_shown_in_table_and_detail_searchable_and_undone(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign")
        await pilot.pause()
        assert type(app.screen).__name__ == "NoteScreen"
        await pilot.press(*"spelling of Astana?", "enter", *"ask the client", "enter")
        await settle(pilot)
        pair = stored(wsfile, first)
        assert (pair.note, pair.flag) == ("spelling of Astana?", "ask the client")
        assert row_text(app, 1).rstrip().endswith("⚑")
        english = pane_lines(app, "#english")
        assert "Note · ⚑ ask the client — # edits" in english
        assert "spelling of Astana?" in english
        await pilot.press("slash", *"note: spelling", "enter")  # notes are searchable
        await settle(pilot)
        assert app.screen.table.source.total == 1 and app.screen.current.id == first
        await pilot.press("escape", "ctrl+z")
        await settle(pilot)
        assert (stored(wsfile, first).note, stored(wsfile, first).flag) == ("", "")
        assert "⚑" not in row_text(app, 1)


async def test_a_persian_note_reads_right_in_the_dialog_and_the_detail_pane(wsfile: Path) -> None:
    from workbench.tui.display import visual_line

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("number_sign", *"املای آستانه", "ctrl+s")
        await settle(pilot)
        assert stored(wsfile, ids(wsfile)[0]).note == "املای آستانه"
        assert row_text(app, 1).rstrip().endswith("✎")
        assert visual_line("املای آستانه", rtl=True) in pane_lines(app, "#english")
        await pilot.press("number_sign")
        await pilot.pause()
        # the note box itself draws the Persian as it reads (issue 13: every place that shows Persian)
        assert app.screen.query_one("#note").render_line(0).text.rstrip().endswith(
            visual_line("املای آستانه", rtl=True))
        await pilot.press("ctrl+d")  # remove the note
        await settle(pilot)
        assert stored(wsfile, ids(wsfile)[0]).note == ""


def test_every_line_of_a_wrapped_persian_paragraph_is_right_aligned() -> None:
    from workbench.tui.display import wrap

    lines = wrap("املای نام را بررسی کنید (Kassym-Jomart)", 26, mode="visual", rtl=True)
    assert len(lines) == 2 and lines[1] == " " * 11 + "(Kassym-Jomart)"  # Latin only, still on the right


async def test_a_note_written_meanwhile_by_someone_else_is_not_overwritten(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("number_sign", *"mine")
        with Workspace(wsfile) as other:
            other.edits.set_note(first, "theirs")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(wsfile, first).note == "theirs"
        assert "changed by someone else" in toasts(app)


# -- filters ----------------------------------------------------------------------------------------
def test_pair_query_filters_page_by_key(wsfile: Path) -> None:
    with Workspace(wsfile) as ws:
        doc = ws.document("putin-visit").id
        pairs = [p.id for p in ws.pairs(doc)]
        ws.edits.set_note(pairs[4], "", "ask the client")
        third = ws.pair(pairs[2])  # a draft whose number is not the Persian's 80: a QA finding, once checked
        ws.add_draft(third.id, source=third.fa, text="The price of oil reached 90 dollars.", engine="argos", model="m")
        from workbench.qa.checker import check_pairs

        list(check_pairs(ws, doc_id=doc))

        def found(**kw) -> list[int]:
            query = search.PairQuery(doc_id=doc, **kw)
            assert query.filtered
            first = search.page(ws, query, limit=1)
            rest = search.page(ws, query, after=(first[0].doc_id, first[0].position), limit=10) if first else []
            assert search.count(ws, query) == len(first + rest)
            return [pairs.index(p.id) + 1 for p in first + rest]

        assert found(qa=True) == [3]
        assert found(shapes=("2-2",)) == [2]
        assert found(shapes=("uneven",)) == [2, 3]  # 2-2 and 1-0
        assert found(confidence_below=0.9) == [2, 5]
        assert found(noted=True) == [5]
        assert found(noted=True, statuses=("approved",)) == []
        everywhere = search.PairQuery(confidence_below=0.5)
        assert [p.en for p in search.page(ws, everywhere)] == ["Kazakhstan is a large country."]


async def test_filter_dialog_by_note_shape_and_confidence(wsfile: Path) -> None:
    with Workspace(wsfile) as ws:
        ws.edits.set_note(ids(wsfile)[4], "check")
    app = app_for(wsfile)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.press("F")
        await settle(pilot)
        assert type(app.screen).__name__ == "FilterScreen"
        await pilot.click("#noted")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert screen.table.source.total == 1 and screen.current.id == ids(wsfile)[4]
        assert "only: has a note" in str(screen.query_one("#title").render())
        await pilot.press("F")
        await settle(pilot)
        await pilot.click("#noted")  # off again
        await pilot.click("#below")
        await pilot.press(*"0.9", "enter")
        await settle(pilot)
        assert [row_text(app, n).split()[0] for n in (1, 2)] == ["2", "5"]  # real numbers
        await pilot.press("F", "ctrl+d")  # show all
        await settle(pilot)
        assert app.screen.table.source.total == 5


async def test_the_qa_filter_finds_pairs_never_shown_on_screen(tmp_path: Path) -> None:
    """The filter read only cached findings, and only pairs drawn on screen had any: a doubled
    word in pair 70 of 80 was not found."""
    path = tmp_path / "long.sqlite"
    with Workspace(path) as ws:
        doc = ws.add_document("long")
        pairs = [NewPair(fa=[f"جمله {i}."], en=[f"Sentence number {i}."], status="review") for i in range(1, 81)]
        pairs[69] = NewPair(fa=["جمله ۷۰."], en=["Sentence number the the 70."], status="review")
        ws.insert_pairs(doc.id, pairs)
    app = app_for(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        await pilot.click("#qa")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert screen.table.source.total == 1
        assert row_text(app, 1).split()[0] == "70"


# -- the draft → English diff -------------------------------------------------------------------------
async def test_detail_pane_shows_what_the_english_changed_from_the_draft(wsfile: Path) -> None:
    third = ids(wsfile)[2]
    with Workspace(wsfile) as ws:
        ws.edits.set_english(third, "Oil prices reached 80 dollars.")
    app = app_for(wsfile)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("j", "j")
        await pilot.pause()
        pane = app.screen.query_one("#english")
        diff = next(s for s in pane.sections if s.title.startswith("Draft → English"))
        styled = {diff.styled.plain[s.start:s.end]: str(s.style) for s in diff.styled.spans}
        assert styled == {"The price of oil": "strike red", "Oil prices": "bold green"}
        assert any(line.startswith("The price of oil Oil prices reached 80 dollars.") for line in
                   pane_lines(app, "#english"))
        await pilot.press("equals_sign")
        await pilot.pause()
        assert not any(s.title.startswith("Draft → English") for s in pane.sections)
        assert app.show_diff is False


def test_word_diff_keeps_punctuation_apart_and_says_when_english_is_not_from_the_draft() -> None:
    from workbench.tui.widgets.diff import similarity, word_diff

    pieces = [(p.kind, p.text) for p in word_diff("Putin went to Astana.", "Putin went to Astana!")]
    assert pieces == [("same", "Putin went to Astana"), ("removed", "."), ("added", "!")]
    assert similarity("The talks were about energy.", "Nothing in common here at all") < 0.2


def test_word_diff_keeps_every_word_apart() -> None:
    """Words kept or added read with their spaces whatever was removed beside them (the diff
    once showed "pricesreached" and "reached  $80")."""
    from workbench.tui.widgets.diff import diff_text

    shown = diff_text("The price of oil reached 80 dollars.", "Oil prices reached $80 a barrel.").plain
    assert shown == "The price of oil Oil prices reached $80 dollars a barrel."
    # a word moved: the removed one keeps its distance from the word before it
    assert diff_text("Tokayev, November 27.", "Tokayev, 27 November.").plain == "Tokayev, 27 November 27."


# -- find and replace ----------------------------------------------------------------------------------
async def test_replace_previews_every_change_applies_them_and_one_undo_restores_all(wsfile: Path) -> None:
    before = {pid: stored(wsfile, pid).en for pid in ids(wsfile)}
    second, fifth = ids(wsfile)[1], ids(wsfile)[4]
    app = app_for(wsfile)
    async with app.run_test(size=(120, 40)) as pilot:
        # find "the", replace with "THE", tick "ignore case" (tab: regex, tab: ignore case), back, enter
        await pilot.press("ctrl+r", *"the", "tab", *"THE", "tab", "tab", "space", "shift+tab", "shift+tab", "enter")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ReplaceScreen"
        changes = screen.query_one("ChangeList").changes
        assert [c.pair_id for c in changes] == [second, fifth]
        assert str(screen.query_one("#summary").render()).startswith("2 pairs change")
        lines = [screen.query_one("ChangeList").render_line(y).text.strip() for y in range(4)]
        assert lines[0] == "pair 2 of 'putin-visit'"
        assert lines[1].startswith("He met the THE president")
        assert lines[3] == "pair 5 of 'putin-visit'"
        assert stored(wsfile, second).en == before[second]  # a preview writes nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = {pid: stored(wsfile, pid).en for pid in ids(wsfile)}
        assert after == {**before, second: "He met THE president of Kazakhstan (Tokayev). THE two sides signed 12 "
                                           "cooperation documents.",
                         fifth: "THE talks were about energy and transport."}
        await pilot.press("ctrl+z")  # one step undoes the whole replacement
        await settle(pilot)
        assert {pid: stored(wsfile, pid).en for pid in ids(wsfile)} == before


async def test_replace_over_every_document_with_a_regex_group(wsfile: Path) -> None:
    target = pair_id(wsfile, "second", 3)
    app = app_for(wsfile)
    async with app.run_test(size=(120, 40)) as pilot:
        # find, tab, replacement, tab: regex (space ticks it), tab: ignore case, tab: scope (down, enter)
        await pilot.press("ctrl+r", *r"Kazakh(stan)", "tab", *r"Qazaq\1", "tab", "space", "tab", "tab", "down",
                          "enter")
        await pilot.click("#preview")
        await settle(pilot)
        assert len(app.screen.query_one("ChangeList").changes) == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(wsfile, target).en == "Qazaqstan is a large country."
        assert "Qazaqstan (Tokayev)" in stored(wsfile, ids(wsfile)[1]).en


async def test_replace_refuses_when_a_previewed_pair_changed_meanwhile(wsfile: Path) -> None:
    before = {pid: stored(wsfile, pid).en for pid in ids(wsfile)}
    second = ids(wsfile)[1]
    app = app_for(wsfile)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+r", *"the", "tab", *"THE", "enter")
        await settle(pilot)
        with Workspace(wsfile) as other:
            other.edits.set_english(second, "He met the president.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "pair 2 of 'putin-visit' was changed by someone else since the preview: nothing was replaced" \
               in toasts(app)
        after = {pid: stored(wsfile, pid).en for pid in ids(wsfile)}
        assert after == {**before, second: "He met the president."}


# -- export from the app --------------------------------------------------------------------------------
async def test_export_dialog_writes_the_chosen_format_statuses_and_document_with_notes(wsfile: Path) -> None:
    with Workspace(wsfile) as ws:
        ws.edits.set_note(ids(wsfile)[0], "spelling of Astana?", "ask the client")
    app = app_for(wsfile)
    async with app.run_test(size=(120, 45), notifications=True) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExportScreen"
        await pilot.press("down", "down", "down", "enter")  # format: jsonl
        await pilot.press("tab", "tab", "down", "space")  # statuses: review too (approved is ticked)
        await pilot.pause()
        path = app.screen.query_one("#path").value
        assert path == "exports/review-putin-visit.jsonl"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "PairsScreen"
        assert f"exported 4 pairs to {Path(path).absolute()}" in toasts(app)  # the full path
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert [(r["doc"], r["pair"], r["status"]) for r in rows] == [
        ("putin-visit", 1, "review"), ("putin-visit", 2, "review"), ("putin-visit", 4, "approved"),
        ("putin-visit", 5, "review")]
    assert (rows[0]["note"], rows[0]["flag"]) == ("spelling of Astana?", "ask the client")
    assert rows[1]["note"] is None


async def test_export_from_the_command_palette_for_every_document(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=(120, 45), notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Export pairs")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExportScreen"
        await pilot.press("tab", "down", "enter")  # scope: every document
        await pilot.pause()
        assert app.screen.query_one("#path").value == "exports/review.tmx"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"exported 1 pair to {Path('exports/review.tmx').absolute()}" in toasts(app)  # the one approved pair
    assert Path("exports/review.tmx").read_text(encoding="utf-8").count("<tu ") == 1


def test_export_reports_progress_and_a_stop_leaves_no_file(tmp_path: Path) -> None:
    from workbench.errors import WorkbenchError
    from workbench.export import export

    path = tmp_path / "big.sqlite"
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("big").id,
                        [NewPair(fa=[f"جمله {i}"], en=[f"Sentence {i}"], status="approved") for i in range(1200)])
        seen: list[int] = []
        count, _ = export(ws, "tsv", tmp_path / "out.tsv", on_progress=seen.append)
        assert count == 1200 and seen == [500, 1000, 1200]

        def stop(done: int) -> None:
            raise WorkbenchError("stopped")

        with pytest.raises(WorkbenchError):
            export(ws, "tmx", tmp_path / "stopped.tmx", on_progress=stop)
    assert not (tmp_path / "stopped.tmx").exists()
    assert [p.name for p in tmp_path.iterdir() if "stopped" in p.name] == []


def test_notes_go_out_in_tmx_and_jsonl_and_come_back_from_tmx(cli, ws_path: Path, tmp_path: Path) -> None:
    make_workspace(ws_path)
    with Workspace(ws_path) as ws:
        first, second = [p.id for p in ws.pairs()][:2]
        ws.edits.set_note(first, "املای «آستانه» & <Astana>", "ask the client")
        ws.edits.set_note(second, "line one\nline two")
    assert cli("export", "--format", "tmx", "--status", "all", "-o", tmp_path / "out.tmx").exit_code == 0
    tmx = (tmp_path / "out.tmx").read_text(encoding="utf-8")
    assert "<note>املای «آستانه» &amp; &lt;Astana&gt;</note>" in tmx
    assert '<prop type="x-flag">ask the client</prop>' in tmx
    assert cli("export", "--format", "jsonl", "--status", "all", "-o", tmp_path / "out.jsonl").exit_code == 0
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["note"] for r in rows] == ["املای «آستانه» & <Astana>", "line one\nline two", None, None, None]
    assert cli("import", tmp_path / "out.tmx", "--doc", "back").exit_code == 0
    with Workspace(ws_path) as ws:
        back = list(ws.pairs(ws.document("back").id))
    assert [(p.note, p.flag) for p in back[:3]] == [("املای «آستانه» & <Astana>", "ask the client"),
                                                   ("line one\nline two", ""), ("", "")]


def test_a_tmx_from_another_tool_keeps_its_notes(cli, ws_path: Path, tmp_path: Path) -> None:
    tmx = tmp_path / "cat.tmx"
    tmx.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="fa"/><body>'
                   '<tu><note>checked by A.</note><note>client term</note>'
                   '<tuv xml:lang="fa"><seg>سلام</seg></tuv><tuv xml:lang="en"><seg>Hello</seg></tuv></tu>'
                   '</body></tmx>', encoding="utf-8")
    assert cli("import", tmx).exit_code == 0
    with Workspace(ws_path) as ws:
        assert [p.note for p in ws.pairs()] == ["checked by A.\nclient term"]
