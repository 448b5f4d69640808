"""QA checks on the English's brackets, punctuation, spacing and capitals against the Persian:
unpaired brackets and quotes, end punctuation, Persian punctuation left in the English, double
spaces and no space after a full stop, a sentence starting lowercase, a Latin acronym of the
Persian whose case changed. Pure and cheap, like
text_checks.
"""

from __future__ import annotations

import re

from workbench.qa.spelling import _known  # its word list loads on first use

# -- punctuation ------------------------------------------------------------------------------

# Persian punctuation an English sentence never holds (« » are Persian quotes: English uses “ ”).
_PERSIAN_PUNCTUATION = re.compile(r"[،؛«»؟]")
# What may close a sentence after its end mark: quotes, brackets, spaces, a footnote number.
# A sentence end inside the text: the English is running text, not a heading.
_RUNNING_TEXT = re.compile(r"[a-z0-9)][.!?][\"'”’]? +[\"'“‘(]*[A-Z]")
_CLOSING = " \t\u200c\u200f\u200e\"'”’»)]*"
# A question in quotes: the reporting clause may stand after it on one side and before it on the
# other (پرسید: «چرا…؟» ↔ "Why…?" asked a lawmaker), so neither side's end says whether it asks.
_QUOTED_QUESTION = re.compile(r"[?؟][\"'”’»]")


def punctuation(fa: str, en: str) -> list[str]:
    """Persian punctuation in the English; a question the other side does not ask; a Persian
    sentence closed by a full stop whose English, running text of sentences, ends with no end
    mark at all. (Persian translators end a heading or a list item with a stop the English
    rightly has not: TICO-19's "Workplace hazard controls for COVID-19" is no lost stop.)"""
    out = []
    if m := _PERSIAN_PUNCTUATION.search(en):
        out.append(f"Persian punctuation in the English: {m.group()!r}")
    fa_end, en_end = _end_mark(fa), _end_mark(en)
    if (fa_end == "?") != (en_end == "?") and not (_QUOTED_QUESTION.search(fa) and _QUOTED_QUESTION.search(en)):
        out.append("a question in the Persian, not in the English" if fa_end == "?"
                   else "a question in the English, not in the Persian")
    elif fa_end in (".", "!") and not en_end and _RUNNING_TEXT.search(en):
        out.append(f"the Persian ends with {fa_end!r}, the English with no end punctuation")
    return out


def _end_mark(text: str) -> str:
    """'?' for a question, '.' or '!' for a sentence end, ':' or ';' or '…' (a sentence goes on),
    '' for none."""
    tail = text.rstrip(_CLOSING)
    if not tail:
        return ""
    last = tail[-1]
    if last in "?؟":
        return "?"
    if last in ".!":
        return last
    if last in ":;؛…,،":
        return ":"
    return ""


# -- spaces: a full stop with no space after it ---------------------------------------------------

# "therapy.Recommended", "2020.The", "in nature.Outside": a sentence end then a capitalised word.
# Not "e.g.", "U.S.", "i.e." (a letter alone before the stop), not 2.5, not who.int (lowercase
# after), not "Ph.D" (one capital after).
_GLUED_SENTENCE = re.compile(r"(?<![\w.])(?:[a-z]{2,}|[A-Za-z]+[a-z]|\d+|[)\]”\"’])[.!?]([A-Z][a-z]+)")
_URL_TOKEN = re.compile(r"://|www\.|@")


def glued_sentences(en: str) -> list[str]:
    """Where the English runs two sentences together with no space after the end mark."""
    out = []
    for m in _GLUED_SENTENCE.finditer(en):
        start, end = en.rfind(" ", 0, m.start()) + 1, en.find(" ", m.end())
        token = en[start:end if end >= 0 else len(en)]
        if not _URL_TOKEN.search(token):
            out.append(token)
    return out



# -- capitalization -----------------------------------------------------------------------------

# A sentence start: the text's start or after an end mark and a space (not after an abbreviation).
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?])[\"'“‘(]?\s+)[\"'“‘(]*([^\W\d_][\w-]*)")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|al|approx|incl|ca|viz|no|fig|figs|p|pp|vol|ed|eds)"
                           r"|\b[A-Za-z])\.$", re.IGNORECASE)
# A lowercase word that starts a sentence on purpose: a brand (iPhone, eBay, mRNA), a unit or symbol.
_LOWER_BY_NATURE = re.compile(r"^(?:[a-z]+[A-Z][\w-]*|[a-z]{1,3}\d[\w-]*)$")
# A segment is often the rest of a sentence or a list item ("and reducing…", "in the development
# of a vaccine.", "after exposure to blood"): its lowercase start is the segmenter's, not the
# translator's. Only a whole sentence (it ends with . ! ?) not led by such a word is judged.
_CONTINUING = frozenset("and or but nor so then in on at after before with without of for to from by as which "
                        "who that while when where because than including such like whereas plus if unless "
                        "until via per".split())
# A quoted question or exclamation, then its reporting clause ("Why…?" asked a lawmaker).
_QUOTE_THEN_TAG = re.compile(r"[?!][\"'”’]\s+$")
_LATIN_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b")


def capitalization(fa: str, en: str) -> list[str]:
    """An English sentence that starts lowercase; a Latin acronym of the Persian (WHO, COVID-19)
    whose case the English changed (Who, Covid-19)."""
    out = []
    for m in _SENTENCE_START.finditer(en):
        word = m.group(1)
        if not word[0].islower() or _LOWER_BY_NATURE.match(word) or _ABBREVIATION.search(en[:m.start()].rstrip()):
            continue
        if _QUOTE_THEN_TAG.search(en, 0, m.start(1)):
            continue  # "Why…?" asked a lawmaker: the sentence goes on after the quote
        if m.start() == 0 and _continues(word, en):
            continue
        out.append(f"sentence starts lowercase: '{word}'")
        break
    for acronym in dict.fromkeys(_LATIN_ACRONYM.findall(fa)):
        if len(acronym) < 2 or re.search(rf"\b{re.escape(acronym)}\b", en):
            continue
        changed = re.search(rf"\b{re.escape(acronym)}\b", en, re.IGNORECASE)
        if changed and not _shouted_word(acronym):
            out.append(f"acronym case changed: '{acronym}' in the Persian, '{changed.group()}' in the English")
    return out


def _continues(word: str, en: str) -> bool:
    """Whether a segment starting lowercase with ``word`` may continue the segment before it."""
    return word.casefold() in _CONTINUING or _end_mark(en) not in (".", "!", "?")


def _shouted_word(token: str) -> bool:
    """A word of four letters or more in capitals for emphasis or a headline ("CBS NEWS" is CBS
    News), not an acronym: the English may write it in any case."""
    return len(token) >= 4 and token.isalpha() and token.lower() in _known()


# -- brackets ---------------------------------------------------------------------------------

_PAIRS = {")": "(", "]": "[", "}": "{", "»": "«", "”": "“"}
_OPENERS = {v: k for k, v in _PAIRS.items()}
_BRACKET = re.compile('[()\\[\\]{}«»“”"]')
# A list marker "1)" or "a)" closes nothing: not a bracket of the text.
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z])\)")


def brackets(fa: str, en: str) -> list[str]:
    """Brackets and quotes in the English left unpaired: () [] {} «» “” and straight double
    quotes; an imbalance the Persian has too (a list marker, a quote split across segments) is
    the source's, not the translation's; so is a quote closed with none opened before it (opened
    in the previous segment: 'we will stay home," he said.')."""
    if not _BRACKET.search(en):
        return []
    unpaired = _unpaired(en)
    if not unpaired:
        return []
    source = _unpaired(fa)
    out = []
    for mark in unpaired:
        if mark in source or (mark in "“”\"" and any(m in source for m in "«»“”\"")):
            continue
        if mark == "”" or (mark == '"' and _closes_first(en)):
            continue
        out.append(f"unpaired {mark!r}")
    return out[:1] if out else []


def _closes_first(text: str) -> bool:
    """Whether the first straight quote of an odd count closes a quote (a word or a stop before
    it, a space or the end after): the quote was opened in the segment before."""
    i = text.index('"')
    return i > 0 and not text[i - 1].isspace() and text[i - 1] not in "([{" and (i + 1 == len(text) or not text[i + 1].isalnum())


def _unpaired(text: str) -> list[str]:
    text = _LIST_MARKER.sub(" ", text, count=1)
    stack: list[str] = []
    lone: list[str] = []
    for ch in text:
        if ch in _OPENERS:
            stack.append(ch)
        elif ch in _PAIRS:
            if stack and stack[-1] == _PAIRS[ch]:
                stack.pop()
            elif _PAIRS[ch] in stack:  # "( [ )": the [ is the one left open
                while stack and stack[-1] != _PAIRS[ch]:
                    lone.append(stack.pop())
                stack.pop()
            else:
                lone.append(ch)
    lone += stack
    if text.count('"') % 2:
        lone.append('"')
    return lone


# -- spaces -----------------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"\S( {2,}|\t+)\S")


def spaces(fa: str, en: str) -> list[str]:
    out = []
    if en and (en[0].isspace() or en[-1].isspace()):
        out.append("space at the start or end of the English")
    m = _DOUBLE_SPACE.search(en)
    if m:
        out.append(f"double space: '{en[max(0, m.start() - 10):m.end() + 10].strip()}'")
    if glued := glued_sentences(en):
        out.append(f"no space after a full stop: '{glued[0]}'")
    return out
