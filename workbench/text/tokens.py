"""Tokens that must travel unchanged from the Persian to the English: web and mail addresses,
alphanumeric codes (``NL63``, ``ISBN-10``, ``H1N1``), placeholders (``{{ limit }}``, ``{name}``,
``%s``, ``%1$s``) and the protected inline codes an XLIFF import puts in the text (``⟦1⟧``,
``⟦/1⟧``: their notation is defined once, in ``protected.py``). One scanner for the QA ``tags``
check; the editor's refusal and the XLIFF reader and writer use ``protected.py``'s tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.text.protected import CLOSE as INLINE_CLOSE
from workbench.text.protected import OPEN as INLINE_OPEN
from workbench.text.protected import TOKEN as INLINE_TOKEN

URL = "url"
EMAIL = "email"
CODE = "code"
PLACEHOLDER = "placeholder"
INLINE = "inline"


_DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"  # ASCII, Persian and Arabic-Indic digits
_ALNUM = f"A-Za-z{_DIGIT}"
# Tried in this order at each place: the first kind that matches takes the text.
_PATTERNS = (
    (INLINE, INLINE_TOKEN.pattern.replace("(", "(?:")),  # the inline token, its groups uncaptured
    (URL, r"(?:(?:https?|ftp)://|www\.)[^\s<>\"«»“”]+"),
    (EMAIL, r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    # {{ name }} (Jinja, Twig, Angular), {name} / {0} (Python, ICU, .NET), %s %d %1$s %(name)s
    # (printf); not a percentage (50% of: a digit before it, or a space after it).
    (PLACEHOLDER, r"\{\{\s*[\w.\-|: ]+?\s*\}\}|\{[A-Za-z_][\w.]*\}|\{\d+\}"
                  r"|(?<![\w%])%(?:\d+\$|\([A-Za-z_]\w*\))?[-+#0]?\d*(?:\.\d+)?[sdifuxXeEgGc](?![A-Za-z])"),
    # A run of letters and digits (hyphens inside) holding both, that starts with a letter or
    # holds a capital: NL63, H1N1, ISBN-10, 2019-nCoV, p53; not 10th, 1930s, 5mg.
    (CODE, rf"(?<![{_ALNUM}\-])(?=[{_ALNUM}\-]*[A-Za-z])(?=[{_ALNUM}\-]*[{_DIGIT}])"
           rf"(?:[A-Za-z]|[{_DIGIT}]+-?[A-Za-z]*[A-Z])[{_ALNUM}]*(?:-[{_ALNUM}]+)*(?![{_ALNUM}])"),
)
_SCANNER = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS))
_TRAILING = ".,;:!?)]}'\"’”»،؛؟"  # punctuation a URL ends a sentence with, not part of it
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Token:
    kind: str  # URL, EMAIL, CODE, PLACEHOLDER or INLINE
    text: str
    start: int
    end: int

    @property
    def same(self) -> str:
        """What must be equal on both sides: the text, digits in ASCII; a code's case aside
        (`capitalization` judges it); a URL without the slash it may end with."""
        text = self.text.translate(_DIGITS)
        if self.kind == CODE:
            return text.casefold()
        if self.kind == URL:
            return text.rstrip("/")
        return text

    @property
    def key(self) -> str:
        """What a changed token still shares with the original: spaces, hyphens and case aside
        (``{{limit}}`` for ``{{ limit }}``, ``ISBN10`` for ``ISBN-10``)."""
        return _SPACE.sub("", self.same).replace("-", "").casefold()


# What every token holds one of: a Latin letter (codes, addresses), @, {, %, ⟦. Most Persian
# text has none, and scanning it is then skipped (the scanner's cost is in its lookaheads).
_MAY_HOLD = re.compile(rf"[A-Za-z@{{%{INLINE_OPEN}]")
# What a token other than a code holds.
_MAY_HOLD_NOT_CODE = re.compile(rf"[@{{%{INLINE_OPEN}]|://|www\.")


def may_hold(text: str, *, codes: bool = True) -> bool:
    """False when ``text`` surely holds no token (``codes=False``: no token but codes)."""
    return (_MAY_HOLD if codes else _MAY_HOLD_NOT_CODE).search(text) is not None


def scan(text: str) -> list[Token]:
    """The tokens of a text in order."""
    if not may_hold(text):
        return []
    out = []
    for m in _SCANNER.finditer(text):
        kind, value, end = m.lastgroup or CODE, m.group(), m.end()
        if kind == URL:
            stripped = value.rstrip(_TRAILING)
            if value.endswith(")") and value.count("(") > value.count(")") - 1:
                stripped = value  # a link with brackets of its own (Wikipedia's)
            value, end = stripped, m.start() + len(stripped)
        out.append(Token(kind, value, m.start(), end))
    return out

