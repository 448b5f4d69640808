"""What a history entry holds on each side (before, after): one typed record per kind of change,
with one (de)serialisation. The JSON is the format every workspace already holds:

- ``Snapshots`` (a JSON list of objects): each pair's whole row, sentences, drafts and
  neighbours. Structural changes and text edits log these; restoring one recreates a pair.
- ``Fields`` (``{"fields": [...], "groups": [[values, [ids]], ...]}``): only the named columns,
  grouped by value. Status and note changes log these.
- ``Drafts`` (``{"drafts": [[pair_id, *DRAFT_FIELDS], ...]}``): the MT drafts the review app's
  drafting added; before is ``Drafts([])``.

Snapshots logged before a column or key existed (notes, flags, neighbours) read with defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, TypeAlias

Cell: TypeAlias = str | int | float | None  # one SQLite value
Values: TypeAlias = tuple[Cell, ...]


@dataclass
class PairRow:
    """A pair's row as history keeps it (the columns of ``PAIR_FIELDS``)."""

    id: int
    doc_id: int
    position: float
    fa: str
    fa_norm: str
    en: str
    n_fa: int
    n_en: int
    status: str
    version: int
    confidence: float | None
    chrf: float | None
    updated_at: str | None
    updated_by: str | None
    note: str = ""  # snapshots logged before notes existed lack these two
    flag: str = ""


PAIR_FIELDS = tuple(PairRow.__dataclass_fields__)


class SentenceRow(NamedTuple):
    """A sentence as a snapshot keeps it. ``id`` and ``norm`` were stored before sentences became
    spans of their pair's text (m014): older entries hold them, newer ones null; restoring reads
    neither."""

    id: int | None
    lang: str
    ord: int
    text: str
    norm: str | None
    para: int | None


class DraftRow(NamedTuple):
    id: int
    source: str
    text: str
    engine: str
    model: str
    model_version: str
    params: str  # JSON, as stored
    qa: str  # JSON, as stored
    created_at: str


SENTENCE_FIELDS = SentenceRow._fields
DRAFT_FIELDS = DraftRow._fields


class PairDraft(NamedTuple):
    """A draft with the pair it belongs to (a ``Drafts`` state's row)."""

    pair_id: int
    draft: DraftRow


@dataclass
class CarriedRows:
    """A pair's rows of one table that a realignment moves (see ``Change.carry``)."""

    columns: list[str]
    values: list[list[Cell]]


@dataclass
class Snapshot:
    """The whole state of one pair: row, sentences, drafts, neighbours then, carried rows."""

    pair: PairRow
    sentences: list[SentenceRow]
    drafts: list[DraftRow]
    prev: int | None = None
    next: int | None = None
    placed: bool = True  # it names its neighbours (entries logged before they were kept do not)
    rows: dict[str, CarriedRows] = field(default_factory=dict)

    def content(self) -> dict[str, object]:
        """What an editor sees of a pair: the comparison key of undo checks and history replay.
        (Positions are left out: a split may renumber a whole document without changing its order.)"""
        p = self.pair
        return {"fa": p.fa, "en": p.en, "status": p.status, "note": p.note, "flag": p.flag,
                "sentences": [(s.lang, s.ord, s.text) for s in self.sentences]}


@dataclass
class Snapshots:
    snaps: list[Snapshot]


@dataclass
class Fields:
    """Columns of pairs, grouped by value (in first-seen order)."""

    fields: tuple[str, ...]
    groups: list[tuple[Values, list[int]]]

    @classmethod
    def of(cls, fields: Sequence[str], values: Mapping[int, Values]) -> Fields:
        groups: dict[Values, list[int]] = {}
        for pid, value in values.items():
            groups.setdefault(tuple(value), []).append(pid)
        return cls(tuple(fields), list(groups.items()))

    def values(self) -> dict[int, Values]:
        return {pid: values for values, ids in self.groups for pid in ids}


@dataclass
class Drafts:
    rows: list[PairDraft]


State: TypeAlias = Snapshots | Fields | Drafts


# -- (de)serialisation -------------------------------------------------------------------------
def to_json(state: State) -> str:
    data: object
    if isinstance(state, Snapshots):
        data = [_snapshot_json(s) for s in state.snaps]
    elif isinstance(state, Fields):
        data = {"fields": list(state.fields), "groups": [[list(v), ids] for v, ids in state.groups]}
    else:
        data = {"drafts": [[row.pair_id, *row.draft] for row in state.rows]}
    return json.dumps(data, ensure_ascii=False)


def from_json(text: str) -> State:
    """A side of an entry as any version of the store wrote it."""
    data = json.loads(text)
    if isinstance(data, list):
        return Snapshots([snapshot_from(s) for s in data])
    if "drafts" in data:
        return Drafts([PairDraft(row[0], DraftRow(*row[1:])) for row in data["drafts"]])
    return Fields(tuple(data["fields"]), [(tuple(v), list(ids)) for v, ids in data["groups"]])


def _snapshot_json(snap: Snapshot) -> dict[str, object]:
    out: dict[str, object] = {"pair": asdict(snap.pair), "sentences": [list(s) for s in snap.sentences],
                              "drafts": [list(d) for d in snap.drafts]}
    if snap.placed:
        out["prev"], out["next"] = snap.prev, snap.next
    if snap.rows:
        out["rows"] = {table: asdict(rows) for table, rows in snap.rows.items()}
    return out


def snapshot_from(data: Mapping[str, Any]) -> Snapshot:
    """A snapshot from its JSON object (``json.loads``: the one place its shape is read)."""
    return Snapshot(
        pair=PairRow(**{k: v for k, v in data["pair"].items() if k in PAIR_FIELDS}),
        sentences=[SentenceRow(*s) for s in data["sentences"]],
        drafts=[DraftRow(*d) for d in data["drafts"]],
        prev=data.get("prev"),
        next=data.get("next"),
        placed="prev" in data,
        rows={table: CarriedRows(r["columns"], r["values"]) for table, r in data.get("rows", {}).items()},
    )
