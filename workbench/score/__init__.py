"""Scoring drafts with sacrebleu: corpus metrics with signatures, edit rate, significance."""

from workbench.score.metrics import MetricScore, Tally, corpus_score, sentence_chrfs, tally
from workbench.score.report import (
    Bin,
    Row,
    ScoreReport,
    Significance,
    System,
    chrf_histogram,
    pairs_in_chrf_range,
    store_sentence_chrf,
    workspace_report,
)

__all__ = [
    "Bin", "MetricScore", "Row", "ScoreReport", "Significance", "System", "Tally", "chrf_histogram",
    "corpus_score", "pairs_in_chrf_range", "sentence_chrfs", "store_sentence_chrf", "tally", "workspace_report",
]
