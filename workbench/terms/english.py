"""English words as glossary matching sees them: case-insensitive, and a plural, possessive or
-ing/-ed form matches its base form ("vaccines", "WHO's", "countries'", "viruses", "analyses",
"coughing", "quarantined"). A short all-caps term word (WHO, US, AIDS) matches only in capitals:
"who" and "us" are ordinary words. A term of several words also matches written as one
("face mask": "facemask").

Each word gets a small set of forms it may stand for (itself, and what stripping a plural or
possessive ending gives); two words match when their sets meet. Stripping too much is harmless
this way: "cases" → {cases, case, cas, casis} meets "case" and nothing a real word would not.
A stemmer was tried and left out: Snowball also folds derivations ("organization" and "organ",
"university" and "universe"), which would hide a missing term and flag allowed words as forbidden.
"""

from __future__ import annotations

import re
from typing import cast
WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’][A-Za-z]+)?")
_IRREGULAR = {
    "children": "child", "men": "man", "women": "woman", "people": "person", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "geese": "goose", "data": "datum", "criteria": "criterion",
    "bacteria": "bacterium", "phenomena": "phenomenon", "media": "medium",
}
_forms: dict[str, frozenset[str]] = {}
# An acronym this short collides with an ordinary word (WHO/who, US/us, IT/it, AIDS/aids); a
# longer one (COVID, UNICEF) is often written Covid, Unicef and stays case-insensitive.
_ACRONYM = range(2, 5)
# Prefix of a form reached by undoing -ing/-ed ("~cough" of "coughing"): an allowed term meets it
# (``phrase(lemmas=True)``), a forbidden variant does not ("state" forbidden, "stated" fine).
_LEMMA = "~"
_CAPS = "="  # prefix of the form only a word in capitals has ("=WHO"): no lower-case form starts so


def forms(word: str) -> frozenset[str]:
    """The lower-case forms a word may be an inflection of (cached)."""
    found = _forms.get(word)
    if found is not None:
        return found
    w = word.lower()
    if w.endswith(("'s", "’s")):
        w = w[:-2]
    elif w[-2:-1] in ("'", "’"):  # other clitics ("don't", "we're") stay whole
        pass
    out = {w}
    if w in _IRREGULAR:
        out.add(_IRREGULAR[w])
    if len(w) >= 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        out.add(w[:-1])
        if w.endswith("es"):
            out.add(w[:-2])
            if w.endswith("ses"):
                out.add(w[:-2] + "is")  # analyses → analysis
        if w.endswith("ies"):
            out.add(w[:-3] + "y")
    for ending in ("ing", "ed"):  # coughing → cough, making → make, stopped → stop, tried → try
        stem = w[:-len(ending)]
        if w.endswith(ending) and len(stem) >= 3:
            lemmas = {stem, stem + "e"}
            if stem[-1] == stem[-2]:
                lemmas.add(stem[:-1])
            if ending == "ed" and stem.endswith("i"):
                lemmas.add(stem[:-1] + "y")
            out.update(_LEMMA + lemma for lemma in lemmas)
    if _is_acronym(word):
        out.add(_CAPS + w.upper())
    found = frozenset(out)
    if len(_forms) < 500_000:
        _forms[word] = found
    return found


def _is_acronym(word: str) -> bool:
    base = word[:-2] if word[-2:-1] in ("'", "’") else word
    return base.isupper() and len(base) in _ACRONYM


Forms = list[frozenset[str]]  # a text as the form sets of its words


def tokens(text: str) -> Forms:
    words = WORD.findall(text)
    cached = list(map(_forms.get, words))  # one C-level pass over the cache; new words below
    if None in cached:
        return [f if f is not None else forms(w) for f, w in zip(cached, words)]
    return cast(Forms, cached)  # no None in it (tested just above)


def spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)]


def phrase(term: str, lemmas: bool = False) -> tuple[frozenset[str], ...]:
    """A term's words as form sets, in order (an acronym's set: only its capitals); with
    ``lemmas``, each word also meets its -ing/-ed forms in a text."""
    out = []
    for word in WORD.findall(term):
        found = forms(word)
        if _is_acronym(word):
            found = frozenset(f for f in found if f.startswith(_CAPS))
        elif lemmas:
            found = found | {_LEMMA + f for f in found if f[0] not in (_LEMMA, _CAPS)}
        out.append(found)
    return tuple(out)


def phrases(term: str, lemmas: bool = False) -> list[tuple[frozenset[str], ...]]:
    """The phrases a term is found as: its words, and a term of several words also joined
    into one ("face mask", "face-mask": "facemask")."""
    words = WORD.findall(term)
    out = [phrase(term, lemmas)] if words else []
    if len(words) > 1:
        out.append(phrase("".join(words), lemmas))
    return out


def bag(text_tokens: Forms) -> frozenset[str]:
    """Every form of every word of a text: a phrase with a word outside it cannot occur."""
    return frozenset().union(*text_tokens) if text_tokens else frozenset()


def find(words: tuple[frozenset[str], ...], text_tokens: Forms,
         text_bag: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Spans of ``text_tokens`` (token indexes, end exclusive) where the phrase ``words`` occurs."""
    n = len(words)
    if not n:
        return []
    if text_bag is not None and any(w.isdisjoint(text_bag) for w in words):
        return []
    hits = []
    for i in range(len(text_tokens) - n + 1):
        if all(words[k] & text_tokens[i + k] for k in range(n)):
            hits.append((i, i + n))
    return hits


def occurs(words: tuple[frozenset[str], ...], text_tokens: Forms, text_bag: frozenset[str]) -> bool:
    """Whether the phrase occurs (``find`` without the spans, stopping at the first)."""
    if not words or any(w.isdisjoint(text_bag) for w in words):
        return False
    n = len(words)
    if n == 1:
        return True
    first = words[0]
    return any(not first.isdisjoint(text_tokens[i]) and all(words[k] & text_tokens[i + k] for k in range(1, n))
               for i in range(len(text_tokens) - n + 1))


# -- derived words --------------------------------------------------------------------------
# A one-word term is rendered by a word derived from it as well (measured on TICO-19's human
# translations: `Chinese` for چین, `Italian` for ایتالیا, `asymptomatic` for علائم, `hospitalised`
# for بیمارستان, `childhood` for کودک): the term's word whole, with a prefix of negation or degree
# before it and anything of two letters or more after it (a suffix, or a closed compound:
# `childcare`) or an adjective's -y (`soapy`), or the word less a final y, e, a before a derivational
# suffix (Ital-ian, Chin-ese, vaccin-ation),
# -ence/-ance as -ent/-ant (`prevalent`); a word of eight letters or more closing a compound
# (`seroprevalence`).
# Only for `term-missing`: a forbidden variant is never derived.
_DERIVING_PREFIX = "(?:a|an|non-?|anti-?|un|pre-?|post-?|sub|inter|intra|multi|over|under)?"
_DERIVING_SUFFIX = ("(?:ians?|ese|ics?|ical|ically|ally|al|isms?|ists?|ans?|ous|ity|i[sz](?:e|ed|es|ing|ation|ations))")
_DERIVED: dict[str, re.Pattern[str] | None] = {}


def _derived_pattern(term: str) -> re.Pattern[str] | None:
    if term in _DERIVED:
        return _DERIVED[term]
    words = WORD.findall(term)
    pattern = None
    if len(words) == 1 and len(words[0]) >= 4 and not _is_acronym(words[0]):
        word = re.escape(words[0].lower())
        short = f"|{word[:-1]}{_DERIVING_SUFFIX}" if word[-1] in "yea" and len(word) >= 5 else ""
        if word[-1] == "e" and len(word) >= 6:  # vaccine: vaccinate, vaccination (not state: station)
            short += f"|{word[:-1]}at(?:e|es|ed|ing|ion|ions)"
        if word.endswith(("ence", "ance")):  # prevalence: prevalent
            short += f"|{word[:-2]}t(?:ly)?"
        # The word may also close a compound (seroprevalence, bioinformatics; facemasks, groundwater:
        # four letters or more before a shorter word, not damask or contest), as a plural too.
        before = "[a-z]{2,}" if len(word) >= 8 else f"(?:{_DERIVING_PREFIX}|[a-z]{{4,}})"
        pattern = re.compile(rf"(?<![a-z])(?:{_DERIVING_PREFIX}(?:{word}(?:[a-z\-]{{2,}}|y){short})"
                             rf"|{before}{word}(?:e?s)?)(?![a-z])",
                             re.IGNORECASE)
    _DERIVED[term] = pattern
    return pattern


def derived(terms: tuple[str, ...] | list[str], text: str) -> bool:
    """Whether ``text`` holds a word derived from one of the one-word ``terms``."""
    return any(p.search(text) is not None for t in terms if (p := _derived_pattern(t)) is not None)
