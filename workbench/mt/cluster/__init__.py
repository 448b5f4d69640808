"""Drafting spread over a Ray cluster: a pool of workers (Ray actors), each loading the Argos
package's CTranslate2 model once, decoding the length-sorted batches it is sent.

The pool plugs into drafting's seam (``engine.translations()``): batches go out as
``(pair id, Persian)`` lists and come back as drafts, in whatever order they finish, and
``draft_pairs`` stores each in this process, one transaction per batch: the command stays the
only writer to SQLite, so an interrupted or killed run resumes exactly as a local one does.

- The package travels by content: this process zips it, puts the bytes in Ray's object store
  with their SHA-256, and a worker fetches them only if its machine's cache has no folder of
  that hash; it checks the hash and unpacks into the cache (no shared disk is assumed).
- Drafts are the local ones: each worker runs ``ArgosEngine`` with the same options, and the
  Ray engine's identity (engine, model, version, settings) is the local engine's.
- A worker that dies is restarted by Ray and its batches are sent again; one that cannot come
  back is dropped and its batches go to the others.
- Ray is imported only here and only when used: without the ``cluster`` extra the CLI starts
  as fast as ever and ``--ray`` says what to install.
"""

from __future__ import annotations

from workbench.mt.argos import DecodeOptions, decode_params
from workbench.mt.cluster.connect import LOCAL, connect
from workbench.mt.cluster.package import ShippedPackage, cache_dir, pack, unpack
from workbench.mt.cluster.pool import ClusterStats, DraftWorker, RayTranslations
from workbench.mt.models import PackageInfo, choose_package


class RayEngine:
    """The argos engine's drafting spread over a Ray cluster (``address``: HOST[:PORT] of its
    head, or LOCAL for a runtime started for this command). ``workers``: how many (default:
    one per GPU when the device is CUDA, else one per CPU of the cluster, each using
    ``options.threads`` threads, or one)."""

    name = "argos"  # the local engine's identity: its drafts count as the same settings

    def __init__(self, info: PackageInfo, options: DecodeOptions | None = None, *, address: str = LOCAL,
                 workers: int | None = None) -> None:
        self.info = info
        self.options = options = options or DecodeOptions()
        self.address = address
        self.workers = workers
        self.model = info.name
        self.model_version = info.version
        self.params = decode_params(options)

    def translations(self) -> RayTranslations:
        return RayTranslations(self)

    def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str | None]:
        """One batch through a pool of one worker (the Engine protocol; drafting uses
        ``translations()``)."""
        batch = list(zip(pair_ids if pair_ids is not None else range(len(sentences)), sentences))
        with RayTranslations(self, workers=1) as translations:
            results = translations.results([batch])
            try:
                return next(results)[1]
            finally:
                results.close()


def load_ray_engine(model: str | None, options: DecodeOptions, *, address: str = LOCAL,
                    workers: int | None = None) -> RayEngine:
    """The Ray engine for the installed fa→en package ``model`` (default: the newest)."""
    return RayEngine(choose_package(model), options, address=address, workers=workers)


__all__ = ["LOCAL", "ClusterStats", "DraftWorker", "RayEngine", "RayTranslations", "ShippedPackage", "cache_dir",
           "connect", "load_ray_engine", "pack", "unpack"]
