"""A word-level diff of two texts (the MT draft and the English a person made of it), as
coloured terminal text: what was removed struck through in red, what was added in green.

Words, spaces and punctuation marks are the units (difflib's SequenceMatcher over them), so a
changed comma shows as one changed comma, not a changed word. Wrapping keeps the colours; a
line holding right-to-left letters is reordered for display like any other (display.py), and
then shown without the diff colours, which could not follow the reordered letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from rich.cells import cell_len
from rich.text import Text

from workbench.tui.display import Mode, has_rtl, pad, sanitize, visual_line

Kind = Literal["same", "removed", "added"]
STYLES: dict[Kind, str] = {"same": "", "removed": "strike red", "added": "bold green"}
_UNITS = re.compile(r"\s+|[\w\u064b-\u065f\u0670\u200c]+|[^\w\s]")
# Below this share of words in common the English was not made from the draft: a diff would
# only repeat both texts.
UNRELATED = 0.2


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """``old`` → ``new`` as pieces in reading order: each change shows what went, then what came.
    Words and marks are compared without the spaces between them; each keeps the spaces that
    follow it in its own text (a kept or added word those of the new text), so the words read
    apart whatever was removed beside them."""
    a, b = _tokens(old), _tokens(new)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(t + ws for t, ws in b[j1:j2])))
            continue
        removed, added = "".join(t + ws for t, ws in a[i1:i2]), "".join(t + ws for t, ws in b[j1:j2])
        if removed:
            _apart(pieces, removed)
            pieces.append(Piece("removed", removed))
        if added:
            _apart(pieces, added)
            pieces.append(Piece("added", added))
    return pieces


def _apart(pieces: list[Piece], following: str) -> None:
    """A plain space between a word and a changed word that would otherwise touch it: "old new"
    and "November 27", not "oldnew" and "November27"."""
    if pieces and pieces[-1].text[-1:].isalnum() and following[:1].isalnum():
        pieces.append(Piece("same", " "))


def _tokens(text: str) -> list[tuple[str, str]]:
    """Words and marks, each with the spaces after it (leading spaces are dropped)."""
    out: list[tuple[str, str]] = []
    for unit in _UNITS.findall(text):
        if unit.isspace():
            if out:
                out[-1] = (out[-1][0], out[-1][1] + unit)
        else:
            out.append((unit, ""))
    return out


def similarity(old: str, new: str) -> float:
    """The share of words and marks the two texts have in common (0 to 1; spaces left out)."""
    a, b = ([u for u in _UNITS.findall(text) if not u.isspace()] for text in (old, new))
    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a or b else 1.0


def diff_text(old: str, new: str) -> Text:
    text = Text()
    for piece in word_diff(old, new):
        shown = sanitize(piece.text)
        words = shown.rstrip()
        text.append(words, style=STYLES[piece.kind])  # a struck-through space would look like a dash
        text.append(shown[len(words):])
    return text


def diff_excerpt(old: str, new: str, *, context: int = 6) -> Text:
    """The diff with only ``context`` words kept around each change: long unchanged stretches
    become "…", so a change deep in a long sentence shows in a line or two."""
    pieces = word_diff(old, new)
    text = Text()
    for n, piece in enumerate(pieces):
        shown = sanitize(piece.text)
        if piece.kind == "same":
            shown = _shorten(shown, context, first=n == 0, last=n == len(pieces) - 1)
        text.append(shown, style=STYLES[piece.kind])
    return text


def _shorten(same: str, context: int, *, first: bool, last: bool) -> str:
    words = same.split()
    lead = " " if same[:1].isspace() else ""
    trail = " " if same[-1:].isspace() else ""
    if first and len(words) > context:
        return "… " + " ".join(words[-context:]) + trail
    if last and len(words) > context:
        return lead + " ".join(words[:context]) + " …"
    if not first and not last and len(words) > 2 * context + 1:
        return lead + " ".join(words[:context]) + " … " + " ".join(words[-context:]) + trail
    return same


def wrap_styled(text: Text, width: int, *, mode: Mode) -> list[Text]:
    """``text`` as lines of at most ``width`` cells, broken between words, styles kept."""
    width = max(1, width)
    lines: list[Text] = []
    line, used = Text(), 0
    for word in _words(text):
        size = cell_len(word.plain)
        if word.plain.isspace():
            if used and used + size <= width:
                line.append_text(word)
                used += size
            continue
        if used + size > width and used:
            lines.append(line)
            line, used = Text(), 0
        while size > width:  # a word longer than the line: cut it
            head = word[:width]
            lines.append(head)
            word = word[width:]
            size = cell_len(word.plain)
        line.append_text(word)
        used += size
    lines.append(line)
    return [_shown(line, width, mode) for line in lines]


def _words(text: Text) -> list[Text]:
    """Runs of spaces and runs of everything else, with their styles."""
    return [text[m.start():m.end()] for m in re.finditer(r"\s+|\S+", text.plain)]


def _shown(line: Text, width: int, mode: Mode) -> Text:
    line.rstrip()
    if mode == "visual" and has_rtl(line.plain):
        return Text(pad(visual_line(line.plain, rtl=False), width))
    return line
