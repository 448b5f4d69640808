"""History cost of a big status change: approve-through on a 20,000-pair document, then undo.

    .venv/bin/python bench/store.py                      # against the baseline commit below
    .venv/bin/python bench/store.py --pairs 50000 --baseline fbc785a

The same workload runs in two fresh processes in one run: this checkout, and the baseline (the
store before status changes logged only what changed: every touched pair's whole snapshot went
to history), checked out from git into a temporary worktree. Printed: history bytes written by
the approve-through, seconds for the approve-through and for its undo, whole process peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "fbc785a"  # main before the unit-of-work change

WORKLOAD = r"""
import json, resource, sys, time
from workbench.store import NewPair, Workspace

n = int(sys.argv[1])
with Workspace(sys.argv[2]) as ws:
    doc = ws.add_document("big")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله شماره {i} با چند واژه."], en=[f"Sentence number {i} with words."],
                                     status="review") for i in range(n)])
    last = ws.conn.execute("SELECT MAX(id) FROM pairs").fetchone()[0]
    size = lambda: ws.conn.execute(
        "SELECT COALESCE(SUM(LENGTH(before) + LENGTH(after) + LENGTH(pair_ids)), 0) FROM history").fetchone()[0]
    start = time.perf_counter(); ws.edits.approve_through(last); approve = time.perf_counter() - start
    logged = size()
    start = time.perf_counter(); ws.history.undo(); undo = time.perf_counter() - start
    assert ws.count_pairs(doc.id, status="review") == n
print(json.dumps({"bytes": logged, "approve": approve, "undo": undo,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code_root: Path, pairs: int, folder: Path) -> dict:
    ws = folder / f"{code_root.name}.sqlite"
    done = subprocess.run([sys.executable, "-c", WORKLOAD, str(pairs), str(ws)], cwd=folder, check=True,
                          capture_output=True, text=True, env={"PYTHONPATH": str(code_root), "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--baseline", default=BASELINE, help="git commit to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(tmp)
        base = folder / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                       check=True, capture_output=True)
        try:
            results = {"this checkout": run(ROOT, args.pairs, folder), f"baseline {args.baseline}": run(base, args.pairs, folder)}
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], capture_output=True)
    print(f"approve-through of {args.pairs:,} pairs, then undo (one run each, fresh processes)")
    print(f"{'':22} {'history':>10} {'approve':>9} {'undo':>8} {'peak RSS':>9}")
    for name, r in results.items():
        print(f"{name:22} {r['bytes'] / 1e6:8.2f} MB {r['approve']:7.2f} s {r['undo']:6.2f} s {r['rss_mb']:6.0f} MB")
    new, old = results["this checkout"], results[f"baseline {args.baseline}"]
    print(f"ratios (this / baseline): history {new['bytes'] / old['bytes']:.3f}, approve {new['approve'] / old['approve']:.2f}, "
          f"undo {new['undo'] / old['undo']:.2f}")


if __name__ == "__main__":
    main()
