"""Making text safe for each output format (stored text is never changed)."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError

# The most one import reads as a sentence (a line of a line-based corpus file, a side of a unit, a
# sentence of a text) and as a whole text file, in UTF-8 bytes. Anything longer is refused in one
# line before it is read whole: a 1 GB line is not a sentence, and reading one took 7.5 GB.
SENTENCE_LIMIT = 1 << 20
TEXT_LIMIT = 10 << 20


def megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.3g} MB"


def may_be_too_long(*texts: str) -> bool:
    """Whether a text could pass SENTENCE_LIMIT in UTF-8 (4 bytes a character at most): if not,
    it surely does not, and no refusal (nor its message) needs making."""
    return max(map(len, texts)) * 4 > SENTENCE_LIMIT


def refuse_long_sentence(text: str, where: str) -> None:
    """Refuses a sentence (or a unit's side) over SENTENCE_LIMIT; ``where`` names it."""
    if may_be_too_long(text) and len(text.encode("utf-8", "surrogatepass")) > SENTENCE_LIMIT:
        raise WorkbenchError(f"{where} is longer than {megabytes(SENTENCE_LIMIT)}, the most a sentence may be; "
                             "split it into sentences")


# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Characters XML 1.0 forbids: C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
# Everything str.splitlines() breaks on, so a line-based file keeps one record a line.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_TABS_AND_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
# A U+FEFF at the start of a line file would be read back as a byte-order mark.
# (str.strip with these: the regex ^[\s\ufeff]+|[\s\ufeff]+$ it replaces took half a TSV export.)
EDGES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # every str.isspace() character, and U+FEFF


# Embedding/override openers, their closer (PDF), isolate openers, their closer (PDI). Stored text
# keeps them; an export must not let one left open reorder what follows it in the file.
_EMBEDS, PDF, _ISOLATES, PDI = "\u202a\u202b\u202d\u202e", "\u202c", "\u2066\u2067\u2068", "\u2069"
BIDI_CHARS = f"{_EMBEDS}{PDF}{_ISOLATES}{PDI}"
BIDI_CONTROLS = re.compile(f"[{BIDI_CHARS}]")
# What one_line / one_field would change inside a text: most texts hold none, and one search for
# it costs a third of the three passes (an export of 1M pairs calls them 2M times).
_LINE_ODD = re.compile("[\x00\ud800-\udfff\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_FIELD_ODD = re.compile(f"[\x00\ud800-\udfff\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029{BIDI_CHARS}]")


def close_bidi(text: str) -> str:
    """``text`` with the embeddings and isolates it leaves open closed at its end (the matching
    of Unicode's bidi rules X1–X7, depth limits aside), so they cannot spill into the next field."""
    pending: list[str] = []  # closers owed, innermost last
    for ch in BIDI_CONTROLS.findall(text):
        if ch in _ISOLATES:
            pending.append(PDI)
        elif ch in _EMBEDS:
            pending.append(PDF)
        elif ch == PDI and PDI in pending:  # closes its isolate and any embedding opened inside it
            while pending.pop() != PDI:
                pass
        elif ch == PDF and pending and pending[-1] == PDF:  # cannot close across an isolate
            pending.pop()
    return text + "".join(reversed(pending))


def escape_bidi(text: str, template: str) -> str:
    """Bidi controls written as escapes (``template`` formats the code point) in formats that
    have them (XML, JSON): the text reads back the same, and the raw file displays in order."""
    return BIDI_CONTROLS.sub(lambda m: template.format(ord(m.group())), text)


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` announces, if any."""
    return next((name for mark, name in _BOMS if head.startswith(mark)), None)


_NON_ASCII = re.compile(rb"[\x80-\xff]+(?:[ -~]{1,3}[\x80-\xff]+)*")


def refuse_utf8_as_legacy(head: bytes, encoding: str, path: Path) -> None:
    """Refuses to read as a legacy encoding (``--encoding cp1256``) a file that is UTF-8: its
    Persian would decode without an error into mojibake ("سلام" → "ط³ظ„ط§ظ…") and be stored so.
    ``head`` is the file or its start; it is UTF-8 if its non-ASCII bytes all decode as UTF-8
    (text in a legacy encoding practically never does)."""
    if codecs.lookup(encoding).name.startswith("utf") or head.isascii():
        return
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # the end may cut a character
    except UnicodeDecodeError:
        return
    found = _NON_ASCII.search(head)
    assert found is not None  # head is not ASCII
    word = found.group()[:40].decode("utf-8", "ignore")  # a cut character left out
    raise WorkbenchError(
        f"{path}: is UTF-8, not {encoding}: read as {encoding}, {word!r} would be stored as "
        f"{word.encode().decode(encoding, 'replace')!r}; leave out --encoding")


def escape(text: str) -> str:
    """xml.sax.saxutils.escape (& < >), without importing it: it brings urllib.request, http.client
    and ssl, 30 ms of every command's start (tests/test_export_fast_paths.py compares the two)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """xml.sax.saxutils.quoteattr, likewise: escaped, line breaks and tabs as references, in the
    quotes the text does not hold (double ones escaped where it holds both)."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"{}"'.format(text.replace('"', "&quot;"))


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text).strip()


def encodable(text: str) -> str:
    """Unpaired surrogates cannot be written as UTF-8; NUL marks a binary file to every reader."""
    return _UNWRITABLE.sub("", text)


def one_line(text: str) -> str:
    """For Moses: line breaks of any kind become a space."""
    if not _LINE_ODD.search(text):
        return text.strip(EDGES)
    return _LINE_BREAKS.sub(" ", encodable(text)).strip(EDGES)


def one_field(text: str) -> str:
    """For TSV: tabs and line breaks become a space; bidi controls left open are closed, or they
    would reorder the next column on the line."""
    if not _FIELD_ODD.search(text):
        return text.strip(EDGES)
    return close_bidi(_TABS_AND_BREAKS.sub(" ", encodable(text)).strip(EDGES))


def regular_file(path: Path) -> None:
    """Refuses what is not a regular file before it is opened: a device (/dev/zero reads
    forever), a pipe (opening one waits for a writer) or a socket. A folder raises
    IsADirectoryError, which ``reading`` words."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a pipe" if stat.S_ISFIFO(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise WorkbenchError(f"{path}: {kind}, not a file; only regular files are read")


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Reading ``path``, which must be a regular file, with errors as one line that names it (no
    traceback for a missing file, a folder, a device, a truncated gzip or text in another
    encoding)."""
    try:
        regular_file(path)
        yield
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as e:
        name = e.encoding.upper() if e.encoding.lower().startswith("utf") else e.encoding
        raise WorkbenchError(f"{path}: not valid {name} (byte offset {e.start})") from None
    except (OSError, EOFError) as e:  # EOFError: a truncated gzip file
        raise WorkbenchError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
