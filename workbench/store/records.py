"""Domain records read from and written to a workspace."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from workbench.text import normalize


class Status(str, enum.Enum):
    """Where a pair stands in review."""

    DRAFT = "draft"  # no human English yet, or only MT
    REVIEW = "review"  # has English that a person should confirm
    APPROVED = "approved"
    REJECTED = "rejected"

    def __str__(self) -> str:
        return self.value


STATUSES = tuple(s.value for s in Status)  # as stored

# The documents that exist for everyone: those not being imported (store/imports.py). All-document
# reads filter on the first; imports and the kept counts (store/counts.py) on both.
VISIBLE_DOCS = "SELECT id FROM documents WHERE importing IS NULL"
HIDDEN_DOCS = "SELECT id FROM documents WHERE importing IS NOT NULL"

# The stored value "draft" is named "new" wherever a person or a file sees it (the app, the CLI,
# JSONL ``status``, TMX ``x-status``): "draft" also names the MT draft. The stored value stays, so
# no migration rewrites the pairs of a million-pair workspace (its CHECK constraint would need a
# rebuild of the table); these two functions are the one place the names meet.
NEW = "new"
OLD_NEW = Status.DRAFT.value  # the old name, still accepted on input (old exports, scripts)
STATUS_NAMES = tuple(NEW if s == OLD_NEW else s for s in STATUSES)  # as shown and written


def status_name(stored: str) -> str:
    """The name a person or a file sees for a stored status."""
    return NEW if stored == OLD_NEW else stored


def stored_status(name: str) -> str:
    """The stored status a name given on input means: ``new`` (or its old name ``draft``) is
    stored as ``draft``; other names are themselves (an unknown one is left for the caller)."""
    return OLD_NEW if name == NEW else name


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    kind: str  # "text" (segmented document) or "corpus" (TMX/TSV units kept whole)
    source: str | None = None
    created_at: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a pair: a span of the pair's text (store/spans.py)."""

    pair_id: int
    lang: str  # "fa" or "en"
    ord: int  # order inside the pair
    text: str  # original text, as imported or edited
    para: int | None = None  # paragraph index in the source file

    @property
    def norm(self) -> str:
        """The normalized text for matching (computed: only the pair's key is stored)."""
        return normalize(self.text)


@dataclass(frozen=True)
class Draft:
    """A machine (or memory) translation of a pair's Persian, with its provenance."""

    id: int
    pair_id: int
    source: str  # the Persian text that was translated
    text: str
    engine: str
    model: str
    model_version: str = ""
    params: dict[str, object] = field(default_factory=dict)
    qa: list[str] = field(default_factory=list)
    created_at: str = ""


@dataclass(frozen=True)
class Pair:
    """One bead: one or more Persian sentences and zero or more English ones (or 0-1)."""

    id: int
    doc_id: int
    position: float
    fa: str
    en: str
    status: str
    version: int
    confidence: float | None = None
    draft: str | None = None
    draft_id: int | None = None
    engine: str | None = None
    model: str | None = None
    qa: list[str] = field(default_factory=list)
    chrf: float | None = None
    updated_at: str = ""
    updated_by: str = ""
    n_fa: int = 0
    n_en: int = 0
    note: str = ""  # an editor's comment on the pair
    flag: str = ""  # a short mark such as "ask the client"

    @property
    def shape(self) -> str:
        """Bead type such as "1-1" or "2-1"."""
        return f"{self.n_fa}-{self.n_en}"


@dataclass(frozen=True)
class NewDraft:
    """A draft to be stored (``Workspace.add_drafts``): the Persian it translates, its text and
    QA flags; engine, model and settings are the run's."""

    pair_id: int
    source: str
    text: str
    qa: list[str] = field(default_factory=list)


@dataclass(slots=True)  # not frozen: a frozen record costs 1 µs more to make, a unit read from a corpus makes one
class NewPair:
    """A pair to be inserted: sentence texts on each side."""

    fa: list[str]
    en: list[str] = field(default_factory=list)
    status: str = Status.DRAFT.value
    confidence: float | None = None
    fa_para: int | None = None
    en_para: int | None = None
    note: str = ""  # an editor's comment (e.g. a TMX <note>)
    flag: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    doc_id: int | None
    action: str
    who: str
    at: str
    pair_ids: list[int]
    undoes: int | None
    undone: int


@dataclass(frozen=True)
class Replaced:
    """What replacing runs of pairs (a realignment) did."""

    created: list[int]  # the new pairs, in order
    notes_joined: list[int] = field(default_factory=list)  # new pairs given the notes of two or more
