"""Generated parallel text for tests, soak runs and benchmarks: Persian and English word salads whose
words correspond one to one, numbered so every sentence is distinct."""

from __future__ import annotations

import random
from pathlib import Path

FA = ("ایران تهران کتاب دولت مردم سال روز شهر کشور جهان رئیس‌جمهور سفر دیدار گفت‌وگو همکاری اقتصاد "
      "نفت قیمت بازار مجلس وزیر خبرگزاری گزارش").split()
EN = ("Iran Tehran book government people year day city country world president visit meeting talks "
      "cooperation economy oil price market parliament minister agency report").split()


def sentence_pair(rng: random.Random, number: int, words: tuple[int, int] = (6, 20)) -> tuple[str, str]:
    picks = [rng.randrange(len(FA)) for _ in range(rng.randint(*words))]
    return (" ".join(FA[w] for w in picks) + f" {number}.",
            " ".join(EN[w] for w in picks).capitalize() + f" {number}.")


def write_tmx(path: Path, units: int, seed: int = 1) -> None:
    """A TMX 1.4 file of ``units`` generated units, streamed to disk."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" '
                'creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en" srclang="fa" '
                'datatype="plaintext"/><body>\n')
        for i in range(units):
            fa, en = sentence_pair(rng, i)
            f.write(f'<tu tuid="{i}"><tuv xml:lang="fa"><seg>{fa}</seg></tuv>'
                    f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>\n')
        f.write("</body></tmx>\n")
