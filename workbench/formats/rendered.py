"""TMX units and JSONL lines written by SQLite (issue 23): an export's query makes each pair's
text in C (``||``, ``replace``, ``trim``, ``json_quote``) and hands it over as UTF-8 bytes, a
block of pairs at a time, so a pair costs Python next to nothing (no record, no escaping, no
encoding). The expressions give byte for byte what the writers in tmx.py and lines.py give
(tests/test_export_fast_paths.py); a block holding a text that needs more than they do (a bidi
control to escape, a character XML forbids, a NUL, a bare CR: ``SqlFormat.odd``) is written
pair by pair, such a pair by the Python writer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from workbench.formats.file_records import ExportRecord, Rendered
from workbench.formats.lines import line_start, write_jsonl
from workbench.formats.text import EDGES
from workbench.formats.tmx import unit_start, write_tmx

# Every character str.strip() removes (str.isspace(): EDGES but U+FEFF), for SQLite's trim().
WHITESPACE_SQL = "char({})".format(",".join(str(ord(c)) for c in EDGES if c != "\ufeff"))


class SqlFields(NamedTuple):
    """The SQL expressions of a pair's fields (text, or NULL where the record has None)."""

    pair: str  # its place in the document
    fa: str
    en: str
    draft: str
    status: str  # the status as written (its name, e.g. "new")
    engine: str
    model: str
    updated_at: str
    note: str  # '' for none
    flag: str  # '' for none
    qa: str = "'[]'"  # a JSON list of check names as the JSONL writer writes it; NULL: not known in SQL


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _strip(expr: str) -> str:
    return f"trim({expr}, {WHITESPACE_SQL})"


def _xml(expr: str) -> str:
    """tmx._xml for a text holding nothing ``_tmx_odd`` finds: stripped, & < > escaped (in
    escape()'s order); replace() only where one is (GLOB '*&*' is a strcspn, replace() a copy)."""
    text = _strip(expr)
    escaped = f"replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    return f"CASE WHEN {expr} GLOB '*&*' OR {expr} GLOB '*<*' OR {expr} GLOB '*>*' THEN {escaped} ELSE {text} END"


def _if_set(expr: str, before: str, after: str) -> str:
    """``before`` + the escaped text + ``after`` where the value is a non-empty string, else ''."""
    return f"CASE WHEN {expr} <> '' THEN {_literal(before)} || {_xml(expr)} || {_literal(after)} ELSE '' END"


def tmx_unit(f: SqlFields) -> str:
    """A <tu> as tmx.write_tmx writes it (a TMX carries no QA); its start (tuid, document) comes
    as the parameters ``SqlFormat.params`` gives for the document."""
    props = [_if_set(expr, f'    <prop type="x-{kind}">', "</prop>\n")
             for kind, expr in (("engine", f.engine), ("model", f.model), ("draft", f.draft), ("flag", f.flag))]
    fa_seg, en_seg = (f"""'    <tuv xml:lang="{lang}"><seg>' || {_xml(expr)} || '</seg></tuv>\n'"""
                      for lang, expr in (("fa", f.fa), ("en", f.en)))
    return " || ".join([
        f":tu_open || {f.pair} || :tu_middle || {f.pair}", _literal("</prop>\n"),
        _literal('    <prop type="x-status">') + f" || {f.status} || " + _literal("</prop>\n"), *props,
        _if_set(f.note, "    <note>", "</note>\n"),
        # A side empty once stripped is left out (tmx.write_tmx says why), but never both.
        f"CASE WHEN {_strip(f.fa)} <> '' OR {_strip(f.en)} = '' THEN {fa_seg} ELSE '' END",
        f"CASE WHEN {_strip(f.en)} <> '' THEN {en_seg} ELSE '' END", _literal("  </tu>\n")])


def jsonl_line(f: SqlFields) -> str:
    """A JSONL line as lines.write_jsonl writes it (json_quote escapes as json.dumps(ensure_ascii=
    False) does, every code point compared); its start comes as the parameter ``SqlFormat.params`` gives."""
    parts = [f":line_start || {f.pair}"]
    parts += [f"""', "{name}": ' || json_quote({expr})""" for name, expr in (
        ("fa", f.fa), ("en", f.en), ("draft", f.draft), ("status", f.status), ("engine", f.engine),
        ("model", f.model))]
    parts += [f"""', "qa": ' || {f.qa}""", f"""', "updated_at": ' || json_quote({f.updated_at})"""]
    parts += [f"""', "{name}": ' || CASE WHEN {expr} <> '' THEN json_quote({expr}) ELSE 'null' END"""
              for name, expr in (("note", f.note), ("flag", f.flag))]
    return " || ".join([*parts, _literal("}\n")])


def _tmx_params(doc: str) -> dict[str, str]:
    opening, middle = unit_start(doc)
    return {"tu_open": opening, "tu_middle": middle}


def _jsonl_params(doc: str) -> dict[str, str]:
    return {"line_start": line_start(doc)}


# Looked for in the UTF-8 of a whole block. The bidi controls (formats/text.py BIDI_CHARS: U+202A-
# U+202E, U+2066-U+2069) and U+FFFE/U+FFFF by a pattern that starts with one literal byte (the
# regex engine skips from one E2 or EF byte to the next); the C0 controls but tab and LF by
# deleting them and comparing lengths (a character class tests every byte: ten times slower).
_BIDI = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")
_NONCHAR = re.compile(rb"\xef\xbf[\xbe\xbf]")
_CONTROLS = bytes([*range(0x09), *range(0x0b, 0x20)])


def _tmx_odd(data: bytes) -> bool:
    """What tmx._xml does more than the SQL: characters XML forbids (a CR is written as a
    reference), bidi controls. (A byte under 0x80 is never part of a longer UTF-8 character.)"""
    return bool(_BIDI.search(data) or _NONCHAR.search(data)) or len(data.translate(None, _CONTROLS)) != len(data)


def _jsonl_odd(data: bytes) -> bool:
    """What write_jsonl does more than json_quote: a NUL removed, bidi controls escaped."""
    return b"\\u0000" in data or bool(_BIDI.search(data))


class SqlFormat(NamedTuple):
    sql: Callable[[SqlFields], str]  # the expression of a pair's unit or line
    params: Callable[[str], dict[str, str]]  # its parameters for a document's pairs, by its name
    odd: Callable[[bytes], bool]  # whether pairs made so may differ from what the writer makes
    write: Callable[[Iterable[ExportRecord | Rendered], Path], int]  # the writer, taking what was made too


SQL_FORMATS = {"tmx": SqlFormat(tmx_unit, _tmx_params, _tmx_odd, write_tmx),
               "jsonl": SqlFormat(jsonl_line, _jsonl_params, _jsonl_odd, write_jsonl)}
