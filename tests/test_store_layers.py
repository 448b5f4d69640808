"""The store stands below everything else: importing it loads none of the packages above it."""

from __future__ import annotations

import subprocess
import sys


def test_store_imports_nothing_of_qa() -> None:
    """QA's cache table is QA's: the store's searches get its condition registered by workbench.qa."""
    code = ("import sys, workbench.store, workbench.store.search, workbench.store.maintenance; "
            "print(sorted(m for m in sys.modules if m.startswith(('workbench.qa', 'workbench.tui', 'workbench.cli'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_qa_condition_registered_once_qa_is_imported() -> None:
    import workbench.qa  # noqa: F401
    from workbench.store import search

    assert "qa_state" in search.need(search.QA)
