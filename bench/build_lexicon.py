"""Rebuild the lexicon bundled with the aligner (workbench/align/data/lexicon-tico19.tsv.gz):
IBM Model 1 expected counts trained on all TICO-19 en–fa sentence pairs (CC0).

    .venv/bin/python bench/build_lexicon.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.devdata import TICO  # noqa: E402
from workbench.align.devset import tico_documents  # noqa: E402
from workbench.align.features import en_words, fa_words  # noqa: E402
from workbench.align.lexicon import BUNDLED, Lexicon  # noqa: E402


def main() -> None:
    pairs = [(fa_words(f), en_words(e)) for doc in tico_documents(TICO).values() for f, e in doc]
    lexicon = Lexicon.train(pairs)
    with gzip.open(BUNDLED, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("# IBM-1 expected counts c(fa, en) from TICO-19 en-fa (CC0); rebuild: bench/build_lexicon.py\n")
        for f in sorted(lexicon.counts):
            total = sum(lexicon.counts[f].values())
            for e, c in sorted(lexicon.counts[f].items()):
                if c / total >= 0.05 and c >= 0.5:  # keep what carries signal: the file stays small
                    out.write(f"{f}\t{e}\t{c:.2f}\n")
    print(f"{len(lexicon)} Persian words -> {BUNDLED} ({BUNDLED.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
