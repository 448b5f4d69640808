"""Every key of the review app in one table: the footer, the help screen, the command palette
and the remapping config all read it, so they cannot disagree.

A user remaps a key by its id in the ``[keys]`` table of the config file (see ``config.py``);
the ids below are the contract for that file.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType
# _normalize_key_list: what App.set_keymap does to a remapping ("?" → "question_mark").
from textual.keys import _normalize_key_list, key_to_character


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
            "Cancel the edit (E brings it back) / give up a change waiting for another writer / clear the range "
            "mark / stop the running job / close search / leave a chrF bar's pairs"),
    KeySpec("approve", "a", "approve", "Approve", "Approve the selected pair", show=True),
    KeySpec("reject", "x", "reject", "Reject", "Reject the selected pair", show=True),
    KeySpec("take_draft", "d", "take_draft", "Take", "Take the MT draft as the English", show=True),
    KeySpec("undo", "ctrl+z", "undo", "Undo", "Undo your last change (edits, statuses, merges, splits)",
            show=True),
    KeySpec("redo", "ctrl+y", "redo", "Redo", "Redo what you undid"),
    KeySpec("merge", "m", "merge", "Merge", "Merge the selected pair with the next one"),
    KeySpec("split", "s", "split", "Split", "Split the selected pair at a sentence boundary"),
    KeySpec("shift_prev", "less_than_sign", "shift_english(-1)", "En→prev",
            "Move the first English sentence to the previous pair", display="<"),
    KeySpec("shift_next", "greater_than_sign", "shift_english(1)", "En→next",
            "Move the last English sentence to the next pair", display=">"),
    KeySpec("search", "slash", "search", "Find", "Search Persian, English and drafts", show=True,
            display="/"),
    KeySpec("next_review", "n", "next('review', 1)", "Next", "Go to the next pair needing review",
            show=True),
    KeySpec("prev_review", "N", "next('review', -1)", "Prev", "Go to the previous pair needing review"),
    KeySpec("next_qa", "w", "next('qa', 1)", "Next QA", "Go to the next pair with a QA warning"),
    KeySpec("next_uneven", "u", "next('uneven', 1)", "Next non-1:1", "Go to the next pair that is not 1:1"),
    KeySpec("filter", "f", "cycle_filter", "Filter", "Filter by status (cycles: all, undecided, review, "
            "new, approved, rejected)"),
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
    KeySpec("note", "number_sign", "note", "Note", "Write or edit the note and flag of the selected pair",
            display="#"),
    KeySpec("filter_pairs", "F", "filter_dialog", "Filters",
            "Filter by status, QA flag, bead shape, alignment confidence below a value, has a note"),
    KeySpec("replace", "ctrl+r", "replace", "Replace",
            "Find and replace in the English of this document or the workspace (preview first)"),
    KeySpec("toggle_diff", "equals_sign", "toggle_diff", "Diff",
            "Show or hide what the English changed from the MT draft (detail pane)", display="="),
    # Glossary and QA (workbench/tui/screens/pairs/glossary.py)
    KeySpec("insert_term", "ctrl+t", "insert_term", "Term",
            "Insert the English of a glossary term found in this pair into the editor (starts editing)"),
    KeySpec("insert_token", "f9", "insert_token", "Token",
            "Insert the next inline-code token (⟦1⟧, XLIFF) of the Persian that the English lacks, at the "
            "editor's cursor (starts editing): a terminal has no key for ⟦"),
    KeySpec("add_term", "plus", "add_term", "Add term", "Add a glossary term from this pair (Persian, English, note)",
            display="+"),
    KeySpec("qa_list", "exclamation_mark", "qa_list", "QA list",
            "List the QA findings of the document, grouped by check (the ! of the QA column)", display="!"),
    KeySpec("edit_persian", "p", "edit_persian", "Edit fa",
            "Edit the Persian of the selected pair (a typo, a missing ZWNJ)"),
    KeySpec("restore_edit", "E", "restore_edit", "Restore",
            "Bring back the edit that escape dropped, into the editor"),
    KeySpec("take_match_1", "alt+1", "take_match(1)", "Match 1",
            "Take translation-memory match 1 (detail pane) as the English"),
    KeySpec("take_match_2", "alt+2", "take_match(2)", "Match 2", "Take translation-memory match 2 as the English"),
    KeySpec("take_match_3", "alt+3", "take_match(3)", "Match 3", "Take translation-memory match 3 as the English"),
    KeySpec("wrap_rows", "W", "toggle_wrap", "Wrap",
            "Wrapped rows: each pair on as many lines as its sentences need (again: one line a pair)"),
]

# In the text boxes (search box, Persian editor): bindings of the box.
TEXT_KEYS = [
    KeySpec("zwnj", "shift+space,ctrl+space,ctrl+@", "insert_zwnj", "ZWNJ",
            "Type a zero-width non-joiner (ZWNJ, the Persian half-space) in the search box or the Persian editor"),
]

# Everywhere (bindings of the app).
APP_KEYS = [
    KeySpec("help", "question_mark,f1", "help", "Help", "Show the keys", show=True, display="?"),
    KeySpec("scores", "c", "scores", "Scores", "Show draft scores (BLEU, chrF, TER, edit rate) and the chrF histogram"),
    KeySpec("toggle_rtl", "f2", "toggle_rtl", "RTL mode",
            "Switch the right-to-left display: visual (reordered by the app) or terminal"),
    KeySpec("search_all", "ctrl+f", "search_all", "Search all",
            "Search every document of the workspace (results in context: a concordance)"),
    KeySpec("export", "ctrl+e", "export", "Export", "Export pairs: TMX, Moses, TSV or JSONL"),
    KeySpec("quit", "q", "quit", "Quit", "Quit", show=True),
]

DOCUMENT_KEYS = [
    KeySpec("open_document", "enter", "open_document", "Open", "Open the selected document", show=True),
    KeySpec("analyze", "z", "analyze", "Analyze", "Word counts of the selected document by match band "
            "(repetitions, 100%, 95-99%, … no match) and by status, as CAT tools quote a job", show=True),
]

SCORE_KEYS = [
    KeySpec("back", "escape", "back", "Back", "Leave the scores (back to the pairs or documents)", show=True),
    KeySpec("open_bin", "b", "open_bin", "Show pairs", "Show the pairs of the highlighted chrF bar", show=True),
    KeySpec("focus_histogram", "tab", "focus_histogram", "Histogram", "Move to the chrF histogram"),
]

# The search results (concordance) screen.
RESULT_KEYS = [
    KeySpec("open_result", "enter", "open_result", "Open", "Open the selected pair in its document", show=True),
    KeySpec("edit_search", "slash", "edit_search", "Search", "Change the search", show=True, display="/"),
    KeySpec("close_results", "escape", "close", "Back", "Leave the search results", show=True),
]

# The QA list (bindings of the QA screen).
QA_KEYS = [
    KeySpec("qa_back", "escape", "back", "Back", "Leave the QA list", show=True),
    KeySpec("qa_jump", "enter", "jump", "Go to pair", "Go to the pair of the selected finding", show=True),
    KeySpec("qa_false_positive", "i", "false_positive", "False positive",
            "Mark the selected finding as a false positive, saying why: hidden until the pair's text changes "
            "(again: show it)",
            show=True),
    KeySpec("qa_add_word", "w", "add_word", "Add to dictionary",
            "Add the selected spelling finding's word to the workspace's user dictionary (workbench qa words)",
            show=True),
    KeySpec("qa_ignore_all", "I", "ignore_all", "Ignore all like this",
            "Ignore every finding of this check naming the selected finding's word (with a reason; workbench qa ignore)",
            show=True),
    KeySpec("qa_hidden", "h", "toggle_hidden", "Show hidden", "Show or hide the findings marked as false positives",
            show=True),
    KeySpec("qa_scope", "A", "toggle_scope", "All docs", "List the findings of every document, or of this one",
            show=True),
]

ALL_KEYS = TABLE_KEYS + PAIR_KEYS + TEXT_KEYS + APP_KEYS + DOCUMENT_KEYS + SCORE_KEYS + RESULT_KEYS + QA_KEYS
KEY_IDS = {spec.id for spec in ALL_KEYS}
SPECS = {spec.id: spec for spec in ALL_KEYS}
# Tables whose keys work at the same time: a key can do one thing in each.
SCOPES = [TABLE_KEYS + PAIR_KEYS + TEXT_KEYS + APP_KEYS, DOCUMENT_KEYS + APP_KEYS, SCORE_KEYS + APP_KEYS,
          TABLE_KEYS + RESULT_KEYS + APP_KEYS, QA_KEYS + APP_KEYS]
# Keys that must work inside the English editor, where a printable key is text.
EDITOR_KEY_IDS = {"save", "cancel", "zwnj", "insert_term", "insert_token"}


def bindings(specs: list[KeySpec]) -> list[BindingType]:
    return [spec.binding() for spec in specs]


def shown_keys(spec: KeySpec, keymap: dict[str, str]) -> str:
    """The keys of a spec as a person types them, after the user's remapping."""
    return ", ".join(_pretty(k) for k in keymap.get(spec.id, spec.keys).split(","))


def resolve_keymap(remap: dict[str, str], where: str) -> tuple[dict[str, str], list[str]]:
    """The ``[keys]`` remapping (key id → keys, in the file's order) without clashes, and one
    warning per key it could not have. A key another action already has (by default, or given
    to it earlier in the file) stays with that action; a remapping left with no key of its own
    is ignored, so the action keeps its default keys. Save and cancel never get a key the
    editor types as text."""
    remap = {key_id: _normalize_key_list(keys) for key_id, keys in remap.items()}
    ignored: set[str] = set()
    while True:  # an ignored remapping takes its default keys back from later ones: again
        keymap, clashes = _assign(remap, ignored)
        left_bare = remap.keys() - keymap.keys() - ignored
        if not left_bare:
            return keymap, [_clash_warning(where, remap, keymap, *clash) for clash in clashes]
        ignored |= left_bare


def _assign(remap: dict[str, str], ignored: set[str]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    owners: dict[tuple[int, str], str] = {}  # (scope, key) → key id
    scopes = {key_id: [n for n, scope in enumerate(SCOPES) if SPECS[key_id] in scope] for key_id in KEY_IDS}

    def claim(key_id: str, keys: list[str]) -> None:
        owners.update({(n, key): key_id for n in scopes[key_id] for key in keys})

    def owner(key_id: str, key: str) -> str | None:
        if key_id in EDITOR_KEY_IDS and _typed(key):
            return "editor"
        return next((owners[n, key] for n in scopes[key_id] if owners.get((n, key), key_id) != key_id), None)

    for spec in ALL_KEYS:
        if spec.id not in remap or spec.id in ignored:
            claim(spec.id, spec.keys.split(","))
    keymap: dict[str, str] = {}
    clashes: list[tuple[str, str, str]] = []
    for key_id, keys in remap.items():
        for key in dict.fromkeys(k for k in keys.split(",") if k):
            taken = owner(key_id, key)
            if taken:
                clashes.append((key_id, key, taken))
            elif key_id not in ignored:
                claim(key_id, [key])
                keymap[key_id] = f"{keymap[key_id]},{key}" if key_id in keymap else key
    return keymap, clashes


def _typed(key: str) -> bool:
    """A key that types a character: letters, digits, signs, space."""
    char = key_to_character(key)
    return bool(char and char.isprintable()) or key in {"plus", "minus", "slash", "at", "backslash", "underscore"}


def _clash_warning(where: str, remap: dict[str, str], keymap: dict[str, str], key_id: str, key: str,
                   owner: str) -> str:
    shown, value = _pretty(key), ",".join(_pretty(k) for k in remap[key_id].split(","))
    keeps = (f"{key_id} gets only {shown_keys(SPECS[key_id], keymap)}" if key_id in keymap
             else f"{key_id} keeps {shown_keys(SPECS[key_id], keymap)}")
    if owner == "editor":
        return f'{where}: [keys] {key_id} = "{value}": {shown} types text in the English editor, where {key_id} ' \
               f"must work, so {keeps}."
    what = SPECS[owner].help[0].lower() + SPECS[owner].help[1:]
    if owner in keymap:
        return f'{where}: [keys] {key_id} = "{value}": {shown} is given to {owner} ({what}) earlier in the ' \
               f"file, so {shown} stays with {owner} and {keeps}."
    hint = "" if owner in remap else f" To give {shown} to {key_id}, remap {owner} too."
    return f'{where}: [keys] {key_id} = "{value}": {shown} already does {owner} ({what}), so {shown} stays with ' \
           f"{owner} and {keeps}.{hint}"


_NAMES = {"slash": "/", "question_mark": "?", "less_than_sign": "<", "greater_than_sign": ">",
          "right_square_bracket": "]", "left_square_bracket": "[", "number_sign": "#", "equals_sign": "=",
          "down": "↓", "up": "↑", "escape": "esc"}


def _pretty(key: str) -> str:
    key = key.strip()
    return _NAMES.get(key, key)
