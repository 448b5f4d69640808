"""Finding glossary terms: in Persian by word keys through inflection, in English by word forms.

``TermMatcher`` indexes a glossary once (5,000 terms in a few milliseconds) and then answers per
text: which terms a Persian sentence holds (``find``), whether an English text renders a term
(``translated``), which forbidden variants an English text uses (``forbidden``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.terms import english, persian
from workbench.terms.glossary import Entry

Candidate = tuple[tuple[str, ...], Entry]  # a term's Persian word keys, and its entry

Phrase = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a Persian text, at ``start:end`` (the whole words it covers)."""

    entry: Entry
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class ForbiddenHit:
    entry: Entry
    variant: str  # the forbidden English variant as the glossary writes it
    start: int
    end: int
    surface: str


class TermMatcher:
    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self._persian: dict[str, list[Candidate]] = defaultdict(list)
        self._candidates: dict[str, tuple[Candidate, ...]] = {}
        self._starts: set[str] = set()  # word keys that may begin a term, and those that may not
        self._no_starts: set[str] = set()
        self._allowed: dict[str, list[Phrase]] = {}
        self._forbidden: dict[str, list[tuple[Phrase, Entry, str]]] = defaultdict(list)
        self.vocabulary: set[str] = set()  # English words of the glossary, lower case
        self._forbidden_words: frozenset[str] = frozenset()
        for entry in self.entries:
            for form in persian.term_forms(entry.fa):
                self._persian[form[0]].append((form, entry))
            self._allowed[entry.key] = [p for term in entry.en for p in english.phrases(term, lemmas=True)]
            for variant in entry.forbidden:
                for phrase in english.phrases(variant):
                    for first in phrase[0]:
                        self._forbidden[first].append((phrase, entry, variant))
            for text in (*entry.en, *entry.forbidden):
                self.vocabulary.update(m.group().lower() for m in english.WORD.finditer(text))
        self._forbidden_words = frozenset(self._forbidden)

    def __len__(self) -> int:
        return len(self.entries)

    def _forms_for(self, key: str) -> tuple[Candidate, ...]:
        """The terms a word may begin (cached per word key): those of the word itself when it is
        a term's first word ("بیماری" is no "بیمار" + ی when both are terms), else those of its
        stems."""
        index = self._persian
        stems = (key,) if key in index else persian.stems(key)
        forms = tuple(item for stem in stems for item in index.get(stem, ()))
        self._candidates[key] = forms
        return forms

    @property
    def has_forbidden(self) -> bool:
        return bool(self._forbidden)

    # -- Persian ---------------------------------------------------------------------------
    def find(self, fa: str) -> list[TermHit]:
        """The terms in ``fa``, in text order; a term inside a longer one found at the same
        place is left out ("سازمان" inside "سازمان ملل")."""
        if not self._persian:
            return []
        keys = persian.keys(fa)
        words = set(keys)
        for key in words - self._starts - self._no_starts:  # words not seen before
            (self._starts if self._forms_for(key) else self._no_starts).add(key)
        starts = words & self._starts  # set operations: no Python loop over the text's words
        if not starts:
            return []
        found: list[tuple[int, int, Entry]] = []
        candidates = self._candidates
        for i, key in enumerate(keys):
            if key not in starts:
                continue
            for form, entry in candidates[key]:
                if len(form) == 1:
                    found.append((i, i + 1, entry))
                else:
                    end = _match_rest(keys, i, form)
                    if end is not None:
                        found.append((i, end, entry))
        if not found:
            return []
        if len(found) > 1 and any(end - start > 1 for start, end, _ in found):
            found = [s for s in found if not _inside(s[0], s[1], found, s[2])]
        found.sort(key=lambda s: (s[0], -s[1]))
        where = persian.spans(fa)
        hits: list[TermHit] = []
        seen: set[str] = set()
        for start, end, entry in found:
            if entry.key in seen:
                continue
            seen.add(entry.key)
            a, b = where[start][0], where[end - 1][1]
            hits.append(TermHit(entry, a, b, fa[a:b]))
        return hits

    # -- English ---------------------------------------------------------------------------
    def translated(self, entry: Entry, en_tokens: english.Forms, en_bag: frozenset[str] | None = None,
                   en_text: str | None = None) -> bool:
        """Whether one of the entry's English terms occurs in the tokenized English (with
        ``en_text``, the English itself: or a word derived from a one-word term, ``english.derived``)."""
        bag = en_bag if en_bag is not None else english.bag(en_tokens)
        if any(english.occurs(phrase, en_tokens, bag) for phrase in self._allowed.get(entry.key, ())):
            return True
        return en_text is not None and english.derived(entry.en, en_text)

    def english_spans(self, entry: Entry, en_tokens: english.Forms,
                      en_bag: frozenset[str] | None = None) -> list[tuple[int, int]]:
        # a set: two of the entry's terms may cover the same words ("coronavirus", and "corona virus" joined)
        return sorted({span for phrase in self._allowed.get(entry.key, ())
                       for span in english.find(phrase, en_tokens, en_bag)})

    def forbidden(self, en: str, en_tokens: english.Forms | None = None) -> list[ForbiddenHit]:
        """Forbidden variants used in ``en``, unless the words are part of an allowed term of
        the same entry ("care" forbidden, "health care" allowed)."""
        if not self._forbidden:
            return []
        tokens = en_tokens if en_tokens is not None else english.tokens(en)
        index = self._forbidden
        if self._forbidden_words.isdisjoint(english.bag(tokens)):
            return []
        hits: list[ForbiddenHit] = []
        where: list[tuple[int, int]] | None = None
        for i, forms in enumerate(tokens):
            if not any(form in index for form in forms):
                continue
            candidates = {id(c): c for form in forms for c in index.get(form, ())}
            for phrase, entry, variant in candidates.values():
                n = len(phrase)
                if i + n > len(tokens) or not all(phrase[k] & tokens[i + k] for k in range(n)):
                    continue
                if any(a <= i and i + n <= b for a, b in self.english_spans(entry, tokens)):
                    continue
                where = where or english.spans(en)
                a, b = where[i][0], where[i + n - 1][1]
                hits.append(ForbiddenHit(entry, variant, a, b, en[a:b]))
        return hits


def misused(matcher: TermMatcher, hits: list[TermHit], en: str, en_tokens: english.Forms) -> list[ForbiddenHit]:
    """The forbidden variants ``en`` uses in place of a term of the Persian (``hits``): flagged
    where the Persian holds the entry's term and the English none of its allowed renderings, or
    where the entry has no allowed English (a word never to write). "soaps and detergents" for
    «صابون‌ها و مواد شوینده» renders the term, "detergents" stands for another word; "the solar
    corona" where the Persian has no «کرونا» is the English's own word. (A term said twice, once
    by the variant, goes unflagged: ``find`` reports a term once.)"""
    found = matcher.forbidden(en, en_tokens)
    if not found:
        return []
    in_persian = {hit.entry.key for hit in hits}
    return [bad for bad in found if not bad.entry.en
            or (bad.entry.key in in_persian and not matcher.english_spans(bad.entry, en_tokens))]


def _match_rest(keys: list[str], i: int, form: tuple[str, ...]) -> int | None:
    """Where the term ``form`` whose first word matched word ``i`` ends (word index), if its
    other words follow; a suffix written as a word of its own ("بیماری ها واگیر") is skipped."""
    j = i + 1
    for word in form[1:]:
        while j < len(keys) and keys[j] in persian.DETACHED and word not in persian.stems(keys[j]):
            j += 1
        if j >= len(keys) or word not in persian.stems(keys[j]):
            return None
        j += 1
    return j


def _inside(start: int, end: int, spans: list[tuple[int, int, Entry]], entry: Entry) -> bool:
    """Whether another entry's span covers ``start:end`` and is longer."""
    return any(a <= start and end <= b and (b - a) > (end - start) and e.key != entry.key for a, b, e in spans)
