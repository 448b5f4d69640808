"""Issue 13 "Smaller points seen" and "80×24 works": each pressed with Pilot, checked on what is
stored, exported or drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, row_text, stored
from workbench.export import export
from workbench.store import NewPair, Workspace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "small.sqlite")


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


# -- the status "draft" and the MT draft are named differently on screen ------------------------
async def test_the_draft_status_reads_new_on_screen_in_the_export_dialog_and_the_jsonl(wsfile: Path,
                                                                                        tmp_path: Path) -> None:
    from textual.geometry import Region

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")  # pair 3: status draft, with an MT draft
        await pilot.pause()
        assert "│ new " in row_text(app, 3)
        assert " draft " not in row_text(app, 3).split("│")[-2]
        pane = app.screen.query_one("#english")
        header = pane.render_lines(Region(0, 0, *pane.size))[0].text.strip()
        assert header.startswith("English · new")
        source = app.screen.query_one("#source")
        assert any("MT draft (argos · fa-en-test)" in s.text for s in source.render_lines(Region(0, 0, *source.size)))
        await pilot.press("j")  # pair 4 has no MT draft
        await pilot.pause()
        assert any("No MT draft yet — t drafts this pair" in s.text
                   for s in source.render_lines(Region(0, 0, *source.size)))
        await pilot.press("ctrl+e")  # the export dialog offers the statuses by the same names
        await pilot.pause()
        offered = app.screen.query_one("#statuses")
        assert [str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count)] == [
            "new", "review", "approved", "rejected"]
    out = tmp_path / "all.jsonl"
    with Workspace(wsfile) as ws:
        export(ws, "jsonl", out, status="all")
    # The file says it too (the old name "draft" is still read: tests/test_status_names.py).
    assert [json.loads(line)["status"] for line in out.read_text().splitlines()][2] == "new"


# -- drafts made elsewhere appear at once --------------------------------------------------------
async def test_drafts_made_by_a_cli_translate_show_in_the_draft_column(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("workbench.tui.app.POLL_SECONDS", 3600)  # the test calls the poll itself
    path = tmp_path / "nodrafts.sqlite"
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("doc").id, [NewPair(fa=["قیمت نفت بالا رفت."], status="draft")])
        pair_id = list(ws.pairs())[0].id
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Draft" not in row_text(app, 0)
        with Workspace(path) as other:  # what `workbench translate` stores, from another process
            other.add_draft(pair_id, source="قیمت نفت بالا رفت.", text="Oil prices rose.", engine="argos",
                            model="fa-en-test")
        app._poll()  # the app's once-a-second check of the file's data version
        await pilot.pause()
        assert "Draft" in row_text(app, 0)
        assert "Oil prices rose." in row_text(app, 1)


# -- scores: escape from a bar's pairs goes back ------------------------------------------------
async def test_escape_from_a_chrf_bars_pairs_goes_back_to_the_scores(tmp_path: Path) -> None:
    from tests.test_tui_scores import open_first_bar_with_pairs, scored_workspace

    app = app_for(scored_workspace(tmp_path / "scores.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await open_first_bar_with_pairs(pilot)
        assert type(app.screen).__name__ == "PairsScreen"
        await pilot.press("slash", *"minister", "enter", "escape")  # first the search goes
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "PairsScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "ScoresScreen"


# -- documents screen ---------------------------------------------------------------------------
def two_documents(path: Path) -> Path:
    with Workspace(path) as ws:
        for name in ("first", "second"):
            ws.insert_pairs(ws.add_document(name).id, [NewPair(fa=["سلام."], en=["Hello."], status="approved")])
    return path


def footer_keys(screen) -> list[tuple[str, str, int]]:
    from textual.widgets._footer import FooterKey

    return [(key.key_display, key.description, key.region.right) for key in screen.query(FooterKey)]


async def test_documents_screen_moves_with_j_k_and_its_footer_shows_enter_opens(tmp_path: Path) -> None:
    app = app_for(two_documents(tmp_path / "docs.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "DocumentsScreen"
        assert ("⏎", "Open") in [(k, d) for k, d, _ in footer_keys(app.screen)]
        table = app.screen.query_one("#documents")
        assert table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k", "j", "enter")
        await pilot.pause()
        assert app.screen.doc.name == "second"


async def test_enter_honours_an_open_document_remap(tmp_path: Path, isolated_config: Path) -> None:
    isolated_config.write_text('[keys]\nopen_document = "space"\n')
    app = app_for(two_documents(tmp_path / "docs.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # enter is no longer open_document: the table keeps no enter of its own
        await pilot.pause()
        assert type(app.screen).__name__ == "DocumentsScreen"
        assert ("space", "Open") in [(k, d) for k, d, _ in footer_keys(app.screen)]
        await pilot.press("space")
        await pilot.pause()
        assert type(app.screen).__name__ == "PairsScreen"


# -- f2 is remembered ----------------------------------------------------------------------------
async def test_f2s_choice_is_remembered_for_the_next_run(wsfile: Path, isolated_config: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert app.rtl_mode == "terminal"
    again = app_for(wsfile)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.rtl_mode == "terminal"
        assert "پوتین روز" in row_text(again, 1)  # logical order, as chosen
        await pilot.press("f2")
    assert app_for(wsfile).config.rtl == "visual"
    assert not isolated_config.exists()  # the person's config file is left alone


async def test_the_wrapped_view_is_remembered_for_the_next_run(wsfile: Path, isolated_config: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("W")
        await pilot.pause()
        assert app.screen.table.wrapped
    again = app_for(wsfile)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.screen.table.wrapped
        await pilot.press("W")
        await pilot.pause()
    assert not app_for(wsfile).config.wrapped
    assert not isolated_config.exists()


# -- undo says what it undid; counts are pluralised ------------------------------------------------
async def test_undo_and_redo_say_what_they_did(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("a", "ctrl+z")
        await pilot.pause()
        assert messages(app)[-1] == "restored pair 1 to review (undid the approval)"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert messages(app)[-1] == "pair 1 is approved again (redid the approval)"
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
        assert messages(app)[-1] == "nothing to undo"


async def test_approving_from_the_top_counts_in_plain_english(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("A")
        await pilot.pause()
        assert "Approve 1 undecided pair with English" in app.screen.question
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "approved 1 pair (ctrl+z undoes)" in messages(app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert messages(app)[-1] == "restored pair 1 to review (undid the approve-through)"


# -- 80×24 ---------------------------------------------------------------------------------------
async def test_at_80_by_24_every_footer_key_is_readable_and_the_header_is_one_line(wsfile: Path) -> None:
    from textual.geometry import Region

    app = app_for(wsfile)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = footer_keys(app.screen)
        labels = [d for _, d, _ in keys]
        for label in ("Edit", "Approve", "Reject", "Take", "Undo", "Find", "Next", "Draft", "Help", "Quit"):
            assert label in labels
        assert all(right <= 80 for _, _, right in keys)
        pane = app.screen.query_one("#english")
        lines = [s.text.strip() for s in pane.render_lines(Region(0, 0, *pane.size))]
        assert lines[0].startswith("English · review · 1-1")
        assert lines[1] == "Putin travelled to Astana on Tuesday."


async def test_the_split_dialog_shows_its_confirm_key_at_80_by_24(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "s")
        await pilot.pause()
        hint = app.screen.query_one(".hint")
        assert str(hint.render()).startswith("enter splits here")
        assert hint.region.bottom <= 24 and hint.region.height >= 1  # on screen, not pushed out


async def test_an_empty_qa_column_gives_its_width_to_the_text(tmp_path: Path) -> None:
    even = tmp_path / "even.sqlite"
    with Workspace(even) as ws:  # only 1-1 pairs, no QA flags: nothing for the QA column to show
        ws.insert_pairs(ws.add_document("doc").id, [NewPair(fa=["سلام."], en=["Hello."], status="review"),
                                                     NewPair(fa=["خداحافظ."], en=["Bye."], status="review")])
    app = app_for(even)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        header = row_text(app, 0)
        assert "QA" not in header and header.rstrip().endswith("Status")
        wide = app.screen.table._columns().fa
        await pilot.press("m")  # a 2-2 pair now: the column comes back to show it
        await pilot.pause()
        assert "QA" in row_text(app, 0) and "2-2" in row_text(app, 1)
    app = app_for(make_workspace(tmp_path / "uneven.sqlite"))  # a 2-2 pair: the column is needed
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "QA" in row_text(app, 0)
        assert app.screen.table._columns().fa < wide


async def test_the_qa_column_looks_at_the_first_pairs_only_and_comes_when_a_flagged_row_is_drawn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a table does not scan the whole document for flags (3.5 s on the event loop at
    10M pairs): only the first FLAGS_LOOK pairs; a flagged row drawn later brings the column."""
    import workbench.tui.rows

    monkeypatch.setattr(workbench.tui.rows, "FLAGS_LOOK", 3)
    path = tmp_path / "far.sqlite"
    with Workspace(path) as ws:  # forty 1-1 pairs, then a 2-1 pair: past the first three, off screen
        ws.insert_pairs(ws.add_document("doc").id,
                        [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(40)]
                        + [NewPair(fa=["یک.", "دو."], en=["One, two."], status="review")])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "QA" not in row_text(app, 0)
        await pilot.press("G")  # to the end: the 2-1 row is drawn, and with it the column
        await pilot.pause()
        await pilot.pause()
        assert "QA" in row_text(app, 0)


def test_docs_tui_md_lists_every_key() -> None:
    """Every default key of every key table is in the first column of the Keys table of
    docs/tui.md (keys shown as a person types them: "<", "?", "↓")."""
    import re

    from workbench.tui.keys import ALL_KEYS, _pretty

    doc = (Path(__file__).resolve().parent.parent / "docs" / "tui.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Keys"):doc.index("\n## ", doc.index("## Keys") + 1)]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| ")]
    tokens = [token for cell in first_cells for token in re.split(r"[\s·,;()]+", cell.replace("`", "")) if token]
    listed = {part for token in tokens for part in ([token] if token == "/" else token.split("/"))}
    missing = [(spec.id, key) for spec in ALL_KEYS for key in spec.keys.split(",")
               if not {key, _pretty(key), spec.display if key == spec.keys.split(",")[0] else None} & listed]
    assert not missing
