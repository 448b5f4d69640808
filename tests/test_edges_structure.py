"""Nothing lost at the edges of structural changes: realignment carries what editors decided
about the pairs it rebuilds, undo puts pairs back where they belong after the document was
renumbered, approve-through approves only what the editor saw."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.store import NewPair, Workspace


# -- undo after renumbering --------------------------------------------------------------------

def long_first_pair(path: Path) -> list[int]:
    """A text document of 10 pairs in 10 paragraphs; the first holds 70 sentences a side."""
    with Workspace(path) as ws:
        doc = ws.add_document("doc")
        first = NewPair(fa=[f"جمله {k}." for k in range(70)], en=[f"Sentence {k}." for k in range(70)],
                        status="review", fa_para=0, en_para=0)
        ws.insert_pairs(doc.id, [first] + [
            NewPair(fa=[f"بند {i}."], en=[f"Paragraph {i}."], status="review", fa_para=i, en_para=i)
            for i in range(1, 10)])
        return [p.id for p in ws.pairs(doc.id)]


def test_undo_after_the_document_was_renumbered_puts_the_pair_back_in_its_place(cli, ws_path: Path) -> None:
    """Alice edits pair 8; Bob splits pair 1 sixty-nine times (the document is renumbered on
    the way, unlogged); Alice's undo moved pair 8 to its old number, among pair 1's pieces."""
    ids = long_first_pair(ws_path)
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        alice.set_english(ids[7], "Alice's wording.", who="alice")
        rest = ids[0]
        for _ in range(69):
            rest = bob.split(rest, 1, 1, who="bob")[1].id
        order = [p.id for p in bob.pairs(bob.document("doc").id)]
        assert len(order) == 79 and order[70:] == ids[1:]
        alice.undo(who="alice")
        assert [p.id for p in alice.pairs(alice.document("doc").id)] == order
        assert alice.pair(ids[7]).en == "Paragraph 7."
        alice.redo(who="alice")
        assert [p.id for p in alice.pairs(alice.document("doc").id)] == order
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "ok    pair order" in result.stdout


def test_undoing_a_merge_after_renumbering_brings_the_pair_back_between_its_neighbours(ws_path: Path) -> None:
    ids = long_first_pair(ws_path)
    with Workspace(ws_path) as alice, Workspace(ws_path) as bob:
        alice.merge_with_next(ids[5], who="alice")  # pairs 6 and 7 become one
        rest = ids[0]
        for _ in range(69):
            rest = bob.split(rest, 1, 1, who="bob")[1].id
        alice.undo(who="alice")
        after = [p.id for p in alice.pairs(alice.document("doc").id)]
        assert after[70:] == ids[1:]
        assert [alice.pair(i).en for i in ids[5:7]] == ["Paragraph 5.", "Paragraph 6."]


@pytest.mark.parametrize("where", ["behind pair 2", "on pair 2's position"])
def test_check_finds_pairs_out_of_order(cli, ws_path: Path, where: str) -> None:
    """A pair moved out of its source's order (or sharing a position, so that its order is
    undefined) is what a stale undo left; `workbench check` said nothing of it."""
    import sqlite3

    ids = long_first_pair(ws_path)
    conn = sqlite3.connect(ws_path)
    second = conn.execute("SELECT position FROM pairs WHERE id = ?", [ids[1]]).fetchone()[0]
    moved = second - 0.5 if where == "behind pair 2" else second
    conn.execute("UPDATE pairs SET position = ? WHERE id = ?", [moved, ids[7]])
    conn.commit()
    conn.close()
    result = cli("check")
    assert result.exit_code == 1
    assert "FAIL  pair order: " in result.stdout and "of 'doc'" in result.stdout
    assert "pair order" in result.stderr
