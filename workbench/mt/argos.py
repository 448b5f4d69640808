"""The ``argos`` engine: an installed Argos package run through its own CTranslate2 model and
tokenizer, with ``translate_batch`` over the batches it is given.

Not ``argostranslate.translate``: that re-splits text into sentences with a model it downloads
at run time, while our pairs are already segmented. The decoding settings argostranslate uses
(length penalty 0.2, unknown tokens replaced from the source, the package's ``target_prefix``)
are kept so drafts match what Argos itself would produce for one sentence.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from workbench.errors import WorkbenchError
from workbench.mt.drafting import Params
from workbench.mt.models import PackageInfo, choose_package

# ctranslate2 is imported inside the functions that use it: quick commands start without it.

LENGTH_PENALTY = 0.2  # argostranslate's value
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32", "default")
DEVICES = ("auto", "cpu", "cuda")
GPU_AUTO_TYPES = ("int8_float16", "float16", "int8")  # "auto" on a GPU: the first every GPU used supports


@dataclass(frozen=True)
class DecodeOptions:
    beam_size: int = 4
    max_length: int = 256  # decoding steps (target tokens)
    batch_size: int = 32  # sentences per translate_batch call, and per committed batch
    threads: int = 0  # CTranslate2 intra_threads; 0: one per available core
    compute_type: str = "auto"  # int8 where the device supports it, else the model's own type
    device: str = "auto"  # cpu, cuda, or auto: cuda where CTranslate2 sees a GPU
    device_index: tuple[int, ...] = (0,)  # the GPUs to use: CTranslate2 runs one model replica on each


# a ctranslate2.Translator (untyped) loaded once per process and settings, shared by engines
_translators: dict[tuple[str, str, tuple[int, ...], str, int], Any] = {}
_translators_lock = threading.Lock()


def available_cores() -> int:
    """Cores this process may run on. CTranslate2's own default thread count can exceed them
    on small machines, and oversubscribed threads decode slower (measured on 2 cores)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cuda_devices() -> int:
    """GPUs CTranslate2 can use here (0 without a GPU or a working CUDA driver)."""
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except RuntimeError:
        return 0


def resolve_device(requested: str, device_index: tuple[int, ...] = (0,)) -> str:
    """``cpu`` or ``cuda`` for ``requested`` (``auto``: cuda where CTranslate2 sees a GPU),
    after checking the GPUs named by ``device_index`` exist."""
    if requested not in DEVICES:
        raise WorkbenchError(f"unknown device {requested!r} (one of {', '.join(DEVICES)})")
    if not device_index:
        raise WorkbenchError("device index: name at least one device")
    gpus = cuda_devices()
    device = ("cuda" if gpus else "cpu") if requested == "auto" else requested
    if device == "cuda":
        if not gpus:
            raise WorkbenchError("device cuda: CTranslate2 sees no CUDA GPU on this machine "
                                 "(use --device cpu, or auto to draft on a GPU only where there is one)")
        missing = sorted({i for i in device_index if not 0 <= i < gpus})
        if missing:
            raise WorkbenchError(f"device index {missing[0]}: CTranslate2 sees {gpus} GPU{'s' * (gpus > 1)} "
                                 f"(index 0{f' to {gpus - 1}' if gpus > 1 else ''})")
    elif tuple(device_index) != (0,):
        raise WorkbenchError("device index names GPUs, and this run drafts on the CPU (--threads sets its cores)")
    return device


def resolve_compute_type(requested: str, device: str, device_index: tuple[int, ...] = (0,)) -> str:
    """The compute type to load the model with, checked against every device used."""
    import ctranslate2

    supported: set[str] | None = None
    for index in device_index:
        try:
            here = set(ctranslate2.get_supported_compute_types(device, index))
        except (RuntimeError, ValueError) as e:
            raise WorkbenchError(f"device {device}:{index}: {_one_line(e)}") from None
        if requested not in ("auto", "default") and requested not in here:
            where = f"{device}:{index}" if device == "cuda" else device
            raise WorkbenchError(f"compute type {requested!r} is not supported on {where} "
                                 f"(supported: {', '.join(sorted(here))})")
        supported = here if supported is None else supported & here
    if requested != "auto":
        return requested
    preferred = GPU_AUTO_TYPES if device == "cuda" else ("int8",)
    return next((t for t in preferred if t in (supported or set())), "default")


def _translator(path: str, device: str, device_index: tuple[int, ...], compute_type: str, threads: int) -> Any:
    import ctranslate2

    key = (path, device, device_index, compute_type, threads)
    with _translators_lock:
        if key not in _translators:
            try:
                _translators[key] = ctranslate2.Translator(path, device=device, device_index=list(device_index),
                                                           compute_type=compute_type, inter_threads=1,
                                                           intra_threads=threads)
            except (RuntimeError, ValueError, OSError) as e:
                raise WorkbenchError(f"{path}: cannot load the CTranslate2 model ({_one_line(e)})") from None
        return _translators[key]


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def resolved(options: DecodeOptions) -> tuple[str, str, int]:
    """The device, compute type and threads ``options`` come to on this machine."""
    device = resolve_device(options.device, tuple(options.device_index))
    compute_type = resolve_compute_type(options.compute_type, device, tuple(options.device_index))
    return device, compute_type, options.threads or available_cores()


def decode_params(options: DecodeOptions, resolved_as: tuple[str, str, int] | None = None) -> Params:
    """The settings stored with each draft, as these options resolve on this machine (device,
    compute type, threads; ``resolved_as``: already resolved): with the engine, model and
    version, they say whether two drafts were made the same way. Also the identity of the same
    drafting spread over a cluster."""
    device, compute_type, threads = resolved_as or resolved(options)
    params: Params = {
        "beam_size": options.beam_size,
        "max_length": options.max_length,
        "batch_size": options.batch_size,
        "compute_type": compute_type,
        "threads": threads,
        "length_penalty": LENGTH_PENALTY,
        "device": device,
    }
    if device == "cuda":
        params["device_index"] = list(options.device_index)
    return params


class ArgosEngine:
    """Drafts with one Argos package (installed, or unpacked anywhere: a cluster worker builds its
    ``PackageInfo`` from the unpacked folder)."""

    name = "argos"
    threadsafe = True  # a CTranslate2 Translator may be called from any thread

    def __init__(self, info: PackageInfo, options: DecodeOptions = DecodeOptions()) -> None:
        tokenizer = getattr(info.package, "tokenizer", None)
        if tokenizer is None:
            raise WorkbenchError(f"{info.path}: package has no tokenizer (sentencepiece.model or bpe.model)")
        self.info = info
        self.options = options
        self.model = info.name
        self.model_version = info.version
        self.tokenizer = tokenizer
        self.prefix = [info.package.target_prefix] if getattr(info.package, "target_prefix", "") else []
        self.device, self.compute_type, self.threads = resolved(options)
        self.params = decode_params(options, (self.device, self.compute_type, self.threads))
        self.device_index = tuple(options.device_index)
        # One replica per GPU: that many batches may decode at once (on the CPU, one).
        self.replicas = len(self.device_index) if self.device == "cuda" else 1
        self.translator = _translator(str(info.path / "model"), self.device, self.device_index,
                                      self.compute_type, self.threads)

    def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str | None]:
        """English for each sentence, in order (``pair_ids`` are not needed). Callers pass
        length-sorted batches; longer lists are split (by CTranslate2, sorted by length) into
        ``batch_size`` chunks."""
        if not sentences:
            return []
        tokens = [self.tokenizer.encode(s) for s in sentences]
        results = self.translator.translate_batch(
            tokens,
            target_prefix=[self.prefix] * len(tokens) if self.prefix else None,
            max_batch_size=self.options.batch_size,
            beam_size=self.options.beam_size,
            max_decoding_length=self.options.max_length,
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
        )
        return [self._detokenize(r.hypotheses[0]) if t else "" for r, t in zip(results, tokens)]

    def _detokenize(self, tokens: list[str]) -> str:
        if self.prefix and tokens[: len(self.prefix)] == self.prefix:
            tokens = tokens[len(self.prefix):]
        text: str = self.tokenizer.decode(tokens)  # sentencepiece is untyped
        return text.strip()


def load_argos(model: str | None = None, options: DecodeOptions = DecodeOptions()) -> ArgosEngine:
    """The argos engine for the installed fa→en package ``model`` (default: the newest)."""
    return ArgosEngine(choose_package(model), options)
