"""Importing files into a workspace: decode, segment, align, store — one transaction per document.

A Persian ``.txt`` becomes a ``text`` document (one pair per sentence, or aligned beads when its
English translation is given). A ``.tmx``/``.tsv`` becomes a ``corpus`` document whose units stay
whole. Any problem raises WorkbenchError before or inside the transaction, so nothing is half-imported.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import Document, NewPair, Status, Workspace
from workbench.text import segment_paragraphs

CORPUS_SUFFIXES = (".tmx", ".tmx.gz", ".tsv")
# Beads the aligner is less sure of than this go to review; the rest stay machine drafts.
# On the TICO-19 dev set this flags ~9% of beads and catches ~80% of the wrong ones.
REVIEW_BELOW = 0.9
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class ImportResult:
    document: Document
    pairs: int


def read_text(path: Path, encoding: str | None = None) -> str:
    """A text file's content, refusing what is not text in a known encoding (one-line errors)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path}: is a folder, not a file") from None
    except OSError as e:
        raise WorkbenchError(f"{path}: cannot read ({e.strerror})") from None
    if encoding is None:
        encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise WorkbenchError(f"unknown encoding {encoding!r}") from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        hint = "; pass --encoding (e.g. --encoding cp1256)" if encoding.startswith("utf") else ""
        raise WorkbenchError(
            f"{path}: not valid {encoding} (byte 0x{raw[e.start]:02x} at offset {e.start}){hint}"
        ) from None
    if "\x00" in text:
        raise WorkbenchError(f"{path}: contains NUL bytes at offset {text.index(chr(0))}; not a text file")
    if not text.strip():
        raise WorkbenchError(f"{path}: empty file")
    return text


def is_corpus(path: Path) -> bool:
    return path.name.lower().endswith(CORPUS_SUFFIXES)


def default_doc_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".tmx", ".tsv", ".txt", ".fa"):
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
    path = Path(path)
    name = doc or default_doc_name(path)
    if ws.find_document(name):
        raise WorkbenchError(f"document {name!r} already exists; pass --doc NAME to import under another name")
    if is_corpus(path):
        if translation is not None:
            raise WorkbenchError(f"{path}: --translation is for Persian text files; a corpus holds both sides")
        pairs = _corpus_pairs(path, encoding, status)
        kind = "corpus"
    else:
        pairs = iter(_text_pairs(path, translation, encoding, status))
        kind = "text"
    with ws.write():
        document = ws.add_document(name, kind=kind, source=str(path))
        count = ws.insert_pairs(document.id, pairs, who=who)
        if count == 0:
            raise WorkbenchError(f"{path}: no translation units found")
    return ImportResult(document, count)


def _corpus_pairs(path: Path, encoding: str | None, status: str | None) -> Iterator[NewPair]:
    from workbench.formats import read_tmx, read_tsv

    if not path.exists():
        raise WorkbenchError(f"{path}: no such file")
    if path.name.lower().endswith(".tsv"):
        units = read_tsv(path, encoding=encoding or "utf-8")
    else:
        units = read_tmx(path)
    # Corpus units come from people: they wait for review unless the caller trusts them.
    for unit in units:
        if not unit.fa and not unit.en:
            continue  # an empty unit carries nothing
        has_en = bool(unit.en)
        pair_status = status or (Status.REVIEW.value if has_en else Status.DRAFT.value)
        yield NewPair(fa=[unit.fa] if unit.fa else [], en=[unit.en] if has_en else [], status=pair_status)


def _text_pairs(path: Path, translation: Path | None, encoding: str | None,
                status: str | None) -> list[NewPair]:
    fa_paras = segment_paragraphs(read_text(path, encoding), "fa")
    fa = [(s, p) for p, para in enumerate(fa_paras) for s in para]
    if translation is None:
        return [NewPair(fa=[s], fa_para=p, status=status or Status.DRAFT.value) for s, p in fa]
    en_paras = segment_paragraphs(read_text(Path(translation), encoding), "en")
    en = [(s, p) for p, para in enumerate(en_paras) for s in para]
    return aligned_pairs(fa, en, status)


def aligned_pairs(fa: list[tuple[str, int]], en: list[tuple[str, int]], status: str | None) -> list[NewPair]:
    """Align two segmented sides (sentence, paragraph) into pairs, one per bead."""
    from workbench.align import align_sentences

    beads = align_sentences([s for s, _ in fa], [s for s, _ in en])
    pairs = []
    for bead in beads:
        if status:
            bead_status = status
        elif not bead.en:
            bead_status = Status.DRAFT.value
        else:
            bead_status = Status.REVIEW.value if bead.confidence < REVIEW_BELOW else Status.DRAFT.value
        pairs.append(NewPair(
            fa=[fa[i][0] for i in bead.fa],
            en=[en[j][0] for j in bead.en],
            status=bead_status,
            confidence=bead.confidence,
            fa_para=fa[bead.fa[0]][1] if bead.fa else None,
            en_para=en[bead.en[0]][1] if bead.en else None,
        ))
    return pairs
