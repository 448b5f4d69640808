"""Which side of a pair (fa or en) a language tag or name stands for: TMX ``xml:lang``, TSV headers."""

from __future__ import annotations

from collections.abc import Mapping

# ISO 639-1/2/3 codes (Persian: also Iranian Persian and Dari) and names, in English and Persian.
LANGUAGES = {
    "fa": {"fa", "per", "fas", "pes", "prs", "persian", "farsi", "فارسی"},
    "en": {"en", "eng", "english", "انگلیسی"},
}


def language_side(label: str | None) -> str | None:
    """``"fa"``, ``"en"`` or None for a language tag or name: fa-IR, en_US, ENG, Persian, فارسی."""
    primary = (label or "").strip().split("-")[0].split("_")[0].casefold()
    return next((side for side, names in LANGUAGES.items() if primary in names), None)


def describe_languages(counts: Mapping[str | None, int]) -> str:
    """Language tags as found, for a message: ``x-fa ×2, "" ×1, no xml:lang ×3`` (most first)."""
    def name(label: str | None) -> str:
        return "no xml:lang" if label is None else f'"{label}"' if not label.strip() else label

    ranked = sorted(counts.items(), key=lambda item: -item[1])
    shown = [f"{name(label)} ×{count}" for label, count in ranked[:5]]
    return ", ".join(shown) + (f" and {len(ranked) - 5} more" if len(ranked) > 5 else "")
