"""The Argos package index: the package for a language pair, downloaded with progress and
installed only once it is whole and works (``models.install_file`` loads it first).

Offline must fail fast. Looking the index up has one deadline for all of it (``INDEX_DEADLINE``:
name lookup, connecting, reading), because a machine without a network can hang in a DNS
lookup that no socket timeout covers. A download that stalls for ``READ_TIMEOUT`` is given up.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.mt.models import PackageInfo, argos_settings, install_file, version_key

INDEX_DEADLINE = 8.0  # seconds for the whole index lookup (an offline machine waits no longer)
READ_TIMEOUT = 15.0  # seconds without a byte before a download is given up
CHUNK = 1 << 16
HEADERS = {"User-Agent": "ArgosTranslate"}


class IndexUnreachable(WorkbenchError):
    """The package index did not answer: offline, or the index is down."""


@dataclass(frozen=True)
class IndexEntry:
    """A package the index offers."""

    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]


@dataclass(frozen=True)
class Download:
    """A download under way: what, from where, and its size when the server says it."""

    entry: IndexEntry
    url: str
    size: int | None

    def describe(self) -> str:
        size = f", {self.size / 1e6:.1f} MB" if self.size is not None else ", size unknown"
        return (f"downloading {self.entry.from_code}→{self.entry.to_code} package version {self.entry.version or '?'} "
                f"({self.url}{size})")


def index_url() -> str:
    """``ARGOS_PACKAGE_INDEX`` (else argostranslate's default) + ``index.json``."""
    settings = argos_settings()
    base = str(settings.get_setting("ARGOS_PACKAGE_INDEX", default=settings.package_index))
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def find_package(from_code: str, to_code: str, deadline: float = INDEX_DEADLINE) -> IndexEntry:
    """The newest ``from_code``→``to_code`` package the index offers. IndexUnreachable when
    the index does not answer within ``deadline`` seconds."""
    url = index_url()
    try:
        data = _fetch_within(url, deadline)
        index = json.loads(data)
    except (OSError, ValueError, http.client.HTTPException) as e:
        raise IndexUnreachable(f"cannot reach the Argos package index at {url} ({_reason(e)})") from None
    try:
        Path(argos_settings().local_package_index).write_bytes(data)  # what argostranslate itself would cache
    except OSError:
        pass  # a cache only
    entries = [m for m in index if isinstance(m, dict) and m.get("from_code") == from_code
               and m.get("to_code") == to_code and isinstance(m.get("links"), list) and m["links"]]
    if not entries:
        raise WorkbenchError(f"the Argos package index has no {from_code}→{to_code} package")
    best = max(entries, key=lambda m: version_key(str(m.get("package_version", ""))))
    return IndexEntry(from_code, to_code, str(best.get("package_version", "")), tuple(map(str, best["links"])))


def install_from_index(from_code: str, to_code: str, *, on_start: Callable[[Download], None] | None = None,
                       on_progress: Callable[[int], None] | None = None,
                       deadline: float = INDEX_DEADLINE) -> PackageInfo:
    """Download the ``from_code``→``to_code`` package the index names and install it.
    ``on_start`` hears what is downloaded and its size, ``on_progress`` the bytes received so
    far. A download cut short, a damaged archive or a model that does not load installs
    nothing (one-line WorkbenchError)."""
    entry = find_package(from_code, to_code, deadline)
    with tempfile.TemporaryDirectory(prefix="workbench-argos-") as tmp:
        archive = Path(tmp) / f"translate-{from_code}_{to_code}.argosmodel"
        url = download(entry, archive, on_start=on_start, on_progress=on_progress)
        return install_file(archive, expect=(from_code, to_code), origin=url)


def download(entry: IndexEntry, target: Path, *, on_start: Callable[[Download], None] | None = None,
             on_progress: Callable[[int], None] | None = None) -> str:
    """Fetch the package into ``target`` from the first of its links that delivers it whole
    (as many bytes as the server announced); the link it came from."""
    errors = []
    for url in entry.links:
        try:
            request = urllib.request.Request(url, headers=HEADERS)
            with urllib.request.urlopen(request, timeout=READ_TIMEOUT) as response, target.open("wb") as out:
                length = response.headers.get("Content-Length")
                size = int(length) if length and length.isdigit() else None
                if on_start is not None:
                    on_start(Download(entry, url, size))
                received = 0
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    received += len(chunk)
                    if on_progress is not None:
                        on_progress(received)
            if size is not None and received != size:
                raise WorkbenchError(f"the download stopped after {received:,} of {size:,} bytes")
            return url
        except (OSError, ValueError, http.client.HTTPException, WorkbenchError) as e:
            errors.append(f"{url}: {_reason(e)}")
    raise WorkbenchError(f"cannot download the {entry.from_code}→{entry.to_code} package, nothing installed "
                         f"({'; '.join(errors) or 'the index gives no link'})")


def _fetch_within(url: str, seconds: float) -> bytes:
    """The body at ``url``, or TimeoutError after ``seconds`` whatever the network is doing
    (the fetch runs in a daemon thread left behind if it hangs)."""
    outcome: dict[str, object] = {}

    def fetch() -> None:
        try:
            request = urllib.request.Request(url, headers=HEADERS)
            with urllib.request.urlopen(request, timeout=seconds) as response:
                outcome["data"] = response.read()
        except BaseException as e:  # handed to the waiting thread
            outcome["error"] = e

    thread = threading.Thread(target=fetch, name="argos-index", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["data"]  # type: ignore[return-value]


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(str(text).split())
