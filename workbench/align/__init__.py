"""Sentence alignment of Persian documents with their English translations."""

from __future__ import annotations

from workbench.align.aligner import BEADS, AlignParams, Bead, align
from workbench.align.lexicon import Lexicon
from workbench.align.workspace import (
    REVIEW_BELOW,
    Sentence,
    align_to_pairs,
    bead_status,
    realign_document,
    realign_range,
)


def align_sentences(fa: list[str], en: list[str], *, fa_drafts: list[str | None] | None = None,
                    lexicon: Lexicon | None = None, params: AlignParams | None = None) -> list[Bead]:
    """Beads covering both sentence lists completely and in order."""
    beads, _ = align(fa, en, fa_drafts=fa_drafts, lexicon=lexicon, params=params)
    return beads


__all__ = [
    "BEADS", "REVIEW_BELOW", "AlignParams", "Bead", "Lexicon", "Sentence", "align", "align_sentences",
    "align_to_pairs", "bead_status", "realign_document", "realign_range",
]
