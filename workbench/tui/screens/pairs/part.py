"""What every part of the pairs view starts from: the screen it serves (its small face: the pair
under the cursor, the table, the detail pane, ``writable()``, ``store_action()``) and the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.pairs.screen import PairsScreen


class ScreenPart:
    """A part of the pairs view that owns its own state and acts through the screen's face."""

    def __init__(self, screen: PairsScreen) -> None:
        self.screen = screen

    @property
    def app(self) -> WorkbenchApp:
        return self.screen.app
