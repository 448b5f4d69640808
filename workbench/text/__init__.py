"""Persian and English text: normalization for matching, sentence segmentation, numbers."""

from workbench.text.normalize import clean, normalize
from workbench.text.numbers import numbers, to_ascii_digits
from workbench.text.printable import printable, unstorable
from workbench.text.segment import join_sentences, segment, segment_paragraphs
from workbench.text.visible import has_visible

__all__ = [
    "clean",
    "has_visible",
    "join_sentences",
    "normalize",
    "numbers",
    "printable",
    "segment",
    "segment_paragraphs",
    "to_ascii_digits",
    "unstorable",
]
