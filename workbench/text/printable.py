"""Names and other short texts for a terminal line, shown as they are: nothing in them is taken
for markup by the caller (pass the result as plain text) and nothing reaches the terminal as a
command. Control characters (an escape sequence's ESC, a bell, a line break), line and paragraph
separators, bidi embeddings, overrides and isolates, and unpaired surrogates are written as
Python-style escapes (``\\x1b``, ``\\n``, ``\\u202e``), so a name like ``evil\\x1b[31m`` reads as
typed. Letters and the joiners Persian needs (ZWNJ) stay."""

from __future__ import annotations

import re

_SHOWN_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def printable(text: str) -> str:
    """``text`` with the characters that would act on a terminal written as escapes."""
    return _SHOWN_ESCAPED.sub(_escape, text)


# What a stored term may not hold: control characters (NUL, ESC, DEL, C1), unpaired surrogates,
# and the two non-characters XML (TBX) cannot carry either.
_UNSTORABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unstorable(text: str) -> str | None:
    """The first character of ``text`` that no term may hold, if any."""
    match = _UNSTORABLE.search(text)
    return match.group() if match else None
