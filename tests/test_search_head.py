"""A search over the whole workspace shows its first rows before it has found every hit
(issue 23: a word in 15% of 10M pairs took 3 s to its first page, because every hit was
gathered and ordered first). ``hits.first_ids`` walks the pairs a stretch at a time; the
results screen shows what it finds while the rest are counted."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.test_scale_rest import vm_ticks
from tests.test_tui import app_for
from workbench.store import NewPair, Workspace, hits, search

WORDS = ["virus", "vaccine", "health", "mask"]


def pair(i: int) -> NewPair:
    """Every pair has a word; "virus" in every third, "mask" in every 97th (found late, sparse)."""
    word = "mask" if i % 97 == 96 else WORDS[i % 3]
    fa, en = [f"جملهٔ شمارهٔ {i}."], [f"Sentence {i} is about {word}."]
    if i == 0:  # split in two later
        fa, en = fa + ["جملهٔ دوم."], en + ["A second virus."]
    return NewPair(fa=fa, en=en, status=("approved", "review")[i % 2])


def make(path: Path, n: int) -> Path:
    """Two documents written in turns (each one's pair ids not contiguous), one pair split so a
    new id sits early in the first, and a document being imported (hidden from searches)."""
    with Workspace(path) as ws:
        a, b = ws.add_document("a").id, ws.add_document("b").id
        for start in range(0, n, 50):
            ws.insert_pairs(a if start % 100 == 0 else b, [pair(i) for i in range(start, min(n, start + 50))],
                            after=start // 100 * 50)
        ws.structure.split(next(iter(ws.pairs(a))).id, 1, 1)
        hidden = ws.add_document("importing")
        ws.insert_pairs(hidden.id, [pair(i) for i in range(30)])
        with ws.write() as conn:
            conn.execute("UPDATE documents SET importing = 'test' WHERE id = ?", [hidden.id])
    return path


def walked(ws: Workspace, query: search.PairQuery) -> list[int]:
    clauses, args = query.clauses()
    return [r[0] for r in ws.conn.execute(
        f"SELECT p.id FROM pairs p WHERE {' AND '.join(clauses)} ORDER BY p.doc_id, p.position", args)]


@pytest.mark.parametrize("stretch", [7, 64, 4000])
def test_the_first_ids_are_the_search_s_first_pairs_in_document_order(tmp_path: Path, monkeypatch, stretch) -> None:
    monkeypatch.setattr(hits, "STRETCH", stretch)
    path = make(tmp_path / "head.sqlite", 1200)
    with Workspace(path) as ws:
        for text, doc, status in (("virus", None, None), ("mask", None, None), ("health", None, "review"),
                                  ("virus", "a", None), ("nothing", None, None), ("about", "b", "approved")):
            doc_id = ws.document(doc).id if doc else None
            query = search.pair_query(ws, text=text, doc_id=doc_id, status=status)
            every = walked(ws, query)
            for want in (1, 5, 60, 5000):
                head = hits.first_ids(ws, query, want, budget=60)
                assert list(head.ids) == every[:len(head.ids)], (text, doc, status, want)
                if head.complete:
                    assert list(head.ids) == every and head.documents == len({ws.pair(i).doc_id for i in every})
                elif not hits._sparse(ws, query):  # a sparse one gives up after a stretch: all come fast
                    assert list(head.ids) == every[:want] and len(every) >= want, (text, doc, status, want)
            assert list(hits.ids(ws, query)) == every


def test_the_first_page_of_a_common_word_costs_the_same_however_many_pairs_it_is_in(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    """SQLite steps to the first 100 hits of a word in every third pair, among 1,200 pairs and
    among 12,000: the same, where finding every hit grows tenfold."""
    monkeypatch.setattr(hits, "STRETCH", 400)  # the 4,000 of a real workspace, scaled down with it
    first, every = {}, {}
    for n in (1200, 12000):
        with Workspace(make(tmp_path / f"{n}.sqlite", n)) as ws:
            query = search.pair_query(ws, text="virus")
            first[n] = vm_ticks(ws, lambda: hits.first_ids(ws, query, 100))
            every[n] = vm_ticks(ws, lambda: hits.ids_and_documents(ws, query))
    assert every[12000] > 5 * every[1200], every
    assert first[12000] <= 1.2 * first[1200] + 5, first


def held(monkeypatch, name: str) -> threading.Event:
    """A search's whole count (``hits.<name>``) waits until the returned event is set, as on a
    big workspace; its first rows do not."""
    counted = threading.Event()
    full = getattr(hits, name)

    def slow(ws, query, **kwargs):
        assert counted.wait(10)
        return full(ws, query, **kwargs)

    monkeypatch.setattr(hits, name, slow)
    return counted


async def first_rows(pilot, text: str) -> None:
    """Wait until the results screen shows rows of this search."""
    for _ in range(200):
        await pilot.pause(0.02)
        source = getattr(pilot.app.screen.table, "source", None)
        if source is not None and source.query.text == text:
            return


@pytest.mark.anyio
@pytest.mark.usefixtures("isolated_config")
async def test_the_results_screen_shows_the_first_rows_while_the_rest_are_counted(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    path = make(tmp_path / "big.sqlite", 1200)
    with Workspace(path) as ws:
        every = walked(ws, search.pair_query(ws, text="virus"))
    counted = held(monkeypatch, "ids_and_documents")
    app = app_for(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+f", *"virus", "enter")
        await first_rows(pilot, "virus")
        screen = app.screen
        assert screen.table.source is not None, "no rows before the whole search was counted"
        assert list(screen.table.source.ids) == every[:200]
        assert "counting" in str(screen.query_one("#title").render())
        await pilot.press("j", "j", "j")
        counted.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.source.total == len(every)
        assert screen.table.cursor == 3  # where the editor had moved while it counted
        title = str(screen.query_one("#title").render())
        assert f"{len(every):,} pairs in 2 documents" in title and "counting" not in title


@pytest.mark.anyio
@pytest.mark.usefixtures("isolated_config")
async def test_a_new_search_while_one_is_counted_starts_on_its_first_row(tmp_path: Path, monkeypatch) -> None:
    """The cursor kept while a search is counted is that search's: another search typed
    meanwhile opens on its own first row, not on the row reached in the first."""
    path = make(tmp_path / "big.sqlite", 1200)
    counted = held(monkeypatch, "ids_and_documents")
    app = app_for(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+f", *"virus", "enter")
        await first_rows(pilot, "virus")
        await pilot.press("j", "j", "j", "slash", *["backspace"] * 5, *"health", "enter")
        await first_rows(pilot, "health")
        screen = app.screen
        assert screen.table.source.query.text == "health" and screen.table.cursor == 0
        await pilot.press("j")
        counted.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.source.query.text == "health" and screen.table.cursor == 1
        assert "counting" not in str(screen.query_one("#title").render())


EXPRESSIONS = ["virus", "vir*", '"a virus', "en:virus", "fa_norm:جمله", "bogus:virus", "NEAR(virus about, 2)",
               "NEAR(virus about, x)", "virus AND", "(virus", "virus OR mask NOT health", "{en draft}:virus", "*"]


def test_what_a_search_parses_to_is_checked_without_asking_the_index(tmp_path: Path) -> None:
    """Typing "the" in a 10M-pair workspace: checking that "the*" parses asked the index for a
    hit, which expands the prefix in full (0.45 s, before the search itself began). An empty
    table with the index's columns answers the same for every expression."""
    with Workspace(make(tmp_path / "parse.sqlite", 30)) as ws:
        for expression in EXPRESSIONS:
            try:
                ws.conn.execute("SELECT 1 FROM pairs_fts WHERE pairs_fts MATCH ? LIMIT 1", [expression]).fetchall()
                parses = True
            except Exception:
                parses = False
            assert search._valid(ws, expression) == parses, expression
        statements: list[str] = []
        ws.conn.set_trace_callback(statements.append)
        query = search.pair_query(ws, text="the en:virus")
        ws.conn.set_trace_callback(None)
        assert query.match and not [s for s in statements if "MATCH" in s], statements


def test_a_pair_is_placed_among_a_search_s_rows_without_running_the_search_again(tmp_path: Path) -> None:
    """The pairs view keeps the editor's pair when a search's rows come: its row, or the row of
    the next hit. That counted the search's pairs before it — the full-text match again, on the
    event loop (1 s for a common word in a 10M-pair document). The found ids answer it."""
    from workbench.tui.rows import RowSource

    with Workspace(make(tmp_path / "place.sqlite", 600)) as ws:
        for doc in ("a", None):
            query = search.pair_query(ws, text="virus", doc_id=ws.document(doc).id if doc else None)
            found = hits.ids(ws, query)
            source = RowSource(ws, query, ids=found)
            pairs = [p for d in ([doc] if doc else ["a", "b"]) for p in ws.pairs(ws.document(d).id)]
            statements: list[str] = []
            ws.conn.set_trace_callback(statements.append)
            placed = [(source.index_of(p), source.nearest_index(p)) for p in pairs]
            ws.conn.set_trace_callback(None)
            assert not [s for s in statements if "MATCH" in s], statements[:3]
            for pair, (index, nearest) in zip(pairs, placed):
                expected = list(found).index(pair.id) if pair.id in found else None
                assert index == expected
                before = search.ordinal(ws, query, pair)
                assert nearest == max(0, min(before, len(found) - 1))


@pytest.mark.anyio
@pytest.mark.usefixtures("isolated_config")
async def test_a_search_in_a_document_shows_its_first_rows_while_the_rest_are_counted(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    path = make(tmp_path / "doc.sqlite", 1200)
    with Workspace(path) as ws:
        every = walked(ws, search.pair_query(ws, text="about", doc_id=ws.document("a").id))
    counted = held(monkeypatch, "ids")
    app = app_for(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.doc.name == "a" and screen.table.cursor == 0
        await pilot.press("slash", *"about", "enter")
        await first_rows(pilot, "about")
        assert list(screen.table.source.ids) == every[:200]
        assert "1/200+ (counting the rest…)" in str(screen.query_one("#title").render())
        await pilot.press("j", "j")
        counted.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.source.total == len(every) and screen.table.cursor == 2
        assert f"3/{len(every)} " in str(screen.query_one("#title").render()) + " "
        assert "counting" not in str(screen.query_one("#title").render())


@pytest.mark.anyio
@pytest.mark.usefixtures("isolated_config")
async def test_a_search_from_a_pair_beyond_its_first_rows_waits_for_all_of_them(tmp_path: Path,
                                                                              monkeypatch) -> None:
    """The table keeps the editor's pair: one after the first rows has no place among them, so
    they are not shown; all of them come with the pair's place (the next hit)."""
    path = make(tmp_path / "doc.sqlite", 1200)
    counted = held(monkeypatch, "ids")
    app = app_for(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("G")
        last = screen.current
        await pilot.press("slash", *"about", "enter")
        await pilot.pause(0.5)
        assert screen.table.source.query.text == ""  # still the document's rows
        counted.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.table.source.query.text == "about" and screen.current.id == last.id


@pytest.mark.anyio
@pytest.mark.usefixtures("isolated_config")
async def test_a_sparse_search_is_counted_sparse_once(tmp_path: Path, monkeypatch) -> None:
    """The first rows of a search with few hits stop after one stretch, having counted hits on
    the index up to the sparse threshold; the full search reuses that answer rather than count
    again (for a prefix the index expands in full, 0.4 s each at 10M pairs)."""
    monkeypatch.setattr(hits, "STRETCH", 64)
    path = make(tmp_path / "sparse.sqlite", 1200)
    app = app_for(path)
    counted: list[str] = []
    opened = app.worker_workspace

    def traced(**kwargs) -> Workspace:
        ws = opened(**kwargs)
        ws.conn.set_trace_callback(lambda sql: counted.append(sql) if "FROM (SELECT 1 FROM pairs_fts" in sql else None)
        return ws

    app.worker_workspace = traced
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("ctrl+f", *"mask", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        with Workspace(path) as ws:
            assert app.screen.table.source.total == len(walked(ws, search.pair_query(ws, text="mask")))
    assert len(counted) == 1, counted
