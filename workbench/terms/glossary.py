"""The workspace glossary: Persian terms with their English, a note and forbidden English
variants, kept in step with a history of every change.

History: every change to an entry logs a row in ``glossary_history`` (action, who, when, the
entry before and after as JSON; NULL where it did not exist). It is a table of its own, not
the pairs' ``history``: the pair undo stack never sees a glossary change, and the newest
``glossary_history`` id is the glossary's revision, which tells cached QA results built with an
older glossary from current ones.

Entries are keyed by the Persian term's matching key (``persian.term_key``), so "نخست‌وزیر" and
"نخستوزير" are one entry; adding a term that is there already merges the English into it.
The same term with a space where the entry has a ZWNJ or nothing ("نخست وزیر") is refused,
naming the entry: matching already finds each spelling, so a second entry would double it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypedDict

from workbench.errors import WorkbenchError
from workbench.store import Workspace, current_user, now
from workbench.terms.persian import term_key
from workbench.text import has_visible, unstorable
from workbench.text.script import ARABIC_LETTER, LATIN_LETTER

_COLUMNS = "id, fa, en, forbidden, note, updated_at, updated_by"


@dataclass(frozen=True)
class Entry:
    fa: str
    en: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    note: str = ""
    id: int | None = None
    updated_at: str = ""
    updated_by: str = ""

    @cached_property
    def key(self) -> str:
        return term_key(self.fa)

    def content(self) -> EntryContent:
        return {"fa": self.fa, "en": list(self.en), "forbidden": list(self.forbidden), "note": self.note}



class EntryContent(TypedDict):
    """What an entry says, as its history stores it (JSON)."""

    fa: str
    en: list[str]
    forbidden: list[str]
    note: str


@dataclass(frozen=True)
class HistoryRow:
    id: int
    entry_id: int
    action: str
    who: str
    at: str
    before: EntryContent | None
    after: EntryContent | None


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    entries: list[Entry] = field(default_factory=list)


def make_entry(fa: str, en: Iterable[str], *, forbidden: Iterable[str] = (), note: str = "",
               where: str = "") -> Entry:
    """A checked entry: a Persian term with words, English terms without blanks or repeats, not
    one term both allowed and forbidden. ``where`` prefixes errors ("row 4: ")."""
    fa = _checked(" ".join(fa.split()), "Persian term", where)
    if not term_key(fa):
        raise WorkbenchError(f"{where}no Persian term (got {fa!r})")
    allowed = tuple(_checked(e, "English term", where) for e in _unique(en))
    persian_en = next((e for e in allowed if ARABIC_LETTER.search(e)), None)
    if persian_en is not None and LATIN_LETTER.search(fa) and not ARABIC_LETTER.search(fa):
        raise WorkbenchError(f"{where}the Persian term {fa!r} is Latin text and the English {persian_en!r} "
                             "Persian: are the fa and en columns swapped?")
    banned = tuple(_checked(f, "forbidden variant", where) for f in _unique(forbidden))
    note = _checked(" ".join(note.split()), "note", where, blank_ok=True)
    both = {e.casefold() for e in allowed} & {f.casefold() for f in banned}
    if both:
        raise WorkbenchError(f"{where}{sorted(both)[0]!r} is both an English term and a forbidden variant of {fa!r}")
    if not allowed and not banned:
        raise WorkbenchError(f"{where}no English term for {fa!r}")
    return Entry(fa=fa, en=allowed, forbidden=banned, note=note)


def _checked(text: str, what: str, where: str, *, blank_ok: bool = False) -> str:
    """``text`` if a glossary may hold it: no control character (NUL, ESC: they match nothing a
    translator types, and TBX cannot carry them), and something visible (a term of only ZWSP,
    ZWNJ or a BOM would look empty everywhere it is shown)."""
    bad = unstorable(text)
    if bad is not None:
        raise WorkbenchError(f"{where}the {what} {text!r} holds the control character {bad!r}; "
                             "glossary entries cannot hold control characters")
    if text and not has_visible(text) and not blank_ok:
        raise WorkbenchError(f"{where}the {what} {text!r} has nothing visible in it")
    return text


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for term in terms:
        term = " ".join(term.split())
        if term and term.casefold() not in seen:
            seen[term.casefold()] = term
    return tuple(seen.values())


def merged(old: Entry, new: Entry) -> Entry:
    """``old`` with what ``new`` adds: more English, more forbidden variants, its note if it has
    one. What ``new`` allows stops being forbidden, and the other way round."""
    new_allowed = {e.casefold() for e in new.en}
    new_banned = {f.casefold() for f in new.forbidden}
    en = _unique([e for e in old.en if e.casefold() not in new_banned] + list(new.en))
    forbidden = _unique([f for f in old.forbidden if f.casefold() not in new_allowed] + list(new.forbidden))
    return replace(old, en=en, forbidden=forbidden, note=new.note or old.note)


def _entry(row: tuple[Any, ...]) -> Entry:  # a row of _COLUMNS
    return Entry(id=row[0], fa=row[1], en=tuple(json.loads(row[2])), forbidden=tuple(json.loads(row[3])),
                 note=row[4], updated_at=row[5], updated_by=row[6])


def entries(ws: Workspace) -> list[Entry]:
    """Every entry, in the order they were added."""
    return [_entry(r) for r in ws.conn.execute(f"SELECT {_COLUMNS} FROM glossary ORDER BY id")]


def find(ws: Workspace, fa: str) -> Entry | None:
    key = term_key(fa)
    row = ws.conn.execute(f"SELECT {_COLUMNS} FROM glossary WHERE fa_key = ?", [key]).fetchone()
    if row:
        return _entry(row)
    # A key stored by an older version of the matching rules (save() renews them).
    return next((e for e in entries(ws) if e.key == key), None)


def _renew_keys(conn: Any) -> dict[str, str]:
    """Store each entry's key as the current matching rules make it (they fold more spellings
    than older versions did: علائم/علایم); one that would collide with another entry keeps its
    old key, and stays an entry of its own. Returns each entry's Persian by its key without
    spaces, for ``_refuse_spacing_variant`` (read once: a query a new entry scanned the table)."""
    for entry_id, fa, old in conn.execute("SELECT id, fa, fa_key FROM glossary").fetchall():
        key = term_key(fa)
        if key != old:
            conn.execute("UPDATE OR IGNORE glossary SET fa_key = ? WHERE id = ?", [key, entry_id])
    return {key.replace(" ", ""): fa for fa, key in conn.execute("SELECT fa, fa_key FROM glossary ORDER BY id DESC")}


def revision(ws: Workspace) -> int:
    """Grows with every glossary change (the newest history id)."""
    newest: int = ws.conn.execute("SELECT COALESCE(MAX(id), 0) FROM glossary_history").fetchone()[0]
    return newest


def add(ws: Workspace, entry: Entry, *, who: str | None = None, action: str = "add") -> tuple[Entry, str]:
    """Add an entry, or merge it into the one with the same Persian. Returns the stored entry
    and what happened: "added", "updated" or "unchanged"."""
    result = save(ws, [entry], who=who, action=action)
    outcome = "added" if result.added else "updated" if result.updated else "unchanged"
    return result.entries[0], outcome


def save(ws: Workspace, new_entries: list[Entry], *, who: str | None = None, action: str = "import") -> ImportResult:
    """Add or merge many entries in one transaction (an import): all or nothing."""
    who = who or current_user()
    result = ImportResult()
    with ws.write() as conn:
        stamp = now()
        by_joined_key = _renew_keys(conn)
        for new in new_entries:
            key = new.key
            row = conn.execute(f"SELECT {_COLUMNS} FROM glossary WHERE fa_key = ?", [key]).fetchone()
            old = _entry(row) if row else None
            if old is None:
                _refuse_spacing_variant(by_joined_key, new)
            entry = merged(old, new) if old else new
            if old is not None and entry.content() == old.content():
                result.unchanged += 1
                result.entries.append(old)
                continue
            values = [entry.fa, key, json.dumps(list(entry.en), ensure_ascii=False),
                      json.dumps(list(entry.forbidden), ensure_ascii=False), entry.note, stamp, who]
            if old is None:
                inserted = conn.execute(
                    "INSERT INTO glossary (fa, fa_key, en, forbidden, note, updated_at, updated_by) "
                    "VALUES (?,?,?,?,?,?,?)", values).lastrowid
                assert inserted is not None  # an INSERT's row id
                entry_id = inserted
                by_joined_key[key.replace(" ", "")] = entry.fa
                result.added += 1
            else:
                assert old.id is not None  # read from the table
                entry_id = old.id
                conn.execute("UPDATE glossary SET fa = ?, fa_key = ?, en = ?, forbidden = ?, note = ?, "
                             "updated_at = ?, updated_by = ? WHERE id = ?", [*values, entry_id])
                result.updated += 1
            stored = replace(entry, id=entry_id, updated_at=stamp, updated_by=who)
            _log(ws, entry_id, action, who, stamp, old, stored)
            result.entries.append(stored)
    return result


def _refuse_spacing_variant(by_joined_key: dict[str, str], new: Entry) -> None:
    """Refuse a term that differs from an entry only by spaces ("نخست وزیر" for "نخست‌وزیر")."""
    existing = by_joined_key.get(new.key.replace(" ", ""))
    if existing is not None:
        raise WorkbenchError(f"{new.fa!r} is the glossary entry {existing!r} written with a space, a ZWNJ or "
                             "joined; add its English to that entry instead")


def remove(ws: Workspace, fa: str, *, who: str | None = None) -> Entry:
    who = who or current_user()
    with ws.write() as conn:
        old = find(ws, fa)
        if old is None:
            raise WorkbenchError(f"no glossary entry for {fa!r}")
        assert old.id is not None  # read from the table
        conn.execute("DELETE FROM glossary WHERE id = ?", [old.id])
        _log(ws, old.id, "remove", who, now(), old, None)
    return old


def _log(ws: Workspace, entry_id: int, action: str, who: str, stamp: str, before: Entry | None,
         after: Entry | None) -> None:
    def snap(e: Entry | None) -> str | None:
        return json.dumps(e.content(), ensure_ascii=False) if e else None

    ws.conn.execute("INSERT INTO glossary_history (entry_id, action, who, at, before, after) VALUES (?,?,?,?,?,?)",
                    [entry_id, action, who, stamp, snap(before), snap(after)])


def history(ws: Workspace, limit: int = 100) -> list[HistoryRow]:
    rows = ws.conn.execute("SELECT id, entry_id, action, who, at, before, after FROM glossary_history "
                           f"ORDER BY id DESC LIMIT {int(limit)}")
    return [HistoryRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]) if r[5] else None,
                       json.loads(r[6]) if r[6] else None) for r in rows]
