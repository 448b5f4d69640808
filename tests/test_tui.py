"""The review app, driven with Textual's Pilot: keys are pressed, the workspace file is checked."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

import pytest

from workbench.store import NewPair, Workspace, hits, search
from workbench.store.edits import Edits

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]

SIZE = (120, 36)

# A short news text: Persian with Latin names, digits of both scripts and brackets.
PAIRS = [
    NewPair(fa=["پوتین روز سه‌شنبه به آستانه سفر کرد."], en=["Putin travelled to Astana on Tuesday."],
            status="review", confidence=0.91),
    NewPair(fa=["او با رئیس‌جمهور قزاقستان (توکایف) دیدار کرد.", "دو طرف ۱۲ سند همکاری امضا کردند."],
            en=["He met the president of Kazakhstan (Tokayev).", "The two sides signed 12 cooperation documents."],
            status="review", confidence=0.84),
    NewPair(fa=["قیمت نفت به 80 دلار رسید."], en=[], status="draft"),
    NewPair(fa=["نشست خبری در کاخ آق‌اوردا برگزار شد."], en=["A press conference was held at Akorda."],
            status="approved", confidence=0.95),
    NewPair(fa=["گفت‌وگوها درباره انرژی و حمل‌ونقل بود."], en=["The talks were about energy and transport."],
            status="review", confidence=0.88),
]
DRAFT = "The price of oil reached 80 dollars."


def make_workspace(path: Path, *, name: str = "putin-visit") -> Path:
    """A workspace file with one five-pair document; pair 3 has an MT draft with a QA flag."""
    with Workspace(path) as ws:
        doc = ws.add_document(name)
        ws.insert_pairs(doc.id, PAIRS)
        third = list(ws.pairs(doc.id))[2]
        ws.add_draft(third.id, source=third.fa, text=DRAFT, engine="argos", model="fa-en-test", qa=["numbers"])
    return path


def stored(path: Path, pair_id: int):
    with Workspace(path) as ws:
        return ws.pair(pair_id)


def ids(path: Path) -> list[int]:
    with Workspace(path) as ws:
        return [p.id for p in ws.pairs()]



@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "review.sqlite")


def app_for(path: Path):
    from workbench.tui.app import WorkbenchApp

    return WorkbenchApp(path)


def row_text(app, row: int) -> str:
    """What the pairs table draws on screen line ``row`` (0 is the header)."""
    return app.screen.table.render_line(row).text


async def test_opens_on_the_first_pair_needing_review(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "PairsScreen"
        assert app.screen.current.en == "Putin travelled to Astana on Tuesday."
        assert "Putin travelled to Astana" in row_text(app, 1)


async def test_edit_and_save_stores_the_english_and_undo_redo_it(wsfile: Path) -> None:
    third = ids(wsfile)[2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        assert app.screen.current.id == third
        await pilot.press("enter")
        await pilot.press(*"Oil reached 80 dollars.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        pair = stored(wsfile, third)
        assert pair.en == "Oil reached 80 dollars."
        assert pair.status == "review"  # a draft pair with human English now needs review
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert stored(wsfile, third).en == ""
        assert stored(wsfile, third).status == "draft"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert stored(wsfile, third).en == "Oil reached 80 dollars."


async def test_escape_cancels_an_edit_without_storing_it(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *" Extra words.", "escape")
        await pilot.pause()
        assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday."
        assert stored(wsfile, first).version == 1
        assert app.screen.detail.english_text == "Putin travelled to Astana on Tuesday."
        # Keys are review keys again: 'a' approves instead of typing.
        await pilot.press("a")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"


async def test_keys_typed_in_the_editor_are_text_not_actions(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+e", "space", "a", "x", "d", "m", "q")
        await pilot.press("ctrl+s")
        await pilot.pause()
        pair = stored(wsfile, first)
        assert pair.en.endswith(" axdmq")
        assert pair.status == "review"
        assert len(ids(wsfile)) == 5  # no merge happened
        assert app.is_running


async def test_approve_and_reject_with_undo_and_redo(wsfile: Path) -> None:
    first, second = ids(wsfile)[:2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        assert app.screen.current.id == second  # approving moves on
        await pilot.press("x")
        await pilot.pause()
        assert stored(wsfile, second).status == "rejected"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert stored(wsfile, second).status == "review"
        assert app.screen.current.id == second  # undo shows the pair it changed
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert stored(wsfile, first).status == "review"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        assert stored(wsfile, second).status == "review"


async def test_take_draft_and_undo(wsfile: Path) -> None:
    third = ids(wsfile)[2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "d")
        await pilot.pause()
        assert stored(wsfile, third).en == DRAFT
        assert app.screen.detail.english_text == DRAFT
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert stored(wsfile, third).en == ""
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert stored(wsfile, third).en == DRAFT


async def test_take_draft_without_a_draft_says_so(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert stored(wsfile, first).version == 1
        assert any("no draft" in n.message for n in app._notifications)


async def test_a_message_about_the_selected_pair_does_not_name_its_internal_id(wsfile: Path) -> None:
    # After a merge, row 3 holds the pair with id 4: "pair 4 has no draft" pointed at the wrong row.
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("m", "j", "j", "d")
        await pilot.pause()
        assert row_text(app, 3).startswith("3 ") and app.screen.current.id == 4
        assert [n.message for n in app._notifications][-1] == "pair 3 of 'putin-visit' has no draft to take (t drafts it)"


async def test_merge_and_split_and_undo(wsfile: Path) -> None:
    first, second = ids(wsfile)[:2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        merged = stored(wsfile, first)
        assert (merged.n_fa, merged.n_en) == (3, 3)
        assert len(ids(wsfile)) == 4
        assert app.screen.table.source.total == 4
        # Split it again after the first Persian and the first English sentence.
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SplitScreen"
        await pilot.press("up", "left")  # the cuts start mid-way (2 of 3): move both up to 1
        await pilot.press("enter")
        await pilot.pause()
        assert len(ids(wsfile)) == 5
        head = stored(wsfile, first)
        assert (head.n_fa, head.n_en) == (1, 1)
        assert head.en == "Putin travelled to Astana on Tuesday."
        await pilot.press("ctrl+z")  # undo the split
        await pilot.pause()
        assert len(ids(wsfile)) == 4
        await pilot.press("ctrl+z")  # undo the merge
        await pilot.pause()
        assert ids(wsfile)[:2] == [first, second]
        assert stored(wsfile, second).en.startswith("He met the president")
        assert app.screen.table.source.total == 5


async def test_shift_english_sentence_to_the_next_pair(wsfile: Path) -> None:
    second, third = ids(wsfile)[1:3]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "greater_than_sign")
        await pilot.pause()
        assert stored(wsfile, second).en == "He met the president of Kazakhstan (Tokayev)."
        assert stored(wsfile, third).en == "The two sides signed 12 cooperation documents."
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert stored(wsfile, third).en == ""


async def test_next_needing_review_skips_decided_pairs_and_wraps(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:
        ws.edits.set_status(all_ids[1], "approved")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.current.id == all_ids[0]
        await pilot.press("n")
        assert app.screen.current.id == all_ids[2]  # draft: undecided
        await pilot.press("n")
        assert app.screen.current.id == all_ids[4]  # pair 4 is approved: skipped
        await pilot.press("n")
        assert app.screen.current.id == all_ids[0]  # wrapped to the top
        await pilot.press("N")
        assert app.screen.current.id == all_ids[4]


async def test_next_qa_warning_and_next_uneven_pair(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:  # a draft whose number differs from the Persian's 80
        third = ws.pair(all_ids[2])
        ws.add_draft(third.id, source=third.fa, text="The price of oil reached 90 dollars.", engine="argos", model="m")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.current.id == all_ids[2]  # the drafted pair has a QA finding (number)
        await pilot.press("u")
        assert app.screen.current.id == all_ids[1]  # 2-2: wraps to the top part
        await pilot.press("u")
        assert app.screen.current.id == all_ids[2]  # 1-0


async def test_brackets_scroll_a_long_pair_in_the_detail_pane(tmp_path: Path) -> None:
    path = tmp_path / "long-pair.sqlite"
    sentences = [f"جمله شماره {i} از این بند بلند است که در پنجره جا نمی‌شود." for i in range(40)]
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("long").id, [NewPair(fa=sentences, en=["One long paragraph."])])
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        source = app.screen.query_one("#source")
        first = str(source.render())
        assert "more below" in first
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause(0.6)  # memory suggestions arrive after the cursor rests: the place stays
        assert source.top == 6 and str(source.render()) != first
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert source.top == 0 and str(source.render()) == first


def pane_lines(app, pane_id: str) -> list[str]:
    """What a detail pane shows on screen, line by line."""
    from textual.geometry import Region

    pane = app.screen.query_one(pane_id)
    return [strip.text.strip() for strip in pane.render_lines(Region(0, 0, *pane.size))]


async def test_a_narrow_detail_pane_never_hides_the_end_of_the_english(tmp_path: Path) -> None:
    # The heading once wrapped in a narrow pane; wrapped by Textual behind the pane's back, it pushed
    # the last line of the English out of sight without the "more below" hint. It is one line now
    # (issue 13: the detail header does not wrap at 80×24), cut with an ellipsis.
    path = tmp_path / "narrow.sqlite"
    en = ("He met the president of Kazakhstan (Tokayev) and the two sides signed twelve cooperation documents "
          "on energy, transport and trade.")
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("doc").id, [NewPair(fa=["او با رئیس‌جمهور دیدار کرد."], en=[en],
                                                              status="review", confidence=0.84)])
    app = app_for(path)
    async with app.run_test(size=(56, 13)) as pilot:
        await pilot.pause()
        shown = pane_lines(app, "#english")
        assert shown[0] == "English · review · 1-1 ·…"
        assert shown[1].startswith("He met the president")
        assert shown[-1].startswith("… more below")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert pane_lines(app, "#english")[-1] == "transport and trade."


async def test_persian_typed_into_search_reads_right_in_the_search_box(wsfile: Path) -> None:
    """Issue 13: Textual's Input drew Persian in logical order (unjoined, left to right in
    xterm); the search box now draws it shaped, reordered and right-aligned, like the table."""
    from workbench.tui.display import visual_line

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"نفت خام")
        await pilot.pause()
        box = app.screen.query_one("#search")
        assert box.value == "نفت خام"  # stored and searched in logical order
        drawn = box.render_line(0).text
        assert visual_line("نفت خام", rtl=True) in drawn
        assert "نفت خام" not in drawn  # not left in logical order
        assert drawn.rstrip().endswith(visual_line("نفت خام", rtl=True))  # right-aligned


async def test_search_finds_persian_english_and_drafts_and_escape_clears(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("slash", *"قزاقستان", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.source.total == 1
        assert screen.current.id == all_ids[1]
        # Persian typed with Arabic letter forms and digits still matches (normalized).
        await pilot.press("slash", "ctrl+u", *"كاخ", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.current.id == all_ids[3]
        await pilot.press("slash", "ctrl+u", *"dollars", "enter")  # only in the draft
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [screen.table.source.get(i).id for i in range(screen.table.source.total)] == [all_ids[2]]
        for broken in ('"oil', "NEAR(", "(", "*", "a AND"):
            await pilot.press("slash", "ctrl+u", *broken, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running
        await pilot.press("slash", "ctrl+u", *'"a press"', "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.current.id == all_ids[3]
        assert screen.table.has_focus  # back in the table: review keys work on the results
        await pilot.press("escape")  # clears the search
        await pilot.pause()
        assert screen.table.source.total == 5
        assert screen.current.id == all_ids[3]  # still on the pair found


async def test_ctrl_z_in_the_search_box_does_not_undo_a_stored_change(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "slash", *"zebr", "ctrl+z")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        await pilot.press("escape", "ctrl+z")  # back in the table: undo works again
        await pilot.pause()
        assert stored(wsfile, first).status == "review"


async def test_status_filter_and_approving_inside_it(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("f")  # undecided: draft + review
        await pilot.pause()
        assert screen.table.source.total == 4
        await pilot.press("a")  # approved pairs leave the filtered list; the next one comes up
        await pilot.pause()
        assert stored(wsfile, all_ids[0]).status == "approved"
        assert screen.table.source.total == 3
        assert screen.current.id == all_ids[1]
        await pilot.press("f", "f", "f")  # review → draft → approved
        await pilot.pause()
        shown = [screen.table.source.get(i).id for i in range(screen.table.source.total)]
        assert shown == [all_ids[0], all_ids[3]]


async def test_approve_all_above_asks_then_approves_and_undoes(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "A")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        statuses = [stored(wsfile, i).status for i in all_ids]
        assert statuses == ["approved", "approved", "draft", "approved", "approved"]  # no English: kept
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [stored(wsfile, i).status for i in all_ids] == ["review", "review", "draft", "approved", "review"]


async def test_undoing_a_big_approve_all_runs_in_the_background_and_restores_every_pair(tmp_path: Path) -> None:
    from workbench.tui.screens.pairs import BIG_HISTORY_STEP

    path = tmp_path / "long.sqlite"
    with Workspace(path) as ws:
        doc = ws.add_document("long")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review")
                                 for i in range(BIG_HISTORY_STEP + 50)])
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "A", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {stored(path, i).status for i in ids(path)} == {"approved"}
        await pilot.press("ctrl+z")
        assert app.screen.jobs.job_name == "undo"  # a worker restores the pairs; the screen stays live
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {stored(path, i).status for i in ids(path)} == {"review"}
        await pilot.press("ctrl+y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {stored(path, i).status for i in ids(path)} == {"approved"}


async def test_two_apps_on_one_file_conflict_is_shown_and_chosen(wsfile: Path) -> None:
    """Editor A edits a pair; meanwhile editor B saves it. A's save shows both texts."""
    first = ids(wsfile)[0]
    app_a, app_b = app_for(wsfile), app_for(wsfile)
    async with app_a.run_test(size=SIZE) as pilot_a, app_b.run_test(size=SIZE) as pilot_b:
        await pilot_a.press("enter", "ctrl+e", *" (A)")
        await pilot_b.press("enter", "ctrl+e", *" (B)", "ctrl+s")
        await pilot_b.pause()
        assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday. (B)"
        await pilot_a.press("ctrl+s")
        await pilot_a.pause()
        conflict = app_a.screen
        assert type(conflict).__name__ == "ConflictScreen"
        assert conflict.theirs == "Putin travelled to Astana on Tuesday. (B)"
        assert conflict.mine == "Putin travelled to Astana on Tuesday. (A)"
        assert stored(wsfile, first).en.endswith("(B)")  # nothing overwritten yet
        await pilot_a.press("k")  # keep mine, knowingly
        await pilot_a.pause()
        assert stored(wsfile, first).en == "Putin travelled to Astana on Tuesday. (A)"


async def test_conflict_take_theirs_drops_mine(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app_a = app_for(wsfile)
    async with app_a.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+e", *" mine")
        with Workspace(wsfile) as other:  # a script or another editor saves meanwhile
            other.edits.set_english(first, "Theirs.", who="other")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert stored(wsfile, first).en == "Theirs."
        assert app_a.screen.editing is None
        assert app_a.screen.detail.english_text == "Theirs."


async def test_approving_a_pair_someone_else_changed_is_refused_and_reloaded(
        wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The editor presses 'a' before the app's poll has shown the other change (on a loaded
    # machine a 1 s poll could come first, and then approving is right): no polling here.
    monkeypatch.setattr("workbench.tui.app.POLL_SECONDS", 3600)
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        with Workspace(wsfile) as other:
            other.edits.set_english(first, "Changed elsewhere.", who="other")
        await pilot.press("a")
        await pilot.pause()
        assert stored(wsfile, first).status == "review"
        assert app.screen.current.en == "Changed elsewhere."
        assert any("changed by someone else" in n.message for n in app._notifications)
        await pilot.press("a")  # now with the version the editor has seen
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"


async def test_changes_by_another_editor_show_up_without_a_key(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        with Workspace(wsfile) as other:
            other.edits.set_status(first, "rejected", who="other")
        await pilot.pause(1.5)  # the app polls the file's data version every second
        assert app.screen.current.status == "rejected"
        assert "rejected" in row_text(app, 1)


async def test_f2_switches_between_visual_and_logical_persian(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        logical = "پوتین روز"
        assert app.rtl_mode == "visual"
        assert logical not in row_text(app, 1)  # shaped and reordered
        await pilot.press("f2")
        await pilot.pause()
        assert app.rtl_mode == "terminal"
        assert logical in row_text(app, 1)
        assert "Putin travelled" in row_text(app, 1)


async def test_rtl_mode_from_environment(wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_RTL", "terminal")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE):
        assert app.rtl_mode == "terminal"


async def test_keys_remapped_in_the_config_file(wsfile: Path, isolated_config: Path) -> None:
    isolated_config.write_text('[keys]\napprove = "space"\nreject = "X"\n\n[review]\nadvance = false\n')
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert stored(wsfile, first).status == "review"  # 'a' is no longer approve
        await pilot.press("space")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        assert app.screen.current.id == first  # advance = false
        await pilot.press("X")
        await pilot.pause()
        assert stored(wsfile, first).status == "rejected"


async def test_a_clashing_key_in_the_config_is_warned_about_once_and_the_earlier_action_keeps_it(
        wsfile: Path, isolated_config: Path) -> None:
    isolated_config.write_text('[keys]\napprove = "j"\nreject = "z"\nmerge = "z,M"\nsave = "s"\n')
    first, second = ids(wsfile)[:2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 3
        j, z, s = warnings
        assert str(isolated_config) in j and '"j"' in j and "approve" in j and "cursor_down" in j
        assert "j stays with cursor_down and approve keeps a" in j
        assert "z stays with reject and merge gets only M" in z
        assert "save keeps ctrl+s" in s
        await pilot.press("j")  # still moves down, approves nothing
        await pilot.pause()
        assert app.screen.current.id == second and stored(wsfile, first).status == "review"
        await pilot.press("z")  # rejects (given first in the file), does not merge
        await pilot.pause()
        assert stored(wsfile, second).status == "rejected" and len(ids(wsfile)) == 5
        await pilot.press("k", "k", "a", "enter", "s", "ctrl+s")  # a still approves; s is text, ctrl+s saves
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        assert stored(wsfile, second).en.endswith("documents.s")


async def test_a_key_freed_by_remapping_its_action_can_be_given_to_another(wsfile: Path,
                                                                           isolated_config: Path) -> None:
    isolated_config.write_text('[keys]\ncursor_down = "down"\napprove = "j"\n')
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"
        assert not [n for n in app._notifications if n.severity == "warning"]


def test_the_default_keys_do_not_clash() -> None:
    from workbench.tui.keys import ALL_KEYS, resolve_keymap

    defaults = {spec.id: spec.keys for spec in ALL_KEYS}
    assert resolve_keymap(defaults, "config.toml") == (defaults, [])


async def test_draft_without_a_model_says_how_to_get_one(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        messages = " ".join(n.message for n in app._notifications)
        assert "workbench models install fa en" in messages


async def test_a_workspace_without_drafts_and_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    path = tmp_path / "undrafted.sqlite"
    with Workspace(path) as ws:
        ws.insert_pairs(ws.add_document("doc").id, PAIRS)
    for workspace, told in ((path, True), (make_workspace(tmp_path / "drafted.sqlite"), False)):
        app = app_for(workspace)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            messages = " ".join(n.message for n in app._notifications)
            assert ("workbench models install fa en" in messages) is told


async def test_empty_workspace_says_how_to_import(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "DocumentsScreen"
        shown = str(app.screen.query_one("#empty").render())
        assert "workbench import" in shown and str(path) in shown
        make_workspace(path)  # imported from another shell meanwhile
        await pilot.pause(1.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("DataTable").row_count == 1
        assert not app.screen.has_class("-empty")


async def test_documents_screen_lists_progress_and_opens_a_document(wsfile: Path) -> None:
    with Workspace(wsfile) as ws:
        doc = ws.add_document("second-doc")
        ws.insert_pairs(doc.id, [NewPair(fa=["سلام."], en=["Hello."], status="approved")])
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        assert table.row_count == 2
        assert [str(c) for c in table.get_row_at(0)][:5] == ["putin-visit", "text", "5", "1", "3"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen.doc.name == "second-doc"
        assert app.screen.current.en == "Hello."


async def test_help_lists_every_key_and_closes(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "PairsScreen"


async def test_command_palette_runs_an_action(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Approve the selected pair")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert stored(wsfile, first).status == "approved"


async def test_q_quits(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


def test_open_with_a_broken_config_is_a_one_line_error(cli, isolated_config: Path, ws_path: Path) -> None:
    isolated_config.write_text("[keys\napprove = 'a'\n")
    result = cli("open", "--ws", ws_path)
    assert result.exit_code == 1
    assert "config.toml: not a valid config file" in result.output
    assert "Traceback" not in result.output


def test_open_help_documents_the_config(cli) -> None:
    result = cli("open", "--help")
    assert result.exit_code == 0
    assert "WORKBENCH_RTL" in result.output and "config.toml" in result.output


async def test_the_cursor_row_is_drawn_in_the_cursor_colours(wsfile: Path) -> None:
    # A green "approved" on the cyan cursor bar of a 16-colour xterm could not be read.
    def colour(row: int, text: str) -> object:
        return next(seg.style.color for seg in app.screen.table.render_line(row) if text in seg.text)

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        assert colour(4, "approved") != colour(4, "A press conference")
        await pilot.press("j", "j", "j")  # onto the approved pair
        await pilot.pause()
        assert colour(4, "approved") == colour(4, "A press conference") == colour(4, "4 ")


async def test_columns_stay_aligned_with_mixed_scripts_and_bidi_controls(tmp_path: Path) -> None:
    from rich.cells import cell_len

    path = tmp_path / "mixed.sqlite"
    with Workspace(path) as ws:
        doc = ws.add_document("mixed")
        ws.insert_pairs(doc.id, [
            NewPair(fa=["\u202eمتن با کنترل‌های جهت\u202c و \u2067جداسازی\u2069 ۱۲۳ abc"],
                    en=["Controls \u202eevil\u202c here."]),
            NewPair(fa=["سلام (دنیا) 2024 «نقل قول» كلمه‌ي عربي ـــ کِتاب"], en=["Hello [world] 2024."]),
            NewPair(fa=["x" * 300], en=["y" * 300]),
            NewPair(fa=["جمله‌ای بسیار بلند " * 20], en=["A very long sentence " * 20]),
        ])
    for mode in ("visual", "terminal"):
        app = app_for(path)
        async with app.run_test(size=SIZE) as pilot:
            if mode == "terminal":
                await pilot.press("f2")
            # Rows and the detail pane loaded, the layout settled: once (under load, on CI) a row
            # was read while the columns still had the widths of an earlier layout.
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            lines = [row_text(app, y) for y in range(5)]
            width = app.screen.table.scrollable_content_region.width
            assert all(cell_len(line) == width for line in lines)
            bars = {tuple(cell_len(line[:i]) for i, ch in enumerate(line) if ch == "│") for line in lines}
            assert len(bars) == 1, (mode, lines)  # every separator in the same column on every row
            assert not any(ch in "".join(lines) for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


async def test_a_search_without_results_says_so_in_the_table(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"zebra", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.table.source.total == 0
        assert "No pair matches 'zebra'" in row_text(app, 2)
        await pilot.press("a")  # nothing selected: nothing happens, nothing breaks
        await pilot.pause()
        assert app.is_running


def toasts(app) -> str:
    """The notifications as drawn on screen."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_brackets_in_a_message_are_shown_as_typed(wsfile: Path, isolated_config: Path) -> None:
    # Textual reads notifications as markup by default: "[keys]" vanished, and an unmatched
    # closing tag in a search without results raised MarkupError and ended the app.
    isolated_config.write_text('[keys]\napprove_al = "A"\n')
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash", *"[/zebra]", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert "no pair matches '[/zebra]'" in toasts(app)
        assert "unknown key id 'approve_al' in [keys]" in toasts(app)


async def test_saving_a_pair_merged_away_meanwhile_keeps_the_edit_open(wsfile: Path) -> None:
    first, second = ids(wsfile)[:2]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "enter", "ctrl+e", *" mine")
        with Workspace(wsfile) as other:
            other.structure.merge_with_next(first, who="other")  # the pair being edited disappears
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.editing is not None  # nothing lost: still editing
        assert app.screen.detail.editor.text.endswith(" mine")
        assert any("not saved" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.editing is None
        assert second not in ids(wsfile)


async def test_a_search_finishing_while_the_next_is_typed_leaves_the_keys_in_the_box(
        wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first search is still counting when the editor opens the box again and types: the
    result must not pull the focus back to the table, where 'a', 's', 'm'… would act on pairs."""
    import threading

    from workbench.store import search

    release = threading.Event()
    count = search.count

    def slow_count(ws, query):  # a big workspace: the worker's count takes a while
        if query.text and threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return count(ws, query)

    monkeypatch.setattr(search, "count", slow_count)
    before = [(p.id, p.status, p.version) for p in map(partial(stored, wsfile), ids(wsfile))]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"putin", "enter")
        await pilot.press("slash", "ctrl+u", *"kaz")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"akh sm")
        box = app.screen.query_one("#search")
        assert box.has_focus and box.value == "kazakh sm"
        assert [(p.id, p.status, p.version) for p in map(partial(stored, wsfile), ids(wsfile))] == before


async def test_a_workspace_deleted_while_open_refuses_changes_and_is_not_recreated(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{wsfile}{suffix}").unlink(missing_ok=True)
        await pilot.pause(1.5)  # the app notices on its next poll
        assert any("deleted or replaced" in n.message and n.severity == "error" for n in app._notifications)
        app._notifications.clear()
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.current.id == first and app.screen.current.status == "review"
        assert any("deleted or replaced" in n.message for n in app._notifications)
        await pilot.press("slash", *"putin", "enter")  # workers must not create a new, empty file
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not wsfile.exists()


async def test_a_workspace_replaced_while_open_is_left_alone(wsfile: Path, tmp_path: Path) -> None:
    other = make_workspace(tmp_path / "other.sqlite", name="other-doc")
    before = other.read_bytes()
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter", *" mine")
        other.replace(wsfile)  # e.g. a backup restored over it while an edit is open
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.editing is not None  # the edit stays open: nothing lost, nothing saved
        assert app.screen.detail.editor.text.endswith(" mine")
        assert any("deleted or replaced" in n.message for n in app._notifications)
        await pilot.press("escape", "a", "x", "m", "ctrl+z", "enter")
        await pilot.pause()
        assert app.screen.editing is None  # no new edit starts on a file that is gone
    assert wsfile.read_bytes() == before


async def test_dialog_buttons_show_their_keys(wsfile: Path) -> None:
    from textual.widgets import Button

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"x")
        with Workspace(wsfile) as other:
            other.edits.set_english(ids(wsfile)[0], "Theirs.", who="other")
        await pilot.press("ctrl+s")
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["Keep mine [k]", "Take theirs [t]", "Keep editing [e]"]
        await pilot.press("t", "G", "A")
        await pilot.pause()
        assert [str(b.label) for b in app.screen.query(Button)] == ["Yes [y]", "No [n]"]


async def test_f2_redraws_the_documents_screen(wsfile: Path) -> None:
    from textual.widgets import DataTable

    with Workspace(wsfile) as ws:
        ws.add_document("گزارش ۱")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        names = lambda: [str(app.screen.query_one(DataTable).get_row_at(i)[0]) for i in range(2)]  # noqa: E731
        assert "گزارش ۱" not in names()  # visual: shaped and reordered
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert names()[1] == "گزارش ۱"


async def test_quitting_with_an_unsaved_edit_asks_first(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+e", *" more", "ctrl+q")
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.editing is not None and app.screen.detail.editor.text.endswith(" more")
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running
    assert stored(wsfile, ids(wsfile)[0]).version == 1


async def test_quitting_while_editing_without_changes_does_not_ask(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_saving_the_english_unchanged_stores_nothing(wsfile: Path) -> None:
    third = ids(wsfile)[2]
    with Workspace(wsfile) as ws:
        ws.edits.set_english(third, "Oil reached 80 dollars.")
        ws.edits.set_status(third, "draft")  # an aligned draft pair: saving it unchanged must not make it "review"
        before = ws.pair(third)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "enter", "ctrl+s")
        await pilot.pause()
        assert app.screen.editing is None
        after = stored(wsfile, third)
        assert (after.version, after.status, after.en) == (before.version, "draft", before.en)
        await pilot.press("ctrl+z")  # undoes the last real change (the status), not an empty save
        await pilot.pause()
        assert stored(wsfile, third).status == "review"


async def test_approving_all_above_runs_as_a_job_and_the_table_stays_usable(
        wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approving thousands of pairs takes seconds: the screen must not freeze meanwhile, and an
    edit made meanwhile must neither wait for the lock (a frozen screen) nor get lost."""
    import threading

    release = threading.Event()
    approve_through = Edits.approve_through

    def slow(self, pair_id, **kw):  # a long document
        if threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return approve_through(self, pair_id, **kw)

    monkeypatch.setattr(Edits, "approve_through", slow)
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "A", "y")
        await pilot.pause()
        assert app.screen.query_one("#job").has_class("-running")
        await pilot.press("k")  # moving works
        assert app.screen.current.id == all_ids[0]
        await pilot.press("x")  # a change waits for the job, and says so
        await pilot.pause()
        assert any("wait until the approve job is done" in n.message for n in app._notifications)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [stored(wsfile, i).status for i in all_ids[:2]] == ["approved", "approved"]
        assert not app.screen.query_one("#job").has_class("-running")
        assert app.screen.current.status == "approved"  # the table shows the result


async def test_an_older_search_finishing_last_does_not_undo_the_filter(
        wsfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Search, then press f while the search still counts: the unfiltered result, arriving
    last, must not replace the filtered one."""
    import threading

    from workbench.store import search

    release = threading.Event()
    count = search.count

    def slow_unfiltered(ws, query):
        if query.text and not query.statuses and threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return count(ws, query)

    monkeypatch.setattr(search, "count", slow_unfiltered)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"the", "enter", "f")  # the filtered search finishes first
        await pilot.pause(0.3)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        source = app.screen.table.source
        assert source.query.statuses == ("draft", "review") and source.query.text == "the"
        assert all(source.get(i).status in ("draft", "review") for i in range(source.total))


async def test_a_poll_tick_while_quitting_is_harmless(wsfile: Path) -> None:
    """Quitting just as the once-a-second poll sees another editor's change printed a traceback
    (the pairs table was already gone). The tick that comes too late now does nothing."""
    app = app_for(wsfile)
    async with app.run_test(size=SIZE):
        with Workspace(wsfile) as other:
            other.edits.set_status(ids(wsfile)[0], "rejected", who="other")
    app._poll()  # what the interval timer does if it fires during shutdown


async def test_a_filter_with_no_pairs_does_not_lose_the_place(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"ffff")  # all → undecided → review → draft → approved
        await pilot.pause()
        assert app.screen.current.id == all_ids[3]
        await pilot.press("f")  # rejected: nothing to show
        await pilot.pause()
        assert app.screen.current is None
        await pilot.press("f")  # all again: back on the pair the editor was reading
        await pilot.pause()
        assert app.screen.current.id == all_ids[3]


async def test_approve_above_skips_a_pair_rewritten_while_the_editor_confirmed(wsfile: Path) -> None:
    """The range put to the editor is the one approved: a pair another editor rewrote while the
    question was on screen is left for review, and the message says so."""
    all_ids = ids(wsfile)
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "j", "j", "A")  # approve pairs 1, 2 and 5? (3 has no English, 4 is approved)
        await pilot.pause()
        with Workspace(wsfile) as bob:
            bob.edits.set_english(all_ids[0], "Bob's rewording, unread by the approver.", who="bob")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [stored(wsfile, all_ids[i]).status for i in (0, 1, 4)] == ["review", "approved", "approved"]
        assert any("approved 2 pairs; skipped 1 pair changed by someone else since you confirmed" in n.message
                   for n in app._notifications), [n.message for n in app._notifications]


async def test_a_search_that_fails_says_so_and_the_view_stays(wsfile: Path, monkeypatch) -> None:
    """The search runs in a worker of the search part; its failure reaches the screen as a
    message and is said (the table keeps showing what it showed)."""
    def broken(*_args, **_kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        total = screen.table.source.total
        monkeypatch.setattr(hits, "ids", broken)
        monkeypatch.setattr(hits, "first_ids", broken)
        await pilot.press("slash", *"oil", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.message for n in app._notifications if n.severity == "error"] == [
            "search failed: disk I/O error"]
        assert screen.table.source.total == total and app.is_running
