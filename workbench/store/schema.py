"""The one schema of a workspace, as one migration history (sqlite-utils Migrations). Add a new
migration function at the end to change the schema; never edit an applied one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.store import counts
from workbench.store.migration_history import MigrationHistory

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "workbench"
migrations = MigrationHistory(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('text', 'corpus')),
            source TEXT,
            created_at TEXT NOT NULL
        );
        -- A pair is one bead of the alignment. Its fa/en columns hold the joined text of its
        -- sentences (kept in step by the store) so lists, search and export need no joins.
        CREATE TABLE pairs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            position REAL NOT NULL,
            fa TEXT NOT NULL DEFAULT '',
            fa_norm TEXT NOT NULL DEFAULT '',
            en TEXT NOT NULL DEFAULT '',
            n_fa INTEGER NOT NULL DEFAULT 0,
            n_en INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'review', 'approved', 'rejected')),
            version INTEGER NOT NULL DEFAULT 1,
            confidence REAL,
            draft_id INTEGER,
            draft TEXT,
            chrf REAL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX pairs_doc_position ON pairs(doc_id, position);
        CREATE INDEX pairs_status ON pairs(status);
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('fa', 'en')),
            ord INTEGER NOT NULL,
            text TEXT NOT NULL,
            norm TEXT NOT NULL,
            para INTEGER
        );
        CREATE INDEX sentences_pair ON sentences(pair_id, lang, ord);
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            text TEXT NOT NULL,
            engine TEXT NOT NULL,
            model TEXT NOT NULL,
            model_version TEXT NOT NULL DEFAULT '',
            params TEXT NOT NULL DEFAULT '{}',
            qa TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        CREATE INDEX drafts_pair ON drafts(pair_id);
        -- Every change to pairs: before/after are JSON snapshots of the touched pairs
        -- (row, sentences, drafts), so undo, redo and replay are one restore operation.
        CREATE TABLE history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER,
            action TEXT NOT NULL,
            who TEXT NOT NULL,
            at TEXT NOT NULL,
            pair_ids TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            undoes INTEGER,
            undone INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX history_who ON history(who, undone, id);
        """
    )
    db.table("pairs").enable_fts(
        ["fa_norm", "en", "draft"],
        fts_version="FTS5",
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations()
def m002_status_index(db: Database) -> None:
    # Per-status counts and filtered pages of a document without scanning it.
    db.execute("CREATE INDEX pairs_doc_status_position ON pairs(doc_id, status, position)")


@migrations()
def m003_align_lexicon(db: Database) -> None:
    # Expected counts c(fa, en) of the aligner's IBM-1 lexicon, grown by every alignment.
    db.execute(
        "CREATE TABLE lexicon (fa TEXT NOT NULL, en TEXT NOT NULL, count REAL NOT NULL, "
        "PRIMARY KEY (fa, en)) WITHOUT ROWID"
    )


@migrations()
def m004_search_index_follows_text_only(db: Database) -> None:
    # The catch-all update trigger rewrote a pair's search entry on every version bump, status
    # change or position shift; only the indexed text needs it.
    db.executescript(
        """
        DROP TRIGGER IF EXISTS pairs_au;
        """ + _fts_update_trigger(("fa_norm", "en", "draft"))
    )


@migrations()
def m005_pair_notes(db: Database) -> None:
    # An editor's note on a pair and a short flag ("ask the client"); searchable with the text.
    db.execute("ALTER TABLE pairs ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE pairs ADD COLUMN flag TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX pairs_noted ON pairs(doc_id, position) WHERE note != '' OR flag != ''")
    db.executescript(
        """
        DROP TRIGGER IF EXISTS pairs_ai;
        DROP TRIGGER IF EXISTS pairs_ad;
        DROP TRIGGER IF EXISTS pairs_au;
        DROP TABLE IF EXISTS pairs_fts;
        CREATE VIRTUAL TABLE pairs_fts USING FTS5 (
            fa_norm, en, draft, note,
            tokenize='unicode61 remove_diacritics 2',
            content='pairs'
        );
        INSERT INTO pairs_fts (pairs_fts) VALUES ('rebuild');
        CREATE TRIGGER pairs_ai AFTER INSERT ON pairs BEGIN
          INSERT INTO pairs_fts (rowid, fa_norm, en, draft, note)
          VALUES (new.rowid, new.fa_norm, new.en, new.draft, new.note);
        END;
        CREATE TRIGGER pairs_ad AFTER DELETE ON pairs BEGIN
          INSERT INTO pairs_fts (pairs_fts, rowid, fa_norm, en, draft, note)
          VALUES ('delete', old.rowid, old.fa_norm, old.en, old.draft, old.note);
        END;
        """ + _fts_update_trigger(("fa_norm", "en", "draft", "note"))
    )


@migrations()
def m006_documents_importing(db: Database) -> None:
    # A document being imported in chunks: who imports it ("host pid"), NULL once it is whole.
    # Lists, exports, search and drafting leave such documents out; `check` removes the ones
    # whose importer died.
    db.execute("ALTER TABLE documents ADD COLUMN importing TEXT")



@migrations()
def m007_glossary_and_qa(db: Database) -> None:
    # The glossary (a term per normalized Persian key; English alternatives and forbidden
    # variants as JSON lists) and its own history: glossary changes never join the pairs' undo
    # stack, and the newest history id is the glossary's revision.
    # qa_state caches each pair's QA findings, valid while the pair's version, current draft and
    # the glossary revision (with the checks' version) are those it was computed for.
    # qa_ignored: findings an editor marked as false positives, for the pair's text of that time.
    db.executescript(
        """
        CREATE TABLE glossary (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            fa TEXT NOT NULL,
            fa_key TEXT NOT NULL UNIQUE,
            en TEXT NOT NULL DEFAULT '[]',
            forbidden TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE glossary_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            who TEXT NOT NULL,
            at TEXT NOT NULL,
            before TEXT,
            after TEXT
        );
        CREATE TABLE qa_state (
            pair_id INTEGER PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            draft_id INTEGER,
            rev TEXT NOT NULL,
            findings TEXT NOT NULL,
            shown INTEGER NOT NULL
        );
        CREATE TABLE qa_ignored (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            check_name TEXT NOT NULL,
            message TEXT NOT NULL,
            fa TEXT NOT NULL,
            en TEXT NOT NULL,
            who TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX qa_ignored_pair ON qa_ignored(pair_id);
        -- Consistency: approved pairs by their Persian key and by their English, case aside.
        CREATE INDEX pairs_approved_fa ON pairs(fa_norm) WHERE status = 'approved';
        CREATE INDEX pairs_approved_en ON pairs(lower(en)) WHERE status = 'approved';
        """
    )


@migrations()
def m008_dropped_edits(db: Database) -> None:
    # Edits an editor dropped (escape in the review app, or the app closed on them), per user:
    # kept until saved, so one dropped by mistake comes back after another drop, a restart or
    # the end of a served session. No foreign key: a pair merged away must not take the text
    # with it. `version`/`base`: the pair as the edit started, so saving it later checks it.
    db.executescript(
        """
        CREATE TABLE dropped_edits (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            who TEXT NOT NULL,
            pair_id INTEGER NOT NULL,
            lang TEXT NOT NULL CHECK (lang IN ('fa', 'en')),
            version INTEGER NOT NULL,
            base TEXT NOT NULL,
            typed TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX dropped_edits_who ON dropped_edits(who, id);
        """
    )


@migrations()
def m009_sole_writer(db: Database) -> None:
    # Who created the workspace, while nobody else has written to it: one row naming the process
    # that created the schema ("host pid start"). Every other process's first write transaction
    # deletes it (Workspace.write), whatever table it writes. A failed first import deletes the
    # file only if the row still names it: decided from the file, not from a list of tables.
    db.execute("CREATE TABLE sole_writer (process TEXT NOT NULL)")


@migrations()
def m010_user_words(db: Database) -> None:
    # The workspace's user dictionary: words the spelling check accepts (`workbench qa words`, the
    # QA screen's "add to dictionary"). The log's newest id is part of QA's cache revision: every
    # added or removed word makes cached spelling findings stale (ids only grow).
    db.executescript(
        """
        CREATE TABLE user_words (word TEXT PRIMARY KEY, who TEXT NOT NULL, at TEXT NOT NULL);
        CREATE TABLE user_words_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            word TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('add', 'remove')),
            who TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """
    )


@migrations()
def m011_users(db: Database) -> None:
    # Who may sign in to `workbench serve` (`workbench users add`): a name and a salted scrypt
    # hash ("scrypt$n$r$p$salt$hash", hex; store/users.py), never the password. `who`: the
    # account that added the user.
    db.execute(
        "CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT NOT NULL, created TEXT NOT NULL, who TEXT NOT NULL)"
    )


@migrations()
def m012_xliff(db: Database) -> None:
    # A document imported from XLIFF (docs/xliff.md): the file as it came (decompressed), written
    # back on export with the edits; and each pair's segment: its place in the file, ids, the
    # file's state, the pair as imported (what export compares with to know what the editor
    # changed) and the markup of its protected tokens (JSON: {"fa": {"1": "<x …/>"}, "en": {…}}).
    db.executescript(
        """
        CREATE TABLE xliff_files (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('fa-en', 'en-fa')),
            original BLOB NOT NULL
        );
        CREATE TABLE xliff_segments (
            pair_id INTEGER PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            unit_id TEXT NOT NULL,
            segment_id TEXT NOT NULL,
            state TEXT NOT NULL,
            fa TEXT NOT NULL,
            en TEXT NOT NULL,
            status TEXT NOT NULL,
            note TEXT NOT NULL,
            codes TEXT NOT NULL
        );
        CREATE INDEX xliff_segments_doc ON xliff_segments(doc_id, ord);
        """
    )


@migrations()
def m013_qa_profile(db: Database) -> None:
    # The workspace's QA profile (which checks run, severities, thresholds, custom rules, the
    # ignore list) as JSON, one row per change: the newest row is the profile, older rows its
    # history. The newest id is part of QA's cache revision (ids only grow). And what the last
    # QA report listed, for the next one's "fixed".
    db.executescript(
        """
        CREATE TABLE qa_profile_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            profile TEXT NOT NULL,
            action TEXT NOT NULL,
            who TEXT NOT NULL,
            at TEXT NOT NULL
        );
        -- The findings the last QA report listed (`workbench qa --report`), as it listed them: the
        -- next report lists those no longer found as fixed. No foreign key: a pair merged away
        -- took its findings with it, which is a fix the report must still tell.
        CREATE TABLE qa_reported (
            pair_id INTEGER NOT NULL,
            check_name TEXT NOT NULL,
            message TEXT NOT NULL,
            doc TEXT NOT NULL,
            pair INTEGER NOT NULL,
            severity TEXT NOT NULL,
            fa TEXT NOT NULL,
            en TEXT NOT NULL,
            first_at TEXT NOT NULL,
            PRIMARY KEY (pair_id, check_name, message)
        );
        -- Why an editor marked a finding as a false positive (the report's reason column).
        ALTER TABLE qa_ignored ADD COLUMN reason TEXT NOT NULL DEFAULT '';
        """
    )


@migrations()
def m014_sentences_as_spans(db: Database) -> None:
    # Each text stored once (issue 23): a sentence was a row repeating its pair's text (and its
    # normalized key); it is now a span of the pair's fa/en (joined by one space: start and
    # length in characters), and the `sentences` view reads the text back. A WITHOUT ROWID table
    # keyed by (pair_id, lang, ord) is its own index. `pairs_status` goes: no query plan uses it
    # (per-document counts and pages use pairs_doc_status_position; consistency, the partial
    # indexes of approved pairs).
    db.executescript(
        """
        CREATE TABLE spans (
            pair_id INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('fa', 'en')),
            ord INTEGER NOT NULL,
            start INTEGER NOT NULL,
            len INTEGER NOT NULL,
            para INTEGER,
            PRIMARY KEY (pair_id, lang, ord)
        ) WITHOUT ROWID;
        INSERT INTO spans (pair_id, lang, ord, start, len, para)
        SELECT pair_id, lang, ROW_NUMBER() OVER side - 1,
               SUM(length(text) + 1) OVER (side ROWS UNBOUNDED PRECEDING) - length(text) - 1,
               length(text), para
        FROM sentences WINDOW side AS (PARTITION BY pair_id, lang ORDER BY ord, id)
        ORDER BY pair_id, lang, ord, id;
        DROP TABLE sentences;
        DROP INDEX IF EXISTS pairs_status;
        CREATE VIEW sentences (pair_id, lang, ord, text, para) AS
        SELECT s.pair_id, s.lang, s.ord,
               substr(CASE s.lang WHEN 'fa' THEN p.fa ELSE p.en END, s.start + 1, s.len), s.para
        FROM spans s JOIN pairs p ON p.id = s.pair_id;
        """
    )


@migrations()
def m015_pair_counts(db: Database) -> None:
    # Pairs per document and status kept by triggers (store/counts.py), not counted by a scan.
    db.executescript(counts.SCHEMA)
    counts.recount(db.conn)


def _fts_update_trigger(columns: tuple[str, ...]) -> str:
    """The search index's update trigger: it fires only when an indexed column changes."""
    names = ", ".join(columns)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    new = ", ".join(f"new.{c}" for c in columns)
    return (f"CREATE TRIGGER pairs_au AFTER UPDATE OF {names} ON pairs WHEN {changed} BEGIN "
            f"INSERT INTO pairs_fts (pairs_fts, rowid, {names}) VALUES ('delete', old.rowid, {old}); "
            f"INSERT INTO pairs_fts (rowid, {names}) VALUES (new.rowid, {new}); END;")
