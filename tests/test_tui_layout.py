"""How the review app is built: parts that own their state, composed by the screens (no class
made of mixins sharing attributes through ``self``), in modules short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import workbench.tui

TUI = Path(workbench.tui.__file__).parent
MAX_LINES = 400


def classes_with_several_bases(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and len(node.bases) > 1:
                found.append(f"{path.relative_to(root)}: {node.name}")
    return found


def long_modules(root: Path) -> list[str]:
    return [f"{path.relative_to(root)}: {n} lines" for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]


def test_no_class_of_the_review_app_is_built_from_mixins() -> None:
    assert classes_with_several_bases(TUI) == []


def test_no_module_of_the_review_app_is_over_400_lines() -> None:
    assert long_modules(TUI) == []
