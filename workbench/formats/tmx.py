"""TMX 1.4: a streaming reader (bounded memory for million-unit files) and a streaming writer."""

from __future__ import annotations

import gzip
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.formats.languages import describe_languages, language_side
from workbench.formats.file_records import ExportRecord, Rendered, Unit
from workbench.formats.text import BIDI_CHARS, bom_encoding, escape, escape_bidi, quoteattr, regular_file, xml_safe
from workbench.formats.xml_policy import iterparse, reading_xml, root_name

if TYPE_CHECKING:
    from lxml import etree  # imported where a TMX is read: quick commands need not load lxml

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INLINE_CODE = {"bpt", "ept", "it", "ph", "ut"}  # native codes: their content is not text
GZIP_MAGIC = b"\x1f\x8b"
# How a TMX (or other XML) file starts, after a byte-order mark and blank space: an XML
# declaration, a comment or doctype, or a <tmx> or <xliff> root (the declaration is optional).
# Not any "<": a text may begin with markup.
_XML_START = re.compile(r"\s*<(?:\?xml\s|!--|!doctype\s|tmx[\s/>]|xliff[\s/>])", re.IGNORECASE)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _seg(tuv: etree._Element) -> etree._Element | None:
    """The <seg> of a <tuv> whose first child is not one (notes and props before it), or None.
    (As a rule the <seg> is the only child: ``read_tmx`` takes that one itself.)"""
    return next((c for c in tuv if _local(c.tag) == "seg"), None)


_SEG_TAGS = ("seg", "{http://www.lisa.org/tmx14}seg")


def _seg_text(seg: etree._Element) -> str:
    """The text of a <seg> and of the markup inside it (<hi>, <sub>), the content of native
    codes left out; walked without recursion, so no depth of nesting can exhaust the stack."""
    if len(seg) == 0:  # no markup inside, the usual case: no walk needed
        return seg.text or ""
    from lxml import etree

    parts: list[str] = []
    in_code = 0  # depth inside a native code: nothing there is text
    for event, element in etree.iterwalk(seg, events=("start", "end")):
        if event == "start":
            if in_code or (element is not seg and _local(element.tag) in INLINE_CODE):
                in_code += 1
            else:
                parts.append(element.text or "")
            continue
        if in_code:  # a native code, or an element inside one, ends
            in_code -= 1
        if element is not seg and not in_code:  # what follows an element is the text around it
            parts.append(element.tail or "")
    return "".join(parts)


def is_gzip(path: Path) -> bool:
    """Whether the file is gzip-compressed, by its first bytes, whatever its name."""
    with path.open("rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def _open(path: Path) -> gzip.GzipFile | io.BufferedReader:
    return gzip.open(path, "rb") if is_gzip(path) else path.open("rb")


def looks_like_xml(path: Path) -> bool:
    """Whether the file (decompressed if gzipped) starts like TMX or another XML document. Raises
    OSError or EOFError for a file that cannot be read."""
    with _open(path) as stream:
        head = stream.read(1024)
    return bool(_XML_START.match(head.decode(bom_encoding(head) or "utf-8", errors="ignore")))


def read_tmx(path: Path, *, fa_lang: str = "fa", en_lang: str = "en") -> Iterator[Unit]:
    """Units of a TMX file, one per ``<tu>``, streamed; gzipped or not."""
    path = Path(path)
    sides: dict[str | None, str | None] = {fa_lang: "fa", en_lang: "en"}
    seen_fa = False
    unknown: Counter[str | None] = Counter()  # languages of the variants left out, while no Persian is seen
    try:
        regular_file(path)
        with reading_xml(path, "TMX"), _open(path) as head:
            root = root_name(head)
        if root != "tmx":
            raise WorkbenchError(f"{path}: not a TMX file (root element <{root}>)")
        with reading_xml(path, "TMX"), _open(path) as stream:
            # Read by the XML policy (xml_policy: limits on, entities expanded, nothing external).
            # Only the ends of <tu> come back to Python (any namespace): the other events of a
            # unit cost more than the unit itself.
            events = iterparse(stream, events=("end",), tag="{*}tu")
            # A file has a handful of tags and language labels: each looked up once (a tenth of
            # the reading of a big file, which an import's reader does alone).
            names: dict[object, str] = {}
            side_of: dict[str | None, str | None] = {}
            for _, element in events:
                texts = {"fa": "", "en": ""}
                notes: list[str] = []
                extra = 0
                others: list[str | None] = []  # languages of variants neither Persian nor English
                tuid = element.get("tuid")
                props = {"tuid": tuid} if tuid else {}
                for child in element:
                    tag = child.tag
                    name = names.get(tag)
                    if name is None:
                        name = names[tag] = _local(tag)
                    if name == "tuv":
                        label = child.get(XML_LANG)
                        if label is None:
                            label = child.get("lang")
                        if label in side_of:
                            side = side_of[label]
                        else:
                            side = language_side(label)
                            side = side_of[label] = sides.get(side, side)
                        # As a rule the <seg> is the <tuv>'s only child, with no markup inside: read
                        # here (a call and an element less a variant), anything else by the helpers.
                        seg = child[0] if len(child) else None
                        if seg is None or seg.tag not in _SEG_TAGS:
                            seg = _seg(child)
                            if seg is None:
                                continue
                        if not side:
                            others.append(label)
                            continue
                        # TMX allows several <tuv> of one language (alternative translations);
                        # a pair holds one text a side: the first with text is kept, the others counted.
                        text = (_seg_text(seg) if len(seg) else seg.text or "").strip()
                        if not texts[side]:
                            texts[side] = text
                        elif text and text != texts[side]:
                            extra += 1
                    elif name == "prop":
                        props[child.get("type") or name] = child.text or ""
                    elif name == "note" and (child.text or "").strip():
                        notes.append(child.text.strip())
                seen_fa = seen_fa or bool(texts["fa"])
                if not seen_fa:
                    unknown.update(others)
                yield Unit(fa=texts["fa"], en=texts["en"], location=f"line {element.sourceline}", props=props,
                           extra_variants=extra, other_languages=tuple(others), note="\n".join(notes))
                # Free what has been read: keeps memory flat however long the file is.
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except (OSError, EOFError) as e:
        raise WorkbenchError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    if not seen_fa:
        why = f" (variants in no language or another one: {describe_languages(unknown)})" if unknown else ""
        raise WorkbenchError(f"{path}: no Persian (fa) text in the file{why}")


# What _xml would remove or escape inside a text: most texts hold none (one search, not five passes).
_XML_ODD = re.compile(f"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff{BIDI_CHARS}]")


def _xml(text: str) -> str:
    if not _XML_ODD.search(text):
        return text.strip()  # as xml_safe() strips
    # A bare CR would come back as LF from any XML parser: write it as a character reference.
    return escape_bidi(escape(xml_safe(text)).replace("\r", "&#13;"), "&#x{:04X};")


def _prop(kind: str, value: object) -> str:
    return f'    <prop type="x-{kind}">{_xml(str(value))}</prop>\n'


def _tuid_around(doc: str) -> tuple[str, str]:
    """The quoted ``tuid`` attribute of the document's pairs, written around the pair's number:
    the number holds nothing to escape or strip, so the attribute of "doc:0" is cut at its 0."""
    quoted = escape_bidi(quoteattr(xml_safe(f"{doc}:0")), "&#x{:04X};")
    return quoted[:-2], quoted[-1]


def unit_start(doc: str) -> tuple[str, str]:
    """A <tu> of the document up to its x-pair prop's number, around the pair's number (written
    twice: in the tuid, after the middle)."""
    head = _tuid_around(doc)
    return f"  <tu tuid={head[0]}", f'{head[1]}>\n{_prop("doc", doc)}    <prop type="x-pair">'


def write_tmx(records: Iterable[ExportRecord | Rendered], path: Path) -> int:
    """``records``: pairs, or blocks of <tu> made by SQLite (formats/rendered.py)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    count = 0
    with atomic_outputs(Path(path), binary=True) as (out,):
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
        out.write((
            f'  <header creationtool="workbench" creationtoolversion={quoteattr(__version__)} '
            'segtype="sentence" o-tmf="workbench-sqlite" adminlang="en" srclang="fa" '
            f'datatype="plaintext" creationdate="{stamp}"/>\n  <body>\n').encode()
        )
        # Made once a document or status, not once a pair: the start around the number, the props.
        doc: str | None = None
        start, status = ("", ""), {}
        for r in records:
            if isinstance(r, Rendered):
                out.write(r.data)
                count += r.pairs
                continue
            if r.doc != doc:
                doc, start = r.doc, unit_start(r.doc)
            if r.status not in status:
                status[r.status] = _prop("status", r.status)
            parts = [start[0], str(r.pair), start[1], f"{r.pair}</prop>\n", status[r.status]]
            for kind, value in (("engine", r.engine), ("model", r.model), ("draft", r.draft)):
                if value:
                    parts.append(_prop(kind, value))
            if r.qa:
                parts.append(_prop("qa", ",".join(r.qa)))
            if r.flag:
                parts.append(_prop("flag", r.flag))
            if r.note:  # TMX's own element for a comment: CAT tools show it
                parts.append(f"    <note>{_xml(r.note)}</note>\n")
            # An empty side is left out, not written as an empty <seg>: CAT tools would take that
            # for a translation into nothing. (A <tu> needs only one <tuv>.)
            fa, en = _xml(r.fa), _xml(r.en)
            if fa or not en:
                parts.append(f'    <tuv xml:lang="fa"><seg>{fa}</seg></tuv>\n')
            if en:
                parts.append(f'    <tuv xml:lang="en"><seg>{en}</seg></tuv>\n')
            parts.append("  </tu>\n")
            out.write("".join(parts).encode())
            count += 1
        out.write(b"  </body>\n</tmx>\n")
    return count
