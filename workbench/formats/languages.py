"""Which side of a pair (fa or en) a language tag or name stands for: TMX ``xml:lang``, TSV headers."""

from __future__ import annotations

# ISO 639-1/2/3 codes (Persian: also Iranian Persian and Dari) and names, in English and Persian.
LANGUAGES = {
    "fa": {"fa", "per", "fas", "pes", "prs", "persian", "farsi", "فارسی"},
    "en": {"en", "eng", "english", "انگلیسی"},
}


def language_side(label: str | None) -> str | None:
    """``"fa"``, ``"en"`` or None for a language tag or name: fa-IR, en_US, ENG, Persian, فارسی."""
    primary = (label or "").strip().split("-")[0].split("_")[0].casefold()
    return next((side for side, names in LANGUAGES.items() if primary in names), None)
