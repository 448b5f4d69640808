"""Every key of the review app in one table: the footer, the help screen, the command palette
and the remapping config all read it, so they cannot disagree.

A user remaps a key by its id in the ``[keys]`` table of the config file (see ``config.py``);
the ids below are the contract for that file.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class KeySpec:
    id: str  # stable name, used in the config file
    keys: str  # default keys, comma-separated Textual key names
    action: str  # Textual action on the widget/screen/app owning the binding
    label: str  # short footer label
    help: str  # one line for the help screen and the command palette
    show: bool = False  # shown in the footer
    display: str | None = None  # how the key is shown, if not its name

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.label, show=self.show, id=self.id,
                       key_display=self.display)


# Moving in the pairs table (bindings of the table widget).
TABLE_KEYS = [
    KeySpec("cursor_down", "down,j", "cursor_down", "Down", "Move to the next pair"),
    KeySpec("cursor_up", "up,k", "cursor_up", "Up", "Move to the previous pair"),
    KeySpec("page_down", "pagedown", "page_down", "Page down", "Move one screen down"),
    KeySpec("page_up", "pageup", "page_up", "Page up", "Move one screen up"),
    KeySpec("first", "home,g", "first", "First", "Go to the first pair"),
    KeySpec("last", "end,G", "last", "Last", "Go to the last pair"),
]

# Reviewing (bindings of the pairs screen).
PAIR_KEYS = [
    KeySpec("edit", "enter", "edit", "Edit", "Edit the English of the selected pair", show=True),
    KeySpec("save", "ctrl+s", "save", "Save", "Save the English being edited", show=True),
    KeySpec("cancel", "escape", "cancel", "Cancel",
            "Cancel the edit / clear the range mark / stop the running job / close search"),
    KeySpec("approve", "a", "approve", "Approve", "Approve the selected pair", show=True),
    KeySpec("reject", "x", "reject", "Reject", "Reject the selected pair", show=True),
    KeySpec("take_draft", "d", "take_draft", "Take draft", "Take the MT draft as the English", show=True),
    KeySpec("undo", "ctrl+z", "undo", "Undo", "Undo your last change (edits, statuses, merges, splits)",
            show=True),
    KeySpec("redo", "ctrl+y", "redo", "Redo", "Redo what you undid"),
    KeySpec("merge", "m", "merge", "Merge", "Merge the selected pair with the next one"),
    KeySpec("split", "s", "split", "Split", "Split the selected pair at a sentence boundary"),
    KeySpec("shift_prev", "less_than_sign", "shift_english(-1)", "En→prev",
            "Move the first English sentence to the previous pair", display="<"),
    KeySpec("shift_next", "greater_than_sign", "shift_english(1)", "En→next",
            "Move the last English sentence to the next pair", display=">"),
    KeySpec("search", "slash", "search", "Search", "Search Persian, English and drafts", show=True,
            display="/"),
    KeySpec("next_review", "n", "next('review', 1)", "Next", "Go to the next pair needing review",
            show=True),
    KeySpec("prev_review", "N", "next('review', -1)", "Prev", "Go to the previous pair needing review"),
    KeySpec("next_qa", "w", "next('qa', 1)", "Next QA", "Go to the next pair with a QA warning"),
    KeySpec("next_uneven", "u", "next('uneven', 1)", "Next non-1:1", "Go to the next pair that is not 1:1"),
    KeySpec("filter", "f", "cycle_filter", "Filter", "Filter by status (cycles: all, undecided, review, "
            "draft, approved, rejected)"),
    KeySpec("draft_pair", "t", "draft_pair", "Draft", "Draft English for the selected pair (MT)",
            show=True),
    KeySpec("draft_document", "D", "draft_document", "Draft doc",
            "Draft English for every pair of the document without a draft"),
    KeySpec("approve_above", "A", "approve_above", "Approve above",
            "Approve every undecided pair with English from the top down to this one"),
    KeySpec("mark", "v", "mark", "Mark", "Mark the start of a range (for realigning)"),
    KeySpec("realign", "R", "realign", "Realign", "Realign the marked range of pairs"),
    KeySpec("documents", "o", "documents", "Documents", "Show the documents of the workspace"),
    KeySpec("detail_down", "right_square_bracket", "scroll_detail(3)", "Detail ↓",
            "Scroll the detail pane down (long pairs)", display="]"),
    KeySpec("detail_up", "left_square_bracket", "scroll_detail(-3)", "Detail ↑",
            "Scroll the detail pane up", display="["),
]

# Everywhere (bindings of the app).
APP_KEYS = [
    KeySpec("help", "question_mark,f1", "help", "Help", "Show the keys", show=True, display="?"),
    KeySpec("scores", "c", "scores", "Scores", "Show draft scores (BLEU, chrF, TER, edit rate) and the chrF histogram"),
    KeySpec("toggle_rtl", "f2", "toggle_rtl", "RTL mode",
            "Switch the right-to-left display: visual (reordered by the app) or terminal"),
    KeySpec("quit", "q", "quit", "Quit", "Quit", show=True),
]

DOCUMENT_KEYS = [
    KeySpec("open_document", "enter", "open_document", "Open", "Open the selected document", show=True),
]

SCORE_KEYS = [
    KeySpec("back", "escape", "back", "Back", "Leave the scores (back to the pairs or documents)", show=True),
    KeySpec("open_bin", "b", "open_bin", "Show pairs", "Show the pairs of the highlighted chrF bar", show=True),
    KeySpec("focus_histogram", "tab", "focus_histogram", "Histogram", "Move to the chrF histogram"),
]

ALL_KEYS = TABLE_KEYS + PAIR_KEYS + APP_KEYS + DOCUMENT_KEYS + SCORE_KEYS
KEY_IDS = {spec.id for spec in ALL_KEYS}


def bindings(specs: list[KeySpec]) -> list[Binding]:
    return [spec.binding() for spec in specs]


def shown_keys(spec: KeySpec, keymap: dict[str, str]) -> str:
    """The keys of a spec as a person types them, after the user's remapping."""
    return ", ".join(_pretty(k) for k in keymap.get(spec.id, spec.keys).split(","))


_NAMES = {"slash": "/", "question_mark": "?", "less_than_sign": "<", "greater_than_sign": ">",
          "right_square_bracket": "]", "left_square_bracket": "[",
          "down": "↓", "up": "↑", "escape": "esc"}


def _pretty(key: str) -> str:
    key = key.strip()
    return _NAMES.get(key, key)
