"""`workbench serve` in a real browser (Chromium, headless, through Playwright): two editors
signed in as themselves review one workspace; their changes carry their names, a conflict gets the
conflict dialog, Persian is drawn joined and right to left, Ctrl-C keeps an open edit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.browser import Terminal, chromium
from tests.conftest import run_workbench
from tests.serving import served
from tests.test_tui import PAIRS, ids, make_workspace, stored
from workbench.tui.display import visual_line


def workspace_with_users(tmp: Path) -> Path:
    ws = make_workspace(tmp / "ws.sqlite")
    for name in ("sara", "reza"):
        assert run_workbench("users", "add", name, "--ws", ws, cwd=tmp, input=f"{name} secret\n").returncode == 0
    return ws


def test_two_editors_in_browsers_edit_approve_and_meet_a_conflict(tmp_path: Path) -> None:
    ws = workspace_with_users(tmp_path)
    first, second = ids(ws)[:2]
    # The person running the server sees Persian right in their own terminal (Konsole, say):
    # the browser's xterm.js does no bidi, so the served sessions draw it themselves whatever
    # this says.
    config = tmp_path / "config.toml"
    config.write_text('[display]\nrtl = "terminal"\n', encoding="utf-8")
    with served(ws, tmp=tmp_path, env={"WORKBENCH_CONFIG": str(config)}) as server, chromium() as browser:
        sara = Terminal(browser, server.url, "sara", "sara secret")
        sara.shows("putin-visit")
        # Persian as xterm.js needs it: shaped (joined forms) and in visual order, not logical.
        fa = PAIRS[0].fa[0]
        sara.shows(visual_line(fa, rtl=True))
        assert fa not in sara.text()
        sara.page.screenshot(path=str(tmp_path / "sara.png"))

        sara.edit(" (S)")
        sara.press("Control+s")
        sara.wait(lambda: stored(ws, first).en.endswith("(S)"), "sara's correction saved")
        assert stored(ws, first).updated_by == "sara"
        sara.press("a")
        sara.wait(lambda: stored(ws, first).status == "approved", "sara's approval")

        reza = Terminal(browser, server.url, "reza", "reza secret")
        reza.shows("putin-visit")
        # A process a session, and none has loaded the MT engine: nobody asked for a draft.
        sessions = server.sessions()
        assert len(sessions) == 2
        assert not any("ctranslate2" in Path(f"/proc/{pid}/maps").read_text() for pid in sessions)
        reza.press("g", "ArrowDown")  # the second pair, wherever the app opened
        reza.edit(" (R)")
        reza.press("Control+s")
        reza.wait(lambda: "(R)" in stored(ws, second).en, "reza's correction of the neighbour pair")
        assert stored(ws, second).updated_by == "reza"

        mark = sara.mark()
        sara.press("g", "ArrowDown")  # her next look at the pair shows reza's change
        sara.shows("(R)", since=mark)
        sara.shows("by reza", since=mark)

        sara.edit(" (S2)")
        reza.edit(" again")
        reza.press("Control+s")
        reza.wait(lambda: "(R) again" in stored(ws, second).en, "reza's second save")
        mark = sara.mark()
        sara.press("Control+s")
        sara.shows("was changed by reza", since=mark)
        assert "(R) again" in stored(ws, second).en  # nothing overwritten
        sara.press("k")  # keep mine, knowingly
        sara.wait(lambda: "(R) (S2)" in stored(ws, second).en, "sara's text kept over reza's")
        assert "again" not in stored(ws, second).en
        # Removed from another terminal while signed in: his session ends.
        assert run_workbench("users", "remove", "reza", "--ws", ws, cwd=tmp_path).returncode == 0
        reza.wait(lambda: "signed out: reza" in server.log, "reza's session ended")
        reza.wait(lambda: len(server.sessions()) == 1, "his session's process gone")
        sara.close()
        reza.close()
    with sqlite3.connect(ws) as conn:
        names = {who for (who,) in conn.execute("SELECT who FROM history")}
    assert {"sara", "reza"} <= names
    assert "signed in: sara" in server.log and "signed in: reza" in server.log
    assert "signed out: sara" in server.log


def test_ctrl_c_keeps_an_open_edit_and_an_export_is_downloaded(tmp_path: Path) -> None:
    ws = workspace_with_users(tmp_path)
    first = ids(ws)[0]
    with served(ws, tmp=tmp_path) as server, chromium() as browser:
        sara = Terminal(browser, server.url, "sara", "sara secret")
        sara.shows("putin-visit")
        sara.press("Control+e")
        sara.shows("Export pairs")
        mark = sara.mark()
        with sara.page.expect_download(timeout=60_000) as download:
            sara.press("Control+s")
        saved = tmp_path / "downloaded.tmx"
        download.value.save_as(saved)
        assert "Akorda" in saved.read_text(encoding="utf-8")  # the approved pair
        sara.shows("browser", since=mark)  # "…; your browser downloads it" (wrapped)

        sara.edit(" unsaved")
        sara.wait(lambda: "unsaved" in sara.text(), "the typed text on the screen")
        assert server.stop() == 0
    assert stored(ws, first).en == PAIRS[0].en[0]
    with sqlite3.connect(ws) as conn:
        kept = conn.execute("SELECT who, pair_id, typed FROM dropped_edits").fetchall()
    assert kept == [("sara", first, PAIRS[0].en[0] + " unsaved")]
    assert "signed out: sara" in server.log
