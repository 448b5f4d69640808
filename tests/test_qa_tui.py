"""Glossary terms and QA in the review app, driven with Pilot: keys pressed, the workspace checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, stored
from workbench.qa import Finding
from workbench.store import Workspace
from workbench.terms import glossary, make_entry

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    """The five-pair news workspace of test_tui with a glossary: Astana, oil (and 'petrol'
    forbidden), cooperation document."""
    path = make_workspace(tmp_path / "review.sqlite")
    with Workspace(path) as ws:
        glossary.add(ws, make_entry("آستانه", ["Astana"]))
        glossary.add(ws, make_entry("نفت", ["oil"], forbidden=["petrol"]))
        glossary.add(ws, make_entry("دلار", ["dollar"]))
        glossary.add(ws, make_entry("سند همکاری", ["cooperation document", "cooperation agreement"]))
    return path


async def settle(app, pilot) -> None:
    """Wait for the workers (glossary loading, QA checks) and what they post back."""
    from textual.worker import WorkerCancelled

    for _ in range(5):  # a memory search cancelled by the next key press is no failure
        try:
            await app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue
    await pilot.pause()


async def open_qa_list(app, pilot) -> None:
    """From the pairs view once its workers are done: ! and wait for the QA list's findings."""
    await settle(app, pilot)
    await pilot.press("exclamation_mark")
    await settle(app, pilot)


def source_text(app) -> str:
    """The detail pane's left side as drawn, lines joined (wrapping aside)."""
    return " ".join(str(app.screen.query_one("#source").render()).split())


def highlighted(app) -> list[str]:
    """The stretches of the detail pane's Persian side drawn as glossary terms."""
    from workbench.tui.qa_view import HIGHLIGHT

    text = app.screen.query_one("#source").render()
    return [text.plain[s.start:s.end] for s in text.spans if str(s.style) == HIGHLIGHT]


async def test_terms_in_the_persian_are_highlighted_with_their_english(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "→ Astana" in source_text(app)
        assert highlighted(app)  # the term is marked in the Persian, as drawn
        await pilot.press("j")  # pair 2: «سند همکاری» inflected as "سند همکاری" inside the sentence
        await settle(app, pilot)
        assert "cooperation document / cooperation agreement" in source_text(app)


async def test_highlights_follow_the_rtl_mode(wsfile: Path) -> None:
    from workbench.tui.display import visual_line

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert visual_line("آستانه", rtl=True) in highlighted(app)  # shaped and reordered
        await pilot.press("f2")
        await settle(app, pilot)
        assert "آستانه" in highlighted(app)  # logical order for a terminal that reorders


async def test_ctrl_t_inserts_the_terms_english_into_the_editor(wsfile: Path) -> None:
    third = ids(wsfile)[2]  # "قیمت نفت به 80 دلار رسید." with no English: oil and dollar
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j")
        await settle(app, pilot)
        assert app.screen.current.id == third
        await pilot.press("ctrl+t")  # two terms: a list to pick from; editing starts on the choice
        await pilot.pause()
        assert type(app.screen).__name__ == "TermPickScreen"
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.press(*" reached 80", "ctrl+t", "enter", "ctrl+s")
        await pilot.pause()
    assert stored(wsfile, third).en == "dollar reached 80 oil"


async def test_ctrl_t_with_one_term_inserts_it_at_the_cursor(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "ctrl+u", *"To", "ctrl+t", "ctrl+s")
        await pilot.pause()
    assert stored(wsfile, first).en == "To Astana"


async def test_plus_adds_a_term_from_the_pair_and_it_is_found(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert type(app.screen).__name__ == "AddTermScreen"
        await pilot.press(*"پوتین")
        await pilot.pause()
        from workbench.tui.display import visual_line

        shown = str(app.screen.query_one("#fa-shown").render())
        assert visual_line("پوتین", rtl=True) in shown  # the typed Persian as it reads
        await pilot.press("enter", *"Putin", "enter", *"the president", "enter", *"Poutine", "enter")
        await settle(app, pilot)
        with Workspace(wsfile) as ws:
            entry = glossary.find(ws, "پوتین")
            assert entry is not None and entry.en == ("Putin",) and entry.forbidden == ("Poutine",)
            assert entry.note == "the president" and glossary.history(ws)[0].who == "tester"
        await settle(app, pilot)
        assert "Putin" in source_text(app) and len(highlighted(app)) >= 2  # found in pair 1 at once


async def test_qa_list_groups_findings_jumps_and_marks_false_positives(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:  # pair 5: a doubled word; pair 1: a number that is not in the Persian
        ws.edits.set_english(all_ids[4], "The talks were about about energy and transport.")
        ws.edits.set_english(all_ids[0], "Putin travelled to Astana on Tuesday 3 times.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        screen = app.screen
        assert type(screen).__name__ == "QaScreen"
        groups = {str(n.label): n for n in screen.query_one("Tree").root.children}
        assert any(label.startswith("repeated-word (1)") for label in groups)
        assert any(label.startswith("number (") for label in groups)
        # enter on the doubled word's finding: back on the pairs screen, on pair 5
        items = [leaf.data for node in groups.values() for leaf in node.children]
        target = next(i for i in items if i.finding.check == "repeated-word")
        tree = screen.query_one("Tree")
        tree.move_cursor(next(leaf for node in groups.values() for leaf in node.children if leaf.data == target))
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "PairsScreen" and app.screen.current.id == all_ids[4]
        # back to the list: mark the number finding as a false positive
        await pilot.press("exclamation_mark")
        await settle(app, pilot)
        tree = app.screen.query_one("Tree")
        leaf = next(leaf for node in tree.root.children for leaf in node.children
                    if getattr(leaf.data, "finding", None) and leaf.data.finding.check == "number")
        tree.move_cursor(leaf)
        await pilot.press("i")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReasonScreen"  # why, for the report
        await pilot.press(*"3 times", "enter")
        await settle(app, pilot)
        assert not any(str(n.label).startswith("number") for n in tree.root.children)
        with Workspace(wsfile) as ws:
            marks = ws.conn.execute("SELECT pair_id, check_name, who, reason FROM qa_ignored").fetchall()
        assert marks == [(all_ids[0], "number", "tester", "3 times")]
        # the doubled word fixed (as another editor would): it leaves the list
        with Workspace(wsfile) as ws:
            ws.edits.set_english(all_ids[4], "The talks were about energy and transport.")
        await pilot.pause(1.5)
        await settle(app, pilot)
        assert not any(str(n.label).startswith("repeated-word") for n in tree.root.children)


async def test_qa_messages_follow_the_rtl_mode(wsfile: Path) -> None:
    from workbench.tui.display import visual_line

    with Workspace(wsfile) as ws:  # pair 4 loses its term: the message quotes the Persian
        ws.edits.set_english(ids(wsfile)[0], "Putin travelled to the capital on Tuesday.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        tree = app.screen.query_one("Tree")
        labels = [str(leaf.label) for node in tree.root.children for leaf in node.children]
        message = next(label for label in labels if "Astana" in label)
        assert visual_line("آستانه", rtl=True) in message and "آستانه" not in message
        await pilot.press("f2")
        await pilot.pause()
        labels = [str(leaf.label) for node in tree.root.children for leaf in node.children]
        assert any("«آستانه»" in label for label in labels)


async def test_false_positive_shows_again_once_the_text_changes(wsfile: Path) -> None:
    from workbench.qa.cache import mark_false_positive
    from workbench.qa.checker import QaChecker

    first = ids(wsfile)[0]
    with Workspace(wsfile) as ws:
        ws.edits.set_english(first, "Putin travelled to Astana on Tuesday 3 times.")
        finding = next(f for f in QaChecker(ws).pair(ws.pair(first)).shown if f.check == "number")
        mark_false_positive(ws, first, finding)
        assert finding not in QaChecker(ws).pair(ws.pair(first)).shown
        ws.edits.set_english(first, "Putin travelled to Astana on Tuesday 3 times!")
        assert Finding("number", finding.message) in QaChecker(ws).pair(ws.pair(first)).shown


async def test_w_adds_a_spelling_findings_word_to_the_user_dictionary(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:  # the same coinage in two pairs: both findings go
        ws.edits.set_english(all_ids[0], "Putin travelled to Astana for the lymfopenia talks.")
        ws.edits.set_english(all_ids[1], "The lymfopenia talks went on.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        tree = app.screen.query_one("Tree")
        spelling = [leaf for node in tree.root.children for leaf in node.children
                    if getattr(leaf.data, "finding", None) and leaf.data.finding.check == "spelling"]
        assert len(spelling) == 2 and all("'lymfopenia'" in leaf.data.finding.message for leaf in spelling)
        tree.move_cursor(spelling[0])
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert not any(str(n.label).startswith("spelling") for n in tree.root.children)
    with Workspace(wsfile) as ws:
        from workbench.qa import user_words

        assert user_words.words(ws) == ["lymfopenia"]


def qa_leaves(app) -> list:
    tree = app.screen.query_one("Tree")
    return [leaf for node in tree.root.children for leaf in node.children if getattr(leaf.data, "finding", None)]


async def test_qa_list_keeps_its_place_when_the_finding_under_the_cursor_is_fixed(wsfile: Path) -> None:
    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:  # doubled words in pairs 1, 2 and 5; pair 1 a number too (listed above)
        ws.edits.set_english(all_ids[0], "Putin travelled to to Astana on Tuesday 3 times.")
        ws.edits.set_english(all_ids[1], "The two sides signed signed a cooperation document.")
        ws.edits.set_english(all_ids[4], "The talks were about about energy and transport.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        repeated = [leaf for leaf in qa_leaves(app) if leaf.data.finding.check == "repeated-word"]
        assert [leaf.data.ordinal for leaf in repeated] == [1, 2, 5]
        tree = app.screen.query_one("Tree")
        tree.move_cursor(repeated[0])  # pair 1's, then pair 1 is fixed by another editor: both its findings go
        with Workspace(wsfile) as ws:
            ws.edits.set_english(all_ids[0], "Putin travelled to Astana on Tuesday.")
        await pilot.pause(1.5)
        await settle(app, pilot)
        assert [leaf.data.ordinal for leaf in qa_leaves(app) if leaf.data.finding.check == "repeated-word"] == [2, 5]
        assert tree.cursor_node.data.ordinal == 2  # the finding after the fixed one, not the top nor a line below


async def test_qa_list_shows_a_double_space_visibly(wsfile: Path) -> None:
    with Workspace(wsfile) as ws:
        ws.edits.set_english(ids(wsfile)[0], "Putin travelled to  Astana on Tuesday.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        labels = [str(leaf.label) for leaf in qa_leaves(app) if leaf.data.finding.check == "spaces"]
        assert labels and "to␣␣Astana" in labels[0]


async def test_shift_i_ignores_all_like_this_with_a_reason(wsfile: Path) -> None:
    from workbench.qa import profiles

    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:  # the same coinage in two pairs, and a custom rule's finding
        ws.edits.set_english(all_ids[0], "Putin travelled to Astana for the lymfopenia talks.")
        ws.edits.set_english(all_ids[1], "The lymfopenia talks went on.")
        profiles.change(ws, lambda p: p.with_rule(__import__("workbench.qa.profile", fromlist=["Rule"]).Rule(
            "talks", "say 'negotiations'", en=r"\btalks\b")), "test")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        tree = app.screen.query_one("Tree")
        assert any(str(n.label).startswith("talks (") for n in tree.root.children)  # a custom rule's group
        spelling = [leaf for leaf in qa_leaves(app) if leaf.data.finding.check == "spelling"]
        assert len(spelling) == 2
        tree.move_cursor(spelling[0])
        await pilot.press("I")
        await pilot.pause()
        assert type(app.screen).__name__ == "IgnoreScreen"
        await pilot.press(*"drug name", "enter")
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert type(app.screen).__name__ == "QaScreen"
        assert not any(str(n.label).startswith("spelling") for n in app.screen.query_one("Tree").root.children)
    with Workspace(wsfile) as ws:
        [ignore] = profiles.stored(ws).ignores
        assert (ignore.text, ignore.check, ignore.reason, ignore.who) == ("lymfopenia", "spelling", "drug name", "tester")


async def test_the_detail_pane_follows_a_profile_changed_meanwhile(wsfile: Path) -> None:
    """Another editor ignores a word (the QA profile changes, the glossary does not): the pair's
    findings in the detail pane follow without a key."""
    from workbench.qa import profiles
    from workbench.qa.profile import Ignore

    with Workspace(wsfile) as ws:
        ws.edits.set_english(ids(wsfile)[0], "Putin travelled to Astana for the lymfopenia talks.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "lymfopenia" in source_text(app)
        with Workspace(wsfile) as ws:
            profiles.change(ws, lambda p: p.with_ignore(Ignore("lymfopenia", reason="a name")), "test")
        await pilot.pause(1.5)
        await settle(app, pilot)
        assert "lymfopenia" not in source_text(app)


async def test_qa_list_opens_where_it_was_left_after_a_fix(wsfile: Path) -> None:
    """Enter on a finding, fix the pair, ! again: the list opens on the finding after it, not
    at the top."""
    all_ids = ids(wsfile)
    with Workspace(wsfile) as ws:  # doubled words in pairs 1, 2 and 5
        ws.edits.set_english(all_ids[0], "Putin travelled to to Astana on Tuesday.")
        ws.edits.set_english(all_ids[1], "The two sides signed signed a cooperation document.")
        ws.edits.set_english(all_ids[4], "The talks were about about energy and transport.")
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        repeated = [leaf for leaf in qa_leaves(app) if leaf.data.finding.check == "repeated-word"]
        app.screen.query_one("Tree").move_cursor(repeated[1])
        await pilot.pause()
        await pilot.press("enter")  # to pair 2
        await settle(app, pilot)
        assert app.screen.current.id == all_ids[1]
        with Workspace(wsfile) as ws:
            ws.edits.set_english(all_ids[1], "The two sides signed a cooperation document.")
        await pilot.pause(1.2)
        await open_qa_list(app, pilot)
        await pilot.pause()
        tree = app.screen.query_one("Tree")
        assert tree.cursor_node is not None and tree.cursor_node.data.ordinal == 5


async def test_a_persian_reason_reads_right_to_left_in_both_qa_dialogs(wsfile: Path) -> None:
    """The reason for a false positive (i) and for ignoring all like it (I), typed in Persian,
    shows joined and right to left in visual mode, as the note dialog does, not as loose letters
    left to right; what is stored is the text as typed."""
    from tests.test_xliff_tui import drawn_rtl

    with Workspace(wsfile) as ws:
        ws.edits.set_english(ids(wsfile)[0], "Putin travelled to Astana for the lymfopenia talks.")
    reason = "نام دارو"
    shown = f"{drawn_rtl('دارو')} {drawn_rtl('نام')}"
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await open_qa_list(app, pilot)
        [leaf] = [leaf for leaf in qa_leaves(app) if leaf.data.finding.check == "spelling"]
        app.screen.query_one("Tree").move_cursor(leaf)
        for key, dialog in (("i", "ReasonScreen"), ("I", "IgnoreScreen")):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == dialog
            await pilot.press(*reason)
            box = app.screen.query_one("#reason")
            assert box.value == reason
            assert shown in box.render_line(0).text, (dialog, box.render_line(0).text)
            await pilot.press("escape")
            await pilot.pause()
