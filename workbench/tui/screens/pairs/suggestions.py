"""Translation-memory matches for the pair under the cursor, shown in the detail pane: found
in a worker once the cursor rests (scrolling fast must not start a search per row). alt+1..3
take a match's English (one undo step; approved English is refused by the store)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from workbench.mt import Match, suggestions
from workbench.store import Pair
from workbench.tui.messages import SuggestionsReady
from workbench.tui.screens.pairs.part import ScreenPart

if TYPE_CHECKING:
    from textual.timer import Timer

    from workbench.tui.screens.pairs.screen import PairsScreen

REST_SECONDS = 0.2  # how long the cursor stays on a pair before its suggestions are looked for


class Suggestions(ScreenPart):
    """The timer waiting for the cursor to rest, the search it starts, and the matches shown."""

    def __init__(self, screen: PairsScreen) -> None:
        super().__init__(screen)
        self._timer: Timer | None = None
        self.shown: tuple[int, list[Match]] | None = None  # the pair whose matches are on screen

    def follow(self, pair: Pair | None) -> None:
        """The cursor moved to ``pair``: look for its suggestions once it rests there."""
        if self._timer is not None:
            self._timer.stop()
        if pair is not None:
            self._timer = self.screen.set_timer(REST_SECONDS, partial(self._find, pair))

    def _find(self, pair: Pair) -> None:
        self.screen.run_worker(partial(self._worker, pair), thread=True, group="tm", exclusive=True,
                               exit_on_error=False)

    def _worker(self, pair: Pair) -> None:
        try:
            with self.screen.app.worker_workspace() as ws:
                found = suggestions(ws, pair)
        except Exception:  # suggestions are a help, never a reason to interrupt the editor
            return
        self.screen.post_message(SuggestionsReady(pair.id, found))

    def show(self, message: SuggestionsReady) -> None:
        screen = self.screen
        pair = screen.current
        if pair is not None and pair.id == message.pair_id:
            self.shown = (pair.id, message.matches)
            screen.detail.show_suggestions(pair, message.matches, screen.app.rtl_mode)

    def take(self, number: int) -> None:
        """alt+N: match N's English becomes the selected pair's."""
        pair = self.screen.current
        matches = self.shown[1] if self.shown and pair is not None and self.shown[0] == pair.id else []
        if len(matches) < number:
            self.screen.notify(f"no memory match {number} for this pair", severity="warning")
            return
        match = matches[number - 1]
        self.screen.store_action(
            lambda ws, p: ws.edits.take_match(p.id, match.en, expected_version=p.version),
            what=f"take memory match {number}", done=f"took memory match {number} ({round(match.score)}%) — ctrl+z undoes")
