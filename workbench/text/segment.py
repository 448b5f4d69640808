"""Sentence segmentation for Persian and English (first version; see tests/test_segment.py)."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?؟؛…])[»\"”')\]]*\s+")


def segment_paragraphs(text: str, lang: str = "fa") -> list[list[str]]:
    """Sentences per paragraph; a paragraph is a non-empty line."""
    paragraphs = []
    for line in text.splitlines():
        if line.strip():
            paragraphs.append([s.strip() for s in _BOUNDARY.split(line.strip()) if s.strip()])
    return paragraphs


def segment(text: str, lang: str = "fa") -> list[str]:
    return [s for para in segment_paragraphs(text, lang) for s in para]


def join_sentences(sentences: list[str], lang: str = "fa") -> str:
    return " ".join(sentences)
