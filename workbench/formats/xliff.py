"""XLIFF 1.2 and 2.0 read as one document: the file kept whole (to be written back,
``xliff_write``), and its segments in order, each with its Persian and English (inline codes as
protected tokens: ``xliff_codes``), the file's state as a status, and its notes (docs/xliff.md).

Read by the one XML policy (``xml_policy``: no DTD, no external entity, libxml2's limits on), gzipped
or not, whatever the file's name. Persian→English is the main case; English→Persian (localisation
files) imports too, the Persian from the target. Other languages are refused in one line."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from workbench.errors import WorkbenchError
from workbench.formats.languages import language_side
from workbench.formats.text import regular_file
from workbench.formats.xliff_codes import Numbering, flatten, local
from workbench.formats.xml_policy import parse_keeping, reading_xml, root_name

if TYPE_CHECKING:
    from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
FA_EN, EN_FA = "fa-en", "en-fa"
XLIFF_LIMIT = 512 * 1024 * 1024  # bytes once decompressed: the file is kept whole (memory, workspace)

# The file's states as the workbench's stored statuses (README: "XLIFF states").
STATES_12 = {
    "new": "draft", "needs-translation": "draft", "needs-adaptation": "draft", "needs-l10n": "draft",
    "translated": "review", "needs-review-translation": "review", "needs-review-adaptation": "review",
    "needs-review-l10n": "review", "signed-off": "approved", "final": "approved", "x-rejected": "rejected",
}
STATES_20 = {"initial": "draft", "translated": "review", "reviewed": "approved", "final": "approved"}
REJECTED_SUBSTATE = "workbench:rejected"  # 2.0's state has no "rejected": a subState says it


@dataclass(frozen=True)
class Nodes:
    """The elements of one segment in the tree: its unit, the element holding its state (1.2: the
    ``<target>``; 2.0: the ``<segment>``), its source and target (None: absent)."""

    unit: etree._Element
    segment: etree._Element
    source: etree._Element | None
    target: etree._Element | None
    first: bool  # the unit's first segment: the unit's notes go with it


@dataclass(frozen=True)
class Segment:
    ord: int  # place among the file's segments (the writer walks them in the same order)
    fa: str
    en: str
    status: str  # stored status: draft, review, approved, rejected
    state: str  # the file's own state ("" none)
    note: str  # the unit's notes, one a line (on its first segment)
    unit_id: str
    segment_id: str
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # {"fa": {"1": markup}, "en": {…}}
    location: str = ""


@dataclass(frozen=True)
class XliffFile:
    version: str  # "1.2" or "2.0" (2.x)
    direction: str  # FA_EN or EN_FA
    data: bytes  # the file as it was (decompressed): written back with the edits
    segments: list[Segment]


def _open(path: Path) -> BinaryIO:
    with path.open("rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if gzipped else path.open("rb")  # type: ignore[return-value]


def read_bytes(path: Path) -> bytes:
    regular_file(path)
    with _open(path) as stream:
        data = stream.read(XLIFF_LIMIT + 1)
    if len(data) > XLIFF_LIMIT:
        raise WorkbenchError(f"{path}: an XLIFF file over {XLIFF_LIMIT >> 20} MB; split it into several files")
    return data


def is_xliff(path: Path) -> bool:
    """Whether an XML file (gzipped or not) is XLIFF, by its root element. A file the XML reader
    refuses before its root is not XLIFF here: the TMX reader names what is wrong with it."""
    from lxml import etree

    with _open(path) as stream:
        try:
            return root_name(stream) == "xliff"
        except etree.XMLSyntaxError:
            return False


def version_of(root: etree._Element) -> str:
    return "2.0" if (root.get("version") or "").startswith("2") or root.tag.endswith(":2.0}xliff") else "1.2"


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if local(c.tag) == name), None)


def segments(root: etree._Element) -> Iterator[Nodes]:
    """The segments of an XLIFF tree in document order (units marked ``translate="no"`` left out).
    The reader and the writer both walk them here, so their order is one."""
    ns = root.tag[: -len("xliff")]  # "{urn:…}" or "" (old files without a namespace)
    if version_of(root) == "1.2":
        for unit in root.iter(f"{ns}trans-unit"):
            if unit.get("translate") != "no":
                # A segmented unit (Trados, memoQ): its <seg-source> holds the <mrk mtype="seg">
                # the target has, so both sides show the same tokens.
                source = _child(unit, "seg-source")
                source = source if source is not None else _child(unit, "source")
                yield Nodes(unit, unit, source, _child(unit, "target"), True)
        return
    for unit in root.iter(f"{ns}unit"):
        if unit.get("translate") == "no":
            continue
        first = True
        for segment in unit.iterchildren(f"{ns}segment"):
            yield Nodes(unit, segment, _child(segment, "source"), _child(segment, "target"), first)
            first = False


def languages(root: etree._Element) -> set[tuple[str, str]]:
    """(source, target) languages as the file names them: 2.0 on the root, 1.2 on each <file>."""
    if version_of(root) == "2.0":
        return {(root.get("srcLang", ""), root.get("trgLang", ""))}
    return {(f.get("source-language", ""), f.get("target-language", ""))
            for f in root.iter(f"{root.tag[: -len('xliff')]}file")}


def direction(path: Path, root: etree._Element) -> str:
    found = languages(root)
    sides = {(language_side(s), language_side(t) if t else "en") for s, t in found}  # no target named: English
    if sides == {("fa", "en")}:
        return FA_EN
    if sides == {("en", "fa")}:
        return EN_FA
    named = ", ".join(sorted(f"{s or 'no source language'}→{t or 'no target language'}" for s, t in found))
    raise WorkbenchError(f"{path}: XLIFF in {named or 'no language'}; only Persian→English and "
                         "English→Persian files are imported")


def notes(nodes: Nodes) -> str:
    if not nodes.first:
        return ""
    holder = nodes.unit if nodes.segment is nodes.unit else _child(nodes.unit, "notes")
    found = [(n.text or "").strip() for n in holder if local(n.tag) == "note"] if holder is not None else []
    return "\n".join(t for t in found if t)


def status_of(version: str, nodes: Nodes, has_target: bool) -> tuple[str, str]:
    """The stored status and the file's own state of a segment."""
    if version == "1.2":
        state = nodes.target.get("state", "") if nodes.target is not None else ""
        if nodes.unit.get("approved") == "yes" and has_target:
            return "approved", state
        status = STATES_12.get(state)
    else:
        state = nodes.segment.get("state", "")
        status = "rejected" if nodes.segment.get("subState") == REJECTED_SUBSTATE else STATES_20.get(state)
    return status or ("review" if has_target else "draft"), state


def read_xliff(path: Path) -> XliffFile:
    """The file and its segments; one-line errors for a file that is not XLIFF, is malformed or
    refused by the XML policy, or is in other languages."""
    path = Path(path)
    try:
        data = read_bytes(path)
    except (OSError, EOFError) as e:
        raise WorkbenchError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    with reading_xml(path, "XLIFF"):
        root = parse_keeping(data)
    if local(root.tag) != "xliff":
        raise WorkbenchError(f"{path}: not an XLIFF file (root element <{local(root.tag)}>)")
    version, way = version_of(root), direction(path, root)
    found = []
    for number, nodes in enumerate(segments(root)):
        fa_el, en_el = (nodes.source, nodes.target) if way == FA_EN else (nodes.target, nodes.source)
        numbering = Numbering()
        fa, fa_codes = flatten(fa_el, numbering)
        numbering.first_side = False
        en, en_codes = flatten(en_el, numbering)
        if way == FA_EN and en == fa:  # the source copied into the target (OmegaT, Rainbow): no English yet
            en = ""
        target_text = en if way == FA_EN else fa
        status, state = status_of(version, nodes, bool(target_text.strip()))
        segment_id = nodes.segment.get("id", "") if nodes.segment is not nodes.unit else ""
        found.append(Segment(number, fa, en, status, state, notes(nodes), nodes.unit.get("id", ""), segment_id,
                             {"fa": fa_codes, "en": en_codes}, f"line {nodes.segment.sourceline}"))
    return XliffFile(version, way, data, found)
