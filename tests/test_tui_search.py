"""Searching and paging the store (workbench.store.search), as the review app uses it."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
import workbench.qa  # noqa: F401  (registers the "qa" condition find_next uses, as the app does)
from workbench.store import NewPair, Workspace, search


@pytest.fixture
def corpus(ws: Workspace) -> Workspace:
    first = ws.add_document("first")
    ws.insert_pairs(first.id, [
        NewPair(fa=["کتاب‌ها را خواندم ۱۲۳."], en=["I read the books 123."], status="review"),
        NewPair(fa=["سلام دنیا."], en=["Hello world."], status="approved"),
        NewPair(fa=["كتاب عربي"], en=["An Arabic book."], status="draft"),
    ])
    second = ws.add_document("second")
    ws.insert_pairs(second.id, [
        NewPair(fa=[f"جمله شماره {i}."], en=[f"Sentence number {i}."], status="review" if i % 2 else "approved")
        for i in range(250)
    ])
    pair = next(ws.pairs(second.id, limit=1))
    ws.add_draft(pair.id, source=pair.fa, text="A machine translation about tigers.", engine="argos",
                 model="m", qa=["length"])
    return ws


def ids(pairs) -> list[int]:
    return [p.id for p in pairs]


def matches(ws: Workspace, text: str, **kw) -> list[str]:
    return [p.en for p in search.search(ws, text, limit=1000, **kw)]


def test_persian_search_is_normalized_like_the_store(corpus: Workspace) -> None:
    # Arabic kaf/yeh and Persian forms find each other; Persian digits find ASCII ones.
    assert matches(corpus, "کتاب") == ["I read the books 123.", "An Arabic book."]
    assert matches(corpus, "كتاب") == matches(corpus, "کتاب")
    assert matches(corpus, "۱۲۳", doc_id=corpus.document("first").id) == ["I read the books 123."]
    assert matches(corpus, "کتاب‌ها") == ["I read the books 123."]


def test_english_and_draft_search_with_fts_syntax(corpus: Workspace) -> None:
    assert matches(corpus, "BOOKS") == ["I read the books 123."]
    assert matches(corpus, '"read the books"') == ["I read the books 123."]
    assert matches(corpus, "boo*") == ["I read the books 123.", "An Arabic book."]
    assert matches(corpus, "NEAR(read books, 3)") == ["I read the books 123."]
    assert matches(corpus, "hello OR arabic") == ["Hello world.", "An Arabic book."]
    assert matches(corpus, "tigers") == ["Sentence number 0."]  # only in the draft
    assert matches(corpus, "en: tigers") == []
    assert matches(corpus, "draft: tigers") == ["Sentence number 0."]
    assert matches(corpus, "fa: سلام") == ["Hello world."]


@pytest.mark.parametrize("text", ['"unbalanced', "foo)", "(", ")", '"', "*", "AND", "NOT", "NEAR(", "a:b", ":",
                                  "hello -world", 'hel"lo', "^", "NEAR(a b, x)", "((((", "*books", "-", "+"])
def test_malformed_input_never_raises(corpus: Workspace, text: str) -> None:
    query = search.pair_query(corpus, text=text)
    search.count(corpus, query)
    search.page(corpus, query, limit=5)


def test_malformed_input_falls_back_to_its_words(corpus: Workspace) -> None:
    assert matches(corpus, '"read books') == ["I read the books 123."]  # unbalanced quote: words
    assert matches(corpus, "(hello") == ["Hello world."]


def test_status_and_document_filters(corpus: Workspace) -> None:
    second = corpus.document("second")
    assert len(matches(corpus, "sentence", status="review")) == 125
    assert matches(corpus, "کتاب", status=["draft"]) == ["An Arabic book."]
    assert matches(corpus, "book*", doc_id=second.id) == []
    with pytest.raises(WorkbenchError, match="unknown status"):
        search.pair_query(corpus, status="done")


def test_results_come_in_document_order_one_page_at_a_time(corpus: Workspace) -> None:
    first_page = search.search(corpus, "sentence", limit=100)
    assert [p.en for p in first_page[:2]] == ["Sentence number 0.", "Sentence number 1."]
    seen = list(first_page)
    while True:
        last = seen[-1]
        more = search.search(corpus, "sentence", after=(last.doc_id, last.position), limit=100)
        if not more:
            break
        seen += more
    assert [p.en for p in seen] == [f"Sentence number {i}." for i in range(250)]


def test_paging_by_offset_agrees_with_paging_by_key(corpus: Workspace) -> None:
    query = search.pair_query(corpus, status="review")
    everything = search.page(corpus, query, limit=10_000)
    assert search.count(corpus, query) == len(everything) == 126
    for offset in (0, 1, 37, 99, 125):
        assert ids(search.page(corpus, query, offset=offset, limit=3)) == ids(everything[offset:offset + 3])
        assert search.ordinal(corpus, query, everything[offset]) == offset
    assert search.page(corpus, query, offset=126) == []


def test_find_next_needing_review_qa_and_uneven_with_wrap(corpus: Workspace) -> None:
    first = corpus.document("first")
    query = search.PairQuery(doc_id=first.id)
    pairs = list(corpus.pairs(first.id))
    assert search.find_next(corpus, query, pairs[0], "review").id == pairs[2].id  # approved one skipped
    assert search.find_next(corpus, query, pairs[2], "review").id == pairs[0].id  # wraps
    assert search.find_next(corpus, query, pairs[2], "review", wrap=False) is None
    assert search.find_next(corpus, query, pairs[2], "review", step=-1).id == pairs[0].id
    everywhere = search.PairQuery()
    # "qa": the next pair with QA findings (workbench.qa), once checked; a change makes it unknown again
    second = list(corpus.pairs(corpus.document("second").id))
    corpus.edits.set_english(second[3].id, "Sentence number 33.")
    assert search.find_next(corpus, everywhere, pairs[0], "qa") is None
    from workbench.qa.checker import check_pairs
    list(check_pairs(corpus))
    assert search.find_next(corpus, everywhere, pairs[0], "qa").en == "Sentence number 33."
    corpus.edits.set_english(second[3].id, "Sentence number 3.")
    assert search.find_next(corpus, everywhere, pairs[0], "qa") is None
    assert search.find_next(corpus, query, pairs[0], "uneven") is None
    corpus.structure.merge_with_next(pairs[0].id)
    assert search.find_next(corpus, query, pairs[2], "uneven").id == pairs[0].id


def test_has_drafts_and_undecided_through(corpus: Workspace) -> None:
    first, second = corpus.document("first"), corpus.document("second")
    assert not search.has_drafts(corpus, first.id)
    assert search.has_drafts(corpus, second.id)
    third = list(corpus.pairs(first.id))[2]
    assert len(search.undecided_through(corpus, third)) == 2  # review + draft; the approved one is not counted
    assert corpus.edits.approve_through(third.id).approved == 2
