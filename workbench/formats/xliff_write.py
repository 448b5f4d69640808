"""Writing XLIFF: a file that came in written back with its edits (everything else as it was), and
fresh XLIFF 1.2/2.0 for a document that came from elsewhere (docs/xliff.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.formats.file_records import ExportRecord
from workbench.formats.text import escape, quoteattr, xml_safe
from workbench.formats.xliff import FA_EN, REJECTED_SUBSTATE, Nodes, segments, version_of
from workbench.formats.xliff_codes import fill, local
from workbench.formats.xml_policy import parse_keeping

if TYPE_CHECKING:
    from lxml import etree

# A stored status as the file's state, when the editor changed it (1.2 ``draft``: "new" without a
# target text, "needs-translation" with one).
STATE_12 = {"draft": "needs-translation", "review": "needs-review-translation", "approved": "final",
            "rejected": "x-rejected"}
STATE_20 = {"draft": "initial", "review": "translated", "approved": "final", "rejected": "initial"}
NOTE_FROM = "workbench"


@dataclass(frozen=True)
class SegmentEdit:
    """What changed in one segment since it was imported (None: unchanged)."""

    ord: int
    where: str  # the pair, for messages ("pair 3 of 'app'")
    fa: str | None = None
    en: str | None = None
    status: str | None = None
    note: str | None = None  # the editor's note, added beside the file's
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _side(nodes: Nodes, target: bool) -> etree._Element:
    """The segment's source or target, a target made after the source if there was none."""
    if not target:
        assert nodes.source is not None
        return nodes.source
    if nodes.target is not None:
        return nodes.target
    source = nodes.source
    assert source is not None
    made_before = next((c for c in source.itersiblings() if local(c.tag) == "target"), None)
    if made_before is not None:  # the file's, or one made for this segment's text before its state
        return made_before
    made = source.makeelement(source.tag[: -len(local(source.tag))] + "target", {})
    made.tail = source.tail
    source.addnext(made)
    return made


def _set_state(version: str, nodes: Nodes, status: str, has_text: bool) -> None:
    if version == "2.0":
        nodes.segment.set("state", STATE_20[status])
        if status == "rejected":
            nodes.segment.set("subState", REJECTED_SUBSTATE)
        else:
            nodes.segment.attrib.pop("subState", "")  # another tool's refinement of the old state
        return
    if status == "draft" and not has_text and nodes.target is None:
        return
    target = _side(nodes, target=True)
    target.set("state", "new" if status == "draft" and not has_text else STATE_12[status])
    if status == "approved":
        nodes.unit.set("approved", "yes")
    else:
        nodes.unit.attrib.pop("approved", "")


def _add_note(version: str, nodes: Nodes, text: str) -> None:
    unit = nodes.unit
    ns = unit.tag[: -len(local(unit.tag))]
    if version == "1.2":
        note = unit.makeelement(f"{ns}note", {"from": NOTE_FROM})
        kids = list(unit)
        after = next((c for c in reversed(kids) if local(c.tag) == "note"), None)
        after = after if after is not None else next(
            (c for c in reversed(kids) if local(c.tag) in ("target", "source")), kids[-1])
    else:
        holder = next((c for c in unit if local(c.tag) == "notes"), None)
        if holder is None:
            holder = unit.makeelement(f"{ns}notes", {})
            before = next(c for c in unit if local(c.tag) in ("originalData", "segment", "ignorable"))
            previous = before.getprevious()
            before.addprevious(holder)
            holder.tail = previous.tail if previous is not None else unit.text  # the indent before `before`
        note = unit.makeelement(f"{ns}note", {"category": NOTE_FROM})
        if len(holder):
            after = holder[-1]
        else:
            holder.append(note)
            note.text = text
            return
    note.text = text
    note.tail = after.tail
    after.addnext(note)


def write_back(data: bytes, way: str, edits: Iterable[SegmentEdit], path: Path) -> int:
    """The XLIFF file ``data`` with ``edits`` applied, written atomically to ``path``; everything
    the edits do not name is written as it was read. Returns the segments changed."""
    from lxml import etree

    root = parse_keeping(data)
    version = version_of(root)
    wanted = {e.ord: e for e in edits}
    changed = 0
    for number, nodes in enumerate(segments(root)):
        edit = wanted.get(number)
        if edit is None:
            continue
        changed += 1
        if nodes.source is None:  # not valid XLIFF, but read: nothing to put a target beside
            raise WorkbenchError(f"{edit.where}: its segment in the file has no <source>; cannot write the edit back")
        fa_target = way != FA_EN  # en→fa: the Persian is the target
        for text, is_target, side, other in ((edit.fa, fa_target, "fa", "en"), (edit.en, not fa_target, "en", "fa")):
            if text is not None:
                fill(_side(nodes, is_target), text, edit.codes.get(side, {}), edit.codes.get(other, {}), edit.where)
        if edit.status is not None:
            target_text = (edit.en if way == FA_EN else edit.fa)
            has = nodes.target is not None and "".join(map(str, nodes.target.itertext())).strip() != ""
            _set_state(version, nodes, edit.status, bool(target_text.strip()) if target_text is not None else has)
        if edit.note:
            _add_note(version, nodes, edit.note)
    out = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    with atomic_outputs(Path(path), binary=True) as (stream,):
        stream.write(out)
    return changed


def _x(text: str) -> str:
    return escape(xml_safe(text))


def write_fresh(records: Iterable[ExportRecord], path: Path, version: str = "1.2") -> int:
    """Pairs as a new XLIFF file (fa→en), one ``<file>`` a document, a unit a pair."""
    count = 0
    current: str | None = None
    with atomic_outputs(Path(path)) as (out,):
        if version == "1.2":
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                      '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n')
        else:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" '
                      'xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="fa" trgLang="en">\n')
        for r in records:
            if r.doc != current:
                if current is not None:
                    out.write("  </body></file>\n" if version == "1.2" else "  </file>\n")
                current = r.doc
                if version == "1.2":
                    out.write(f'  <file original={quoteattr(xml_safe(r.doc))} source-language="fa" '
                              'target-language="en" datatype="plaintext"><body>\n')
                else:
                    out.write(f'  <file id="f{count + 1}" original={quoteattr(xml_safe(r.doc))}>\n')
            count += 1
            out.write(_unit_12(r) if version == "1.2" else _unit_20(r))
        if current is not None:
            out.write("  </body></file>\n" if version == "1.2" else "  </file>\n")
        out.write("</xliff>\n")
    return count


def _unit_12(r: ExportRecord) -> str:
    approved = ' approved="yes"' if r.status == "approved" else ""
    state = "new" if r.status == "new" and not r.en.strip() else STATE_12["draft" if r.status == "new" else r.status]
    note = f"\n      <note>{_x(r.note)}</note>" if r.note else ""
    target = f'\n      <target state="{state}">{_x(r.en)}</target>' if r.en or r.status != "new" else ""
    return (f'    <trans-unit id="{r.pair}"{approved}>\n      <source>{_x(r.fa)}</source>{target}{note}\n'
            "    </trans-unit>\n")


def _unit_20(r: ExportRecord) -> str:
    status = "draft" if r.status == "new" else r.status
    sub = f' subState="{REJECTED_SUBSTATE}"' if status == "rejected" else ""
    notes = f"\n      <notes><note>{_x(r.note)}</note></notes>" if r.note else ""
    target = f"<target>{_x(r.en)}</target>" if r.en else ""
    return (f'    <unit id="u{r.pair}">{notes}\n      <segment id="{r.pair}" state="{STATE_20[status]}"{sub}>'
            f"<source>{_x(r.fa)}</source>{target}</segment>\n    </unit>\n")
