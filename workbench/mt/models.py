"""Installed Argos Translate packages: listing, choosing the fa→en one, installing from a file
or from the Argos package index.

argostranslate reads ``ARGOS_PACKAGES_DIR`` (and ``ARGOS_PACKAGE_INDEX``) once, when it is first
imported. A long-lived process (the review app, a test session) should see the value of now, so
``_settings()`` re-reads them through argostranslate's own ``get_setting`` before each use.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

SOURCE, TARGET = "fa", "en"
NETWORK_TIMEOUT = 15.0  # seconds per connect/read: offline must fail fast, never hang
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


def _settings():  # -> the argostranslate.settings module, with the current directories
    from argostranslate import settings

    current = Path(settings.get_setting("ARGOS_PACKAGES_DIR", default=settings.data_dir / "packages"))
    if settings.package_data_dir != current:
        settings.package_data_dir = current
        settings.package_dirs[0] = current
    current.mkdir(parents=True, exist_ok=True)
    return settings


def packages_dir() -> Path:
    """Where packages are installed (``ARGOS_PACKAGES_DIR``, else argostranslate's default)."""
    return _settings().package_data_dir


def installed_packages() -> list[PackageInfo]:
    """Every installed package. A broken package directory (no metadata.json, or one
    argostranslate cannot read) is skipped instead of hiding all the others."""
    from argostranslate import package as argos_package

    settings = _settings()
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
    infos = [
        PackageInfo(name=p.code or p.package_path.name, version=p.package_version or "", from_code=p.from_code or "",
                    to_code=p.to_code or "", path=Path(p.package_path), package=p,
                    test_only=_test_only(Path(p.package_path)))
        for p in packages
    ]
    return sorted(infos, key=lambda i: (i.from_code, i.to_code, i.name))


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
    return sorted(packages, key=lambda p: (not p.test_only, _version_key(p.version)), reverse=True)


def fa_en_package_installed() -> bool:
    """Whether a real (not test-only) Persian→English model is installed (the demo drafts only then)."""
    try:
        return any(not p.test_only for p in fa_en_packages())
    except Exception:  # no argostranslate, unreadable directory: nothing usable
        return False


def choose_package(name: str | None = None) -> PackageInfo:
    """The fa→en package to draft with: ``name`` (a package code or directory name), else the
    newest installed one."""
    candidates = fa_en_packages()
    if not candidates:
        raise WorkbenchError(INSTALL_HINT)
    if name is None:
        return candidates[0]
    for info in candidates:
        if name in (info.name, info.path.name):
            return info
    known = ", ".join(p.name for p in candidates)
    raise WorkbenchError(f"no fa→en package named {name!r} (installed: {known})")


def _version_key(version: str) -> tuple:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


# -- installing ---------------------------------------------------------------------------------


def install_file(path: Path) -> PackageInfo:
    """Install an ``.argosmodel`` file as argostranslate's installer would (its package folder
    extracted into the packages directory), after checking it is one (a zip of one package
    directory with metadata.json and a model). The folder is extracted beside the installed
    packages and only then renamed into place: a damaged file is a one-line error and never
    leaves a half-written package, nor breaks the installed one it would have replaced."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    top = _check_archive(path)
    root = packages_dir()
    target = root / top
    # A dot-folder: if this process is killed, listing skips the leftover (it has no metadata.json).
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=root))
    try:
        try:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(staging / "new")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            raise WorkbenchError(f"{path}: damaged Argos package, nothing installed ({e})") from None
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
    raise WorkbenchError(f"{path}: installed into {target} but argostranslate does not list it")


def _check_archive(path: Path) -> str:
    """The package directory name inside an .argosmodel, or a WorkbenchError saying why the
    file is not a package."""
    if not zipfile.is_zipfile(path):
        raise WorkbenchError(f"{path}: not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tops = {n.split("/", 1)[0] for n in names if n.strip("/")}
            if len(tops) != 1:
                raise WorkbenchError(f"{path}: not an Argos package (expected one folder inside, found {len(tops)})")
            top = tops.pop()
            if f"{top}/metadata.json" not in names:
                raise WorkbenchError(f"{path}: not an Argos package (no {top}/metadata.json)")
            if not any(n.startswith(f"{top}/model/") for n in names):
                raise WorkbenchError(f"{path}: not an Argos package (no {top}/model/ folder)")
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json"))
            except ValueError as e:
                raise WorkbenchError(f"{path}: not an Argos package (metadata.json: {e})") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise WorkbenchError(f"{path}: not an Argos package ({e})") from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise WorkbenchError(f"{path}: not an Argos package (metadata.json has no from_code/to_code)")
    if top in (".", "..") or "\\" in top:
        raise WorkbenchError(f"{path}: not an Argos package (bad folder name {top!r})")
    return top


def install_from_index(from_code: str, to_code: str,
                       on_download: Callable[[str], None] | None = None) -> PackageInfo:
    """Download the ``from_code``→``to_code`` package named by the Argos package index and
    install it. Every network step has a short timeout, and failures are one line.
    ``on_download`` hears what is being downloaded (it can take minutes)."""
    settings = _settings()
    index_url = settings.get_setting("ARGOS_PACKAGE_INDEX", default=settings.package_index) + "index.json"
    try:
        data = _fetch(index_url)
        index = json.loads(data)
    except (OSError, ValueError) as e:
        raise WorkbenchError(f"cannot reach the Argos package index at {index_url} ({_reason(e)}); "
                             "install a downloaded package with `workbench models install PATH.argosmodel`") from None
    Path(settings.local_package_index).write_bytes(data)  # what argostranslate itself would cache
    entries = [m for m in index if isinstance(m, dict) and m.get("from_code") == from_code
               and m.get("to_code") == to_code and m.get("links")]
    if not entries:
        raise WorkbenchError(f"the Argos package index has no {from_code}→{to_code} package")
    entry = max(entries, key=lambda m: _version_key(str(m.get("package_version", ""))))
    with tempfile.TemporaryDirectory(prefix="workbench-argos-") as tmp:
        archive = Path(tmp) / f"translate-{from_code}_{to_code}.argosmodel"
        if on_download is not None:
            on_download(f"downloading {from_code}→{to_code} package version {entry.get('package_version', '?')} "
                        f"from {entry['links'][0]}")
        _download(entry["links"], archive)
        return install_file(archive)


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "ArgosTranslate"})
    with urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT) as response:
        return response.read()


def _download(links: list[str], target: Path) -> None:
    errors = []
    for url in links:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "ArgosTranslate"})
            with urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT) as response, target.open("wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
            return
        except OSError as e:
            errors.append(f"{url}: {_reason(e)}")
    raise WorkbenchError(f"cannot download the package ({'; '.join(errors) or 'no download link'})")


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(str(text).split())

