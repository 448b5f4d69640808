"""Line-based formats: TSV (fa TAB en), Moses (PATH.fa + PATH.en) and JSONL."""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.formats.records import ExportRecord, Unit
from workbench.formats.text import bom_encoding, encodable, escape_bidi, one_field, one_line


def read_tsv(path: Path, *, encoding: str | None = None) -> Iterator[Unit]:
    """Units of a ``fa<TAB>en`` file; a first line ``fa<TAB>en`` is taken as a header. Without
    ``encoding``: UTF-8, or what a byte-order mark says."""
    path = Path(path)
    seen = False
    try:
        with path.open("rb") as stream:
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
                if not seen and [c.strip().lower() for c in columns] == ["fa", "en"]:
                    seen = True
                    continue
                seen = True
                yield Unit(fa=columns[0].strip(), en=columns[1].strip(), location=f"line {number}")
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file") from None
    except OSError as e:
        raise WorkbenchError(f"{path}: cannot read ({e.strerror})") from None
    if not seen:
        raise WorkbenchError(f"{path}: empty file")


def _decoded_lines(stream: BinaryIO, path: Path, encoding: str | None) -> Iterator[tuple[int, str]]:
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
    if wide:
        try:  # decoded in chunks: an error cannot be placed on a line
            yield from enumerate(io.TextIOWrapper(stream, encoding=encoding, newline="\n"), 1)
        except UnicodeDecodeError as e:
            raise WorkbenchError(f"{path}: not valid {name} ({e.reason})") from None
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    for number, raw in enumerate(stream, 1):
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


def write_jsonl(records: Iterable[ExportRecord], path: Path) -> int:
    count = 0
    with atomic_outputs(Path(path)) as (out,):
        for r in records:
            row = {k: encodable(v) if isinstance(v, str) else v for k, v in asdict(r).items()}
            row["qa"] = [encodable(q) for q in r.qa]
            out.write(escape_bidi(json.dumps(row, ensure_ascii=False), "\\u{:04x}") + "\n")
            count += 1
    return count
