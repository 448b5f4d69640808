"""Records that cross the corpus-file boundary: a unit read from a file (``Unit``, a translation
unit as TMX calls it) and a pair going out (``ExportRecord``). The stored records (documents, pairs,
drafts) are ``workbench.store.records``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(slots=True)  # not frozen: a frozen record costs 1 µs more to make (100k units: 0.06 s of a reading)
class Unit:
    """One translation unit read from a corpus file."""

    fa: str
    en: str
    location: str  # "line 12" — for messages and provenance
    props: dict[str, str] = field(default_factory=dict)
    extra_variants: int = 0  # TMX: further Persian or English variants with other text, left out
    # TMX: the xml:lang of each variant that is neither Persian nor English, left out (None: it had none)
    other_languages: tuple[str | None, ...] = ()
    note: str = ""  # TMX: the unit's <note> texts, one a line


@dataclass(frozen=True)
class ExportRecord:
    """One pair going out."""

    doc: str
    pair: int  # 1-based place in its document
    fa: str
    en: str
    draft: str | None
    status: str
    engine: str | None
    model: str | None
    qa: list[str]
    updated_at: str
    note: str | None = None  # the pair's note (None: none)
    flag: str | None = None  # the pair's flag, such as "ask the client" (None: none)


class Rendered(NamedTuple):
    """Pairs going out already written in their format by SQLite (formats/rendered.py): the
    UTF-8 bytes of ``pairs`` whole units or lines, to be written as they are."""

    pairs: int
    data: bytes
