"""The ``tags`` check: tokens that must travel unchanged (web and mail addresses, alphanumeric
codes, placeholders, protected inline codes; ``workbench.text.tokens`` finds them) missing from
the English, changed on the way (``{{limit}}`` for ``{{ limit }}``), or in the English only.

Codes are looser than the rest, as translators rightly write them (measured on TICO-19): a code
counts once however often the Persian names it (`the latter two` stands for a repeat), inside a
hyphenated word too (`anti-IL6`, `ACE2-positive`), its case aside (`capitalization` judges that),
and the English may add codes of its own (`COVID-19` for کرونا), web and mail addresses too (a
link for the English reader); a placeholder or inline code only in the English is a finding.
"""

from __future__ import annotations

import re
from collections import Counter

from workbench.text.tokens import CODE, INLINE, PLACEHOLDER, Token, may_hold, scan

_CODE_EDGE = "A-Za-z0-9"


def tags(fa: str, en: str) -> list[str]:
    source = scan(fa)
    if not source and not may_hold(en, codes=False):  # the usual case: the English's codes are its own
        return []
    target = scan(en)
    if not source and not target:
        return []
    kept = [t for t in source if t.kind != CODE]
    missing = Counter(t.same for t in kept) - Counter(t.same for t in target if t.kind != CODE)
    extra = Counter(t.same for t in target if t.kind != CODE) - Counter(t.same for t in kept)
    english = Token(CODE, en, 0, len(en)).same  # digits in ASCII, case folded
    lost = [t for t in _once(source) if t.kind == CODE and not _inside(t.same, english)]
    if not missing and not extra and not lost:
        return []
    out = []
    spare = [t for t in _once(target) for _ in range(extra[t.same])]
    codes = [t for t in _once(target) if t.kind == CODE]
    for token in [t for t in _once(kept) for _ in range(missing[t.same])] + lost:
        pool = codes if token.kind == CODE else spare
        changed = next((t for t in pool if t.key == token.key), None)
        if changed is not None:
            pool.remove(changed)
            out.append(f"{_show(changed)} for {_show(token)} in the English")
        else:
            out.append(f"{_show(token)} missing from the English")
    # A placeholder or inline code the Persian lacks breaks the file; an address may be the
    # translator's addition (a link for the English reader).
    out += [f"{_show(t)} in the English, not in the Persian" for t in spare if t.kind in (PLACEHOLDER, INLINE)]
    return out


def _inside(code: str, english: str) -> bool:
    """Whether the English holds the code (folded) as a word or a hyphenated word's part."""
    return re.search(rf"(?<![{_CODE_EDGE}]){re.escape(code)}(?![{_CODE_EDGE}])", english) is not None


def _once(tokens: list[Token]) -> list[Token]:
    """The first token of each value, in order."""
    seen: dict[str, Token] = {}
    for t in tokens:
        seen.setdefault(t.same, t)
    return list(seen.values())


def _show(token: Token) -> str:
    return f"{token.kind} `{token.text}`"
