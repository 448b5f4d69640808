"""The package travels by content: a zip of its folder whose bytes depend on its files only, put
in Ray's object store under their SHA-256, unpacked by a worker into its machine's cache (one
folder per hash) only when that folder is missing. No shared disk is assumed."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.mt.models import PackageInfo

if TYPE_CHECKING:
    from workbench.mt.cluster.pool import ClusterStats


@dataclass(frozen=True)
class ShippedPackage:
    """An Argos package as workers receive it: the bytes of a zip of its folder, in Ray's
    object store (``ref``), named by their SHA-256."""

    name: str
    version: str
    digest: str
    size: int
    ref: Any  # ray.ObjectRef to the bytes; inside a dataclass so Ray does not fetch it for the worker


def pack(folder: Path) -> bytes:
    """The package folder as zip bytes that depend on its files' names and contents only (sorted,
    fixed dates, stored uncompressed: CTranslate2's int8 weights hardly compress)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            with path.open("rb") as src, archive.open(entry, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    return buffer.getvalue()


def ship(ray: Any, info: PackageInfo, stats: ClusterStats) -> ShippedPackage:
    """The installed package ``info``, packed and put in the object store, once per run: workers
    on every machine fetch it from there (Ray copies it between machines) when they need it."""
    started = time.perf_counter()
    data = pack(info.path)
    digest = hashlib.sha256(data).hexdigest()
    packed = time.perf_counter()
    shipped = ShippedPackage(name=info.name, version=info.version, digest=digest, size=len(data), ref=ray.put(data))
    stats.pack_seconds, stats.put_seconds = packed - started, time.perf_counter() - packed
    stats.package_bytes = len(data)
    return shipped


def cache_dir() -> Path:
    """Where workers keep unpacked packages, one folder per SHA-256 ($WORKBENCH_CACHE, else
    $XDG_CACHE_HOME/workbench, else ~/.cache/workbench)."""
    root = os.environ.get("WORKBENCH_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench"
    return Path(root) / "packages"


def unpack(digest: str, fetch: Callable[[], bytes], root: Path) -> tuple[Path, bool]:
    """The package folder for ``digest`` under ``root``, and whether its bytes had to be fetched.
    A folder is renamed into place whole, only after its bytes matched the hash, so one that
    exists is complete; workers racing on one machine each unpack, and the first rename wins."""
    target = root / digest
    if target.is_dir():
        return target, False
    staging = _unpacked(digest, fetch, root)
    try:
        try:
            (staging / digest).rename(target)
        except OSError:
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, True


def replace_damaged(digest: str, fetch: Callable[[], bytes], root: Path, inode: int) -> Path:
    """The cached folder for ``digest`` (the one with ``inode``) does not load: unpack the bytes
    again and put them in its place. Under a lock shared by the workers of this machine, and only
    if no other worker has replaced that folder already (they may all have failed on it at once;
    the new folder is made while the old one exists, so their inodes differ)."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / digest
    with (root / f".{digest}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = target.stat().st_ino
        except FileNotFoundError:
            current = None
        if current != inode:
            return unpack(digest, fetch, root)[0]
        staging = _unpacked(digest, fetch, root)
        try:
            target.rename(staging / "damaged")
            (staging / digest).rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _unpacked(digest: str, fetch: Callable[[], bytes], root: Path) -> Path:
    """A staging folder beside the cache holding the package unpacked as ``digest``, after its
    fetched bytes matched the hash (the caller removes the staging folder)."""
    data = fetch()
    if hashlib.sha256(data).hexdigest() != digest:
        raise WorkbenchError("the model package arrived damaged (its SHA-256 does not match)")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:16]}-", dir=root))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(staging / digest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging
