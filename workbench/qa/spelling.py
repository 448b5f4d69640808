"""English spelling, offline. The dictionary is SCOWL's Hunspell en_US and en_AU word forms
(American and British spellings, about 105,000 lower-case forms; data/en_words.txt.gz, built by
bench/build_wordlist.py, licence in data/SCOWL-LICENSE.txt), Webster's Second (public domain) for
long words (data/web2.txt.gz: 184,000 of six letters or more, the technical vocabulary SCOWL
leaves out) and pyspellchecker's English word list (its wheel's frequency list: the suggestion is the most frequent known word one edit
away, as pyspellchecker's ``correction`` with distance 1 gives).

A lower-case word the dictionary does not know is a possible misspelling, unless it is one of
the glossary's English words, the workspace's user dictionary (``workbench qa words``), appears
in the pair's Persian (a name or code written in Latin letters), or is the workspace's own
vocabulary: a word its English uses in several pairs (a drug, a place, a coinage) is not a typo.
Capitalised words and acronyms are taken as names, and words with digits as codes. A curly
apostrophe is a straight one (``couldn’t``); a hyphenated word is known whole or part by part; a
known word behind a common prefix (``preprint``) or before a medical combining form
(``lymphopenia``) is a word.
"""

from __future__ import annotations

import functools
import gzip
import re
import sqlite3
import time
from collections.abc import Callable
from importlib.resources import files

_WORD = re.compile(r"(?<![\w\-])[A-Za-z]+(?:['’][A-Za-z]+)*(?![\w])")
# A token: letters and digits joined by apostrophes and hyphens ("couldn’t", "well-known", "covid-19").
_TOKEN = re.compile(r"(?<![\w'’\-])[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_APOSTROPHE = re.compile("'")
MIN_LENGTH = 3
VOCABULARY_PAIRS = 3  # an unknown word in this many pairs' English is the workspace's vocabulary


_ENTRY = re.compile(r'"([^"\\]*)":\s*(\d+)')
_CHUNK = 200_000  # characters of the word list parsed between two pauses


@functools.cache
def _frequency() -> dict[str, int]:
    """pyspellchecker's English word list (word → frequency), read from its wheel. Parsed in
    chunks with a pause between them, so a review app loading it in a worker thread keeps its
    screen moving (one ``json.loads`` would hold the interpreter for the whole file)."""
    text = gzip.decompress((files("spellchecker") / "resources" / "en.json.gz").read_bytes()).decode("utf-8")
    out: dict[str, int] = {}
    start = 0
    while start < len(text):
        end = text.find("\n", start + _CHUNK)  # one entry a line
        end = len(text) if end == -1 else end
        out.update((m.group(1), int(m.group(2))) for m in _ENTRY.finditer(text, start, end))
        start = end + 1
        time.sleep(0)
    return out


@functools.cache
def _scowl() -> frozenset[str]:
    """SCOWL's word forms: a checked list (pyspellchecker's, from subtitles, holds some typos)."""
    return _data_words("en_words.txt.gz")


def _data_words(name: str) -> frozenset[str]:
    text = gzip.decompress((files("workbench.qa") / "data" / name).read_bytes()).decode("utf-8")
    return frozenset(text.split())


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(_frequency()) | _scowl() | _data_words("web2.txt.gz")


def warm_up() -> None:
    """Load the word list now (half a second), e.g. in a worker before the first check."""
    _known()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@functools.lru_cache(maxsize=20_000)
def suggestion(word: str) -> str | None:
    """The most frequent known word one edit away (delete, swap, replace, insert), if any:
    pyspellchecker's own ``correction`` does the same through a slower path."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    edits |= {a + c + b for a, b in splits for c in _LETTERS}
    frequency = _frequency()
    known = [w for w in edits if w in frequency and w != word]
    return max(known, key=lambda w: (frequency[w], w)) if known else None


# The word list is American; British spellings are right too ("behaviour", "randomised", "oedema").
_BRITISH = [(re.compile(a), b) for a, b in (
    (r"our(s|ed|ing|ite|ites|able)?$", r"or\1"), (r"is(e|es|ed|ing|ation|ations|er|ers)$", r"iz\1"),
    (r"ys(e|es|ed|ing|er|ers)$", r"yz\1"), (r"tre(s)?$", r"ter\1"), (r"ogue(s)?$", r"og\1"),
    (r"ence$", r"ense"), (r"amme(s)?$", r"am\1"), (r"([aeiou])ll(ed|ing|er|ers)$", r"\1l\2"), (r"^oe", "e"), (r"oe", "e"), (r"ae", "e"),
)]
ABBREVIATIONS = {"etc", "al", "vs", "eg", "ie", "approx", "dept", "fig", "figs", "incl", "resp"}
# Latin in English prose ("in vitro", "bona fide", "post mortem", "diabetes mellitus").
LATIN = {"vitro", "vivo", "utero", "situ", "silico", "mortem", "fide", "facto", "mellitus", "priori", "passim"}
# Addresses: their pieces are no words (https, www, ncbi, pdf).
_ADDRESS = re.compile(r"\S*(?:https?://|www\.)\S*|\S+@\S+\.\S+|\S+\.(?:com|org|net|gov|edu|int|pdf|html?)\b\S*")
# A closed compound of two common SCOWL words this long or longer ("lockdown", "handwashing"):
# common in pyspellchecker's subtitle counts, so "cont" + "acct" or "tout" + "hing" is no word.
COMPOUND_PART = 4
COMPOUND_FREQUENCY = 1000


def _british(word: str, known: frozenset[str]) -> bool:
    # Five letters or fewer: en_AU has them ("odour", "fibre"), and "thoe" is no British "the".
    return len(word) >= 6 and any((us := rule.sub(repl, word)) != word and us in known for rule, repl in _BRITISH)


# A known word behind one of these is a word ("preprint", "postpandemic", "nonessential"): the
# rest must be a known word of PREFIXED_MIN letters or more, so a typo rarely passes as one.
PREFIXES = ("pre", "post", "non", "anti", "co", "re", "sub", "inter", "intra", "multi", "over", "under",
            "semi", "micro", "mis", "counter", "hyper", "hypo", "mega", "mini", "super", "ultra", "bio",
            "tele", "auto", "cyber", "neuro", "immuno", "socio", "geo", "eco", "trans", "cross", "de", "pro",
            "up", "neo", "nano", "meta", "poly", "photo", "electro", "thermo", "hydro", "physio", "psycho",
            # combining forms of medicine and biology ("cytotoxicity", "lipopolysaccharide", "adenoviral")
            "patho", "cyto", "exo", "endo", "broncho", "adeno", "metallo", "lipo", "pharmaco", "pneumo",
            "gastro", "cardio", "hemo", "haemo", "osteo", "entero", "myo", "angio", "lympho", "histo", "onco",
            # and of virology and chemistry ("alphacoronavirus", "seroprevalence", "bilayer", "ribonuclease")
            "alpha", "beta", "gamma", "delta", "sero", "bi", "ribo", "amino", "leuko", "fibro", "glyco")
PREFIXED_MIN = 5
PREFIXED_LONG = 8  # a rest this long may be a word of the long list ("lipo" + "polysaccharide")
# Medical combining forms after a known stem, with or without its linking vowel ("lymph" +
# "o" + "penia", "thrombocyt" + "openia" has no known stem and stays unknown).
COMBINING = ("penia", "emia", "aemia", "itis", "osis", "ology", "ologist", "ectomy", "otomy", "plasty",
             "pathy", "genic", "genesis", "cyte", "cytes", "lysis", "algia", "megaly", "scopy", "gram")


# Derivations the word list leaves out: a suffix on a SCOWL word ("virological" ← "virology",
# "infectivity" ← "infective", "pseudonymized" ← "pseudonym", "pneumonias" ← "pneumonia").
DERIVED = (("ically", ("ical", "ic")), ("ally", ("al",)), ("ibility", ("ible",)), ("ability", ("able",)),
           ("ities", ("ity",)), ("ity", ("e", "", "al")), ("ological", ("ology",)), ("ical", ("y",)),
           ("ization", ("ize", "")), ("isation", ("ise", "")), ("ized", ("",)), ("ised", ("",)),
           ("izing", ("",)), ("ising", ("",)), ("izable", ("ize",)), ("ation", ("ate", "e")))
# A plural SCOWL leaves out, of nouns ending so ("pneumonias", "interferons", "proteases"): not
# of any word, or "agains" would pass.
PLURAL_OF = ("a", "on", "ide", "ase", "yte", "ome", "gen", "ein")


def _derived(word: str, scowl: frozenset[str]) -> bool:
    for suffix, bases in DERIVED:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[:-len(suffix)]
            if any(stem + b in scowl for b in bases):
                return True
    return word.endswith("s") and word[:-1].endswith(PLURAL_OF) and word[:-1] in scowl


def _affixed(word: str, known: frozenset[str]) -> bool:
    scowl, frequency = _scowl(), _frequency()
    if _derived(word, scowl):
        return True
    for i in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
        if word[:i] in scowl and word[i:] in scowl and min(frequency.get(word[:i], 0),
                                                           frequency.get(word[i:], 0)) >= COMPOUND_FREQUENCY:
            return True
    for prefix in PREFIXES:
        rest = word[len(prefix):]
        if word.startswith(prefix) and len(rest) >= PREFIXED_MIN and (
                rest in scowl or _british(rest, scowl) or _derived(rest, scowl)
                or (len(rest) >= PREFIXED_LONG and rest in known)):
            return True
    for form in COMBINING:
        if word.endswith(form) and len(word) > len(form) + 2:
            stem = word[:-len(form)]
            if len(stem) >= 4 and (stem in known or (stem[-1] in "oi" and (stem[:-1] in known
                                                                         or stem[:-1] + "e" in known))):
                return True
    return False


# Endings of technical (mostly biomedical) vocabulary no list keeps up with: enzymes (helicase),
# antibodies (blinatumomab), antibiotics (azithromycin), cells (pneumocyte), peptides (troponin),
# -able coinages (druggable), polymers (peplomer). A word of TECHNICAL_MIN letters or more so ending
# is taken as a word when no known word is one edit away: a typo (a letter dropped, doubled,
# swapped or replaced in a known word) always is, so typos of known words are still found.
TECHNICAL = ("ase", "ases", "mab", "mycin", "parin", "onide", "idone", "cytosis", "cyte", "cytes", "emia",
             "pathy", "ologists", "some", "somes", "omic", "omics", "osan", "onin", "tensin", "orphin",
             "relin", "ectin", "able", "ability", "athon", "athons", "omer", "omers", "idyl", "oid", "lids")
TECHNICAL_MIN = 7


def _technical(word: str, known: frozenset[str]) -> bool:
    if len(word) < TECHNICAL_MIN or not word.endswith(TECHNICAL):
        return False
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    edits |= {a + c + b for a, b in splits for c in _LETTERS}
    edits.discard(word)
    return edits.isdisjoint(known) and not any(_british(e, known) for e in edits if len(e) >= 6 and "ae" in e)


def _word_known(word: str, known: frozenset[str]) -> bool:
    return (word in known or word in ABBREVIATIONS or word in LATIN or _british(word, known) or _affixed(word, known)
            or _technical(word, known))


def unknown_words(en: str, *, skip: Callable[[str], bool] = lambda w: False) -> list[str]:
    """Lower-case words of ``en`` missing from the dictionary (and not ``skip``ped), in order."""
    known = _known()
    text = _ADDRESS.sub(" ", en.replace("’", "'"))
    tokens = [m.group() for m in _TOKEN.finditer(text) if not text.startswith("-", m.end())]  # "pneumo-,": a prefix
    unknown = set(tokens).difference(known)  # most texts: every word known, no loop below
    out: list[str] = []
    for token in tokens:
        if token not in unknown or not token.islower() or not token.replace("'", "").replace("-", "").isalpha():
            continue  # names, acronyms, codes with digits
        if "-" in token and token.replace("-", "") in known:  # "co-ordinated"
            continue
        for part in token.split("-"):  # a hyphenated word not known whole: each part
            base = _APOSTROPHE.split(part, maxsplit=1)[0]
            if (part in known or part in PREFIXES or len(base) < MIN_LENGTH or base in out or _word_known(base, known)
                    or skip(base) or skip(part)):
                continue
            out.append(base)
    return out


class VocabularyCounter:
    """How many pairs' English use a word, through the search index (cached per word)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._counts: dict[str, int] = {}

    def common(self, word: str) -> bool:
        count = self._counts.get(word)
        if count is None:
            try:
                count = self.conn.execute(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM pairs_fts WHERE pairs_fts MATCH ? LIMIT ?)",
                    [f'{{en draft}} : "{word}"', VOCABULARY_PAIRS]).fetchone()[0]
            except sqlite3.Error:
                count = 0
            self._counts[word] = count
        return count >= VOCABULARY_PAIRS


_MESSAGE = re.compile(r"possible misspelling: '([^']+)'")


def flagged_word(message: str) -> str | None:
    """The word a spelling finding's message names (what "add to dictionary" adds)."""
    m = _MESSAGE.match(message)
    return m.group(1) if m else None


def spelling(fa: str, en: str, *, glossary_words: set[str] | frozenset[str] = frozenset(),
             user_words: set[str] | frozenset[str] = frozenset(),
             vocabulary: VocabularyCounter | None = None) -> list[str]:
    persian_latin = {w.lower() for w in _WORD.findall(fa)}  # names and codes the Persian writes in Latin

    def skip(word: str) -> bool:
        return (word in glossary_words or word in user_words or word in persian_latin
                or (vocabulary is not None and vocabulary.common(word)))

    out = []
    for word in unknown_words(en, skip=skip):
        hint = suggestion(word)
        out.append(f"possible misspelling: '{word}'" + (f" ({hint}?)" if hint else ""))
    return out
