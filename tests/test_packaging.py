"""The package as a wheel installs it: it stands alone (no file of the repository's tests/ or
bench/ is read), and what it declares it needs it uses. The tests stand on their own too: the
benchmarks may use their helpers, not the other way round."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"


def modules(folder: Path) -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(folder.rglob("*.py"))}


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_package_names_no_folder_of_the_repository() -> None:
    """align/devset.py read tests/data and bench/data next to the package: from a wheel those
    are not there. Docstrings may mention them; code may not."""
    found = []
    for path, tree in modules(PACKAGE).items():
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and re.fullmatch(r"(tests|bench)(/.*)?", node.value)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_tests_do_not_import_the_benchmarks() -> None:
    found = []
    for path, tree in modules(ROOT / "tests").items():
        found += [f"{path.name}: {name}" for name in imported(tree) if name.split(".")[0] in ("bench", "segment_eval")]
        found += [f"{path.name}:{node.lineno}: bench/ on sys.path" for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and "sys.path" in ast.unparse(node.func) and "bench" in ast.unparse(node)]
    assert found == []


# Needed without being imported: sentencepiece reads argostranslate's and sacrebleu's tokenizer
# models; pyspellchecker's word list is read as a resource of its package (qa/spelling.py).
NOT_IMPORTED = {"sentencepiece": "argostranslate, sacrebleu", "pyspellchecker": "qa/spelling.py"}


def test_every_declared_dependency_is_imported() -> None:
    """A dependency nothing imports (textual-plotext was one) is a download and a pin for nothing."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    used = {name.split(".")[0] for tree in modules(PACKAGE).values() for name in imported(tree)}
    providers = packages_distributions()

    def key(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    used_dists = {key(dist) for module in used for dist in providers.get(module, [])}
    unused = [spec for spec in declared
              if key(re.split(r"[<>=!~\[; ]", spec)[0]) not in used_dists | set(NOT_IMPORTED)]
    assert unused == []


def test_no_private_name_crosses_a_package() -> None:
    """A name with a leading underscore is its package's own business: store/ imported formats'
    ``_alive``, so renaming it inside formats would have broken the store. A name two packages
    share is public."""
    found = []
    for path, tree in modules(PACKAGE).items():
        here = path.relative_to(PACKAGE).with_suffix("").parts[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workbench."):
                there = node.module.split(".")[1]
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private and there != here:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.module} {private}")
    assert not found, "\n".join(found)


# In-function imports of our own modules that break a real cycle (each says so where it is).
CYCLE_BREAKERS = {
    ("qa/checker.py", "workbench.qa"),  # parallel imports the checker
    ("qa/parallel.py", "workbench.qa.checker"),
}


def test_the_core_imports_its_own_modules_at_the_top() -> None:
    """Most imports inside functions dodged import cycles; with one-way layers (pyproject's
    import-linter contracts) they are not needed and hide what a module depends on (ingest.py
    imported the aligner in three functions). Heavy third-party libraries may still be imported
    where used, for start-up speed: this looks at workbench's own modules only. (The store, the
    review app and the CLI are being reworked on their own.)"""
    found = []
    for path, tree in modules(PACKAGE).items():
        where = path.relative_to(PACKAGE).as_posix()
        if where.split("/")[0] in ("store", "tui", "cli"):
            continue
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workbench")
                        and (where, node.module) not in CYCLE_BREAKERS):
                    found.append(f"{where}:{node.lineno}: {node.module}")
    assert not found, "\n".join(found)


def test_opening_a_current_workspace_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    """sqlite-utils (which loads numpy) applies migrations; importing it took 0.1 s of every
    command's start, `status` included. Only a workspace that needs a migration imports it."""
    import subprocess
    import sys

    probe = ("import sys; from workbench.store import Workspace; Workspace(sys.argv[1]).close(); "
             "print(sorted(m for m in ('sqlite_utils', 'numpy') if m in sys.modules))")

    def imported() -> str:
        return subprocess.run([sys.executable, "-c", probe, str(tmp_path / "ws.sqlite")], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()

    assert imported() == "['numpy', 'sqlite_utils']"  # created: every migration ran
    assert imported() == "[]"
