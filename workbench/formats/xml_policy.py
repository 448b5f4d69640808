"""One safe way of reading XML, for every XML format (TMX, TBX, XLIFF), with one
wording for what it refuses.

- Entities the file declares are expanded (so ``&b;`` is never stored as text); libxml2 refuses
  expansion that grows too much (billion laughs, quadratic blowup). External entities, DTDs and
  the network are never read: such a reference is refused as undeclared.
- libxml2's limits stay on (no ``huge_tree``): a text node over 10 MB or nesting deeper than 256
  is refused at once, not after a small ``.gz`` has grown to gigabytes.
- Comments and processing instructions are dropped, except by ``parse_keeping`` (a file written
  back, as XLIFF is on export, keeps them).
- Errors name the file, the format, the line and column, in words a user can act on, never
  libxml2's API (``XML_PARSE_HUGE``, ``xmlCtxtSetMaxAmplification``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from workbench.errors import WorkbenchError

# lxml is imported inside the functions: commands that read no XML start without it.

OPTIONS: dict[str, Any] = dict(resolve_entities="internal", no_network=True, load_dtd=False, huge_tree=False,
                               remove_comments=True, remove_pis=True)


class ByteReader(Protocol):
    """What an XML file is read from: a file opened "rb", gzipped or not."""

    def read(self, size: int = -1, /) -> bytes: ...


def parser() -> Any:
    """An ``lxml.etree.XMLParser`` that reads by the policy."""
    from lxml import etree

    return etree.XMLParser(**OPTIONS)


def parse(data: bytes) -> Any:
    """The root element of a whole document held in memory (for formats read whole, like TBX)."""
    from lxml import etree

    return etree.fromstring(data, parser())


def parse_keeping(data: bytes) -> Any:
    """The root element of a document to be written back (XLIFF): as ``parse``, but comments and
    processing instructions stay in the tree, so what the workbench does not own goes back out."""
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(**{**OPTIONS, "remove_comments": False, "remove_pis": False}))


def iterparse(stream: ByteReader, **kwargs: Any) -> Any:
    """``lxml.etree.iterparse`` by the policy (for formats streamed, like TMX)."""
    from lxml import etree

    return etree.iterparse(stream, **OPTIONS, **kwargs)


def root_name(stream: ByteReader) -> str:
    """The local name of the document's root element, from the start of the stream alone."""
    for _, element in iterparse(stream, events=("start",)):
        return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    return ""


@contextmanager
def reading_xml(path: Path, kind: str) -> Iterator[None]:
    """Turns the XML reader's errors inside into one line naming ``path`` and the format
    ``kind`` ("TMX", "TBX"): ``malformed TBX at line 3, column 7: …`` for a file that is not
    well-formed, ``TBX refused at …`` for one the policy refuses."""
    from lxml import etree

    try:
        yield
    except etree.XMLSyntaxError as e:
        raise refusal(path, kind, e) from None


def refusal(path: Path, kind: str, error: Exception) -> WorkbenchError:
    line, column = getattr(error, "position", None) or (0, 0)
    message = str(getattr(error, "msg", None) or error).split(" (line")[0].split(", line")[0]
    plain = _plain(message)
    what = f"malformed {kind}" if plain == message else f"{kind} refused"
    return WorkbenchError(f"{path}: {what} at line {line}, column {column}: {plain}")


# libxml2's messages for its limits name its API: what each limit means, in words.
_LIMITS = (
    ("amplification", "entities expand too much (refused: a billion-laughs file?)"),
    ("Excessive depth", "elements nested more than 256 deep (the XML reader's limit)"),
    ("Text node too long", "a text longer than 10 MB in one element (the XML reader's limit)"),
    ("Buffer size limit", "an attribute value or other markup longer than 10 MB (the XML reader's limit)"),
    ("Name too long", "an element or attribute name longer than 50,000 characters (the XML reader's limit)"),
)

_UNDEFINED_ENTITY = re.compile(r"Entity '([^']*)' not defined")


def _plain(message: str) -> str:
    for words, plain in _LIMITS:
        if words in message:
            return plain
    undefined = _UNDEFINED_ENTITY.search(message)
    if undefined:
        return (f"entity &{undefined.group(1)}; is not declared in the file, or refers to another file "
                "(external entities are never read)")
    if "XML_PARSE_HUGE" in message or "limit" in message.lower():
        return "larger than the XML reader's limits allow"
    return message
