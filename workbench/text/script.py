"""Which script a text is written in, by its letters: Arabic (Persian's) or Latin (English's)."""

from __future__ import annotations

import re

# Arabic-script letters (Persian included), not digits or punctuation: English may hold "۱۹" or "،".
ARABIC_LETTER = re.compile(
    r"[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def script(text: str) -> str | None:
    """``"arabic"`` or ``"latin"`` for a text with letters of that script only; None for one with
    both (a Persian sentence quoting a name) or neither (numbers, punctuation)."""
    arabic, latin = bool(ARABIC_LETTER.search(text)), bool(LATIN_LETTER.search(text))
    if arabic == latin:
        return None
    return "arabic" if arabic else "latin"
