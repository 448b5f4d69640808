"""Importing files into a workspace: decode, segment, align, store.

A Persian ``.txt`` becomes a ``text`` document (one pair per sentence, or aligned beads when its
English translation is given). A TMX (known by its content, whatever its name, gzipped or not) or a
``.tsv`` becomes a ``corpus`` document whose units stay whole. The document is stored in short
transactions while hidden and shows up whole at the end (``store.imports``); any problem raises
WorkbenchError and removes what was stored, so nothing is half-imported.
"""

from __future__ import annotations

import codecs
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypedDict

from workbench.align import Lexicon, Sentence
from workbench.align.workspace import align_sentences, learn, load_lexicon
from workbench.errors import WorkbenchError
from workbench.formats import read_tmx, read_tsv
from workbench.formats.file_records import Unit
from workbench.formats.languages import describe_languages
from workbench.formats.tmx import is_gzip, looks_like_xml
from workbench.formats.xliff import is_xliff, read_xliff
from workbench.formats.text import (
    TEXT_LIMIT,
    bom_encoding,
    may_be_too_long,
    megabytes,
    reading,
    refuse_long_sentence,
    refuse_utf8_as_legacy,
)
from workbench.store import STATUSES, Document, NewPair, Status, Workspace, current_user, stored_status
from workbench.store.imports import EmptyImport, import_pairs
from workbench.store import xliff as xliff_store
from workbench.text import segment_paragraphs
from workbench.text.visible import has_visible

CorpusFormat = Literal["tmx", "tsv", "xliff"]


@dataclass(frozen=True)
class ImportResult:
    document: Document
    pairs: int
    duplicates: int = 0  # corpus pairs with the same Persian and English as an earlier one (kept)
    variant_units: int = 0  # TMX units with more than one Persian or English text: the first was kept
    first_variant_unit: str = ""  # where the first of them is ("line 12")
    # TMX units with variants in no language or one neither Persian nor English, left out: how many,
    # where the first is, and the languages as found ('x-fa ×2, no xml:lang ×1')
    other_language_units: int = 0
    first_other_language_unit: str = ""
    other_languages: str = ""
    empty_units: int = 0  # corpus units with nothing visible on either side: skipped


class VariantFields(TypedDict):
    """The ImportResult fields _Variants fills."""

    variant_units: int
    first_variant_unit: str
    other_language_units: int
    first_other_language_unit: str
    other_languages: str
    empty_units: int


@dataclass
class _Variants:
    """Counts the corpus units that had more than one text for a side, those with variants that
    are neither Persian nor English (with their languages), and those skipped as empty."""

    units: int = 0
    first: str = ""
    other_units: int = 0
    other_first: str = ""
    languages: Counter[str | None] = field(default_factory=Counter)
    empty: int = 0  # units with nothing visible on either side (skipped)

    def add(self, unit: Unit) -> None:
        if unit.extra_variants:
            self.units += 1
            self.first = self.first or unit.location
        if unit.other_languages:
            self.other_units += 1
            self.other_first = self.other_first or unit.location
            self.languages.update(unit.other_languages)

    def described(self) -> VariantFields:
        """The ImportResult fields about variants left out and units skipped."""
        return VariantFields(variant_units=self.units, first_variant_unit=self.first, other_language_units=self.other_units,
                    first_other_language_unit=self.other_first, other_languages=describe_languages(self.languages),
                    empty_units=self.empty)


def read_text(path: Path, encoding: str | None = None, *, utf8_first: bool = False,
              allow_empty: bool = False) -> str:
    """A text file's content, refusing what is not text in a known encoding (one-line errors)
    and, unless ``allow_empty``, a file with nothing in it.

    ``utf8_first``: a file with a byte-order mark, or that is valid UTF-8, is read as such and
    ``encoding`` is only the fallback. For a translation that came from elsewhere than its legacy
    source: UTF-8 read as cp1256 decodes without error into silent mojibake ("Café" → "Cafأ©")."""
    with reading(path):
        size = path.stat().st_size
        if size > TEXT_LIMIT:  # refused before it is read: a 297 MB line took 3.9 GB as one pair
            raise WorkbenchError(f"{path}: {megabytes(size)}, more than the {megabytes(TEXT_LIMIT)} a text may be; "
                                 "split it into several documents")
        raw = path.read_bytes()
    bom = bom_encoding(raw)
    if encoding is None or (utf8_first and (bom or _is_utf8(raw))):
        encoding = bom or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise WorkbenchError(f"unknown encoding {encoding!r}") from None
    refuse_utf8_as_legacy(raw, encoding, path)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        hint = "; pass --encoding (e.g. --encoding cp1256)" if encoding.startswith("utf") else ""
        raise WorkbenchError(
            f"{path}: not valid {encoding} (byte 0x{raw[e.start]:02x} at offset {e.start}){hint}"
        ) from None
    if "\x00" in text:
        raise WorkbenchError(f"{path}: contains NUL bytes at offset {text.index(chr(0))}; not a text file")
    if not text.strip() and not allow_empty:
        raise WorkbenchError(f"{path}: empty file")
    return text


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in raw  # UTF-16 without a byte-order mark can be valid UTF-8 with NULs


def corpus_format(path: Path) -> CorpusFormat | None:
    """``"tsv"`` or ``"tmx"`` for a corpus file, None for a text. A .tsv name makes a TSV; a .tmx
    name or content that starts like XML (corpus.xml, corpus.tmx.bak, gzipped or not) a TMX. XML
    that is not TMX goes to the TMX reader too, which refuses it in one line: imported as text it
    would become a document of markup."""
    name = path.name.lower()
    with reading(path):
        xml, gzipped = looks_like_xml(path), is_gzip(path)
    if gzipped and not xml:
        raise WorkbenchError(f"{path}: compressed, and not a TMX file; decompress it to import it")
    if name.endswith(".tsv"):
        return "tsv"
    if xml:
        with reading(path):
            if is_xliff(path):
                return "xliff"
    return "tmx" if xml or name.endswith((".tmx", ".tmx.gz")) else None


def default_doc_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".tmx", ".xml", ".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".tsv", ".txt", ".fa"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name


def import_file(
    ws: Workspace,
    path: Path,
    *,
    translation: Path | None = None,
    doc: str | None = None,
    encoding: str | None = None,
    status: str | None = None,
    who: str | None = None,
) -> ImportResult:
    """Import a file as a new document. It is written in short transactions while hidden and
    shows up whole at the end, so other writers never wait long; a file that cannot be read
    whole imports nothing."""
    path = Path(path)
    name = doc or default_doc_name(path)
    if ws.find_document(name):
        raise WorkbenchError(f"document {name!r} already exists; pass --doc NAME to import under another name")
    fmt = corpus_format(path)
    if fmt and translation is not None:
        raise WorkbenchError(f"{path}: --translation is for Persian text files; a corpus holds both sides")
    if fmt == "xliff":
        return _import_xliff(ws, path, name, status, who)
    last = None
    if fmt:
        pairs: Iterable[NewPair] = CorpusPairs(path, fmt, encoding, status)
    else:  # read, segmented and aligned before anything is written
        pairs, learned = _text_pairs(ws, path, translation, encoding, status)
        if learned is not None:
            def last(_conn: object) -> None:  # what the aligner learned goes in with the last pairs
                learn(ws, learned)
    try:
        imported = import_pairs(ws, name, pairs, kind="corpus" if fmt else "text", source=str(path),
                                who=who or current_user(), last=last)
    except EmptyImport:
        raise WorkbenchError(f"{path}: no translation units found") from None
    duplicates = imported.pairs - imported.distinct if fmt else 0
    # What the reading counted (in a process of its own for a big file: its copy comes back).
    variants = imported.source.variants if isinstance(imported.source, CorpusPairs) else _Variants()
    return ImportResult(imported.document, imported.pairs, duplicates=duplicates, **variants.described())


def _import_xliff(ws: Workspace, path: Path, name: str, status: str | None, who: str | None) -> ImportResult:
    """One document of an XLIFF file, a pair a segment in order; the file and each pair's segment
    kept (store/xliff.py) to write it back on export. A segment with nothing visible on either
    side is no pair (the file keeps it)."""
    found = read_xliff(path)
    kept = [s for s in found.segments if has_visible(s.fa) or has_visible(s.en)]
    for s in kept:
        for side, text in (("Persian", s.fa), ("English", s.en)):
            refuse_long_sentence(text, f"{path}: {s.location}: the {side}")
    pairs = [NewPair(fa=[s.fa] if has_visible(s.fa) else [], en=[s.en] if has_visible(s.en) else [],
                     status=status or s.status, note=s.note) for s in kept]

    def last(conn: sqlite3.Connection) -> None:  # the file goes in with the last pairs
        doc_id = conn.execute("SELECT id FROM documents WHERE name = ? AND importing IS NOT NULL", [name]).fetchone()[0]
        xliff_store.save(conn, doc_id, found.version, found.direction, found.data, len(kept))

    xliff_store.stage(ws.conn, kept)
    try:
        imported = import_pairs(ws, name, pairs, kind="corpus", source=str(path), who=who or current_user(), last=last)
    except EmptyImport:
        raise WorkbenchError(f"{path}: no segment with text found") from None
    finally:
        xliff_store.unstage(ws.conn)
    return ImportResult(imported.document, imported.pairs, empty_units=len(found.segments) - len(kept))


@dataclass
class CorpusPairs:
    """The pairs of a corpus file (TSV or TMX), read as they are iterated, counting the units left
    out in ``variants``. Picklable: the importer reads a big file in a process of its own
    (store/import_process.py)."""

    path: Path
    fmt: CorpusFormat
    encoding: str | None
    status: str | None
    variants: _Variants = field(default_factory=_Variants)

    def __iter__(self) -> Iterator[NewPair]:
        return _corpus_pairs(self.path, self.fmt, self.encoding, self.status, self.variants)

    def worth_a_process(self) -> bool:
        """Whether the file is big enough for its reading to pay for starting a process."""
        try:
            return self.path.stat().st_size >= PROCESS_BYTES
        except OSError:
            return False  # reading it will say what is wrong


# A corpus file this big (~5,000 pairs of news text) is read in a process of its own: starting one
# costs ~0.01 s (forked from the command line) to ~0.3 s (spawned, where the caller runs threads).
PROCESS_BYTES = 2_000_000


def _corpus_pairs(path: Path, fmt: CorpusFormat, encoding: str | None, status: str | None,
                  variants: _Variants) -> Iterator[NewPair]:
    units = read_tsv(path, encoding=encoding) if fmt == "tsv" else read_tmx(path)
    # Corpus units come from people: they wait for review unless the caller trusts them, or the
    # file is a workbench export that recorded the unit's status (x-status) in another workspace.
    review, new = Status.REVIEW.value, Status.DRAFT.value
    for unit in units:  # (a million units: each step written out, no generator or loop per unit)
        variants.add(unit)
        # A side of only joiners, zero-width spaces or marks shows nothing: it is empty, and a
        # unit empty on both sides carries nothing (counted in the summary line).
        fa = unit.fa if has_visible(unit.fa) else ""
        en = unit.en if has_visible(unit.en) else ""
        if may_be_too_long(fa, en):  # the messages are made only then
            refuse_long_sentence(fa, f"{path}: {unit.location}: the Persian")
            refuse_long_sentence(en, f"{path}: {unit.location}: the English")
        if not fa and not en:
            variants.empty += 1
            continue
        props = unit.props
        recorded = stored_status(props["x-status"]) if "x-status" in props else ""  # "new" or older "draft"
        pair_status = status or (recorded if recorded in STATUSES else None) or (review if en else new)
        # A unit's <note> (a CAT tool's comment, or a workbench export's note) and a workbench
        # export's flag come back as the pair's note and flag.
        yield NewPair(fa=[fa] if fa else [], en=[en] if en else [], status=pair_status,
                      note=unit.note, flag=props.get("x-flag", ""))


def _text_pairs(ws: Workspace, path: Path, translation: Path | None, encoding: str | None,
                status: str | None) -> tuple[list[NewPair], Lexicon | None]:
    """The pairs of a text (aligned with its translation, if given) and what the aligner learned."""
    fa = _sentences(read_text(path, encoding), "fa", path)
    if translation is None:
        return [NewPair(fa=[s.text], fa_para=s.para, status=status or Status.DRAFT.value) for s in fa], None
    en = _sentences(read_text(Path(translation), encoding, utf8_first=True), "en", translation)
    return align_sentences(load_lexicon(ws), fa, en, status)


def _sentences(text: str, lang: str, path: Path) -> list[Sentence]:
    # A line or sentence of only joiners, zero-width spaces or marks shows nothing: no pair of it.
    paragraphs = ([s for s in para if has_visible(s)] for para in segment_paragraphs(text, lang))
    sentences = [Sentence(s, p) for p, para in enumerate(filter(None, paragraphs)) for s in para]
    for number, sentence in enumerate(sentences, 1):
        refuse_long_sentence(sentence.text, f"{path}: sentence {number} (paragraph {(sentence.para or 0) + 1})")
    return sentences
