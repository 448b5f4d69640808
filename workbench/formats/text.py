"""Making text safe for each output format (stored text is never changed)."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids: C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
# Everything str.splitlines() breaks on, so a line-based file keeps one record a line.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_TABS_AND_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
# A U+FEFF at the start of a line file would be read back as a byte-order mark.
_EDGES = re.compile("^[\\s\ufeff]+|[\\s\ufeff]+$")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text).strip()


def encodable(text: str) -> str:
    """Unpaired surrogates cannot be written as UTF-8; NUL marks a binary file to every reader."""
    return _UNWRITABLE.sub("", text)


def one_line(text: str) -> str:
    """For Moses: line breaks of any kind become a space."""
    return _EDGES.sub("", _LINE_BREAKS.sub(" ", encodable(text)))


def one_field(text: str) -> str:
    """For TSV: tabs and line breaks become a space."""
    return _EDGES.sub("", _TABS_AND_BREAKS.sub(" ", encodable(text)))
