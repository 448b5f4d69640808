"""Soak runs for reliability: concurrent writers, concurrent first imports, kill -9 at random moments.

    .venv/bin/python bench/soak.py writers --writers 2 --ops 2000      # two editors, random edits
    .venv/bin/python bench/soak.py imports --rounds 30                  # 3 first imports at once, fresh workspace
    .venv/bin/python bench/soak.py kills --rounds 20                    # kill -9 during import/export/align

The rounds themselves are in tests/soak.py: `make test` runs them with small counts
(tests/test_reliability.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.soak import (  # noqa: E402
    import_rounds,
    kill_align_rounds,
    kill_rounds,
    run_writers,
    seed_workspace,
    verify_writers,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    w = sub.add_parser("writers")
    w.add_argument("--writers", type=int, default=2)
    w.add_argument("--ops", type=int, default=2000)
    i = sub.add_parser("imports")
    i.add_argument("--rounds", type=int, default=30)
    i.add_argument("--importers", type=int, default=3)
    i.add_argument("--units", type=int, default=2000, help="units of each imported TMX")
    i.add_argument("--no-failing", dest="failing", action="store_false",
                   help="leave out the fourth import, of a file that is refused")
    k = sub.add_parser("kills")
    k.add_argument("--rounds", type=int, default=20)
    k.add_argument("--units", type=int, default=200_000)
    k.add_argument("--sentences", type=int, default=5000, help="size of the document realigned")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.what == "writers":
            path = folder / "ws.sqlite"
            seed_workspace(path)
            start = time.perf_counter()
            logs = run_writers(path, args.writers, args.ops)
            problems = verify_writers(path, logs)
            took = time.perf_counter() - start
            for log in logs:
                print(f"{log.who}: {len(log.accepted)} edits accepted, {log.conflicts} conflicts refused")
            print(f"lost updates and other problems: {len(problems)}")
            print(f"{took:.1f} s; problems: {problems or 'none'}")
        elif args.what == "imports":
            start = time.perf_counter()
            problems, succeeded = import_rounds(folder, args.rounds, args.importers, args.units, args.failing)
            print(f"{args.rounds} rounds of {args.importers} first imports at once"
                  f"{' and one refused' if args.failing else ''}: {succeeded} succeeded, "
                  f"{len(problems)} problems, {time.perf_counter() - start:.1f} s")
            for problem in problems:
                print(f"  {problem}")
        else:
            problems = kill_rounds(folder, args.rounds, args.units)
            problems += kill_align_rounds(folder, args.rounds, args.sentences)
            print(f"{args.rounds} kill rounds each for import, export and align; problems: {problems or 'none'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
