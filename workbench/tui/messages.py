"""Messages that background workers post back to the screens (workers never touch widgets)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from workbench.store.search import PairQuery

if TYPE_CHECKING:
    from workbench.mt import Match
    from workbench.mt.analysis import Analysis
    from workbench.tui.screens.pairs.writes import PendingWrite


@dataclass
class JobProgress(Message):
    """A background job (drafting, realigning) moved on."""

    job: str
    done: int
    total: int


@dataclass
class JobFinished(Message):
    job: str
    summary: str  # one line for a notification
    pair_ids: list[int] = field(default_factory=list)  # pairs to show afterwards


@dataclass
class JobFailed(Message):
    job: str
    error: str  # one line for a notification


@dataclass
class SuggestionsReady(Message):
    """Translation-memory suggestions for a pair, found in a worker."""

    pair_id: int
    matches: list[Match]  # best first


@dataclass
class SearchReady(Message):
    """A search ran in a worker: its (validated) query, how many pairs match, and their ids in
    order (a view pages by them, not by running the search again). Not ``complete``: the first
    of them, found first on a big workspace (``hits.first_ids``); all of them follow."""

    query: PairQuery
    total: int
    ids: array | None = None
    complete: bool = True


@dataclass
class AnalysisReady(Message):
    """A document's word-count analysis (``mt.analysis``), or how far it has got."""

    doc_id: int
    analysis: Analysis | None  # None: still counting
    done: int = 0
    total: int = 0


@dataclass
class CountsReady(Message):
    """Pairs per document and status, for the documents screen."""

    rows: list[tuple[int, str, str, dict[str, int]]]  # (doc id, name, kind, counts)


@dataclass
class WriteFinished(Message):
    """A change that waited for another writer went through (``result``) or failed (``error``)."""

    pending: PendingWrite
    result: Any = None  # what the change returned: its caller's on_done knows its type
    error: BaseException | None = None
