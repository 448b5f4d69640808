"""Line-based formats: TSV (fa TAB en), Moses (PATH.fa + PATH.en) and JSONL."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
from dataclasses import fields
from json.encoder import encode_basestring
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import AnyStr, Protocol, TypeVar

from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.formats.languages import language_side
from workbench.formats.file_records import ExportRecord, Rendered, Unit
from workbench.formats.text import (
    BIDI_CHARS,
    SENTENCE_LIMIT,
    bom_encoding,
    encodable,
    escape_bidi,
    megabytes,
    one_field,
    one_line,
    reading,
    refuse_utf8_as_legacy,
)
from workbench.text.script import script

# Header words that name no language: which column is the Persian would be a guess.
_UNNAMED_HEADERS = {"source", "target", "src", "tgt", "trg"}


def read_tsv(path: Path, *, encoding: str | None = None) -> Iterator[Unit]:
    """Units of a ``fa<TAB>en`` file. A first line naming the two languages (``fa<TAB>en``,
    ``EN<TAB>FA``, ``English<TAB>Persian``…) is a header and gives the order of the columns.
    Without one, a file whose first row with one script a column has English first and Persian
    second is refused as reversed. Without ``encoding``: UTF-8, or what a byte-order mark says."""
    path = Path(path)
    seen = False
    order: tuple[int, int] | None = None  # the Persian and the English column, once known
    with reading(path), path.open("rb") as stream:
        for number, line in _decoded_lines(stream, path, encoding):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if "\x00" in line:
                raise WorkbenchError(f"{path}: NUL byte at line {number}; not a text file")
            columns = line.split("\t")
            if len(columns) != 2:
                raise WorkbenchError(
                    f"{path}: line {number} has {len(columns)} columns, expected 2 (Persian TAB English)"
                )
            if not seen:
                seen = True
                order = _header_order(path, number, columns)
                if order:
                    continue
            order = order or _order_by_script(path, number, columns)
            fa_at, en_at = order or (0, 1)
            yield Unit(fa=columns[fa_at].strip(), en=columns[en_at].strip(), location=f"line {number}")
    if not seen:
        raise WorkbenchError(f"{path}: empty file")


def _header_order(path: Path, number: int, columns: list[str]) -> tuple[int, int] | None:
    """The Persian and the English column a header line names; None for a line of data."""
    sides = [language_side(c) for c in columns]
    if set(sides) == {"fa", "en"}:
        return sides.index("fa"), sides.index("en")
    words = [c.strip().casefold() for c in columns]
    if any(w in _UNNAMED_HEADERS for w in words) and all(w in _UNNAMED_HEADERS or s for w, s in zip(words, sides)):
        raise WorkbenchError(f"{path}: line {number} is a header ({' TAB '.join(c.strip() for c in columns)}) "
                             "that does not say which column is Persian; name the languages: fa TAB en, or en TAB fa")
    return None


def _order_by_script(path: Path, number: int, columns: list[str]) -> tuple[int, int] | None:
    """(0, 1) at a row with Persian letters only first and Latin only second; None at a row that
    cannot tell (numbers, mixed, an empty side). A row the other way round is refused: swapping
    every row on a guess could corrupt a corpus silently, and a header settles it."""
    scripts = [script(c) for c in columns]
    if scripts == ["latin", "arabic"]:
        raise WorkbenchError(
            f"{path}: line {number} has English in the first column and Persian in the second; the columns "
            "look reversed: start the file with a header line en TAB fa (or fa TAB en to keep them as they are)")
    return (0, 1) if scripts == ["arabic", "latin"] else None


_Line = TypeVar("_Line", str, bytes, covariant=True)


class LineReader(Protocol[_Line]):
    """A file read a line at a time: bytes, or text of a wide encoding."""

    def readline(self, size: int = -1, /) -> _Line: ...


def _decoded_lines(stream: io.BufferedReader | gzip.GzipFile, path: Path, encoding: str | None) -> Iterator[tuple[int, str]]:
    """Numbered lines of a byte stream. Byte-oriented encodings are split on b"\\n", so an error
    can name its byte offset; in UTF-16/32 a 0x0A byte may be half of any character, so those
    are decoded as a text stream."""
    if encoding is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = bom_encoding(stream.peek(4)[:4]) or "utf-8-sig"  # a UTF-8 mark is not text
    try:
        wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        raise WorkbenchError(f"unknown encoding {encoding!r}") from None
    name = encoding.removesuffix("-sig")
    refuse_utf8_as_legacy(stream.peek(1 << 16)[: 1 << 16], encoding, path)
    if wide:
        try:  # decoded in chunks: an error cannot be placed on a line
            yield from _bounded_lines(path, io.TextIOWrapper(stream, encoding=encoding, newline="\n"), "\n")
        except UnicodeDecodeError as e:
            raise WorkbenchError(f"{path}: not valid {name} ({e.reason})") from None
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    for number, raw in _bounded_lines(path, stream, b"\n"):
        try:
            line = decoder.decode(raw)
        except UnicodeDecodeError as e:
            hint = "; pass --encoding (e.g. --encoding cp1256)" if name.lower().startswith("utf") else ""
            raise WorkbenchError(
                f"{path}: not valid {name} at line {number} (byte 0x{raw[e.start]:02x} at offset "
                f"{offset + e.start}){hint}"
            ) from None
        offset += len(raw)
        yield number, line


def _bounded_lines(path: Path, stream: LineReader[AnyStr], newline: AnyStr) -> Iterator[tuple[int, AnyStr]]:
    """Numbered lines of ``stream``, each read only up to SENTENCE_LIMIT (bytes, or characters of
    a wide encoding): a longer line is refused before it is read whole."""
    number = 0
    while line := stream.readline(SENTENCE_LIMIT + 1):
        number += 1
        if len(line) > SENTENCE_LIMIT and not line.endswith(newline):
            raise WorkbenchError(f"{path}: line {number} is longer than {megabytes(SENTENCE_LIMIT)}, the most a line "
                                 "may be (one sentence and its translation); split it into sentences")
        yield number, line


def write_tsv(records: Iterable[ExportRecord], path: Path) -> int:
    count = 0
    with atomic_outputs(Path(path)) as (out,):
        for r in records:
            fa, en = one_field(r.fa), one_field(r.en)
            if fa or en:  # a line with no text would read back as a blank line
                out.write(f"{fa}\t{en}\n")
                count += 1
    return count


def moses_paths(path: Path) -> list[Path]:
    path = Path(path)
    return [path.with_name(f"{path.name}.fa"), path.with_name(f"{path.name}.en")]


def write_moses(records: Iterable[ExportRecord], path: Path) -> int:
    count = 0
    with atomic_outputs(*moses_paths(path)) as (fa, en):
        for r in records:
            fa.write(one_line(r.fa) + "\n")
            en.write(one_line(r.en) + "\n")
            count += 1
    return count


# json.dumps(row, ensure_ascii=False) without building an encoder a line. What encodable() removes
# shows in its output as a NUL's escape or a surrogate (an escaped backslash before "u0000" too: then
# the slow path merely finds nothing to remove); escape_bidi() has bidi controls to escape. Most lines
# hold none: one test of a character class and one substring test, not the passes over every field.
_JSON = json.JSONEncoder(ensure_ascii=False).encode
_JSON_ODD = re.compile(f"[\ud800-\udfff{BIDI_CHARS}]")
_STR = encode_basestring  # what the encoder writes for a str (ensure_ascii=False)
_JSON_ESCAPE = "\\u{:04x}"  # how escape_bidi writes a bidi control in JSON
_RECORD_FIELDS = ("doc", "pair", "fa", "en", "draft", "status", "engine", "model", "qa", "updated_at", "note", "flag")


def _value(v: object) -> str:
    return _STR(v) if type(v) is str else "null" if v is None else _JSON(v)


def _json_record(r: ExportRecord) -> str:
    """``_JSON(vars(r))`` written field by field (twice as fast; the same text: the fields are
    ExportRecord's, in order, tests/test_export_fast_paths.py)."""
    return (f'{{"doc": {_value(r.doc)}, "pair": {_value(r.pair)}, "fa": {_value(r.fa)}, "en": {_value(r.en)}, '
            f'"draft": {_value(r.draft)}, "status": {_value(r.status)}, "engine": {_value(r.engine)}, '
            f'"model": {_value(r.model)}, "qa": {_JSON(r.qa) if r.qa else "[]"}, '
            f'"updated_at": {_value(r.updated_at)}, "note": {_value(r.note)}, "flag": {_value(r.flag)}}}')


def line_start(doc: str) -> str:
    """A line's fields before the pair's number, for ``doc`` (a line holding what needs more
    than ``_value``, a bidi control, a NUL, is written by this module's writer: rendered.py)."""
    return f'{{"doc": {_value(doc)}, "pair": '


def write_jsonl(records: Iterable[ExportRecord | Rendered], path: Path) -> int:
    """``records``: pairs, or blocks of lines made by SQLite (formats/rendered.py)."""
    count = 0
    fast = tuple(f.name for f in fields(ExportRecord)) == _RECORD_FIELDS  # else a field was added: vars()
    with atomic_outputs(Path(path), binary=True) as (out,):
        for r in records:
            if isinstance(r, Rendered):
                out.write(r.data)
                count += r.pairs
                continue
            # vars(), not asdict(): its deep copy of every record took half a JSONL export.
            line = _json_record(r) if fast else _JSON(vars(r))
            if "\\u0000" in line or _JSON_ODD.search(line):  # rare: every text made encodable, bidi escaped
                row = {k: encodable(v) if isinstance(v, str) else v for k, v in vars(r).items()}
                row["qa"] = [encodable(q) for q in r.qa]
                line = escape_bidi(_JSON(row), _JSON_ESCAPE)
            out.write((line + "\n").encode())
            count += 1
    return count
