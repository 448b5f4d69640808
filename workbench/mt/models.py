"""Installed Argos Translate packages: listing, choosing the fa→en one, installing from a file
(checked to load first; ``index.py`` downloads one from the Argos package index).

argostranslate reads ``ARGOS_PACKAGES_DIR`` (and ``ARGOS_PACKAGE_INDEX``) once, when it is first
imported. A long-lived process (the review app, a test session) should see the value of now, so
``argos_settings()`` re-reads them through argostranslate's own ``get_setting`` before each use.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

# argostranslate and ctranslate2 are imported where used: quick commands start without them.
if TYPE_CHECKING:
    from packaging.version import Version

SOURCE, TARGET = "fa", "en"
INSTALL_HINT = ("no Persian→English model is installed: get one with `workbench models install fa en` "
                "(needs internet) or `workbench models install PATH.argosmodel`")


@dataclass(frozen=True)
class PackageInfo:
    """An installed Argos package, as listed to users."""

    name: str  # the package code, else its directory name
    version: str
    from_code: str
    to_code: str
    path: Path
    package: Any  # argostranslate.package.Package
    test_only: bool = False  # metadata says "test_only": random weights, output is noise

    @property
    def fa_en(self) -> bool:
        return (self.from_code, self.to_code) == (SOURCE, TARGET)


def argos_settings() -> ModuleType:  # argostranslate.settings, with the current directories
    from argostranslate import settings

    current = Path(settings.get_setting("ARGOS_PACKAGES_DIR", default=settings.data_dir / "packages"))
    if settings.package_data_dir != current:
        settings.package_data_dir = current
        settings.package_dirs[0] = current
    current.mkdir(parents=True, exist_ok=True)
    module: ModuleType = settings
    return module


def packages_dir() -> Path:
    """Where packages are installed (``ARGOS_PACKAGES_DIR``, else argostranslate's default)."""
    return Path(argos_settings().package_data_dir)


def installed_packages() -> list[PackageInfo]:
    """Every installed package. A broken package directory (no metadata.json, or one
    argostranslate cannot read) is skipped instead of hiding all the others."""
    from argostranslate import package as argos_package

    settings = argos_settings()
    try:
        packages = argos_package.get_installed_packages()
    except Exception:  # Package() raises whatever a malformed metadata.json makes it raise
        packages = []
        for directory in settings.package_dirs:
            for path in sorted(p for p in Path(directory).iterdir() if p.is_dir()):
                try:
                    packages.append(argos_package.Package(path))
                except Exception:
                    continue
    return sorted(map(_info, packages), key=lambda i: (i.from_code, i.to_code, i.name))


def _info(p: Any) -> PackageInfo:  # p: argostranslate.package.Package
    return PackageInfo(name=p.code or p.package_path.name, version=p.package_version or "", from_code=p.from_code or "",
                       to_code=p.to_code or "", path=Path(p.package_path), package=p,
                       test_only=_test_only(Path(p.package_path)))


def _test_only(path: Path) -> bool:
    """Whether the package says it is a test model (tests/tiny_model.py): the demo and the
    default choice never use one, so its noise is never shown as a translation."""
    try:
        return json.loads((path / "metadata.json").read_text(encoding="utf-8")).get("test_only") is True
    except (OSError, ValueError, AttributeError):
        return False


def fa_en_packages() -> list[PackageInfo]:
    """Installed Persian→English packages, real models before test ones, newest first."""
    packages = (p for p in installed_packages() if p.fa_en)
    return sorted(packages, key=lambda p: (not p.test_only, version_key(p.version)), reverse=True)


def fa_en_package_installed() -> bool:
    """Whether a real (not test-only) Persian→English model is installed (the demo drafts only then)."""
    try:
        return any(not p.test_only for p in fa_en_packages())
    except Exception:  # no argostranslate, unreadable directory: nothing usable
        return False


def choose_package(name: str | None = None) -> PackageInfo:
    """The fa→en package to draft with: ``name`` (a package code or directory name), else the
    newest installed real one. A test-only package (random weights: its drafts are noise) is
    used only when named: without a name, having only one is having no model."""
    candidates = fa_en_packages()
    if name is None:
        real = [p for p in candidates if not p.test_only]
        if real:
            return real[0]
        if candidates:
            tests = ", ".join(p.name for p in candidates)
            raise WorkbenchError(f"{INSTALL_HINT} (installed: only the test model {tests}, whose drafts are noise; "
                                 "it drafts only when chosen by name, e.g. --model)")
        raise WorkbenchError(INSTALL_HINT)
    for info in candidates:
        if name in (info.name, info.path.name):
            return info
    known = ", ".join(p.name for p in candidates) or "none"
    raise WorkbenchError(f"no fa→en package named {name!r} (installed: {known})")


def version_key(version: str) -> tuple[int, Version | str]:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


# -- installing ---------------------------------------------------------------------------------


def install_file(path: Path, expect: tuple[str, str] | None = None, origin: str | None = None) -> PackageInfo:
    """Install an ``.argosmodel`` file as argostranslate's installer would (its package folder
    extracted into the packages directory), after checking it is one (a zip of one package
    directory with metadata.json and a model, for the languages ``expect`` if given) that
    works: its CTranslate2 model and tokenizer load. The folder is extracted and loaded beside
    the installed packages and only then renamed into place: a damaged file is a one-line
    error and never leaves a half-written package, nor breaks the installed one it would have
    replaced. Messages name the file ``origin`` (e.g. the URL it came from), else ``path``."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    name = origin or str(path)
    top, metadata = _check_archive(path, name)
    if expect is not None and (metadata["from_code"], metadata["to_code"]) != expect:
        raise WorkbenchError(f"{name}: a {metadata['from_code']}→{metadata['to_code']} package, not "
                             f"{expect[0]}→{expect[1]}; nothing installed")
    root = packages_dir()
    target = root / top
    # A dot-folder: if this process is killed, listing skips the leftover (it has no metadata.json).
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        try:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(staging / "new")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            raise WorkbenchError(f"{name}: damaged Argos package, nothing installed ({_one_line(e)})") from None
        check_loads(staging / "new" / top, name)
        if target.exists():
            target.rename(staging / "old")
        (staging / "new" / top).rename(target)
    except BaseException:
        if not target.exists() and (staging / "old").exists():
            (staging / "old").rename(target)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:  # as argostranslate's installer does: its language list is cached
        translate.get_installed_languages.cache_clear()
    for info in installed_packages():
        if info.path == target:
            return info
    raise WorkbenchError(f"{name}: installed into {target} but argostranslate does not list it")


def check_loads(package: Path, origin: str) -> None:
    """A WorkbenchError naming ``origin`` unless the package folder's tokenizer and CTranslate2
    model load (a zip can be sound around a model.bin that is not a model)."""
    import ctranslate2
    from argostranslate import package as argos_package

    damaged = f"{origin}: damaged Argos package, nothing installed"
    try:
        tokenizer = getattr(argos_package.Package(package), "tokenizer", None)
    except Exception as e:  # whatever a malformed metadata.json makes argostranslate raise
        raise WorkbenchError(f"{damaged} (metadata.json: {_one_line(e)})") from None
    if tokenizer is None:
        raise WorkbenchError(f"{damaged} (no tokenizer: sentencepiece.model or bpe.model)")
    try:
        tokenizer.encode("سلام")
    except Exception as e:  # sentencepiece and sacremoses raise what they like on a bad file
        raise WorkbenchError(f"{damaged} (its tokenizer does not load: {_one_line(e)})") from None
    try:
        ctranslate2.Translator(str(package / "model"), device="cpu", intra_threads=1)
    except (RuntimeError, ValueError, OSError) as e:
        raise WorkbenchError(f"{damaged} (its CTranslate2 model does not load: {_one_line(e)})") from None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _check_archive(path: Path, name: str) -> tuple[str, dict[str, Any]]:  # metadata.json's object
    """The package directory name inside an .argosmodel and its metadata, or a WorkbenchError
    saying why the file is not a package."""
    if not zipfile.is_zipfile(path):
        raise WorkbenchError(f"{name}: not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tops = {n.split("/", 1)[0] for n in names if n.strip("/")}
            if len(tops) != 1:
                raise WorkbenchError(f"{name}: not an Argos package (expected one folder inside, found {len(tops)})")
            top = tops.pop()
            if f"{top}/metadata.json" not in names:
                raise WorkbenchError(f"{name}: not an Argos package (no {top}/metadata.json)")
            if not any(n.startswith(f"{top}/model/") for n in names):
                raise WorkbenchError(f"{name}: not an Argos package (no {top}/model/ folder)")
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json"))
            except ValueError as e:
                raise WorkbenchError(f"{name}: not an Argos package (metadata.json: {e})") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise WorkbenchError(f"{name}: not an Argos package ({e})") from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise WorkbenchError(f"{name}: not an Argos package (metadata.json has no from_code/to_code)")
    if top in (".", "..") or "\\" in top:
        raise WorkbenchError(f"{name}: not an Argos package (bad folder name {top!r})")
    return top, metadata
