"""The pairs view (see screen.py)."""

from workbench.tui.screens.pairs.review import BIG_HISTORY_STEP
from workbench.tui.screens.pairs.screen import PairsScreen
from workbench.tui.screens.pairs.searching import FILTERS

__all__ = ["BIG_HISTORY_STEP", "FILTERS", "PairsScreen"]
