"""Glossary files: TBX (2 and 3, the "basic" dialects) and CSV/TSV with a header naming ``fa``
and ``en`` (optional ``note`` and ``forbidden``), read whole and checked before anything is
stored; exports as TBX, TSV or CSV.

TBX is read and written with translate-toolkit's ``tbx`` store (TBX 2: ``martif``,
``termEntry``/``langSet``/``tig``). It has no TBX 3, whose core structure is the same under
other names (``tbx``, ``conceptEntry``/``langSec``/``termSec``, a namespace, and in the DCT
style data categories as elements): a TBX 3 file is renamed into TBX 2 form first.

In TBX a term whose administrative status is deprecated, superseded, forbidden (or not
recommended, obsolete) is a forbidden variant; the other English terms of an entry are its
English, and each Persian term of an entry becomes an entry of its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.formats.languages import language_side
from workbench.formats.text import bom_encoding, reading
from workbench.formats.xml_policy import parse, reading_xml
from workbench.terms.glossary import Entry, make_entry, merged
from workbench.text import unstorable

# lxml and translate-toolkit are imported where a TBX is read or written: the glossary's other
# commands (and CSV/TSV files) start without loading them.
if TYPE_CHECKING:
    from lxml import etree
    from translate.storage import tbx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SEPARATORS = ("|", ";")  # between English terms (or forbidden variants) in one CSV/TSV field
_ESCAPED = ("|", ";", "\\")  # written after a backslash inside a term
# A cell starting with one of these is a formula (or DDE) to Excel, LibreOffice and Google
# Sheets; the apostrophe is there so that a term which really starts with one survives.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
FORBIDDEN_STATUS = ("deprecated", "superseded", "forbidden", "notrecommended", "obsolete")
_COLUMN_NAMES = {
    "note": {"note", "notes", "comment", "comments", "definition", "description"},
    "forbidden": {"forbidden", "forbidden terms", "deprecated", "do not use", "avoid"},
}
# TBX 3 element names and the TBX 2 names translate-toolkit reads.
_TBX3_NAMES = {"tbx": "martif", "tbxHeader": "martifHeader", "conceptEntry": "termEntry",
               "langSec": "langSet", "termSec": "tig"}
# TBX 3 DCT style: data categories as elements; as TBX 2 (and DCA style) elements with a type.
_DCT_ELEMENTS = {"administrativeStatus": "termNote", "termType": "termNote", "partOfSpeech": "termNote",
                 "definition": "descrip", "context": "descrip", "subjectField": "descrip"}


@dataclass
class ReadResult:
    entries: list[Entry]
    skipped: int = 0  # entries without a Persian or an English term
    notes: list[str] = field(default_factory=list)


def read_glossary(path: Path) -> ReadResult:
    """All entries of a glossary file, or a one-line error naming the file and the place."""
    path = Path(path)
    with reading(path):
        data = path.read_bytes()
    head = data[:2048].decode(bom_encoding(data[:4]) or "utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if path.suffix.lower() == ".tbx" or head.startswith("<"):
        result = read_tbx(path, data)
    else:
        result = read_table(path, data)
    result.entries = _merge_repeats(result.entries, result.notes)
    if not result.entries:
        raise WorkbenchError(f"{path}: no glossary entries")
    return result


def _merge_repeats(entries: list[Entry], notes: list[str]) -> list[Entry]:
    """Entries with the same Persian key become one (a file may list a term per English), and so
    do spellings of one term that differ only by spaces (`نخست وزیر` after `نخست‌وزیر`: a TBX
    entry may list both, and matching finds every spacing anyway); the first spelling stays and
    each merged spelling is reported in ``notes``. (``glossary add`` of such a spelling, and an
    import of one that is already an entry of the workspace, are refused: glossary.save.)"""
    by_key: dict[str, Entry] = {}
    for entry in entries:
        key = entry.key.replace(" ", "")
        if key in by_key:
            first = by_key[key]
            if first.key != entry.key:
                notes.append(f"{entry.fa!r} is {first.fa!r} written with a space, a ZWNJ or joined: "
                             "its English was added to that entry")
            by_key[key] = merged(first, entry)
        else:
            by_key[key] = entry
    return list(by_key.values())


# -- CSV / TSV -------------------------------------------------------------------------------
def read_table(path: Path, data: bytes) -> ReadResult:
    try:
        text = data.decode(bom_encoding(data[:4]) or "utf-8")
    except UnicodeDecodeError as e:
        raise WorkbenchError(f"{path}: not valid UTF-8 (byte offset {e.start})") from None
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = "," if path.suffix.lower() == ".csv" else "\t" if path.suffix.lower() in (".tsv", ".tab") \
        else "\t" if "\t" in first else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows, None)
        if header is None:
            raise WorkbenchError(f"{path}: empty file")
        columns = _columns(path, header)
        entries = []
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: _undefused(row[i]) if i < len(row) else "" for name, i in columns.items()}
            entries.append(make_entry(cells["fa"], _split(cells["en"]), forbidden=_split(cells.get("forbidden", "")),
                                      note=cells.get("note", ""), where=f"{path}: line {line}: "))
    except csv.Error as e:
        raise WorkbenchError(f"{path}: line {rows.line_num}: not a readable CSV/TSV row ({e})") from None
    return ReadResult(entries)


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        label = " ".join(name.strip().lstrip("\ufeff").split()).casefold()
        side = language_side(label) if label not in _COLUMN_NAMES["note"] | _COLUMN_NAMES["forbidden"] else None
        kind = side or next((k for k, names in _COLUMN_NAMES.items() if label in names), None)
        if kind and kind not in columns:
            columns[kind] = i
    if "fa" not in columns or "en" not in columns:
        found = ", ".join(repr(h) for h in header[:6]) or "nothing"
        raise WorkbenchError(f"{path}: the first line must be a header naming the columns fa and en "
                             f"(optional: note, forbidden); found {found}")
    return columns


def _split(field_text: str) -> list[str]:
    """The terms of one field: separated by ``|``, ``;`` or a line break; a backslash keeps the
    next ``|``, ``;`` or backslash as part of the term (our exports write ``AT&T\\; Inc``)."""
    terms, term = [], []
    chars = iter(field_text)
    for ch in chars:
        if ch == "\\":
            following = next(chars, "")
            term.append(following if following in _ESCAPED else ch + following)
        elif ch in SEPARATORS or ch == "\n":
            terms.append("".join(term))
            term = []
        else:
            term.append(ch)
    terms.append("".join(term))
    return [t.strip() for t in terms if t.strip()]


def _joined(terms: tuple[str, ...]) -> str:
    return " | ".join("".join("\\" + ch if ch in _ESCAPED else ch for ch in t) for t in terms)


def _defused(cell: str) -> str:
    """A cell a spreadsheet opens as text, not a formula (OWASP's leading apostrophe); a real
    leading apostrophe gets one too, so that reading takes exactly one off."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _undefused(cell: str) -> str:
    """The cell as it was before ``_defused``; an apostrophe before anything else is the term's."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START else cell


# -- TBX -------------------------------------------------------------------------------------
def read_tbx(path: Path, data: bytes) -> ReadResult:
    from lxml import etree
    from translate.storage import tbx

    with reading_xml(path, "TBX"):  # the XML policy every format shares (formats/xml_policy.py)
        root = parse(data)
    name = etree.QName(root).localname
    if name not in ("martif", "tbx"):
        raise WorkbenchError(f"{path}: not a TBX file (root element <{name}>)")
    _as_tbx2(root)
    # translate-toolkit parses again: what it gets was read by the policy (entities expanded).
    try:
        with reading_xml(path, "TBX"):
            # translate-toolkit leaves parsestring unannotated
            store = tbx.tbxfile.parsestring(etree.tostring(root, encoding="utf-8"))  # type: ignore[no-untyped-call]
    except (AssertionError, ValueError) as e:
        raise WorkbenchError(f"{path}: not a readable TBX file ({e})") from None
    result = ReadResult([])
    languages: set[str] = set()
    for n, unit in enumerate(store.units, 1):
        entries = list(_tbx_entries(unit, languages, f"{path}: entry {n}: "))
        if entries:
            result.entries.extend(entries)
        else:
            result.skipped += 1
    if not result.entries:
        found = ", ".join(sorted(languages)) or "none"
        raise WorkbenchError(f"{path}: no entry with both a Persian (fa) and an English (en) term "
                             f"(languages found: {found})")
    if result.skipped:
        result.notes.append(f"{result.skipped} entries without both a Persian and an English term were skipped")
    return result


def _as_tbx2(root: etree._Element) -> None:
    """Rename a TBX 3 tree (in place) into the TBX 2 form translate-toolkit reads."""
    from lxml import etree

    for element in root.iter():
        if not isinstance(element.tag, str):  # a comment or processing instruction (its tag is a function)
            continue  # type: ignore[unreachable]  # lxml-stubs type every tag as str
        local = etree.QName(element).localname
        if local in _DCT_ELEMENTS and etree.QName(element).namespace not in (None, "urn:iso:std:iso:30042:ed-2"):
            element.set("type", local)
            local = _DCT_ELEMENTS[local]
        element.tag = _TBX3_NAMES.get(local, local)
    etree.cleanup_namespaces(root)


def _tbx_entries(unit: tbx.tbxunit, languages: set[str], where: str) -> Iterator[Entry]:
    from translate.misc.xml_helpers import getXMLlang

    sides: dict[str, list[tbx.TBXTerm]] = {"fa": [], "en": []}
    notes: list[str] = []
    for node in unit.getlanguageNodes():  # type: ignore[no-untyped-call]  # unannotated in translate-toolkit
        lang = getXMLlang(node) or ""  # type: ignore[no-untyped-call]  # unannotated in translate-toolkit
        languages.add(lang)
        side = language_side(lang)
        if side:
            for term in unit.get_target_terms(lang):
                if term.text.strip():
                    sides[side].append(term)
                    notes += [n.text for n in term.notes if n.origin != "pos" and n.text.strip()]
    allowed = [t.text for t in sides["en"] if not _forbidden(t)]
    banned = [t.text for t in sides["en"] if _forbidden(t)]
    if not sides["fa"] or not (allowed or banned):
        return
    note = "; ".join(dict.fromkeys(" ".join(n.split()) for n in notes))
    for term in sides["fa"]:
        if not _forbidden(term):
            yield make_entry(term.text, allowed, forbidden=banned, note=note, where=where)


def _forbidden(term: tbx.TBXTerm) -> bool:
    status = (term.administrative_status or "").replace("-", "").replace(" ", "").casefold()
    return any(word in status for word in FORBIDDEN_STATUS)


# -- writing ---------------------------------------------------------------------------------
def write_glossary(entries: list[Entry], path: Path) -> None:
    """TBX for ``.tbx``, CSV for ``.csv``, TSV for ``.tsv``/``.tab``/``.txt``; written atomically."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tbx":
        payload = tbx_bytes(entries)
        with atomic_outputs(Path(path), binary=True) as (out,):
            out.write(payload)
        return
    if suffix not in (".csv", ".tsv", ".tab", ".txt"):
        raise WorkbenchError(f"{path}: give a file name ending in .tbx, .tsv or .csv")
    # Excel's dialects (comma, or tab), quoting only cells that need it: the csv reader gives
    # back every cell exactly, quotes and backslashes included.
    with atomic_outputs(Path(path)) as (out,):
        writer = csv.writer(out, delimiter="," if suffix == ".csv" else "\t", lineterminator="\n")
        writer.writerow(["fa", "en", "note", "forbidden"])
        for e in entries:
            writer.writerow([_defused(cell) for cell in (e.fa, _joined(e.en), e.note, _joined(e.forbidden))])


def tbx_bytes(entries: list[Entry]) -> bytes:
    """A TBX 2 (TBX-Basic) document: one termEntry per entry, Persian first, forbidden English
    variants marked deprecated, the note as the concept's definition."""
    from lxml import etree
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage="fa", targetlanguage="en")
    for n, entry in enumerate(entries, 1):
        # Entries are checked when added; one stored by an older version may hold what XML cannot.
        bad = next((text for text in (entry.fa, *entry.en, *entry.forbidden, entry.note) if unstorable(text)), None)
        if bad is not None:
            raise WorkbenchError(f"glossary entry {entry.fa!r}: {bad!r} holds a control character, which TBX "
                                 "cannot carry; correct the entry (glossary remove, then add) or export CSV/TSV")
        unit = store.addsourceunit(entry.fa)  # type: ignore[no-untyped-call]  # unannotated in translate-toolkit
        unit.setid(f"c{n}")
        unit.set_target_terms([*entry.en, *entry.forbidden], lang="en")
        banned = {f.casefold() for f in entry.forbidden}
        for tig in unit.get_target_dom("en").iterchildren(unit.namespaced("tig")):
            term = tig.find(unit.namespaced("term"))
            if term is not None and (term.text or "").casefold() in banned:
                status = etree.SubElement(tig, unit.namespaced("termNote"), type="administrativeStatus")
                status.text = "deprecatedTerm-admn-sts"
        if entry.note:
            unit.set_common_note(entry.note, source=True)
    return bytes(store)
