"""Protected tokens: inline codes of a file (XLIFF's ``<g>``, ``<x/>``, ``<ph>``, ``<pc>`` …) as they
stand in a pair's text. ``⟦1⟧`` is a code on its own (or the start of a paired one), ``⟦/1⟧`` the
end of paired code 1; numbered per segment, in the order of the Persian. The markup they stand for
is kept beside the pair (``store/xliff.py``) and written back on export (docs/xliff.md).

One scanner for every user: the XLIFF reader and writer, the editor's refusal to save a text that
breaks a token, and QA's ``tags`` check."""

from __future__ import annotations

import re
from collections import Counter

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧ (mathematical white square brackets): rare in real text
TOKEN = re.compile(f"{OPEN}(/?)([0-9]+){CLOSE}")


def token(number: int | str, closing: bool = False) -> str:
    return f"{OPEN}{'/' if closing else ''}{number}{CLOSE}"


def protected_tokens(text: str) -> list[str]:
    """The protected tokens of ``text`` in order: ``["⟦1⟧", "⟦2⟧", "⟦/2⟧"]``."""
    if OPEN not in text:  # the usual case: no scan
        return []
    return [m.group(0) for m in TOKEN.finditer(text)]


def token_mismatch(reference: str, text: str) -> str:
    """What ``text`` lacks or has too many of among ``reference``'s tokens ("" when they agree,
    in any order: a translation may move a code): ``missing ⟦2⟧, ⟦/2⟧; extra ⟦5⟧``."""
    want, have = Counter(protected_tokens(reference)), Counter(protected_tokens(text))
    if want == have:
        return ""
    missing = [t for t in protected_tokens(reference) if (want - have)[t]]
    extra = [t for t in protected_tokens(text) if (have - want)[t]]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(dict.fromkeys(missing)))
    if extra:
        parts.append("extra " + ", ".join(dict.fromkeys(extra)))
    return "; ".join(parts)
