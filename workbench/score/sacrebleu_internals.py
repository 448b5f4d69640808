"""Everything workbench uses of sacrebleu beyond its public API, in one place (pinned: the
version in constraints.txt is the one tests/test_third_party.py checks these against, and
pyproject.toml bounds sacrebleu below its next minor release).

sacrebleu's public ``corpus_score`` keeps every sentence's statistics until the end (gigabytes
for 100k sentences) and cannot add up the statistics of several documents; its metrics do both
through private methods (extract statistics, score from statistics), used here. Its tokenizer
models are downloaded here too, with a timeout of this download's own: sacrebleu's downloader
has none, and setting the process-wide socket timeout around it would change every other
thread's sockets (drafting fetches, the Argos index) while it runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric

# sacrebleu is imported inside the functions: quick commands that never score start without it.

Stats = list[float]  # one sentence's (or a sum's) statistics of a metric: counts, lengths, edits


def tokenizer_names() -> list[str]:
    from sacrebleu.metrics.bleu import BLEU

    return list(BLEU.TOKENIZERS)


def model_path(tokenize: str) -> Path | None:
    """Where sacrebleu looks for the SentencePiece model of ``tokenize``, if that tokenizer has one
    to download (flores101, flores200, spm, spBLEU-1K)."""
    from sacrebleu.tokenizers import tokenizer_spm

    model = tokenizer_spm.SPM_MODELS.get(tokenize)
    if model is None:
        return None
    # The folder the spm tokenizer reads from its own namespace (where tests point it), which
    # sacrebleu does not re-export.
    folder = tokenizer_spm.SACREBLEU_DIR  # type: ignore[attr-defined]
    return Path(folder) / "models" / os.path.basename(model["url"])


def fetch_model(tokenize: str, timeout: float) -> None:
    """Download the model of ``tokenize`` where sacrebleu will find it, unless it is there: each
    network operation gives up after ``timeout`` seconds, and a failed download leaves no file
    (sacrebleu's own writes the file as it goes and exits the process on an SSL error)."""
    import tempfile
    import urllib.request

    from sacrebleu.tokenizers import tokenizer_spm

    path = model_path(tokenize)
    if path is None or (path.exists() and path.stat().st_size):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(tokenizer_spm.SPM_MODELS[tokenize]["url"], timeout=timeout) as response:
        data = response.read()
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def check_args(metric: Metric, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> None:
    """Raise what ``corpus_score`` raises for these arguments (streams of unequal length, …)."""
    metric._check_corpus_score_args(hypotheses, references)


def sentence_stats(metric: Metric, hypotheses: list[str], references: list[list[str]]) -> list[Stats]:
    """Each sentence's statistics (``references``: streams, each as long as ``hypotheses``)."""
    stats: list[Stats] = metric._extract_corpus_statistics(hypotheses, references)
    return stats


def score_from_stats(metric: Metric, stats: Stats) -> tuple[str, float, str]:
    """(name, score, verbose text) of summed or single-sentence statistics, as ``corpus_score``
    reports them; the verbose text is BLEU's precisions and brevity penalty ("" for the others)."""
    result = metric._compute_score_from_stats(stats)
    return result.name, float(result.score), getattr(result, "_verbose", "") or ""
