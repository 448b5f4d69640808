"""Writes tests/data/history/before_typed_records.sqlite with the store as it was before the typed
history records (commit 8de5c7a): every kind of entry it logged."""
import sys
from workbench.store import Workspace, NewPair
from workbench.store import history
from workbench.store.workspace import now

path = sys.argv[1]
with Workspace(path) as ws:
    doc = ws.add_document("old")
    ws.insert_pairs(doc.id, [NewPair(fa=["الف.", "ب."], en=["A.", "B."], status="review")]
                    + [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review") for i in range(2, 6)])
    ids = [p.id for p in ws.pairs(doc.id)]
    ws.set_english(ids[0], "A, edited. B.", who="ed")           # snapshots
    ws.set_status(ids[1], "approved", who="ed")                                   # fields
    ws.set_note(ids[2], "ask the client", "check", who="ed")                      # fields (two columns)
    ws.merge_with_next(ids[3], who="ed")                                          # snapshots, a pair deleted
    ws.split(ids[0], 1, 1, who="ed")                                              # snapshots, a pair created
    draft_ids = ws.add_drafts([__import__("workbench.store.records", fromlist=["NewDraft"]).NewDraft(
        ids[2], ws.pair(ids[2]).fa, "Machine sentence.", [])], engine="argos", model="m")
    with ws.write():
        history.log_drafts(ws, draft_ids, "ed", now())                            # drafts
    ws.conn.execute("VACUUM")
