"""QA flags of a machine draft as it is made: the names of the QA checks (``workbench.qa``) that
fire on the draft as a translation of its source, stored with the draft (``drafts.qa``) as part
of its provenance and counted in the drafting summary.

The same check functions serve the workspace's QA (``workbench qa``, the review app, the
export's ``qa`` field), which runs them, with the glossary, spelling and consistency, on the
English a pair holds: one QA system, seen at drafting time and at review time.
"""

from __future__ import annotations

from workbench.qa import EMPTY, LENGTH, NUMBER, REPEATED_WORD, TAGS, UNTRANSLATED
from workbench.qa import tags, text_checks

FLAGS = (EMPTY, UNTRANSLATED, REPEATED_WORD, NUMBER, TAGS, LENGTH)


def qa_flags(source: str, draft: str) -> list[str]:
    """The QA flags of ``draft`` as a translation of ``source``, in a fixed order."""
    if not draft.strip():
        return [EMPTY]
    checks = (
        (UNTRANSLATED, text_checks.untranslated(source, draft)),
        (REPEATED_WORD, text_checks.repeated_word(source, draft, machine=True)),
        (NUMBER, text_checks.number(source, draft)),
        (TAGS, tags.tags(source, draft)),  # engines drop or respace placeholders and inline codes
        (LENGTH, text_checks.length(source, draft)),
    )
    return [name for name, found in checks if found]
