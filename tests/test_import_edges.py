"""The edges of importing: a failed first import never deletes what another process wrote (any
table), a bounded write lock while a big import runs, oversized lines refused in bounded memory,
units with nothing visible, and one safe way of reading XML (TMX, TBX)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import run_workbench
from tests.synthetic import write_tmx
from tests.test_concurrency_import import pause_corpus_reading
from workbench.store import Workspace


def broken_tmx(path: Path, units: int) -> Path:
    """A TMX malformed at its very end: the import stores chunks of it, then fails."""
    write_tmx(path, units)
    with path.open("a", encoding="utf-8") as f:
        f.write("<tu><tuv")
    return path


# -- 1. a failed first import and what others wrote meanwhile -------------------------------------

@pytest.mark.parametrize("glossary", ["add", "import", "a later table"])
def test_a_failed_first_import_keeps_a_glossary_added_while_it_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   glossary: str) -> None:
    """`import big_broken.tmx --ws new.sqlite`, and while it ran `glossary add` (or `glossary
    import`) into the new file: the import failed at the end and deleted the file, glossary and
    all, because it looked only for documents, lexicon and history. Forced interleaving: the
    import's reading waits, half stored, until the glossary command has finished."""
    from workbench.cli import cli as group

    ws_path = tmp_path / "new.sqlite"
    bad = broken_tmx(tmp_path / "big_broken.tmx", 5000)
    reached, go = pause_corpus_reading(monkeypatch, after=3000)
    outcome: list[object] = []

    def run_import() -> None:
        outcome.append(CliRunner().invoke(group, ["import", str(bad), "--ws", str(ws_path)]))

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert reached.wait(60)
        if glossary == "add":
            done = run_workbench("glossary", "add", "سلام", "hello", "--ws", ws_path, cwd=tmp_path)
            assert done.returncode == 0 and "added" in done.stdout, done.stderr
        elif glossary == "a later table":  # what a future migration adds is covered without naming it
            script = ("import sys\nfrom workbench.store import Workspace\nwith Workspace(sys.argv[1]) as ws, "
                      "ws.write() as conn:\n    conn.execute('CREATE TABLE later (x)')\n"
                      "    conn.execute('INSERT INTO later VALUES (1)')\n")
            subprocess.run([sys.executable, "-c", script, str(ws_path)], check=True, timeout=120)
        else:
            terms = tmp_path / "terms.tsv"
            terms.write_text("fa\ten\n" + "".join(f"سلام {i}\thello {i}\n" for i in range(3000)), encoding="utf-8")
            done = run_workbench("glossary", "import", terms, "--ws", ws_path, cwd=tmp_path)
            assert done.returncode == 0 and "3000 new" in done.stdout, done.stderr
    finally:
        go.set()
        thread.join(120)
    result = outcome[0]
    assert result.exit_code == 1 and "malformed TMX" in result.output, result.output
    assert ws_path.exists()
    with Workspace(ws_path, create=False) as ws:
        assert ws.documents() == []  # the import's own chunks are gone
        terms_kept = ws.conn.execute("SELECT COUNT(*) FROM glossary").fetchone()[0]
        if glossary == "a later table":
            assert ws.conn.execute("SELECT x FROM later").fetchall() == [(1,)]
    assert terms_kept == {"add": 1, "import": 3000, "a later table": 0}[glossary]
    assert run_workbench("check", "--ws", ws_path, cwd=tmp_path).returncode == 0


def test_a_failed_first_import_alone_still_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker that keeps others' work is the creator's own: alone, it still cleans up, also
    after reading the file it created (a reader is not a writer)."""
    ws_path = tmp_path / "new.sqlite"
    bad = broken_tmx(tmp_path / "bad.tmx", 5000)
    reached, go = pause_corpus_reading(monkeypatch, after=3000)
    outcome: list[object] = []
    from workbench.cli import cli as group

    thread = threading.Thread(target=lambda: outcome.append(
        CliRunner().invoke(group, ["import", str(bad), "--ws", str(ws_path)])))
    thread.start()
    try:
        assert reached.wait(60)
        done = run_workbench("status", "--ws", ws_path, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    finally:
        go.set()
        thread.join(120)
    assert outcome[0].exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tmx"]


# -- the write lock while a big import runs --------------------------------------------------------

def test_another_writer_waits_at_most_a_third_of_a_second_while_a_200k_unit_import_runs(tmp_path: Path,
                                                                                       ws_path: Path) -> None:
    """The import commits in short transactions (store.imports: about 0.25 s each, gaps between),
    so an editor's save never waits long. Nothing pinned it: limits of 10**9 (one transaction for
    the whole file) passed every test. The one test that asserts on time: it pins the wait another
    writer sees (0.34 s measured on a 1M-unit import), not the transaction size."""
    import time

    from tests.test_concurrency_import import _start_import, _wait_until_importing, seed

    ids = seed(ws_path)
    big = tmp_path / "big.tmx"
    write_tmx(big, 200_000)
    proc = _start_import(big, ws_path, tmp_path)
    waits: list[float] = []
    try:
        _wait_until_importing(ws_path, proc)
        with Workspace(ws_path) as other:
            while proc.poll() is None:
                started = time.monotonic()
                with other.write() as conn:  # BEGIN IMMEDIATE: waits for the write lock
                    waits.append(time.monotonic() - started)
                    conn.execute("UPDATE pairs SET note = ? WHERE id = ?", [f"save {len(waits)}", ids[0]])
                time.sleep(0.03)  # an editor saving often, at every moment of the import's cycle
    finally:
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert len(waits) > 20, waits
    # A 2-core CI machine running other tests delays a process now and then: 1 wait in 50 may
    # pass the bound, none may pass 1 s (a transaction of the whole file: 10 s, then WorkspaceBusy).
    late = [round(w, 3) for w in waits if w >= 0.35]
    assert len(late) <= len(waits) // 50 and max(waits) < 1.0, (len(waits), sorted(late))


# -- 13. one safe way of reading XML, one wording --------------------------------------------------

def _xml_file(tmp_path: Path, kind: str, fa: str, doctype: str = "", en: str = "vaccine") -> Path:
    root = {"tmx": "tmx", "tbx": "martif"}[kind]
    dt = f'<!DOCTYPE {root} [{doctype}]>' if doctype else ""
    if kind == "tmx":
        body = (f'<tmx version="1.4"><body><tu><tuv xml:lang="fa"><seg>{fa}</seg></tuv>'
                f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu></body></tmx>')
    else:
        body = ('<martif type="TBX" xml:lang="en"><text><body><termEntry id="c1">'
                f'<langSet xml:lang="fa"><tig><term>{fa}</term></tig></langSet>'
                f'<langSet xml:lang="en"><tig><term>{en}</term></tig></langSet></termEntry></body></text></martif>')
    path = tmp_path / f"terms.{kind}"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>{dt}{body}', encoding="utf-8")
    return path


def _import(cli, kind: str, path: Path):
    return cli("import", path) if kind == "tmx" else cli("glossary", "import", path)


@pytest.mark.parametrize("kind", ["tmx", "tbx"])
def test_an_entity_the_file_declares_is_expanded_in_tmx_and_tbx(cli, ws_path: Path, tmp_path: Path,
                                                                 kind: str) -> None:
    """A TMX with <!ENTITY v "واکسن"> was expanded; the same TBX was refused ("not a readable TBX
    file (Entity 'v' not defined …)")."""
    result = _import(cli, kind, _xml_file(tmp_path, kind, "&v; کرونا", '<!ENTITY v "واکسن">'))
    assert result.exit_code == 0, result.output
    with Workspace(ws_path, create=False) as ws:
        table, column = ("pairs", "fa") if kind == "tmx" else ("glossary", "fa")
        assert ws.conn.execute(f"SELECT {column} FROM {table}").fetchall() == [("واکسن کرونا",)]


HOSTILE = {
    "external entity": ('<!ENTITY v SYSTEM "file:///etc/passwd">', "&v;",
                        "refused at line 1, column {}: entity &v; is not declared in the file, or refers to "
                        "another file (external entities are never read)"),
    "entity bomb": ('<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">' for i in range(8)), "&i;",
        "refused at line 1, column {}: entities expand too much (refused: a billion-laughs file?)"),
    "deep nesting": ("", "<hi>" * 300 + "x" + "</hi>" * 300,
                     "refused at line 1, column {}: elements nested more than 256 deep (the XML reader's limit)"),
    "huge text": ("", "ا" * 5_100_000,
                  "refused at line 1, column {}: a text longer than 10 MB in one element (the XML reader's limit)"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_tmx_and_tbx_refuse_the_same_xml_in_the_same_words(cli, tmp_path: Path, case: str) -> None:
    """TBX was read with huge_tree and no entities, then again by translate-toolkit, whose errors
    came through as libxml2's ("try XML_PARSE_HUGE", "use XML_PARSE_HUGE option")."""
    import re

    doctype, fa, words = HOSTILE[case]
    messages = {}
    for kind in ("tmx", "tbx"):
        result = _import(cli, kind, _xml_file(tmp_path, kind, fa, doctype))
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "XML_PARSE" not in lines[0], result.output
        messages[kind] = re.sub(r"column \d+", "column {}", lines[0])
    path = str(tmp_path / "terms")
    assert messages == {kind: f"workbench: error: {path}.{kind}: {kind.upper()} {words}" for kind in messages}


def test_a_broken_tbx_is_malformed_in_the_words_of_a_broken_tmx(cli, tmp_path: Path) -> None:
    for kind in ("tmx", "tbx"):
        path = _xml_file(tmp_path, kind, "واکسن")
        path.write_text(path.read_text(encoding="utf-8")[:-10], encoding="utf-8")
        result = _import(cli, kind, path)
        assert result.exit_code == 1
        assert f"{path}: malformed {kind.upper()} at line 1, column " in result.output, result.output


# -- 12. units with nothing visible ---------------------------------------------------------------

ZWNJ, ZWSP, BOM, RLM = "\u200c", "\u200b", "\ufeff", "\u200f"


def _pairs(ws_path: Path) -> list[tuple[str, str, int, int]]:
    with Workspace(ws_path, create=False) as ws:
        return ws.conn.execute("SELECT fa, en, n_fa, n_en FROM pairs ORDER BY doc_id, position").fetchall()


@pytest.mark.parametrize("kind", ["tsv", "tmx"])
def test_a_side_with_nothing_visible_is_empty_and_a_unit_with_none_is_skipped_and_counted(
        cli, ws_path: Path, tmp_path: Path, kind: str) -> None:
    """Units of only ZWNJ, ZWSP, BOM imported as pairs nobody could see or review."""
    rows = [(ZWNJ + ZWSP, BOM), ("سلام", "hello"), (ZWSP, "word"), ("کتاب", f" {RLM}{ZWNJ} "), (BOM + " ", "")]
    if kind == "tsv":
        path = tmp_path / "corpus.tsv"
        path.write_text("fa\ten\n" + "".join(f"{fa}\t{en}\n" for fa, en in rows), encoding="utf-8")
    else:
        path = tmp_path / "corpus.tmx"
        path.write_text('<tmx version="1.4"><body>' + "".join(
            f'<tu><tuv xml:lang="fa"><seg>{fa}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>'
            for fa, en in rows) + "</body></tmx>", encoding="utf-8")
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (f"imported 3 pairs into document 'corpus' ({ws_path}); skipped 2 "
                                             "units with nothing visible on either side")
    assert _pairs(ws_path) == [("سلام", "hello", 1, 1), ("", "word", 0, 1), ("کتاب", "", 1, 0)]


def test_a_corpus_of_nothing_visible_imports_nothing(cli, ws_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "ghosts.tsv"
    path.write_text(f"fa\ten\n{ZWSP}\t{BOM}\n{ZWNJ}\t{ZWSP}\n", encoding="utf-8")
    result = cli("import", path)
    assert result.exit_code == 1 and "no translation units found" in result.output, result.output


def test_a_text_line_of_nothing_visible_is_no_sentence(cli, ws_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text(f"سلام دنیا.\n{ZWSP}{ZWNJ}\n{BOM}\nخوب است. {ZWSP}\n", encoding="utf-8")
    assert cli("import", path).exit_code == 0
    assert [fa for fa, *_ in _pairs(ws_path)] == ["سلام دنیا.", "خوب است."]


# -- 11. a line or a text too long to be a sentence or a document ----------------------------------

def _huge_line(path: Path, size: int, *, tab: bool = True, encoding: str = "utf-8") -> Path:
    """A file of one line of about ``size`` bytes of Persian (with a tab in the middle: a TSV row)."""
    chunk = "سلام دنیا " * 10_000
    half = size // 2 // len(chunk.encode(encoding))
    with path.open("w", encoding=encoding) as f:
        for i in range(2 * half):
            f.write(chunk)
            if tab and i == half:
                f.write("\t")
    return path


@pytest.mark.parametrize(("name", "tab"), [("one-line.tsv", True), ("one-line.txt", False)])
def test_a_huge_single_line_is_refused_in_one_line_in_bounded_memory(tmp_path: Path, name: str, tab: bool) -> None:
    """A 1 GB single-line TSV died of MemoryError at 7.5 GB RSS; a 297 MB Persian line imported as
    one pair at 3.9 GB. Here 60 MB: refused before it is read whole."""
    from tests.rss import measure, workbench_exe

    big = _huge_line(tmp_path / name, 60 << 20, tab=tab)
    run = measure([workbench_exe(), "import", big, "--ws", tmp_path / "w.sqlite"], cwd=tmp_path, limit_gb=2)
    assert run.returncode == 1, run.stderr[-300:]
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    if tab:
        assert run.stderr == (f"workbench: error: {big}: line 1 is longer than 1 MB, the most a line may be (one "
                              "sentence and its translation); split it into sentences\n")
    else:
        size = f"{big.stat().st_size / 2**20:.3g} MB"  # 59.7 MB
        assert run.stderr == (f"workbench: error: {big}: {size}, more than the 10 MB a text may be; split it into "
                              "several documents\n")
    assert run.peak_mb < 150, f"peak {run.peak_mb:.0f} MB"
    assert not (tmp_path / "w.sqlite").exists()


def test_the_sentence_limit_is_one_megabyte_in_every_corpus_format(cli, ws_path: Path, tmp_path: Path) -> None:
    """Just under 1 MB a line imports; just over is refused naming the line, the unit or the sentence."""
    ok = _huge_line(tmp_path / "ok.tsv", 1_000_000)
    with ok.open("a", encoding="utf-8") as f:
        f.write("\nکتاب\tbook\n")
    result = cli("import", ok)
    assert result.exit_code == 0 and "imported 2 pairs" in result.output, result.output

    over = _huge_line(tmp_path / "over.tsv", 1_100_000)
    over.write_text("کتاب\tbook\n" + over.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = cli("import", over)
    assert result.exit_code == 1 and f"{over}: line 2 is longer than 1 MB" in result.output, result.output

    wide = _huge_line(tmp_path / "wide.tsv", 2_600_000, encoding="utf-16")  # 1.2 M characters
    result = cli("import", wide)
    assert result.exit_code == 1 and f"{wide}: line 1 is longer than 1 MB" in result.output, result.output

    tmx = tmp_path / "long.tmx"
    seg = "سلام دنیا " * 60_000  # 1.14 MB
    tmx.write_text(f'<tmx version="1.4"><body>\n<tu><tuv xml:lang="fa"><seg>کتاب</seg></tuv></tu>\n'
                   f'<tu><tuv xml:lang="fa"><seg>{seg}</seg></tuv></tu></body></tmx>', encoding="utf-8")
    result = cli("import", tmx)
    assert result.exit_code == 1, result.output
    assert f"{tmx}: line 3: the Persian is longer than 1 MB, the most a sentence may be" in result.output

    text = tmp_path / "long.txt"
    text.write_text("کتاب خوب است.\n\n" + seg + "\n", encoding="utf-8")
    result = cli("import", text)
    assert result.exit_code == 1, result.output
    assert f"{text}: sentence 2 (paragraph 2) is longer than 1 MB" in result.output
    with Workspace(ws_path, create=False) as ws:
        assert [d.name for d in ws.documents()] == ["ok"]
