"""Persian normalization. ``clean`` tidies text for display (letter forms, zero-width
non-joiners, spaces); ``normalize`` is the matching key for search, translation memory and
alignment. Stored text is never replaced by either: originals are always kept.
"""

from __future__ import annotations

import re
import unicodedata

from workbench.text.numbers import to_ascii_digits, translator

ZWNJ = "\u200c"
# Arabic letter forms to Persian ones (keyboard and legacy-encoding leftovers).
_LETTER_FORMS: dict[str, int | str] = {"ي": "ی", "ى": "ی", "ك": "ک", "ە": "ه", "ۀ": "هٔ", "ة": "ه"}
_LETTERS = translator(str.maketrans(_LETTER_FORMS))
# Runs of spaces become one space. Only the runs that change are matched (not every single space
# between two words): the same result, several times faster.
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_ZWNJ_RUN = re.compile(r"\u200c\u200c+")
_ZWNJ_EDGE = re.compile(r"^\u200c|\u200c$|(?<=\s)\u200c|\u200c(?=\s)")
_SEPARATORS = translator({0x066B: ".", 0x066C: ","})  # Arabic decimal and thousands marks
_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel
_MATCH_DROP = re.compile(r"[\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_PERSIAN = "\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0622"
_ANY_PERSIAN = re.compile(f"[{_PERSIAN}]")
# Words beginning with می/نمی that are not a verb with the می prefix.
_NOT_MI_VERBS = {
    "میان", "میانه", "میانگین", "میانجی", "میانجیگری", "میانمار", "میانی", "میلیون", "میلیونها", "میلیارد",
    "میلیاردها", "میلادی", "میلاد", "میلی", "میلیمتر", "میلیگرم", "میدان", "میدانی", "میراث", "میز", "میزان",
    "میزبان", "میزبانی", "میهمان", "میهمانی", "میهن", "میهنی", "میوه", "میوهها", "میل", "میله", "میخ", "میش",
    "میمون", "میگرن", "میگو", "میکروب", "میکروبی", "میکروفون", "میکرو", "میکروسکوپ", "میتینگ", "میثاق", "میسر",
    "میمنت", "میر", "میرزا", "میشل", "میلان", "میامی", "میسیسیپی", "میکائیل", "مینا", "مینو", "میناب", "میهنپرست",
    "میکده", "میخانه", "میش", "میلیشیا", "میلیتاریسم", "میانبر", "میانبرد", "میانمدت", "میاندوره", "میانسال",
    "نمیر",
}
# The three rules below start with a literal (می, a space) and check what comes before it in their
# replacement: a regex that starts with a look-behind or an optional letter is tried at every
# position of the text (a fifth of the rules' time, an eighth of normalizing TICO-19's Persian).
# می/نمی written with a space before a verb: "می کند". Only before letters, and not after a letter
# or a joiner (the word is not a prefix).
_MI_SPACED = re.compile(rf"می (?=[{_PERSIAN}]{{2,}})")
# می/نمی glued to the verb: "میکند". Word-initial only: a match after a letter or a joiner is
# left as it is.
_MI_GLUED = re.compile(rf"می(?=[{_PERSIAN}]{{2,}})([{_PERSIAN}]+)")
_LETTER = frozenset(chr(c) for c in range(0x600, 0x700) if re.match(f"[{_PERSIAN}]", chr(c)))
_WORD_INSIDE = _LETTER | {"\u200c"}
# Plural suffixes glued to a noun of three letters or more: "موشکهای" → "موشک‌های". (Glued
# تر/ترین are left alone: دفتر, بستر, کبوتر, بهترین are words of their own.) Found by the suffix
# at a word's end (a literal: a fast scan); the word before it is found in the replacement.
_PLURAL_END = re.compile(rf"ها(?:یی|ی)?(?![{_PERSIAN}‌])")
_NON_JOINING = set("اآأإدذرزژوؤء")
_NOT_PLURALS = {"انتها", "منتها", "اشتباها", "تنها", "تنهایی", "رهایی", "نهایی", "انتهای", "منتهای", "ابتها"}
# Plural and comparative suffixes written with a space, after a letter: "کتاب ها" → "کتاب‌ها".
_SUFFIX_SPACED = re.compile(rf" (ها|های|هایی|هایم|هایت|هایش|تر|ترین)(?![{_PERSIAN}\u200c])")


def _suffix_spaced(match: re.Match[str]) -> str:
    at = match.start()
    return ZWNJ + match.group(1) if at and match.string[at - 1] in _LETTER else match.group(0)


def _prefix_before(text: str, at: int) -> str | None:
    """The verb prefix whose می starts at ``at``: "می", or "نمی" after a ن that starts a word;
    None where the می is inside a word (after another letter or a joiner)."""
    before = text[at - 1] if at else ""
    if before not in _WORD_INSIDE:
        return "می"
    if before == "ن" and (at == 1 or text[at - 2] not in _WORD_INSIDE):
        return "نمی"
    return None


def _mi_spaced(match: re.Match[str]) -> str:
    return "می" + ZWNJ if _prefix_before(match.string, match.start()) else match.group(0)


def _mi_glued(match: re.Match[str]) -> str:
    prefix = _prefix_before(match.string, match.start())
    rest = match.group(1)
    if prefix is None:
        return match.group(0)  # not the start of a word
    word = prefix + rest  # (the match holds its می on: a ن before it stays where it is)
    if word in _NOT_MI_VERBS or (prefix == "نمی" and "می" + rest in _NOT_MI_VERBS):
        return match.group(0)
    for ending in ("ها", "های", "هایی", "ی"):  # "میزها", "میوهای" are nouns too
        if word.endswith(ending) and word[: -len(ending)] in _NOT_MI_VERBS:
            return match.group(0)
    return "می" + ZWNJ + rest  # (at least two letters follow: the pattern's look-ahead)


def _mi_at_a_word_start(text: str) -> bool:
    """Whether ``_MI_GLUED`` could change ``text``: a می (or نمی) before a letter, starting a
    word. Most می in running text are inside a word (تصمیم) or already joined (می‌شود): the
    regex then finds matches only to leave them as they are (56k texts of 100k, 841 changed)."""
    at = text.find("می")
    while at != -1:
        if text[at + 2:at + 3] in _LETTER and _prefix_before(text, at) is not None:
            return True
        at = text.find("می", at + 2)
    return False


def repair_zwnj(text: str) -> str:
    """Insert the zero-width non-joiner Persian spelling wants where the input lacks it:
    after the verb prefixes می/نمی and before the plural/comparative suffixes ها/های/تر/ترین
    written with a space. Conservative: known non-verbs starting with می are left alone."""
    # Each rule runs only on text holding what it needs (a Persian letter, می, ها, a spaced
    # suffix): a substring test is far cheaper than the regex finding no match.
    if not _ANY_PERSIAN.search(text):
        return text
    if "می" in text:
        if "می " in text:
            text = _MI_SPACED.sub(_mi_spaced, text)
        if _mi_at_a_word_start(text):
            text = _MI_GLUED.sub(_mi_glued, text)
    if "ها" in text:
        text = _plurals_glued(text)
    if " ها" in text or " تر" in text:
        text = _SUFFIX_SPACED.sub(_suffix_spaced, text)
    return text


def _plurals_glued(text: str) -> str:
    """A joiner between a noun of three letters or more and its glued plural suffix. The noun is
    the whole run of letters before the suffix, not after a joiner."""
    pieces, done = [], 0
    for match in _PLURAL_END.finditer(text):
        end = start = match.start()
        while start > done and text[start - 1] in _LETTER:
            start -= 1
        if end - start < 3 or (start and text[start - 1] in _WORD_INSIDE):
            continue  # too short, or after a joiner (or before what was already joined)
        stem, word = text[start:end], text[start:match.end()]
        if word in _NOT_PLURALS or stem[-1] in _NON_JOINING:
            continue  # after ا د ر و … the letters do not join anyway: no joiner needed
        pieces += [text[done:end], ZWNJ]
        done = end
    return "".join(pieces) + text[done:] if pieces else text


def clean(text: str) -> str:
    """Unify Arabic letter forms to Persian, repair zero-width non-joiners, tidy spaces."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", _LETTERS(unicodedata.normalize("NFC", text))))
    if ZWNJ in text:
        text = _ZWNJ_EDGE.sub("", _ZWNJ_RUN.sub(ZWNJ, text))  # a joiner only ever sits between letters
        if "  " in text:  # one dropped between two spaces left them side by side
            text = _SPACES.sub(" ", text)
    return repair_zwnj(text).strip()


# What any step of ``normalize`` but the spelling rules would change in NFC text: Arabic letter
# forms, marks and tatweel, bidi controls, tabs and unusual spaces or two in a row, non-ASCII
# digits, Arabic separators. Most Persian text has none of them (85% of our test sentences).
# Other whitespace than the space (line breaks, separators) is special too: in the rest, a space is
# the only one. (Two spaces in a row are looked for apart: an alternative would slow the scan.)
_SPECIAL = re.compile("[" + "".join(_LETTER_FORMS) + "\u064b-\u065f\u0670\u0640\u200d\u200e\u200f"
                      "\u202a-\u202e\u2066-\u2069\t\u00a0\u2000-\u200b\u202f\u205f\u3000\u066b\u066c"
                      "\u06f0-\u06f9\u0660-\u0669\n\r\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029]")


# Of those, the characters that map one to one (or to nothing) wherever they stand: Arabic letter
# forms but ۀ (two letters), marks and tatweel, non-ASCII digits. Text whose special characters
# are only these (a fifth of TICO-19's Persian, mostly for a tanvin: "مثلاً") is translated in one
# step, then takes the short way (the marks go before the spelling rules run, as in the long way;
# the digits may go before too: no rule looks at a digit).
_ONE_TO_ONE_MAP: dict[str, int | str] = {
    **{k: v for k, v in _LETTER_FORMS.items() if len(str(v)) == 1},
    **{chr(c): "" for c in [*range(0x064B, 0x0660), 0x0670, 0x0640]},
    **dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2))}
_ONE_TO_ONE = translator(str.maketrans(_ONE_TO_ONE_MAP))
# The other special characters: the two sets together are exactly ``_SPECIAL``'s, so a translated
# text holds none of them (tests/test_normalize_fast_path.py checks it).
_MANY = re.compile("[" + "".join(k for k, v in _LETTER_FORMS.items() if len(str(v)) != 1) + "\u200d\u200e\u200f"
                   "\u202a-\u202e\u2066-\u2069\t\u00a0\u2000-\u200b\u202f\u205f\u3000\u066b\u066c"
                   "\n\r\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029]")


def _short_way(text: str) -> str | None:
    """``text`` as the short way takes it (NFC, no two spaces in a row, no special character: the
    one-to-one ones translated), or None if it must take the long way."""
    if not unicodedata.is_normalized("NFC", text) or "  " in text:
        return None
    if not _SPECIAL.search(text):
        return text
    if _MANY.search(text):
        return None
    translated = _ONE_TO_ONE(text)
    return translated if "  " not in translated and unicodedata.is_normalized("NFC", translated) else None


def normalize(text: str) -> str:
    """The matching key: ``clean``, then ASCII digits, no diacritics, tatweel or bidi controls,
    case folded. "می‌کند", "میکند" and "مي كند" all give the same key; the non-joiner stays, so
    full-text search finds "کتاب" in "کتاب‌ها"."""
    if text.isascii():  # no Persian letter, digit, mark or odd space: only spaces and case change
        if "  " in text or "\t" in text:
            text = _SPACES.sub(" ", text)
        return text.strip().casefold()
    short = _short_way(text)
    if short is not None:
        text = short
        # Every other step would leave this text as it is: only the joiner and spelling rules
        # apply (twice as fast; the same key, tests/test_normalize_fast_path.py). Spaces need
        # tidying only where a joiner next to one (the only whitespace here) was dropped.
        if ZWNJ in text:
            if ZWNJ + ZWNJ in text:
                text = _ZWNJ_RUN.sub(ZWNJ, text)
            if text[0] == ZWNJ or text[-1] == ZWNJ or " " + ZWNJ in text or ZWNJ + " " in text:
                text = _ZWNJ_EDGE.sub("", text)
                return _SPACES.sub(" ", repair_zwnj(text).strip()).strip().casefold()
        return repair_zwnj(text).strip().casefold()
    # Letters unified and marks dropped before clean, so its spelling rules see bare letters.
    bare = _LETTERS(unicodedata.normalize("NFC", text))
    bare = _MATCH_DROP.sub("", _DIACRITICS.sub("", bare))
    key = _MATCH_DROP.sub("", _DIACRITICS.sub("", _SEPARATORS(to_ascii_digits(clean(bare)))))
    return _SPACES.sub(" ", key).strip().casefold()
