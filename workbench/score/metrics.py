"""Metrics from sacrebleu's own classes, one per metric, with their signatures. Nothing here
downloads unless asked: only a BLEU tokenizer the user names (flores101, flores200, spm,
spBLEU-1K) fetches a SentencePiece model, and offline that fails with a clear message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.score import sacrebleu_internals as internals
from workbench.score.sacrebleu_internals import Stats

if TYPE_CHECKING:
    from sacrebleu.metrics.base import Metric
    from sacrebleu.metrics.bleu import BLEU

# sacrebleu is imported inside the functions: quick commands that never score start without it.

CHUNK = 5000  # sentences whose statistics are held at once
NETWORK_TIMEOUT = 15.0  # seconds a tokenizer model's download may wait on the network (sacrebleu sets none)


@dataclass(frozen=True)
class MetricScore:
    name: str  # sacrebleu's name: BLEU, chrF2, chrF2++, TER
    score: float
    signature: str
    verbose: str = ""

    def as_sacrebleu_json(self, width: int = 1) -> dict[str, str | float]:
        """The object `sacrebleu -m ...` prints for this metric (default JSON output)."""
        out: dict[str, str | float] = {"name": self.name, "score": float(f"{self.score:.{width}f}"), "signature": self.signature}
        if self.verbose:
            out["verbose_score"] = self.verbose
        out.update(dict(part.split(":", 1) for part in self.signature.split("|")))
        return out


def metric(name: str, tokenize: str | None = None, **options: Any) -> Metric:  # options: the metric's own
    """One sacrebleu metric object: "bleu", "chrf", "chrf++", "ter" or "edit" (case-sensitive
    TER of a draft against its post-edited English: HTER)."""
    from sacrebleu.metrics.chrf import CHRF
    from sacrebleu.metrics.ter import TER

    if name == "bleu":
        return _bleu(tokenize, **options)
    if name == "chrf":
        return CHRF(**options)
    if name == "chrf++":
        return CHRF(word_order=2, **options)
    if name == "ter":
        return TER(**options)
    if name == "edit":
        return TER(case_sensitive=True, **options)
    raise WorkbenchError(f"unknown metric {name!r} (bleu, chrf, chrf++, ter)")


def _bleu(tokenize: str | None, **options: Any) -> BLEU:
    """BLEU with ``tokenize``. A tokenizer sacrebleu does not know, cannot load (ja-mecab and
    ko-mecab without their extras) or cannot download (the SentencePiece ones, offline) is a
    one-line error instead of sacrebleu's traceback."""
    from sacrebleu.metrics.bleu import BLEU

    if tokenize is None:
        return BLEU(**options)
    names = internals.tokenizer_names()
    if tokenize not in names:
        raise WorkbenchError(f"unknown tokenizer {tokenize!r} (one of {', '.join(names)})")
    downloads = internals.model_path(tokenize) is not None  # fetch their model on first use
    try:
        internals.fetch_model(tokenize, NETWORK_TIMEOUT)
        return BLEU(tokenize=tokenize, **options)
    except Exception as e:  # urllib errors, a missing or damaged model, missing extras, …
        cause = getattr(e, "reason", e)  # urllib's URLError wraps the socket error
        reason = " ".join(str(getattr(cause, "strerror", None) or cause).split()) or type(e).__name__
        if downloads:
            raise WorkbenchError(f"tokenizer {tokenize!r} needs to download a model and could not ({reason}); "
                                 "use the default 13a tokenizer offline") from None
        raise WorkbenchError(f"tokenizer {tokenize!r} cannot be used ({reason})") from None


@dataclass
class Tally:
    """Summed sentence statistics of one metric over some sentences. Tallies of disjoint sets
    add up (documents to a workspace) and give the same score as scoring the union at once."""

    name: str
    metric: Metric  # the sacrebleu metric that extracted them (knows its signature)
    stats: Stats

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.name, self.metric, [a + b for a, b in zip(self.stats, other.stats)])

    def score(self) -> MetricScore:
        name, score, verbose = internals.score_from_stats(self.metric, self.stats)
        return MetricScore(name, score, self.metric.get_signature().format(), verbose)


def tally(name: str, hypotheses: Sequence[str], references: Sequence[Sequence[str]],
          tokenize: str | None = None, sentences: list[Stats] | None = None) -> Tally:
    """Statistics of ``hypotheses`` against one or more reference streams. With ``sentences``
    (a list), each sentence's own statistics are appended to it too."""
    from sacrebleu.utils import sum_of_lists

    m = metric(name, tokenize)
    internals.check_args(m, hypotheses, references)
    # sacrebleu keeps every sentence's n-gram statistics until the end (gigabytes for 100k
    # sentences): add them up chunk by chunk instead — the same sums, so the same score.
    total: Stats | None = None
    for start in range(0, len(hypotheses), CHUNK):
        stats = internals.sentence_stats(m, list(hypotheses[start:start + CHUNK]),
                                         [list(r[start:start + CHUNK]) for r in references])
        if sentences is not None:
            sentences.extend(stats)
        part: Stats = sum_of_lists(stats)  # type: ignore[no-untyped-call]  # unannotated in sacrebleu
        total = part if total is None else [a + b for a, b in zip(total, part)]
    assert total is not None  # check_args refuses no hypotheses
    return Tally(name, m, total)


def corpus_score(name: str, hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                 tokenize: str | None = None) -> MetricScore:
    """Corpus score of ``hypotheses`` against one or more reference streams."""
    return tally(name, hypotheses, references, tokenize).score()


def sentence_chrfs(hypotheses: Sequence[str], references: Sequence[str]) -> list[float]:
    """Sentence-level chrF of each hypothesis against its reference (as sacrebleu's
    ``sentence_chrf``), computed in bulk."""
    per_sentence: list[Stats] = []
    t = tally("chrf", hypotheses, [references], sentences=per_sentence)
    return [internals.score_from_stats(t.metric, stats)[1] for stats in per_sentence]

