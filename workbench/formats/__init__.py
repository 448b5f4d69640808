"""Corpus files: TMX, TSV, Moses and JSONL. Readers stream; writers stream into atomic files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from workbench.formats.lines import moses_paths, read_tsv, write_jsonl, write_moses, write_tsv
from workbench.formats.file_records import ExportRecord, Unit
from workbench.formats.tmx import read_tmx, write_tmx

WRITERS: dict[str, Callable[[Iterable[ExportRecord], Path], int]] = {"tmx": write_tmx, "moses": write_moses, "tsv": write_tsv, "jsonl": write_jsonl}
# The formats that write each pair's QA flags (ExportRecord.qa); the others leave it empty, so an
# export to them runs no check (1M pairs: QA took 300 s of a TSV export that needs 15).
CARRY_QA = frozenset({"jsonl"})


def output_paths(fmt: str, path: Path) -> list[Path]:
    return moses_paths(path) if fmt == "moses" else [Path(path)]


__all__ = [
    "CARRY_QA", "WRITERS", "ExportRecord", "Unit", "output_paths", "read_tmx", "read_tsv",
    "write_jsonl", "write_moses", "write_tmx", "write_tsv",
]
