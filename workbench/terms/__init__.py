"""Terminology: the workspace glossary, its files (TBX, CSV/TSV) and term matching in Persian
(by normalized form, through inflection) and English (case and plural/possessive aside)."""

from workbench.terms.glossary import Entry, ImportResult, entries, make_entry, revision
from workbench.terms.matcher import ForbiddenHit, TermHit, TermMatcher, misused

__all__ = ["Entry", "ForbiddenHit", "ImportResult", "TermHit", "TermMatcher", "entries", "make_entry", "misused", "revision"]
