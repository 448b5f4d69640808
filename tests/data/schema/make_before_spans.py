"""Writes tests/data/schema/before_spans.sqlite with the store as it was before sentences became
spans of their pair's text (migration m014; written by commit 162f029): the bundled article aligned
with its translation (beads of several sentences, paragraphs), a small corpus, and edits of every
kind in the history, one of them undone.

    PYTHONPATH=<checkout of 162f029> python tests/data/schema/make_before_spans.py OUT.sqlite
"""
import sys
from pathlib import Path

from workbench.ingest import import_file
from workbench.store import NewPair, Workspace

DEMO = Path(__file__).resolve().parents[3] / "workbench" / "demo"
path = sys.argv[1]
with Workspace(path) as ws:
    import_file(ws, DEMO / "putin-kazakhstan-visit.fa.txt", translation=DEMO / "putin-kazakhstan-visit.en.txt")
    doc = ws.add_document("corpus", kind="corpus")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله شماره {i}."], en=[f"Sentence number {i}."]) for i in range(20)]
                    + [NewPair(fa=["الف.", "ب."], en=["A.", "B."], status="review")])
    text = ws.document("putin-kazakhstan-visit")
    ids = [p.id for p in ws.pairs(text.id)]
    ws.edits.set_english(ids[0], "An edited first sentence. And a second one.", who="ed")
    ws.edits.set_status(ids[1], "approved", who="ed")
    ws.structure.merge_with_next(ids[2], who="ed")
    ws.structure.split(list(ws.pairs(doc.id))[-1].id, 1, 1, who="ed")
    ws.edits.set_persian(ids[6], "متن ویرایش شده. جمله دوم.", who="ed")
    ws.edits.set_english(ids[7], "Undone later.", who="ed")
    ws.history.undo(who="ed")
    with ws.write():
        ws.conn.execute("DELETE FROM lexicon")  # the aligner starts from its bundled one: a smaller file
    ws.conn.execute("VACUUM")
