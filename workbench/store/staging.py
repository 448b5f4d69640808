"""Rows of new pairs on their way into a workspace: prepared (joined text, normalized keys: the
costly Python part, done before any lock is taken), put in staging tables (in the connection's temp
database, or in chunk files a reading process writes: store/import_process.py; no lock on the
workspace either way), then moved into a document in the caller's transaction, one statement a
table. One statement matters: FTS5 flushes its pending terms at every statement, and
row-by-row inserts straight into ``pairs`` made the search index most of an import's cost (4 of 5 s
for 100k units; 1 s this way). ``Workspace.insert_pairs`` and imports (``store/imports.py``) both
store pairs this way."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store.records import STATUSES, NewPair
from workbench.store.spans import span_rows
from workbench.text import join_sentences, normalize


@dataclass
class Rows:
    """Prepared rows of consecutive new pairs, numbered by ``k`` from 0. A pair of one Persian
    sentence and at most one English (every corpus unit, most aligned beads) carries its
    sentences' lengths in its own row; the spans of other pairs' sentences are rows of their own,
    naming their pair by ``k``. ``keys`` hash each pair's (Persian, English) to count repeats."""

    # (k, fa, fa_norm, en, n_fa, n_en, status, confidence, fa_para, en_para, simple, note, flag, fa_len, en_len)
    pairs: list[tuple[object, ...]] = field(default_factory=list)
    # Pairs of one sentence a side with no confidence or paragraph (every corpus unit): only what
    # varies, the staging table's defaults the rest (UNIT_COLUMNS; binding 15 values a row instead
    # of 10 was a sixth of a reader's SQLite time).
    units: list[tuple[object, ...]] = field(default_factory=list)
    spans: list[tuple[object, ...]] = field(default_factory=list)  # (k, lang, ord, start, len, para)
    keys: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pairs) + len(self.units)

    def statuses(self) -> dict[str, int]:
        """How many of the pairs have each status."""
        counted: Counter[str] = Counter(str(row[5]) for row in self.units)
        counted.update(str(row[6]) for row in self.pairs)
        return dict(counted)


def prepare(pairs: Iterable[NewPair], *, unkeyed: int = 0) -> Rows:
    """The rows of ``pairs``; the first ``unkeyed`` of them without their Persian's matching key
    (None: the importer makes it as it stores them, ``KEY_SQL``)."""
    rows = Rows()
    for k, new in enumerate(pairs):
        if new.status not in STATUSES:
            raise WorkbenchError(f"unknown status {new.status!r}")
        # An approved pair always has English (import --status approved of a unit without it).
        status = new.status if new.en or new.status != "approved" else "draft"
        note, flag = new.note.strip(), " ".join(new.flag.split())
        if len(new.fa) == 1 and len(new.en) <= 1:  # every corpus unit, most beads: spans in the row
            fa, en = new.fa[0], new.en[0] if new.en else ""
            key = normalize(fa) if k >= unkeyed else None
            if new.confidence is None and new.fa_para is None and new.en_para is None:
                rows.units.append((k, fa, key, en, len(new.en), status, note, flag, len(fa), len(en)))
            else:
                rows.pairs.append((k, fa, key, en, 1, len(new.en), status, new.confidence, new.fa_para,
                                   new.en_para, True, note, flag, len(fa), len(en)))
            rows.keys.append(hash((fa, en)))
            continue
        fa, en = join_sentences(new.fa, "fa"), join_sentences(new.en, "en")
        key = normalize(fa) if k >= unkeyed else None
        rows.pairs.append((k, fa, key, en, len(new.fa), len(new.en), status, new.confidence,
                           new.fa_para, new.en_para, False, note, flag, len(fa), len(en)))
        rows.keys.append(hash((fa, en)))
        for lang, texts, para in (("fa", new.fa, new.fa_para), ("en", new.en, new.en_para)):
            rows.spans += [(k, *span[1:]) for span in span_rows(0, lang, [(t, para) for t in texts])]
    return rows


# -- staging and storing ---------------------------------------------------------------------------

STAGE_CACHE_KIB = 16 * 1024  # the temp database's page cache: a transaction's staged rows stay in memory
PAIR_COLUMNS = ("k, fa, fa_norm, en, n_fa, n_en, status, confidence, fa_para, en_para, simple, note, flag, fa_len, "
                "en_len")  # of a staged pair (the order of Rows.pairs' tuples)
SPAN_COLUMNS = "k, lang, ord, start, len, para"
UNIT_COLUMNS = "k, fa, fa_norm, en, n_en, status, note, flag, fa_len, en_len"  # of Rows.units' tuples


def create_stage(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA temp.cache_size = -{STAGE_CACHE_KIB}")
    create_stage_tables(conn, "temp")


def create_stage_tables(conn: sqlite3.Connection, schema: str, *, spans_in_order: bool = False) -> None:
    """The staging tables in ``schema``; with ``spans_in_order`` the spans are kept in key order
    (a chunk file's, complete: ``add_simple_spans``)."""
    pairs_columns = (PAIR_COLUMNS.replace("k,", "k INTEGER PRIMARY KEY,", 1).replace("n_fa,", "n_fa DEFAULT 1,")
                     .replace("simple,", "simple DEFAULT 1,"))  # a unit's (UNIT_COLUMNS) row
    conn.execute(f"CREATE TABLE IF NOT EXISTS {schema}.stage_pairs ({pairs_columns})")
    key = ", PRIMARY KEY (k, lang, ord)) WITHOUT ROWID" if spans_in_order else ")"
    conn.execute(f"CREATE TABLE IF NOT EXISTS {schema}.stage_spans ({SPAN_COLUMNS}{key}")


def stage(conn: sqlite3.Connection, rows: Rows, offset: int, schema: str = "temp") -> None:
    """Add ``rows`` to the staging tables (the connection's temp ones, or those of a chunk file:
    store/import_process.py), their ``k`` moved on by ``offset``."""
    if schema == "temp":
        create_stage(conn)
    if rows.pairs:
        conn.executemany(f"INSERT INTO {schema}.stage_pairs VALUES (? + {int(offset)}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "?, ?, ?, ?)", rows.pairs)
    if rows.units:
        conn.executemany(f"INSERT INTO {schema}.stage_pairs ({UNIT_COLUMNS}) VALUES (? + {int(offset)}, ?, ?, ?, ?, "
                         "?, ?, ?, ?, ?)", rows.units)
    if rows.spans:
        conn.executemany(f"INSERT INTO {schema}.stage_spans VALUES (? + {int(offset)}, ?, ?, ?, ?, ?)", rows.spans)


@dataclass(frozen=True)
class Staged:
    """Where staged rows are read from: two SQL relations (a table, or a subquery over the chunk
    files an import process wrote) with the staging tables' columns, ``k`` counted from ``base``
    (kept as stored, so that reading in ``k`` order needs no sorting)."""

    pairs: str = "temp.stage_pairs"
    spans: str = "temp.stage_spans"
    base: int = 0
    # Whether ``spans`` holds every span (a chunk file's: ``add_simple_spans``), and both
    # relations lie in key order; else a pair of one sentence a side carries its spans in its own
    # row.
    complete: bool = False
    # The Persian's matching key as stored: the staged one, or (``KEY_SQL``) made here where the
    # reader left it out.
    fa_norm: str = "fa_norm"


IN_TEMP = Staged()


@dataclass
class Batch:
    """Staged rows one import transaction stores: ``count`` pairs, the last ones if ``done``."""

    rows: Staged
    count: int
    done: bool
    # The pairs by status, counted as they were prepared (``Rows.statuses``): the importer adds
    # them to the document's counts without a second pass over the rows (0.06 s per 100k).
    statuses: dict[str, int]


def store_staged(conn: sqlite3.Connection, doc_id: int, *, after: float, who: str, stamp: str,
                 rows: Staged = IN_TEMP, hidden: bool = False) -> int:
    """Move the staged rows into the document, positions after ``after``, in the caller's
    transaction (which holds the write lock, so the ids taken here stay ours). Returns the count.
    Into a ``hidden`` document (an import's) with pairs' insert triggers set aside."""
    start = next_id(conn, "pairs")
    first = start - rows.base
    pairs, spans = store_statements(rows)
    with insert_triggers_set_aside(conn) if hidden else contextlib.nullcontext():
        count = conn.execute(pairs, [first, doc_id, after - rows.base, stamp, who]).rowcount
        if hidden:
            conn.execute(INDEX_PAIRS, [start])
    conn.execute(spans, [first])
    return count


# Pairs' insert triggers, set aside while an import stores its rows. A table with row triggers
# makes SQLite copy an INSERT … SELECT's rows, text and all, into a temporary table before it
# inserts any (insert.c: "use a temp table in the case of row triggers"; 1M pairs: 1.7-2.5 s of
# the importer's CPU). pairs has two: the search index's (INDEX_PAIRS does its work, in one
# statement) and the counts' (it never fires for a hidden document: the importer counts).
SET_ASIDE = ("pairs_ai", "pair_counts_ai")
# What pairs_ai does, for the pairs from the id given on (the write lock is ours: the statement
# before made them all).
INDEX_PAIRS = ("INSERT INTO pairs_fts (rowid, fa_norm, en, draft, note) SELECT id, fa_norm, en, draft, note "
               "FROM pairs WHERE id >= ?")


@contextlib.contextmanager
def insert_triggers_set_aside(conn: sqlite3.Connection) -> Iterator[None]:
    """Pairs' insert triggers dropped for the block and created again after it, inside the
    caller's transaction: no other connection ever sees the schema without them (on an error the
    caller's transaction rolls back, and they are back as they were)."""
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?) "
                            "ORDER BY rowid", SET_ASIDE).fetchall()
    if sorted(name for name, _ in triggers) != sorted(SET_ASIDE):
        raise WorkbenchError("the triggers on the pairs table were changed outside the workbench: cannot import into "
                             "this workspace")
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    yield
    for _, sql in triggers:
        conn.execute(sql)


def store_statements(rows: Staged) -> tuple[str, str]:
    """The two statements that store staged rows: pairs (parameters: the first pair's id less
    ``k``'s base, the document, the position before less the base, time, who), then spans (the
    first id)."""
    # Read in key order, so that the b-trees grow at their end. The chunk files' relation lies in
    # that order (each file's rows in order, the files one after another): there SQLite, which
    # cannot know it, sorted a transaction's rows, text and all, for nothing (a twentieth of the
    # importer's time). Ids and positions are made from ``k``: the order changes no value stored.
    in_order = rows.complete
    pairs = ("INSERT INTO pairs (id, doc_id, position, fa, fa_norm, en, n_fa, n_en, status, confidence, "
             f"updated_at, updated_by, note, flag) SELECT ? + k, ?, ? + k + 1, fa, {rows.fa_norm}, en, n_fa, n_en, "
             f"status, confidence, ?, ?, note, flag FROM {rows.pairs}{'' if in_order else ' ORDER BY k'}")
    spans = rows.spans if rows.complete else f"({SIMPLE_SPANS.format(pairs=rows.pairs)} UNION ALL " \
                                             f"SELECT {SPAN_COLUMNS} FROM {rows.spans})"
    return pairs, ("INSERT INTO spans (pair_id, lang, ord, start, len, para) SELECT ?1 + k, lang, ord, start, len, "
                   f"para FROM {spans}{'' if in_order else ' ORDER BY k, lang, ord'}")


# A staged pair's matching key, made where the reader left it out (``prepare``'s ``unkeyed``): on a
# connection that has the function (``add_key_function``).
KEY_SQL = "IFNULL(fa_norm, workbench_normalize(fa))"


def add_key_function(conn: sqlite3.Connection) -> None:
    """``normalize`` as the SQL function ``KEY_SQL`` calls. (sqlite3 turns an exception raised in
    it into the statement's failure, "user-defined function raised exception", a Ctrl-C's
    KeyboardInterrupt too: an import notes its interrupts apart, ``ProcessFeed.batch``.)"""
    conn.create_function("workbench_normalize", 1, normalize, deterministic=True)


# The spans of the pairs of one sentence a side, from their staged rows.
SIMPLE_SPANS = ("SELECT k, 'fa' AS lang, 0 AS ord, 0 AS start, fa_len AS len, fa_para AS para FROM {pairs} "
                "WHERE simple UNION ALL SELECT k, 'en', 0, 0, en_len, en_para FROM {pairs} WHERE simple AND n_en")


def add_simple_spans(conn: sqlite3.Connection, schema: str) -> None:
    """Complete a chunk file's spans (``Staged.complete``): the writer then reads them in key order
    as they lie, with no sorting."""
    conn.execute(f"INSERT INTO {schema}.stage_spans {SIMPLE_SPANS.format(pairs=f'{schema}.stage_pairs')}")


def clear_stage(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM temp.stage_pairs")
    conn.execute("DELETE FROM temp.stage_spans")


def next_id(conn: sqlite3.Connection, table: str) -> int:
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
    top = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
    return max(int(seq[0]) if seq else 0, int(top)) + 1


def _distinct(keys: array[int]) -> int:
    """How many different values ``keys`` holds; sorts it in place (no copy: 8 bytes a key)."""
    import numpy as np

    if not keys:
        return 0
    values = np.frombuffer(keys, dtype=np.int64)
    values.sort()
    return int(np.count_nonzero(values[1:] != values[:-1])) + 1


class DistinctKeys:
    """Counts distinct 64-bit keys (hashes of pairs' texts) in bounded memory: 8 bytes a key up to
    ``LIMIT`` keys; past that, spread by their top bits over ``BUCKETS`` files in a temporary
    folder, each bucket counted on its own at the end (equal keys share a bucket)."""

    LIMIT = 1_000_000
    BUCKETS = 64
    # Up to this many keys a set counts them (5 ms for 100k): importing numpy takes longer, at the
    # end of an import's reading, when the importer may be waiting for the count.
    SMALL = 200_000

    def __init__(self, under: str | None = None) -> None:
        self.keys = array("q")
        self.under = under  # where the bucket files' folder goes (None: the temporary folder)
        self.folder: tempfile.TemporaryDirectory[str] | None = None

    def add(self, keys: list[int]) -> None:
        self.keys.extend(keys)
        if len(self.keys) >= self.LIMIT:
            self._spill()

    def _spill(self) -> None:
        """Sort the keys in place and append each bucket's range of values to its file."""
        import numpy as np

        if self.folder is None:
            self.folder = tempfile.TemporaryDirectory(prefix="workbench-import-", dir=self.under)
        values = np.frombuffer(self.keys, dtype=np.int64)
        values.sort()
        width = 2**64 // self.BUCKETS
        inner = np.array([-(2**63) + i * width for i in range(1, self.BUCKETS)], dtype=np.int64)
        edges = [0, *np.searchsorted(values, inner).tolist(), len(values)]
        for b in range(self.BUCKETS):
            if edges[b + 1] > edges[b]:
                with open(os.path.join(self.folder.name, str(b)), "ab") as f:
                    values[edges[b]:edges[b + 1]].tofile(f)
        del values
        self.keys = array("q")

    def count(self) -> int:
        if self.folder is None:
            if len(self.keys) <= self.SMALL:
                return len(set(self.keys))
            return _distinct(self.keys)
        self._spill()
        return sum(_distinct(array("q", (Path(self.folder.name) / name).read_bytes()))
                   for name in os.listdir(self.folder.name))

    def close(self) -> None:
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None
