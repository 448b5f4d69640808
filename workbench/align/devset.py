"""Alignment test documents whose gold is known by construction: parallel sentences of a
document with neighbours merged on either side (1-2, 2-1, 1-3, 3-1) and some dropped
(1-0, 0-1). Built from TICO-19 (CC0) and from our hand-aligned news articles for development
(the tests and bench/align.py; they name the files: tests/devdata.py); deterministic for a
given seed. Nothing here reads a file it is not given: tests/ and bench/ are not in the wheel."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from workbench.align.evaluate import Beads, read_beads
from workbench.formats import read_tmx


@dataclass(frozen=True)
class Document:
    name: str
    fa: list[str]
    en: list[str]
    gold: Beads


def tico_documents(path: Path) -> dict[str, list[tuple[str, str]]]:
    """TICO-19's parallel sentences grouped by document (tuid "DOC:N"), in order."""
    docs: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for unit in read_tmx(path):
        name, _, number = unit.props.get("tuid", "doc:0").rpartition(":")
        docs[name].append((int(number) if number.isdigit() else 0, unit.fa, unit.en))
    return {name: [(fa, en) for _, fa, en in sorted(rows)] for name, rows in docs.items()}


def scramble(name: str, pairs: list[tuple[str, str]], seed: int = 1, merge: float = 0.08,
             merge3: float = 0.015, drop: float = 0.03) -> Document:
    """Turn parallel sentences into a document pair with non-1-1 beads and its gold."""
    rng = random.Random(f"{seed}:{name}")
    fa: list[str] = []
    en: list[str] = []
    gold: Beads = []
    k = 0
    while k < len(pairs):
        roll = rng.random()
        take = 3 if roll < merge3 else 2 if roll < merge3 + merge else 1
        take = min(take, len(pairs) - k)
        group = pairs[k:k + take]
        k += take
        if take > 1:
            if rng.random() < 0.5:  # Persian sentences stay apart, English is joined
                gold.append((tuple(range(len(fa), len(fa) + take)), (len(en),)))
                fa += [f for f, _ in group]
                en.append(" ".join(e for _, e in group))
            else:
                gold.append(((len(fa),), tuple(range(len(en), len(en) + take))))
                fa.append(" ".join(f for f, _ in group))
                en += [e for _, e in group]
            continue
        (f, e), = group
        roll = rng.random()
        if roll < drop / 2:
            gold.append(((len(fa),), ()))
            fa.append(f)
        elif roll < drop:
            gold.append(((), (len(en),)))
            en.append(e)
        else:
            gold.append(((len(fa),), (len(en),)))
            fa.append(f)
            en.append(e)
    return Document(name, fa, en, gold)


def hand_aligned(folder: Path) -> Document:
    """A hand-aligned document in ``folder``: fa.txt, en.txt (one sentence a line) and gold.txt."""
    def lines(name: str) -> list[str]:
        return (folder / name).read_text(encoding="utf-8").splitlines()

    return Document(folder.name, lines("fa.txt"), lines("en.txt"), read_beads(folder / "gold.txt"))


def scramble_aligned(doc: Document, seed: int = 1, **knobs: float) -> Document:
    """``scramble`` over the beads of a hand-aligned document, each bead's sentences taken as one
    unit (its 1-0 and 0-1 beads left out): the news counterpart of the TICO-19 dev set."""
    return scramble(doc.name, units(doc), seed, **knobs)


def units(doc: Document) -> list[tuple[str, str]]:
    """The beads of a hand-aligned document with both sides, as parallel units of text."""
    return [(" ".join(doc.fa[i] for i in f), " ".join(doc.en[j] for j in e)) for f, e in doc.gold if f and e]


def partial(name: str, pairs: list[tuple[str, str]], fa_keep: list[int], en_keep: list[int]) -> Document:
    """A document pair of which each side keeps only some of the parallel sentences ``pairs``:
    sentences kept on both sides are 1-1 beads, the others 1-0 or 0-1."""
    fa_at = {u: x for x, u in enumerate(fa_keep)}
    en_at = {u: x for x, u in enumerate(en_keep)}
    gold: Beads = [((fa_at[u],) if u in fa_at else (), (en_at[u],) if u in en_at else ())
                   for u in sorted(fa_at.keys() | en_at.keys())]
    return Document(name, [pairs[u][0] for u in fa_keep], [pairs[u][1] for u in en_keep], gold)


def lopsided(name: str, pairs: list[tuple[str, str]]) -> dict[str, Document]:
    """Lopsided document pairs from the middle of a document: 10 Persian sentences against the
    30 English around them ("excerpt"); two Persian paragraphs of five against the 30 English
    sentences from the first on, ten more between them and ten after ("paragraphs"); one Persian
    sentence against the whole English ("one"). Each also with the sides swapped ("… swapped":
    the Persian has the extra sentences). The first two need 30 sentences."""
    n = len(pairs)
    a = max(0, n // 2 - 15)
    window = list(range(a, min(n, a + 30)))
    cases: dict[str, tuple[list[int], list[int]]] = {"one": ([n // 2], list(range(n)))}
    if n >= 30:
        cases["excerpt"] = (window[10:20], window)
        cases["paragraphs"] = (window[:5] + window[15:20], window)
    out: dict[str, Document] = {}
    for kind, (short, long) in cases.items():
        out[kind] = partial(name, pairs, short, long)
        out[f"{kind} swapped"] = partial(name, pairs, long, short)
    return out
