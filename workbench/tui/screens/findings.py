"""The QA list: a document's (or every document's) findings grouped by check with counts; enter
goes to the pair, i marks a finding as a false positive (hidden until the pair's text changes;
it asks why, for the report),
w adds a spelling finding's word to the workspace's user dictionary (every pair: it is a word),
I ignores every finding of the check naming the selected one's word (the QA profile's ignore list).
The cursor keeps its place when the finding under it goes (fixed): it moves to the one after.

Findings are computed in a worker (cached findings still valid are reused, so a second look is
quick) and computed again whenever the workspace changes while the list is shown: a pair fixed
by another editor, a false positive marked, leaves the list. Messages holding Persian are drawn
in the app's right-to-left display mode.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from workbench.errors import WorkbenchError
from workbench.qa import CHECKS, Finding
from workbench.store import Document
from workbench.tui.keys import QA_KEYS, bindings
from workbench.tui.screens.terms import shown

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.ignore import IgnoreRequest

POLL_SECONDS = 1.0
_SPACE_RUN = re.compile(r" {2,}|\t")
MAX_PER_CHECK = 500  # findings listed per check; the rest are counted (workbench qa lists all)


@dataclass(frozen=True)
class Item:
    doc: str
    doc_id: int
    ordinal: int
    pair_id: int
    finding: Finding
    hidden: bool

    @property
    def key(self) -> tuple:
        return self.pair_id, self.finding.check, self.finding.message


class QaScreen(Screen):
    HELP_SECTION = "QA list"  # the help screen (?) shows this screen's keys first
    if TYPE_CHECKING:
        app: WorkbenchApp  # Textual types it as any App

    BINDINGS = bindings(QA_KEYS)
    DEFAULT_CSS = """
    QaScreen #qa-title { height: 1; background: $panel; padding: 0 1; }
    QaScreen Tree { height: 1fr; }
    """

    def __init__(self, doc: Document | None) -> None:
        super().__init__()
        self.doc = doc
        self.all_documents = doc is None
        self.show_hidden = False
        self.items: list[Item] = []
        self.loading = False
        self._signature: tuple | None = None
        self._leaves: list[Item] = []  # the findings listed, in order (where the cursor was)
        self._resume: tuple[Item, list[Item]] | None = None  # where the list was left last time

    def compose(self) -> ComposeResult:
        yield Static(id="qa-title")
        tree: Tree = Tree("findings", id="findings")
        tree.show_root = False
        yield tree
        yield Footer()

    def on_mount(self) -> None:
        place = self.app.qa_list_place
        if place is not None and place[0] == self._scope():
            self._resume = place[1], place[2]
        self.watch(self.app, "rtl_mode", lambda _: self._fill(), init=False)
        self.set_interval(POLL_SECONDS, self._poll)
        self.query_one(Tree).focus()
        self.reload()

    # -- loading ------------------------------------------------------------------------------
    def _workspace_signature(self) -> tuple:
        conn = self.app.ws.conn
        return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def _poll(self) -> None:
        if not self.loading and self._workspace_signature() != self._signature:
            self.reload()

    def reload(self) -> None:
        self.loading = True
        self._signature = self._workspace_signature()
        self._title()
        doc_id = None if self.all_documents or self.doc is None else self.doc.id
        self.run_worker(lambda: self._collect(doc_id), thread=True, group="qa-list", exclusive=True,
                        exit_on_error=False)

    def _collect(self, doc_id: int | None) -> None:
        from workbench.qa.checker import check_pairs

        items: list[Item] = []
        try:
            with self.app.worker_workspace() as ws:
                for checked in check_pairs(ws, doc_id=doc_id, write=not ws.read_only):
                    for hidden, findings in ((False, checked.findings.shown), (True, checked.findings.hidden)):
                        items += [Item(checked.doc, checked.pair.doc_id, checked.ordinal, checked.pair.id, f, hidden)
                                  for f in findings]
        except (WorkbenchError, sqlite3.Error) as e:
            self.app.call_from_thread(self.notify, f"QA failed: {e}", severity="error")
            items = self.items
        self.app.call_from_thread(self._loaded, items)

    def _loaded(self, items: list[Item]) -> None:
        self.items = items
        self.loading = False
        self._fill()

    # -- drawing ------------------------------------------------------------------------------
    def _title(self) -> None:
        where = "all documents" if self.all_documents or self.doc is None else self.doc.name
        shown_items = [i for i in self.items if not i.hidden]
        parts = [f"QA · {where}", f"{len(shown_items):,} finding{'s' * (len(shown_items) != 1)}"]
        hidden = len(self.items) - len(shown_items)
        if hidden:
            parts.append(f"{hidden:,} marked false positive" + (" (shown)" if self.show_hidden else ""))
        if self.loading:
            parts.append("checking…")
        self.query_one("#qa-title", Static).update(shown(" · ".join(parts), self.app.rtl_mode))

    def _fill(self) -> None:
        tree = self.query_one(Tree)
        selected = tree.cursor_node.data if tree.cursor_node is not None else None
        if self._resume is not None and self.items and not self.loading:  # opened again: where it was left
            (selected, self._leaves), self._resume = self._resume, None
        place = self._leaves.index(selected) if isinstance(selected, Item) and selected in self._leaves else None
        tree.clear()
        visible = [i for i in self.items if self.show_hidden or not i.hidden]
        groups: dict[str, list[Item]] = {}
        for item in visible:
            groups.setdefault(item.finding.check, []).append(item)
        restore = None
        leaves = []
        for check in [c for c in CHECKS if c in groups] + [c for c in groups if c not in CHECKS]:  # custom rules last
            group = groups[check]
            node = tree.root.add(Text(f"{check} ({len(group):,})", style="bold"), data=check, expand=True)
            for item in group[:MAX_PER_CHECK]:
                leaf = node.add_leaf(self._label(item), data=item)
                leaves.append((item, leaf))
                if isinstance(selected, Item) and item.key == selected.key:
                    restore = leaf
            if len(group) > MAX_PER_CHECK:
                node.add_leaf(Text(f"… {len(group) - MAX_PER_CHECK:,} more (workbench qa --check {check} lists all)",
                                   style="dim"))
        if not visible:
            tree.root.add_leaf(Text("No QA findings." if not self.loading else "Checking…", style="dim"))
        if restore is None and place is not None and leaves:  # the finding went (fixed): the one after it
            now_listed = {item.key: leaf for item, leaf in leaves}
            after, before = self._leaves[place + 1:], self._leaves[:place][::-1]
            restore = next((now_listed[i.key] for i in after + before if i.key in now_listed), None)
        self._leaves = [item for item, _ in leaves]
        if restore is not None:
            # After the refresh: a node added just now has no line yet (move_cursor would go to the top).
            self.call_after_refresh(tree.move_cursor, restore)
        self._title()

    def _label(self, item: Item) -> Text:
        where = item.doc + " · " if self.all_documents else ""
        # Runs of spaces and tabs drawn visibly: a double space is what a `spaces` finding is about.
        message = _SPACE_RUN.sub(lambda m: "⇥" if m.group() == "\t" else "␣" * len(m.group()), item.finding.message)
        label = shown(f"{where}pair {item.ordinal}: {message}", self.app.rtl_mode)
        if item.hidden:
            label.stylize("dim strike")
        return label

    # -- actions ------------------------------------------------------------------------------
    def _selected(self) -> Item | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None and isinstance(node.data, Item) else None

    @on(Tree.NodeSelected)
    def _selected_node(self, event: Tree.NodeSelected) -> None:
        """Enter in the tree (its own binding): a finding goes to its pair, a check folds."""
        if isinstance(event.node.data, Item):
            self._jump(event.node.data)

    def action_jump(self) -> None:
        item = self._selected()
        if item is not None:
            self._jump(item)

    def _scope(self) -> tuple[bool, int | None]:
        return self.all_documents, None if self.doc is None else self.doc.id

    def _remember(self) -> None:
        item = self._selected()
        self.app.qa_list_place = (self._scope(), item, list(self._leaves)) if item is not None else None

    def _jump(self, item: Item) -> None:
        from workbench.tui.screens.pairs import PairsScreen

        self._remember()
        app = self.app
        app.pop_screen()
        below = app.screen
        if isinstance(below, PairsScreen) and below.doc.id == item.doc_id:
            if not below.filtering.go_to(item.pair_id):
                app.notify("that pair is no longer there (merged or realigned)", severity="warning")
            return
        if isinstance(below, PairsScreen):
            app.pop_screen()
        app.open_document(item.doc_id, item.pair_id)

    def action_false_positive(self) -> None:
        from workbench.tui.screens.ignore import ReasonScreen

        item = self._selected()
        if item is None:
            return
        if item.hidden:  # shown again: no question
            self._mark(item, "")
            return
        self.app.push_screen(ReasonScreen(item.finding.message, self.app.rtl_mode),
                             lambda reason: None if reason is None else self._mark(item, reason))

    def _mark(self, item: Item, reason: str) -> None:
        from workbench.qa.cache import mark_false_positive

        try:
            mark_false_positive(self.app.ws, item.pair_id, item.finding, undo=item.hidden, reason=reason)
        except (WorkbenchError, sqlite3.Error) as e:
            self.notify(str(e), severity="error")
            return
        self.notify("shown again" if item.hidden else "marked as a false positive: hidden until the pair changes",
                    timeout=3)
        self.items = [i if i.key != item.key else Item(i.doc, i.doc_id, i.ordinal, i.pair_id, i.finding, not i.hidden)
                      for i in self.items]
        self._signature = self._workspace_signature()  # our own change: no need to check again
        self._fill()

    def action_add_word(self) -> None:
        from workbench.qa import user_words
        from workbench.qa.spelling import flagged_word

        item = self._selected()
        word = flagged_word(item.finding.message) if item is not None else None
        if word is None:
            self.notify("select a spelling finding to add its word to the dictionary", severity="warning")
            return
        try:
            user_words.add(self.app.ws, [word])
        except (WorkbenchError, sqlite3.Error) as e:
            self.notify(str(e), severity="error")
            return
        self.notify(f"'{word}' added to the user dictionary", timeout=3)
        self.reload()  # the word's findings in every pair go

    def action_ignore_all(self) -> None:
        from workbench.qa.profile import named_text
        from workbench.tui.screens.ignore import IgnoreScreen

        item = self._selected()
        text = named_text(item.finding) if item is not None else None
        if item is None or text is None:
            self.notify("select a finding that names a word or token to ignore", severity="warning")
            return
        self.app.push_screen(IgnoreScreen(item.finding.check, text, self.app.rtl_mode),
                             lambda answer: self._ignore(item.finding.check, answer))

    def _ignore(self, check: str, answer: IgnoreRequest | None) -> None:
        from workbench.qa import profiles
        from workbench.qa.profile import WORD, Ignore
        from workbench.store import current_user, now

        if answer is None:
            return
        ignore = Ignore(answer.text, WORD, answer.reason, "" if answer.every_check else check, current_user(), now())
        try:
            profiles.change(self.app.ws, lambda p: p.with_ignore(ignore), f"ignore {answer.text}")
        except (WorkbenchError, sqlite3.Error) as e:
            self.notify(str(e), severity="error")
            return
        self.notify(f"ignoring '{answer.text}' in {'every check' if answer.every_check else check}", timeout=3)
        self.reload()  # its findings in every pair go

    def action_toggle_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self._fill()

    def action_toggle_scope(self) -> None:
        if self.doc is None:
            return
        self.all_documents = not self.all_documents
        self.items = []
        self.reload()

    def action_back(self) -> None:
        self._remember()
        self.app.pop_screen()
