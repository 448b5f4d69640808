"""Sentences as spans of their pair's text: the one copy of a text is the pair's ``fa``/``en``
(what lists, search and export read); a sentence is where it lies in it. A side's text is its
sentences joined by one space (``join_sentences``), so a span is a start and a length in
characters; the ``sentences`` view reads them back as text (``substr``), and every writer of a
side writes its spans here, computed from the same sentences it joins (``write_side`` in
change.py, history's restore, staging)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

# One side's sentences: (text, paragraph in the source, or None).
Side = Sequence[tuple[str, int | None]]

INSERT_SPANS = "INSERT INTO spans (pair_id, lang, ord, start, len, para) VALUES (?, ?, ?, ?, ?, ?)"


def span_rows(pair_id: int, lang: str, side: Side) -> list[tuple[int, str, int, int, int, int | None]]:
    """The spans of ``side``'s sentences in their joined text (one space between sentences)."""
    rows, start = [], 0
    for ord_, (text, para) in enumerate(side):
        rows.append((pair_id, lang, ord_, start, len(text), para))
        start += len(text) + 1
    return rows


def write_spans(conn: sqlite3.Connection, pair_id: int, lang: str, side: Side) -> None:
    """Replace one side's spans of a pair (its joined text is the caller's to write)."""
    conn.execute("DELETE FROM spans WHERE pair_id = ? AND lang = ?", [pair_id, lang])
    conn.executemany(INSERT_SPANS, span_rows(pair_id, lang, side))


def sides_of(sentences: Iterable[tuple[str, int, str, int | None]]) -> dict[str, list[tuple[str, int | None]]]:
    """(lang, ord, text, para) rows, as history keeps them, into each side's sentences in order."""
    sides: dict[str, list[tuple[int, str, int | None]]] = {"fa": [], "en": []}
    for lang, ord_, text, para in sentences:
        sides[lang].append((ord_, text, para))
    return {lang: [(text, para) for _, text, para in sorted(rows)] for lang, rows in sides.items()}


# Pairs whose spans do not cover their text exactly: a count other than n_fa/n_en, a span not
# where the one before it ends (plus the space), or a last one not at the text's end.
MISFIT_PAIRS = """
SELECT COUNT(*) FROM pairs p WHERE
  p.n_fa IS NOT (SELECT COUNT(*) FROM spans WHERE pair_id = p.id AND lang = 'fa')
  OR p.n_en IS NOT (SELECT COUNT(*) FROM spans WHERE pair_id = p.id AND lang = 'en')
  OR length(p.fa) IS NOT COALESCE((SELECT SUM(len) + COUNT(*) - 1 FROM spans WHERE pair_id = p.id AND lang = 'fa'), 0)
  OR length(p.en) IS NOT COALESCE((SELECT SUM(len) + COUNT(*) - 1 FROM spans WHERE pair_id = p.id AND lang = 'en'), 0)
  OR EXISTS (SELECT 1 FROM spans s WHERE s.pair_id = p.id AND s.start IS NOT COALESCE(
      (SELECT t.start + t.len + 1 FROM spans t WHERE t.pair_id = s.pair_id AND t.lang = s.lang
       AND t.ord = s.ord - 1), 0))
"""


__all__ = ["INSERT_SPANS", "MISFIT_PAIRS", "Side", "sides_of", "span_rows", "write_spans"]
