"""The export's fast paths (issue 23) write what the plain way wrote: JSONL lines encoded once
and checked for what needs escaping, TMX's per-document parts made once, QA flags read from the
cache row joined into the export's query."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from workbench.formats import ExportRecord, write_jsonl, write_tmx
from workbench.formats.text import encodable, escape_bidi, xml_safe
from workbench.qa import Finding
from workbench.qa.cache import mark_false_positive
from workbench.store import NewPair, Workspace

ODD = ["plain", "a\x00b", "\ud800x", "rtl \u202eoverride", "back\\u0000slash", "{braces} and {0}",
       'quote " and \' both', " lead", "tail ", "\x01ctl", "& <tag>", "سلام\u200cدنیا", "\u2066iso"]


def _records() -> list[ExportRecord]:
    out = []
    for i, text in enumerate(ODD, 1):
        out.append(ExportRecord(doc=text, pair=i, fa=f"فا {text}", en=text, draft=text if i % 2 else None,
                                status=["approved", "review", "new"][i % 3], engine=text if i % 3 else None,
                                model=None, qa=[text] if i % 2 else [], updated_at="2026-01-01",
                                note=text if i % 4 else None, flag=text if i % 5 else None))
        out.append(ExportRecord(doc=text, pair=i + 100, fa="یک", en="one", draft=None, status="approved",
                                engine=None, model=None, qa=[], updated_at="2026-01-01"))
    return out


def test_jsonl_lines_are_as_encoding_every_field_made_them(tmp_path: Path) -> None:
    write_jsonl(_records(), tmp_path / "a.jsonl")
    expected = []
    for r in _records():  # the writer before the fast path: every text made encodable, bidi escaped
        row = {k: encodable(v) if isinstance(v, str) else v for k, v in vars(r).items()}
        row["qa"] = [encodable(q) for q in r.qa]
        expected.append(escape_bidi(json.dumps(row, ensure_ascii=False), "\\u{:04x}") + "\n")
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == "".join(expected)


def test_tmx_tuid_and_props_made_once_a_document_are_as_made_for_each_pair(tmp_path: Path) -> None:
    write_tmx(_records(), tmp_path / "a.tmx")
    written = (tmp_path / "a.tmx").read_text(encoding="utf-8")
    for r in _records():  # the attribute and props as the writer made them for each pair before
        tuid = escape_bidi(quoteattr(xml_safe(f"{r.doc}:{r.pair}")), "&#x{:04X};")
        doc = escape_bidi(xml_safe(r.doc).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
                          "&#x{:04X};")
        assert (f'  <tu tuid={tuid}>\n    <prop type="x-doc">{doc}</prop>\n    <prop type="x-pair">{r.pair}</prop>\n'
                f'    <prop type="x-status">{r.status}</prop>\n') in written


def test_jsonl_qa_from_the_cache_row_keeps_false_positives_hidden_and_stale_rows_checked(
        ws: Workspace, tmp_path: Path) -> None:
    from workbench.export import export

    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=["قیمت ۸۰ دلار است."], en=["The price is 90 dollars."]),
                             NewPair(fa=["قیمت ۷۰ دلار است."], en=["The price is 60 dollars."]),
                             NewPair(fa=["او رفت."], en=["He left."])])
    first, second, _ = [p.id for p in ws.pairs()]

    def flags() -> list[list[str]]:
        export(ws, "jsonl", tmp_path / "out.jsonl", status="all")
        return [r["qa"] for r in map(json.loads, (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines())]

    assert flags() == [["number"], ["number"], []]  # computed, then cached
    assert flags() == [["number"], ["number"], []]  # read from the cache
    mark_false_positive(ws, first, Finding("number", ws.conn.execute(
        "SELECT json_extract(findings, '$[0][1]') FROM qa_state WHERE pair_id = ?", [first]).fetchone()[0]))
    assert flags() == [[], ["number"], []]  # a mark hides the cached finding
    ws.edits.set_english(second, "The price is 70 dollars.")
    assert flags() == [[], [], []]  # the cache row of the old text is not read


# Texts SQLite writes as the Python writer does (escaped, stripped, quoted) and texts only the Python
# writer can write (bidi controls, characters XML forbids, NUL, a bare CR): both kinds, in one block
# and in blocks of their own.
PLAIN = ["plain", "& <tag> a > b", 'quote " and \' both', " \u3000lead and tail\xa0 ", "سلام\u200cدنیا…",
         "“curly” ’", "\t tab edge \n", "\x1c edge control is space\x1f", "€ 5", "{braces} and {0}", "back\\slash"]
SQL_ODD = ["rtl \u202eoverride", "\x01ctl", "a\x00b", "bare\rCR", "\ufffe non", "\u2066iso\u2069", "back\\u0000slash",
           "vt\x0binside"]


def _hostile_workspace(ws: Workspace) -> None:
    texts = PLAIN * 50 + SQL_ODD + PLAIN * 60  # 1,218 pairs: blocks of 500 with and without odd texts
    for name in ('doc "one" & \'two\'', "<second>", "rtl \u202ename"):
        doc = ws.add_document(name)
        ws.insert_pairs(doc.id, [NewPair(fa=[f"فا {t} ۸۰"], en=[t if i % 9 else f"{t} 90 Dollars"])
                                 for i, t in enumerate(texts)])
    pairs = list(ws.pairs())
    with ws.write() as conn:
        for i, p in enumerate(pairs):
            status = ["draft", "review", "approved", "rejected"][i % 4]
            en = "  \u3000 " if i % 23 == 0 else p.en  # approved without English: never exported
            conn.execute("UPDATE pairs SET status = ?, en = ?, note = ?, flag = ? WHERE id = ?",
                         [status, en, PLAIN[i % 11] if i % 5 == 0 else "", SQL_ODD[i % 8] if i % 97 == 0 else
                          ("ask" if i % 7 == 0 else ""), p.id])
        # A pair's place: its position where the positions are 1, 2, … (or k, k+1, …), else counted.
        first, second, third = (d.id for d in ws.documents())
        conn.execute("UPDATE pairs SET position = position + 4 WHERE doc_id = ?", [first])
        conn.execute("UPDATE pairs SET position = position * 1.5 WHERE doc_id = ?", [second])
        conn.execute("DELETE FROM pairs WHERE doc_id = ? AND position = 600", [third])
        pairs = list(ws.pairs())
    for i, p in enumerate(pairs[::13]):
        ws.add_draft(p.id, source=p.fa, text=(PLAIN + SQL_ODD)[i % 19], engine=PLAIN[i % 11], model=f"m{i % 3}")


def test_sql_made_tmx_and_jsonl_are_the_python_writers_byte_for_byte(ws: Workspace, tmp_path: Path) -> None:
    import re

    from workbench.export import export, records, rendered
    from workbench.formats import CARRY_QA, WRITERS
    from workbench.formats.file_records import Rendered

    _hostile_workspace(ws)
    export(ws, "jsonl", tmp_path / "warm.jsonl", status="all")  # the QA cache filled, then a mark hides a finding
    pair_id, check, message = ws.conn.execute("SELECT pair_id, json_extract(findings, '$[0][0]'), json_extract("
                                              "findings, '$[0][1]') FROM qa_state WHERE findings != '[]'").fetchone()
    mark_false_positive(ws, pair_id, Finding(check, message))
    ws.edits.set_english(list(ws.pairs())[5].id, "stale 1 2 3")  # its cache row is out of date
    stamp = re.compile(rb'creationdate="[0-9TZ]+"')
    for fmt in ("tmx", "jsonl"):
        for status, doc in (("all", None), ("approved", None), (["new", "review"], None), ("all", "<second>"),
                            ("rejected", "rtl \u202ename")):
            made, python = tmp_path / f"made.{fmt}", tmp_path / f"python.{fmt}"
            count, _ = export(ws, fmt, made, status=status, doc=doc)
            assert WRITERS[fmt](records(ws, status=status, doc=doc, qa=fmt in CARRY_QA), python) == count > 0
            assert stamp.sub(b"", made.read_bytes()) == stamp.sub(b"", python.read_bytes()), (fmt, status, doc)
    # Pairs under review, each its own: no consistency finding sends them the Python way, and
    # their flags of several checks come from the query, in the profile's order.
    review = ws.add_document("review")
    ws.insert_pairs(review.id, [NewPair(fa=[f"قیمت {i} و {i + 1} دلار است"], en=[f"the price is {i + 7} dollars  {i}"])
                                for i in range(600)])
    export(ws, "jsonl", tmp_path / "made.jsonl", status="all", doc="review")
    WRITERS["jsonl"](records(ws, status="all", doc="review"), tmp_path / "python.jsonl")
    made = (tmp_path / "made.jsonl").read_text(encoding="utf-8")
    assert made == (tmp_path / "python.jsonl").read_text(encoding="utf-8")
    assert sum(len(json.loads(line)["qa"]) > 1 for line in made.splitlines()) > 500
    for fmt in ("tmx", "jsonl"):  # and made by the query, whole blocks of them (nothing fell back to Python)
        items = list(rendered(ws, fmt, status="all", doc="review"))
        assert [type(i) for i in items] == [Rendered, Rendered] and sum(i.pairs for i in items) == 600


def test_xml_escaping_is_saxutils() -> None:
    from xml.sax.saxutils import escape as sax_escape, quoteattr as sax_quoteattr

    from workbench.formats.text import escape, quoteattr

    for text in [*ODD, *PLAIN, *SQL_ODD, "a\"b", "a'b", "a\"b'c", "\"'&<>\n\r\t", "", "&amp;"]:
        assert escape(text) == sax_escape(text) and quoteattr(text) == sax_quoteattr(text), text
