"""Issue 13 "Persian readable wherever it appears": the bidi layout behind the text boxes, the
search box, the Persian editor (with ZWNJ), and the wrapped view of the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import SIZE, app_for, ids, make_workspace, row_text, stored
from workbench.store import NewPair, Workspace, search
from workbench.tui.bidi_layout import ZWNJ, base_is_rtl, layout, wrap_spans
from workbench.tui.display import visual_line

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("isolated_config")]
DEMO_FA = Path(__file__).resolve().parent.parent / "workbench" / "data"


@pytest.fixture
def wsfile(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "persian.sqlite")


# -- the layout: the same picture as the table's, with a map for the cursor ----------------------
LINES = [
    "پوتین روز سه‌شنبه به آستانه سفر کرد.",
    "او با رئیس‌جمهور قزاقستان (توکایف) دیدار کرد.",
    "قیمت نفت به 80 دلار رسید.",
    "ناتو (NATO) گفت: ۱۲ سند «همکاری» امضا شد.",
    "کلاس بالا، لای‌لای",  # lam-alef ligatures
    "Putin (پوتین) said «yes».",
    "see ⟦/12⟧ برای ⟦1⟧اینجا⟦/1⟧ را.",  # inline-code tokens (XLIFF): drawn whole, left to right
]


@pytest.mark.parametrize("line", LINES)
def test_layout_draws_what_visual_line_draws(line: str) -> None:
    for rtl in (True, False):
        drawn = "".join(glyph for _, glyph, _ in layout(line, rtl=rtl, show_marks=False).cells)
        assert drawn == visual_line(line, rtl=rtl)


@pytest.mark.parametrize("line", LINES)
def test_every_position_has_a_column_and_a_click_there_comes_back_to_it(line: str) -> None:
    shown = layout(line, rtl=True)
    width = shown.width
    for position in range(len(line) + 1):
        column = shown.cursor_column(position)
        assert -1 <= column <= width
        if position < len(line) and shown.cells and line[position] not in "اآأإ":
            assert shown.position_at(column) == position or line[position - 1] == "ل"


def test_in_a_persian_line_the_cursor_moves_right_to_left() -> None:
    shown = layout("سلام دنیا", rtl=True)
    columns = [shown.cursor_column(p) for p in range(len("سلام دنیا") + 1)]
    assert columns == sorted(columns, reverse=True)  # each next letter further left
    assert columns[-1] == -1  # the end: left of the last letter


def test_zwnj_is_a_visible_mark_that_keeps_the_letters_apart() -> None:
    word = "می" + ZWNJ + "دهد"
    shown = layout(word, rtl=True)
    drawn = "".join(glyph for _, glyph, _ in shown.cells)
    assert "¦" in drawn
    assert drawn.replace("¦", "") == visual_line(word, rtl=True)  # shaped as with the ZWNJ
    hidden = "".join(glyph for _, glyph, _ in layout(word, rtl=True, show_marks=False).cells)
    assert hidden == visual_line(word, rtl=True)


def test_wrap_spans_break_at_spaces_and_cover_the_text() -> None:
    text = "او با رئیس‌جمهور قزاقستان دیدار کرد و دو طرف ۱۲ سند همکاری امضا کردند"
    spans = wrap_spans(text, 16)
    assert len(spans) > 2
    assert " ".join(text[a:b] for a, b in spans) == text
    assert all(b - a <= 16 for a, b in spans)


def test_base_direction_follows_the_first_strong_letter() -> None:
    assert base_is_rtl("قزاقستان")
    assert base_is_rtl("  «قزاق» Kazakh")
    assert not base_is_rtl("en: Kazakh قزاق")
    assert not base_is_rtl("12 34")


# -- the search box ----------------------------------------------------------------------------
async def test_search_box_cursor_and_arrows_follow_the_persian(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"نفت خام")
        box = app.screen.query_one("#search")
        assert box.cursor_position == len("نفت خام")
        await pilot.press("right", "right")  # in a right-to-left line → goes back in the text
        assert box.cursor_position == len("نفت خام") - 2
        await pilot.press("left")
        assert box.cursor_position == len("نفت خام") - 1
        await pilot.press("ctrl+space")  # a ZWNJ where the cursor is
        assert box.value == "نفت خا" + ZWNJ + "م"
        assert "¦" in box.render_line(0).text  # visible while typing
        await pilot.press("backspace", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.table.source.query.text == "نفت خام"


async def test_a_zwnj_typed_from_a_persian_keyboard_is_kept(wsfile: Path) -> None:
    """A Persian layout types the ZWNJ itself (shift+space): the terminal sends the character,
    which Textual's Input drops (not "printable")."""
    from textual import events

    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"سه")
        key = events.Key("zero_width_non_joiner", ZWNJ)  # what the terminal parser makes of it
        key.set_sender(app)
        app._driver.send_message(key)
        await pilot.pause()
        await pilot.press(*"شنبه")
        assert app.screen.query_one("#search").value == "سه" + ZWNJ + "شنبه"


async def test_english_in_the_search_box_stays_left_to_right(wsfile: Path) -> None:
    app = app_for(wsfile)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"en: oil")
        assert app.screen.query_one("#search").render_line(0).text.startswith("en: oil")


# -- the Persian editor ---------------------------------------------------------------------------
async def test_p_edits_the_persian_with_history_undo_and_search_following(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("p")
        assert app.screen.editing is not None and app.screen.editing.lang == "fa"
        editor = app.screen.detail.persian_editor
        assert editor.value == "پوتین روز سه‌شنبه به آستانه سفر کرد."
        # ← moves on in a right-to-left text, → back: before the full stop, "کرد" out, "كرده" in
        # (with an Arabic kaf, which the normalized text and the search index turn Persian)
        await pilot.press("end", "right", "backspace", "backspace", "backspace", *"كرده")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.editing is None
        pair = stored(wsfile, first)
        assert pair.fa == "پوتین روز سه‌شنبه به آستانه سفر كرده."
        assert pair.shape == "1-1" and pair.status == "review"
        assert "پوتین" in row_text(app, 1) or visual_line("پوتین", rtl=True) in row_text(app, 1)
        with Workspace(wsfile) as ws:
            assert "edit-persian" in [e.action for e in ws.history.entries(first)]
            assert "كرده" not in ws.conn.execute("SELECT fa_norm FROM pairs WHERE id = ?", [first]).fetchone()[0]
            assert [p.id for p in search.search(ws, "کرده")] == [first]  # Persian kaf finds it
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any(m == "restored pair 1 to review (undid the Persian edit)" for m in
                   (n.message for n in app._notifications))
    assert stored(wsfile, first).fa == "پوتین روز سه‌شنبه به آستانه سفر کرد."


async def test_a_missing_zwnj_is_added_in_the_persian_editor_and_shown_while_editing(tmp_path: Path) -> None:
    path = tmp_path / "zwnj.sqlite"
    with Workspace(path) as ws:  # the bundled article has no ZWNJ: "میدهد", "هستهای"
        ws.insert_pairs(ws.add_document("doc").id, [NewPair(fa=["او خبر میدهد."], en=["He reports."],
                                                              status="review")])
        pair_id = list(ws.pairs())[0].id
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "home", *["left"] * len("او خبر می"), "ctrl+space")
        editor = app.screen.detail.persian_editor
        assert editor.value == "او خبر می" + ZWNJ + "دهد."
        assert any("¦" in editor.render_line(y).text for y in range(3))
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert stored(path, pair_id).fa == "او خبر می\u200cدهد."


async def test_escape_in_the_persian_editor_is_recoverable_too(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("p", "end", *" نه", "escape")
        await pilot.pause()
        assert stored(wsfile, first).fa == "پوتین روز سه‌شنبه به آستانه سفر کرد."
        assert any("dropped your Persian edit of pair 1" in n.message for n in app._notifications)
        await pilot.press("E")
        assert app.screen.detail.persian_editor.value == "پوتین روز سه‌شنبه به آستانه سفر کرد. نه"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert stored(wsfile, first).fa == "پوتین روز سه‌شنبه به آستانه سفر کرد. نه"


async def test_emptying_the_persian_is_refused_and_the_editor_stays(wsfile: Path) -> None:
    first = ids(wsfile)[0]
    app = app_for(wsfile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("p", "ctrl+u", "ctrl+k", "ctrl+s")
        await pilot.pause()
        assert app.screen.editing is not None  # the text is not lost
        assert any("cannot be empty" in n.message for n in app._notifications)
    assert stored(wsfile, first).fa == "پوتین روز سه‌شنبه به آستانه سفر کرد."


# -- the wrapped view ---------------------------------------------------------------------------
LONG_EN = ("In response, President Putin approved a new nuclear doctrine that lowers the threshold for the use "
           "of nuclear weapons, and he also used the new generation of Oreshnik intermediate-range missiles.")
LONG_FA = ("در پاسخ، رئیس جمهور پوتین دکترین هسته‌ای جدید را تصویب کرد که آستانه استفاده از سلاح هسته‌ای را "
           "پایین می‌آورد و از نسل جدید موشک‌های میان‌برد اورشنیک نیز استفاده کرد.")


def long_workspace(path: Path, n: int = 1000) -> Path:
    with Workspace(path) as ws:
        doc = ws.add_document("long")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"{LONG_FA} {i}"], en=[f"{LONG_EN} {i}"], status="review")
                                 for i in range(n)])
    return path


def screen_text(app) -> str:
    table = app.screen.table
    return "\n".join(table.render_line(y).text for y in range(table.scrollable_content_region.height))


async def test_W_shows_whole_sentences_and_pages_by_rows_at_200_columns(tmp_path: Path) -> None:
    path = long_workspace(tmp_path / "long.sqlite")
    app = app_for(path)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        assert "intermediate-range" not in screen_text(app)  # one line a pair: cut
        await pilot.press("W")
        await pilot.pause()
        table = app.screen.table
        text = screen_text(app)
        shown = table.rows_visible
        assert shown >= 4  # several long pairs in full at once
        for i in range(shown):  # every word of each shown pair's English is on screen
            for word in f"{LONG_EN} {i}".split():
                assert word in text
            assert f"{i + 1:>4} " in text or f"{i + 1} " in text
        words = visual_line(LONG_FA, rtl=True).split()
        assert all(word in text for word in words[:5] + words[-5:])  # and the Persian
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor == shown
        await pilot.press("G")  # the last pair: shown whole at the bottom
        await pilot.pause()
        assert table.cursor == 999
        assert "missiles. 999" in screen_text(app)
        assert len(table.source._pages) <= 3  # pages are still read on demand, not all of them
        await pilot.press("W")
        await pilot.pause()
        assert not table.wrapped and "intermediate-range" not in screen_text(app)


async def test_wrapped_rows_move_with_the_cursor_and_clicks(tmp_path: Path) -> None:
    path = long_workspace(tmp_path / "long.sqlite", n=30)
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("W")
        table = app.screen.table
        for _ in range(12):
            await pilot.press("j")
        await pilot.pause()
        assert table.cursor == 12
        text = screen_text(app)
        assert "13 " in text and f"{LONG_EN.split()[-1]} 12" in text  # the cursor's row is whole on screen
        await pilot.click("PairTable", offset=(5, 2))  # line 1 of the first row shown
        assert table.cursor == round(table.scroll_y)
