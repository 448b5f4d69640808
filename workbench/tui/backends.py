"""The review app's door to drafting, translation memory and realignment.

These live in ``workbench.mt`` and ``workbench.align``; the app reaches them only through the
functions here, each called from a worker thread with that thread's own ``Workspace``. If a
piece is missing from this build, the user gets one line saying what to do, never a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store import Pair, Workspace

INSTALL_HINT = ("no Persian→English model is installed: get one with `workbench models install fa en` "
                "(needs internet) or `workbench models install PATH.argosmodel`")


def _function(module: str, name: str, purpose: str) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise WorkbenchError(f"{purpose} is not available in this build ({module}.{name} is missing)") from None


def load_engine() -> Any:
    """The default drafting engine (an installed Argos fa→en model)."""
    try:
        load = _function("workbench.mt", "load_engine", "drafting")
    except WorkbenchError:
        if not _argos_has_fa_en():
            raise WorkbenchError(INSTALL_HINT) from None
        raise
    return load()


def _argos_has_fa_en() -> bool:
    try:
        from argostranslate import package
    except ImportError:
        return False
    return any(p.from_code == "fa" and p.to_code == "en" for p in package.get_installed_packages())


def draft_pairs(ws: Workspace, engine: Any, *, doc_id: int | None = None, pair_ids: list[int] | None = None,
                redraft: bool = False, on_progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> Any:
    draft = _function("workbench.mt", "draft_pairs", "drafting")
    return draft(ws, engine, doc_id=doc_id, pair_ids=pair_ids, redraft=redraft,
                 on_progress=on_progress, should_stop=should_stop)


def suggestions(ws: Workspace, pair: Pair, limit: int = 3) -> list[tuple[float, str, str]]:
    """Translation-memory matches for a pair's Persian: (score 0–1, Persian, English), best
    first. Empty when the translation memory is not in this build."""
    try:
        find = _function("workbench.mt", "suggestions", "translation memory")
    except WorkbenchError:
        return []
    return [_suggestion(s) for s in find(ws, pair, limit)]


def _suggestion(item: Any) -> tuple[float, str, str]:
    """Accept a tuple or a record with score/fa/en-like fields."""
    if isinstance(item, tuple):
        return float(item[0]), str(item[1]), str(item[2])
    score = getattr(item, "score", 0.0)
    fa = getattr(item, "fa", None) or getattr(item, "source", "")
    en = getattr(item, "en", None) or getattr(item, "text", "")
    return float(score if score <= 1 else score / 100), str(fa), str(en)


def realign_range(ws: Workspace, doc_id: int, first_pair_id: int, last_pair_id: int, who: str | None = None) -> Any:
    realign = _function("workbench.align", "realign_range", "realigning")
    return realign(ws, doc_id, first_pair_id, last_pair_id, who=who)


def has_suggestions() -> bool:
    """Whether this build has a translation memory to ask (the app checks once at start)."""
    try:
        _function("workbench.mt", "suggestions", "translation memory")
    except WorkbenchError:
        return False
    return True
