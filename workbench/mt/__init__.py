"""Machine-translation drafts: engines behind one small protocol (``argos``: an installed Argos
package through CTranslate2; ``tm``: the workspace's translation memory), batched resumable
drafting with provenance, QA flags, and translation-memory suggestions.

Heavy libraries (argostranslate, ctranslate2, rapidfuzz) are imported only when used.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.mt.argos import DecodeOptions, load_argos  # ctranslate2 is imported only when a model loads
from workbench.mt.drafting import DraftRun, Engine, draft_pairs, pending_pairs
from workbench.mt.models import INSTALL_HINT, fa_en_package_installed
from workbench.mt.draft_flags import FLAGS, qa_flags
from workbench.mt.tm import Match, TmEngine, suggestions
from workbench.store import Workspace

ENGINES = ("argos", "tm")


def load_engine(name: str = "argos", *, model: str | None = None, options: DecodeOptions | None = None,
                ws: Workspace | None = None) -> Engine:
    """An engine by name: ``argos`` (the installed fa→en package ``model``, default the
    newest; WorkbenchError naming ``workbench models install fa en`` if there is none) or
    ``tm`` (exact translation-memory matches of workspace ``ws``)."""
    if name == "argos":
        return load_argos(model, options or DecodeOptions())
    if name == "tm":
        if ws is None:
            raise WorkbenchError("the tm engine needs a workspace")
        return TmEngine(ws)
    raise WorkbenchError(f"unknown engine {name!r} (one of {', '.join(ENGINES)})")


__all__ = [
    "ENGINES", "FLAGS", "INSTALL_HINT", "DraftRun", "Engine", "Match", "draft_pairs", "fa_en_package_installed",
    "load_engine", "pending_pairs", "qa_flags", "suggestions",
]
