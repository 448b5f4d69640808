"""Where the alignment dev data lives in the repository (workbench.align.devset builds documents
from it but, being in the wheel, names no file of the repository)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICO = ROOT / "tests" / "data" / "tico19" / "all.en-fa.tmx.gz"
# Persian news with our own English translations, one sentence a line, gold checked by hand.
HAND_ALIGNED = [ROOT / "bench" / "data" / name
                for name in ("demo-article", "news/economy", "news/sport", "news/politics")]
