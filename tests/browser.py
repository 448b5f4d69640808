"""Debian's Chromium driven by Playwright (headless; Playwright's own browser download is not
used), and what a served session's terminal received, as text. Without chromium or playwright
the browser tests fail with the line to run (.ci/run installs them): a skip would prove nothing."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
# Escape sequences: CSI (styles, cursor moves), OSC, and two-byte ones.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


@contextmanager
def chromium() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: apt-get install chromium fonts-noto-core (.ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: make install (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Terminal:
    """One browser tab on the served app: keys in, the bytes its websocket received out."""

    def __init__(self, browser: Any, url: str, user: str, password: str, *, width: int = 1400, height: int = 800,
                 init_script: str | None = None) -> None:
        self.context = browser.new_context(http_credentials={"username": user, "password": password},
                                           viewport={"width": width, "height": height}, accept_downloads=True)
        if init_script is not None:  # runs in the page before its own scripts (bench/serve.py)
            self.context.add_init_script(init_script)
        self.page = self.context.new_page()
        self.received = bytearray()
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url)
        self.page.locator(".xterm-helper-textarea").focus()  # keys to the terminal; a click would pick a row

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):  # the app's output; text frames are the protocol's JSON
            self.received.extend(payload)

    def mark(self) -> int:
        return len(self.received)

    def text(self, since: int = 0) -> str:
        return _ESCAPES.sub("", bytes(self.received[since:]).decode("utf-8", "replace"))

    def wait(self, check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := check():
                return result
            self.page.wait_for_timeout(100)  # lets Playwright deliver the frames meanwhile
        raise AssertionError(f"timed out waiting for {what}; the screen last received: {self.text()[-600:]!r}")

    def shows(self, text: str, *, since: int = 0, timeout: float = 30.0) -> None:
        self.wait(lambda: text in self.text(since), f"{text!r} on the screen", timeout)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)

    def edit(self, text: str) -> None:
        """Open the English of the selected pair, add ``text`` at its end (not saved)."""
        mark = self.mark()
        self.press("Enter")
        self.shows("^s Save", since=mark)  # the editor is open and has the keys
        self.press("Control+e")
        self.type(text)
        self.shows(text.strip(), since=mark)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def close(self) -> None:
        self.context.close()
