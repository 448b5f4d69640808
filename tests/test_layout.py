"""How the package is built: parts that own their state, composed by whoever uses them (no class
made of mixins sharing attributes through ``self``: the review app's screens, the Workspace), in
modules short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import workbench

PACKAGE = Path(workbench.__file__).parent
MAX_LINES = 400


def classes_with_several_bases(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # A str-valued enum (``class Status(str, Enum)``) is one type, not a mixin.
            if isinstance(node, ast.ClassDef) and len(node.bases) > 1 and not any(
                    ast.unparse(base).endswith("Enum") for base in node.bases):
                found.append(f"{path.relative_to(root)}: {node.name}")
    return found


def long_modules(root: Path) -> list[str]:
    return [f"{path.relative_to(root)}: {n} lines" for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]


def test_no_class_is_built_from_mixins() -> None:
    assert classes_with_several_bases(PACKAGE) == []


def test_no_module_is_over_400_lines() -> None:
    assert long_modules(PACKAGE) == []
