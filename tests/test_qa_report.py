"""`workbench qa --report FILE.xlsx|FILE.html`: a report to hand to translators, one row per
finding, on part of TICO-19 with some crafted pairs; read back as a user's spreadsheet or browser
would see it."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from tests.conftest import run_workbench
from workbench.qa import Finding
from workbench.qa.cache import mark_false_positive
from workbench.store import Workspace

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HEADER = ["document", "pair", "check", "severity", "Persian", "English", "message", "status", "reason"]
# Texts a spreadsheet would run as formulas if written as they are, and markup for the HTML.
CRAFTED = [
    ("قیمت نفت به ۸۰ دلار رسید.", "=HYPERLINK(\"http://evil.example\",\"90\") dollars."),
    ("-۸۰ + ۳", "+90 - 3 and a <b>bold</b> & co"),
    ("@۸۰ نفر آمدند.", "@90 people came."),
]


@pytest.fixture(scope="module")
def tico_ws(tico_tmx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench.formats.tmx import read_tmx

    folder = tmp_path_factory.mktemp("report")
    units = [(u.fa, u.en) for u in list(read_tmx(tico_tmx))[:200]]
    tsv = folder / "tico.tsv"
    tsv.write_text("fa\ten\n" + "".join(f"{fa}\t{en}\n" for fa, en in CRAFTED + units
                                        if "\t" not in fa + en and "\n" not in fa + en), encoding="utf-8")
    wsf = folder / "ws.sqlite"
    done = run_workbench("import", tsv, "--ws", wsf, cwd=folder)
    assert done.returncode == 0, done.stderr
    with Workspace(wsf) as ws:  # one finding marked as a false positive in the review app
        pair = next(p for p in ws.pairs() if p.fa == CRAFTED[2][0])
        fp = next(r for r in qa_json(wsf) if r["fa"] == CRAFTED[2][0])
        mark_false_positive(ws, pair.id, Finding(fp["check"], fp["message"]), who="ana")
    return wsf


def qa_json(wsf: Path) -> list[dict]:
    done = run_workbench("qa", "--json", "--ws", wsf, cwd=wsf.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def xlsx_rows(path: Path) -> tuple[list[list[str]], str]:
    """The first sheet's cells as text (shared strings resolved) and the sheet's XML."""
    with zipfile.ZipFile(path) as z:
        shared = [("".join(si.itertext())) for si in
                  etree.fromstring(z.read("xl/sharedStrings.xml")).findall("x:si", NS)]
        sheet_xml = z.read("xl/worksheets/sheet1.xml")
    rows = []
    for row in etree.fromstring(sheet_xml).iterfind(".//x:row", NS):
        cells = []
        for c in row.iterfind("x:c", NS):
            v = c.findtext("x:v", default="", namespaces=NS)
            cells.append(shared[int(v)] if c.get("t") == "s" else v)
        rows.append(cells)
    return rows, sheet_xml.decode("utf-8")


def test_json_findings_carry_severity_and_both_texts(tico_ws: Path) -> None:
    records = qa_json(tico_ws)
    assert records and all(set(r) == {"doc", "pair", "check", "message", "severity", "fa", "en"} for r in records)
    assert {r["severity"] for r in records} <= {"error", "warning", "info"}
    first = next(r for r in records if r["pair"] == 1 and r["check"] == "number")
    assert (first["fa"], first["en"], first["severity"]) == (CRAFTED[0][0], CRAFTED[0][1], "error")


def test_xlsx_report_has_one_row_per_finding_and_only_string_cells(tico_ws: Path) -> None:
    records = qa_json(tico_ws)  # the open findings
    out = tico_ws.parent / "qa.xlsx"
    done = run_workbench("qa", "--report", out, "--ws", tico_ws, cwd=tico_ws.parent)
    assert done.returncode == 0, done.stderr
    assert f"wrote {len(records) + 1} findings" in done.stderr  # all open ones, and the one marked
    rows, sheet_xml = xlsx_rows(out)
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(records) + 1
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    by_text = {(r[4], r[5]): r for r in rows[1:]}
    for fa, en in CRAFTED:  # =, + and @ starts stay text, as typed
        row = by_text[fa, en]
        assert row[0] == "tico" and row[3] in ("error", "warning", "info")
    marked = by_text[CRAFTED[2]]
    assert marked[7] == "false positive" and "by ana" in marked[8]
    opened = [r for r in rows[1:] if r[7] == "open"]
    assert len(opened) == len(records)
    assert {(r[0], int(r[1]), r[2], r[6]) for r in opened} == {
        (r["doc"], r["pair"], r["check"], r["message"]) for r in records}
    # Every text cell is a string cell, never a number, formula or inline value of another type.
    for c in etree.fromstring(sheet_xml.encode()).iterfind(".//x:c", NS):
        assert c.get("t") == "s" or re.fullmatch(r"B\d+", c.get("r")), c.get("r")


def test_html_report_reads_persian_right_to_left_and_escapes_text(tico_ws: Path) -> None:
    out = tico_ws.parent / "qa.html"
    done = run_workbench("qa", "--report", out, "--ws", tico_ws, cwd=tico_ws.parent)
    assert done.returncode == 0, done.stderr
    raw = out.read_text(encoding="utf-8")
    assert "+90 - 3 and a &lt;b&gt;bold&lt;/b&gt; &amp; co" in raw and "<b>bold" not in raw
    page = html.fromstring(raw)
    body_rows = page.findall(".//tbody/tr")
    assert len(body_rows) == len(qa_json(tico_ws)) + 1  # the open ones and the one marked
    fa_cells = page.find_class("fa")
    assert len(fa_cells) == len(body_rows) and all(td.get("dir") == "rtl" for td in fa_cells)
    assert all(td.get("dir") == "ltr" for td in page.find_class("en"))
    assert [th.text for th in page.findall(".//thead//th")] == HEADER
    second = next(tr for tr in body_rows if tr.find_class("fa")[0].text_content() == CRAFTED[1][0])
    assert second.find_class("en")[0].text_content() == CRAFTED[1][1]


def test_a_report_of_another_kind_is_refused_in_one_line(tico_ws: Path) -> None:
    out = tico_ws.parent / "qa.pdf"
    done = run_workbench("qa", "--report", out, "--ws", tico_ws, cwd=tico_ws.parent)
    assert done.returncode == 1 and not out.exists()
    assert done.stderr.startswith("workbench: error:") and ".xlsx or .html" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_finding_gone_since_the_last_report_is_reported_fixed_once(tmp_path: Path) -> None:
    tsv = tmp_path / "t.tsv"
    tsv.write_text("سلام دنیا\tHello  world\nقیمت ۸۰ دلار است\tThe price is 90 dollars\n", encoding="utf-8")
    wsf = tmp_path / "w.sqlite"
    assert run_workbench("import", tsv, "--ws", wsf, cwd=tmp_path).returncode == 0

    def report() -> list[tuple[str, str, str]]:
        out = tmp_path / "qa.html"
        done = run_workbench("qa", "--report", out, "--ws", wsf, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        rows = html.fromstring(out.read_text(encoding="utf-8")).findall(".//tbody/tr")
        return [(tr.find_class("check")[0].text_content(), tr.find_class("status")[0].text_content(),
                 tr.find_class("reason")[0].text_content()) for tr in rows]

    assert sorted((c, s) for c, s, _ in report()) == [("number", "open"), ("spaces", "open")]
    with Workspace(wsf) as ws:  # the number fixed
        pair = next(p for p in ws.pairs() if "۸۰" in p.fa)
        ws.edits.set_english(pair.id, "The price is 80 dollars")
    (tmp_path / "folder.html").mkdir()  # a report that fails after the checks: it records nothing
    bad = run_workbench("qa", "--report", tmp_path / "folder.html", "--ws", wsf, cwd=tmp_path)
    assert bad.returncode == 1 and "is a folder" in bad.stderr
    second = report()
    assert sorted((c, s) for c, s, _ in second) == [("number", "fixed"), ("spaces", "open")]
    assert "no longer found" in next(r for c, s, r in second if s == "fixed")
    assert [(c, s) for c, s, _ in report()] == [("spaces", "open")]  # told once


def test_a_false_positive_carries_its_reason_into_the_report(tmp_path: Path) -> None:
    tsv = tmp_path / "t.tsv"
    tsv.write_text("سلام دنیا\tHello  world\n", encoding="utf-8")
    wsf = tmp_path / "w.sqlite"
    assert run_workbench("import", tsv, "--ws", wsf, cwd=tmp_path).returncode == 0
    [found] = qa_json(wsf)
    with Workspace(wsf) as ws:
        pair = next(iter(ws.pairs()))
        mark_false_positive(ws, pair.id, Finding(found["check"], found["message"]), who="ana",
                            reason="the poem's own spacing")
    out = tmp_path / "qa.html"
    assert run_workbench("qa", "--report", out, "--ws", wsf, cwd=tmp_path).returncode == 0
    [row] = html.fromstring(out.read_text(encoding="utf-8")).findall(".//tbody/tr")
    assert row.find_class("status")[0].text_content() == "false positive"
    reason = row.find_class("reason")[0].text_content()
    assert reason.startswith("the poem's own spacing (marked as a false positive by ana on ")
