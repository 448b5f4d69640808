"""Screenshots of the review app compared with approved SVGs (pytest-textual-snapshot).

After a deliberate change to the look: ``pytest tests/test_tui_snapshots.py --snapshot-update``,
then look at the new SVGs in tests/__snapshots__/test_tui_snapshots/ before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui import make_workspace
from workbench.store import NewPair, Workspace

SIZE = (110, 30)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The app on a fixed workspace, with paths and names that do not vary between runs."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")  # relative: shown in help
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    path = make_workspace(Path("review.sqlite"))
    with Workspace(path) as ws:
        doc = ws.add_document("گزارش-اقتصادی")
        ws.insert_pairs(doc.id, [NewPair(fa=["رشد اقتصادی ۳ درصد بود."], en=["Growth was 3 percent."],
                                         status="approved")])

    def make():
        from workbench.tui.app import WorkbenchApp

        return WorkbenchApp(path)

    return make


async def settle(pilot) -> None:
    from textual.widgets import DataTable

    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    # A DataTable measures new rows when the app is next idle: on a loaded machine a snapshot
    # could be taken before, with columns cut short ("25." for "25.0").
    for _ in range(200):
        if not any(t._require_update_dimensions for t in pilot.app.screen.query(DataTable)):
            return
        await pilot.pause(0.01)


def test_pairs_view_visual(app, snap_compare) -> None:
    assert snap_compare(app(), terminal_size=SIZE, press=["j"], run_before=settle)


def test_pairs_view_terminal_mode(app, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_RTL", "terminal")
    assert snap_compare(app(), terminal_size=SIZE, press=["j"], run_before=settle)


def test_documents_screen(app, snap_compare) -> None:
    async def documents(pilot) -> None:
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=documents)


def test_help_screen(app, snap_compare) -> None:
    async def help_screen(pilot) -> None:
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app(), terminal_size=(110, 60), run_before=help_screen)


def test_scores_screen(tmp_path: Path, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_tui_scores import scored_workspace

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    path = scored_workspace(Path("scores.sqlite"))

    async def scores(pilot) -> None:
        await pilot.press("c")
        await settle(pilot)

    from workbench.tui.app import WorkbenchApp

    assert snap_compare(WorkbenchApp(path), terminal_size=SIZE, run_before=scores)


@pytest.fixture
def revised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pair whose English an editor made from the MT draft, with a Persian note and a flag."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    path = make_workspace(Path("revised.sqlite"))
    with Workspace(path) as ws:
        third = list(ws.pairs())[2]
        ws.edits.set_english(third.id, "Oil prices reached $80 a barrel.")
        ws.edits.set_note(third.id, "قیمت را با گزارش رویترز مقایسه کنید (Reuters)", "ask the client")
    return path


def test_detail_pane_diff_and_note(revised: Path, snap_compare) -> None:
    from workbench.tui.app import WorkbenchApp

    assert snap_compare(WorkbenchApp(revised), terminal_size=SIZE, press=["j", "j"], run_before=settle)


def test_search_results_concordance(revised: Path, snap_compare) -> None:
    from workbench.tui.app import WorkbenchApp

    async def search_all(pilot) -> None:
        await pilot.press("ctrl+f", *"قزاقستان OR oil", "enter")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(WorkbenchApp(revised), terminal_size=SIZE, run_before=search_all)


# -- issue 13: the wrapped view, the dialogs, Persian at 80×24 --------------------------------------
LONG_FA = ("در پاسخ، رئیس جمهور پوتین دکترین هسته‌ای جدید را تصویب کرد که آستانه استفاده از سلاح هسته‌ای را "
           "پایین می‌آورد و از نسل جدید موشک‌های میان‌برد اورشنیک برای حمله به اوکراین استفاده کرد.")
LONG_EN = ("In response, President Putin approved a new nuclear doctrine lowering the threshold for using nuclear "
           "weapons. He also used the new generation of Oreshnik intermediate-range missiles to strike Ukraine.")


@pytest.fixture
def long_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A document of long pairs (a 1-2 bead among them), fixed names and user."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CONFIG", "workbench-config.toml")
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.delenv("WORKBENCH_RTL", raising=False)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    path = Path("long.sqlite")
    first, second = LONG_EN.split(" He also")
    with Workspace(path) as ws:
        doc = ws.add_document("putin-kazakhstan-visit")
        ws.insert_pairs(doc.id, [NewPair(fa=[LONG_FA], en=[first, "He also" + second] if i == 1 else [LONG_EN],
                                         status="review" if i % 2 else "draft", confidence=0.9)
                                 for i in range(8)])
        pair = list(ws.pairs())[0]  # a draft: the app does not open with "no drafts yet"
        ws.add_draft(pair.id, source=pair.fa, text=LONG_EN, engine="argos", model="fa-en-test")

    def make():
        from workbench.tui.app import WorkbenchApp

        return WorkbenchApp(path)

    return make


def test_wrapped_view(long_app, snap_compare) -> None:
    async def wrapped(pilot) -> None:
        await pilot.press("W", "j")
        await settle(pilot)
        pilot.app.clear_notifications()  # "wrapped rows…" lasts 2 s: a slow run would miss it
        await pilot.pause()

    assert snap_compare(long_app(), terminal_size=(140, 40), run_before=wrapped)


def test_long_persian_sentence_at_80_by_24(long_app, snap_compare) -> None:
    assert snap_compare(long_app(), terminal_size=(80, 24), press=["j"], run_before=settle)


def test_split_dialog_at_80_by_24(long_app, snap_compare) -> None:
    assert snap_compare(long_app(), terminal_size=(80, 24), press=["j", "s"], run_before=settle)


def test_conflict_dialog(long_app, snap_compare) -> None:
    async def conflict(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter", "ctrl+e", *" Mine.")
        with Workspace(Path("long.sqlite")) as other:
            other.edits.set_english(pilot.app.screen.current.id, "Theirs, saved meanwhile.", who="other")
        await pilot.press("ctrl+s")
        pilot.app._poll()  # the table behind shows their text, whether or not the 1 s poll came first
        await pilot.pause()

    assert snap_compare(long_app(), terminal_size=(110, 30), run_before=conflict)


def test_persian_typed_in_the_search_box(long_app, snap_compare) -> None:
    async def search(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"موشک", "ctrl+space", "right")
        pilot.app.screen.query_one("#search").cursor_blink = False  # the cursor always drawn

    assert snap_compare(long_app(), terminal_size=(110, 30), run_before=search)
