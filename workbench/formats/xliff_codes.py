"""Inline codes of XLIFF segments ↔ protected tokens (``workbench.text.protected``).

A ``<source>``/``<target>`` becomes a text where every element inside stands as a token: a paired
code with text inside (1.2 ``<g>``, ``<mrk>``; 2.0 ``<pc>``, ``<mrk>``) as ``⟦n⟧…⟦/n⟧`` around its
content, any other element (``<x/>``, ``<bx/>``, ``<ph>…</ph>``, ``<bpt>``, ``<sc/>``, a foreign
element) as ``⟦n⟧``, its whole markup kept. Numbers follow the Persian side's order; a code of the
other side with the same element name and id gets the same number. The markup of each token (the
element alone for a paired code, the whole element otherwise) is kept per side as XML text, and
``fill`` writes a text back into an element from it."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.formats.xml_policy import parse_keeping
from workbench.text.protected import TOKEN, token

if TYPE_CHECKING:
    from lxml import etree

PAIRED = {"g", "mrk", "pc"}  # codes around text the translator edits


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _key(element: etree._Element) -> tuple[str, str | None]:
    """What matches a code of one side with the other's: its name and id (1.2 ``mrk``: ``mid``;
    2.0 ``ec``: ``startRef``)."""
    return local(element.tag), element.get("id") or element.get("mid") or element.get("startRef")


@dataclass
class Numbering:
    """Numbers codes per segment: the Persian side first, then the other matched by name and id."""

    next: int = 1
    known: dict[tuple[str, str | None], list[int]] = field(default_factory=lambda: defaultdict(list))
    first_side: bool = True

    def number(self, element: etree._Element) -> int:
        key = _key(element)
        if self.first_side:
            self.known[key].append(self.next)
        elif self.known[key]:
            return self.known[key].pop(0)
        self.next += 1
        return self.next - 1


def _markup(element: etree._Element, shell: bool) -> str:
    from lxml import etree

    kept = copy.copy(element)
    kept.tail = None
    if shell:  # a paired code: the element alone, its content is the text around the tokens
        kept.text = None
        for child in list(kept):
            kept.remove(child)
    return etree.tostring(kept, encoding="unicode")


def flatten(element: etree._Element | None, numbering: Numbering) -> tuple[str, dict[str, str]]:
    """The text of a ``<source>``/``<target>`` with its codes as tokens, and each token's markup
    ({"1": "<x …/>"}). None (no such element): empty."""
    if element is None:
        return "", {}
    codes: dict[str, str] = {}
    parts: list[str] = []

    def walk(parent: etree._Element) -> None:  # depth bounded by the XML reader's limit (256)
        parts.append(parent.text or "")
        for child in parent:
            if local(child.tag) in PAIRED:
                n = numbering.number(child)
                codes[str(n)] = _markup(child, shell=True)
                parts.append(token(n))
                walk(child)
                parts.append(token(n, closing=True))
            else:
                n = numbering.number(child)
                codes[str(n)] = _markup(child, shell=False)
                parts.append(token(n))
            parts.append(child.tail or "")

    walk(element)
    return "".join(parts), codes


def _add_text(parent: etree._Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def fill(element: etree._Element, text: str, codes: Mapping[str, str], spare: Mapping[str, str], where: str) -> None:
    """Write ``text`` into ``element`` (its attributes and tail kept), each token as the markup
    ``codes`` holds for it, else ``spare``'s (the other side's: a target written for the first
    time takes the source's codes). ``where`` names the pair in an error."""
    element.text = None
    for child in list(element):
        element.remove(child)
    stack: list[tuple[etree._Element, str]] = [(element, "")]
    at = 0
    for m in TOKEN.finditer(text):
        _add_text(stack[-1][0], text[at:m.start()])
        at = m.end()
        closing, number = m.group(1) == "/", m.group(2)
        if closing:
            if stack[-1][1] != number:
                raise WorkbenchError(f"{where}: {m.group(0)} closes a code that is not open there; "
                                     "fix the order of its tokens")
            stack.pop()
            continue
        markup = codes.get(number) or spare.get(number)
        if markup is None:
            raise WorkbenchError(f"{where}: {m.group(0)} is not a code of this segment")
        # Wrapped: a comment or processing instruction kept as a code is no document of its own.
        code: Any = parse_keeping(f"<w>{markup}</w>".encode())[0]
        stack[-1][0].append(code)
        if local(code.tag) in PAIRED and not len(code) and not code.text:
            stack.append((code, number))  # its content follows, up to ⟦/n⟧
    _add_text(stack[-1][0], text[at:])
    if len(stack) > 1:
        raise WorkbenchError(f"{where}: {token(stack[-1][1])} is never closed (⟦/{stack[-1][1]}⟧ missing)")
