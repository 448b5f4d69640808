"""The workspace store: one SQLite file per workspace, one small API for the CLI and the TUI."""

from workbench.store.connection import default_path
from workbench.store.records import (
    STATUS_NAMES,
    STATUSES,
    Document,
    Draft,
    HistoryEntry,
    NewDraft,
    NewPair,
    Pair,
    Sentence,
    Status,
    status_name,
    stored_status,
)
from workbench.store.workspace import Workspace, current_user, now

__all__ = [
    "STATUSES",
    "STATUS_NAMES",
    "Document",
    "Draft",
    "HistoryEntry",
    "NewDraft",
    "NewPair",
    "Pair",
    "Sentence",
    "Status",
    "Workspace",
    "current_user",
    "default_path",
    "now",
    "status_name",
    "stored_status",
]
