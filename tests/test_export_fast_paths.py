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
