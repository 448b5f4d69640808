"""QA and glossary terms in the review app: each pair's findings and terms, computed on the UI
thread for the rows on screen and remembered until anything in the workspace changes.

The costly parts load once in a worker (the speller's word list, the glossary's matcher); until
they are ready the table shows no QA count rather than freezing the first screen. A changed
workspace (any commit, ours or another editor's: ``PRAGMA data_version`` and this connection's
change count) forgets what was computed, so counts follow edits, approvals elsewhere (consistency),
false-positive marks and glossary changes.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from workbench.qa.cache import revision
from workbench.qa.checker import PairFindings, QaChecker
from workbench.store import Pair
from workbench.terms import TermHit, TermMatcher

if TYPE_CHECKING:
    from workbench.tui.widgets.detail import Section

HIGHLIGHT = "bold underline"


class QaMemo:
    """Findings and term hits per pair for one app (its UI-thread workspace)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._matcher: TermMatcher | None = None
        self._matcher_rev: int | None = None
        self._loading = False
        self._checker: QaChecker | None = None
        self._qa_rev = ""  # the QA revision the checker was made for (qa.cache.revision)
        self._signature: tuple | None = None
        self._findings: dict[tuple, PairFindings] = {}  # until the workspace changes
        self._local: dict[tuple, list] = {}  # a pair's own checks: until its text or the glossary changes
        self._terms: dict[tuple, list[TermHit]] = {}
        self._lock = threading.Lock()

    # -- readiness ----------------------------------------------------------------------------
    def _fresh(self) -> bool:
        """Forget results if the workspace changed; False while the checks are not loaded."""
        conn = self.app.ws.conn
        signature = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        if signature != self._signature:
            # Consistency (other pairs' approvals) and false-positive marks may have changed: those
            # are read again per pair; a pair's own checks stay valid for its version and draft.
            self._signature = signature
            self._findings.clear()
            from workbench.terms import glossary

            rev = glossary.revision(self.app.ws)
            if rev != self._matcher_rev:
                self._load(rev)
            qa_rev = revision(self.app.ws)  # the user dictionary or the QA profile changed: a new checker
            if qa_rev != self._qa_rev:
                self._qa_rev, self._checker = qa_rev, None
                self._local.clear()
        if self._matcher is None:
            return False
        if self._checker is None:
            self._checker = QaChecker(self.app.ws, matcher=self._matcher)
        return True

    def _load(self, rev: int) -> None:
        with self._lock:
            if self._loading:
                return
            self._loading = True
        self.app.run_worker(lambda: self._load_worker(rev), thread=True, group="qa-load", exit_on_error=False)

    def _load_worker(self, rev: int) -> None:
        from workbench.qa import spelling
        from workbench.terms import glossary

        try:
            spelling.warm_up()
            with self.app.worker_workspace() as ws:
                matcher = TermMatcher(glossary.entries(ws))
        except Exception:  # QA is a help: an unreadable glossary must not stop the editor
            matcher = TermMatcher([])
        with self._lock:
            self._matcher, self._matcher_rev, self._loading = matcher, rev, False
            self._checker, self._signature = None, None
            self._local.clear()
            self._terms.clear()
        self.app.call_from_thread(self._loaded)

    def _loaded(self) -> None:
        from workbench.tui.screens.pairs import PairsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, PairsScreen):
                screen.table.rows_changed(force=screen.editing is None)
                screen.detail.show(screen.current, self.app.rtl_mode, keep_place=True)

    @property
    def ready(self) -> bool:
        return self._fresh()

    # -- per pair -----------------------------------------------------------------------------
    def findings(self, pair: Pair) -> PairFindings | None:
        if not self._fresh():
            return None
        key = (pair.id, pair.version, pair.draft_id)
        found = self._findings.get(key)
        if found is None:
            checker = self._checker
            if checker is None:  # _fresh() made one
                return None
            try:
                local = self._local.get(key)
                if local is None:
                    local = self._local[key] = checker.local(pair)
                found = checker.pair(pair, local=local)
            except Exception:  # a pair deleted meanwhile, a locked read: show nothing, try later
                return None
            for memo in (self._findings, self._local):
                if len(memo) > 5000:
                    memo.clear()
            self._findings[key] = found
        return found

    def terms(self, pair: Pair) -> list[TermHit]:
        if not self._fresh():
            return []
        key = (pair.id, pair.version)
        hits = self._terms.get(key)
        if hits is None:
            if self._matcher is None:  # _fresh() says it is loaded
                return []
            hits = self._matcher.find(pair.fa)
            if len(self._terms) > 5000:
                self._terms.clear()
            self._terms[key] = hits
        return hits

    def shown_count(self, pair: Pair) -> int | None:
        found = self.findings(pair)
        return None if found is None else len(found.shown)


def memo(app: Any) -> QaMemo:
    """The app's memo (made on first use)."""
    found = getattr(app, "_qa_memo", None)
    if found is None:
        found = QaMemo(app)
        app._qa_memo = found
    return found


def qa_count(widget: Any, pair: Pair) -> int | None:
    """The number of QA findings shown for a pair (None: not known yet). For the table."""
    try:
        return memo(widget.app).shown_count(pair)
    except Exception:  # no app (a widget drawn outside one), a closed workspace
        return None


def detail_sections(app: Any, pair: Pair) -> tuple[tuple[str, ...], list[Section]]:
    """What the detail pane adds for a pair: the Persian words to highlight (the terms found) and
    sections listing the terms with their English and the QA findings."""
    from workbench.tui.widgets.detail import Section

    qa = memo(app)
    hits = qa.terms(pair)
    sections = []
    if hits:
        lines = [f"«{h.surface}» → {' / '.join(h.entry.en) or '(no English)'}"
                 + (f" (not: {', '.join(h.entry.forbidden)})" if h.entry.forbidden else "") for h in hits]
        sections.append(Section("Terms — ctrl+t inserts one, + adds one", "\n".join(lines)))
    found = qa.findings(pair)
    if found is not None and (found.shown or found.hidden):
        lines = [f"{f.check}: {f.message}" for f in found.shown]
        if found.hidden:
            lines.append(f"({len(found.hidden)} marked as false positive)")
        sections.append(Section(f"QA · {len(found.shown)} — ! lists all", "\n".join(lines), style="yellow"))
    return tuple(h.surface for h in hits), sections


def highlight_forms(words: tuple[str, ...], mode: str, rtl: bool) -> list[str]:
    """Words as the pane draws them: shaped and reordered in visual mode, as stored otherwise."""
    from workbench.tui.display import sanitize, visual_line

    out = []
    for word in words:
        word = " ".join(sanitize(word).split())
        out.append(visual_line(word, rtl=rtl) if mode == "visual" else word)
    return [w for w in out if w]
