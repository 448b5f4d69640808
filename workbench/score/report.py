"""Scoring a workspace's drafts against the English its editors approved.

A pair is scorable when it is approved, has English, and has a draft of its current Persian. A
pair drafted by several engines or models is scored once for each (its newest draft from each).

    report = workspace_report(ws)             # per document × system, per system, significance
    bins = chrf_histogram(ws, bins=10)        # sentence chrF of current drafts (stored in pairs.chrf)
    pairs = pairs_in_chrf_range(ws, 0, 10)    # the worst pairs, for the TUI to jump to
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import SupportsFloat

from workbench.errors import WorkbenchError
from workbench.score.metrics import MetricScore, Tally, sentence_chrfs, tally
from workbench.store import Pair, Workspace

# sacrebleu is imported inside the functions that use it: quick commands start without it.

METRICS = ("bleu", "chrf", "chrf++", "ter", "edit")


@dataclass(frozen=True)
class System:
    engine: str
    model: str

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.model}"


@dataclass(frozen=True)
class Scored:
    """One draft to score: the pair, the system that drafted it, the two texts."""

    pair_id: int
    doc: str
    system: System
    draft: str
    english: str


@dataclass
class Row:
    """Scores of one system on a set of pairs (a document, or the workspace)."""

    system: System
    doc: str | None
    pairs: int
    scores: dict[str, MetricScore]
    unchanged: float  # share of drafts approved without a change

    def value(self, metric: str) -> float:
        return self.scores[metric].score


# One system against the baseline on one metric: score, p_value, mean, ci (None: not given), baseline.
Comparison = dict[str, float | None]


@dataclass
class Significance:
    baseline: str
    pairs: int
    # per system (not the baseline), per metric name: score, p-value, mean ± 95% CI
    bootstrap: dict[str, dict[str, Comparison]] = field(default_factory=dict)
    randomization: dict[str, dict[str, Comparison]] = field(default_factory=dict)
    # per test ("bs", "ar"), per metric name: sacrebleu's signature with the test's own parts
    # (seed, resamples or trials), as ``sacrebleu --paired-bs/--paired-ar`` prints it
    signatures: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class ScoreReport:
    overall: list[Row]
    documents: list[Row]
    significance: Significance | None
    signatures: dict[str, str]


def scorable(ws: Workspace, doc_id: int | None = None) -> list[Scored]:
    sql = (
        "SELECT p.id, doc.name, d.engine, d.model, d.text, p.en FROM pairs p "
        "JOIN documents doc ON doc.id = p.doc_id "
        "JOIN drafts d ON d.pair_id = p.id AND d.source = p.fa "
        "WHERE p.status = 'approved' AND p.en != '' "
        "AND d.id = (SELECT MAX(d2.id) FROM drafts d2 WHERE d2.pair_id = p.id AND d2.source = p.fa "
        "            AND d2.engine = d.engine AND d2.model = d.model)"
    )
    args: list[int] = []
    if doc_id is not None:
        sql += " AND p.doc_id = ?"
        args.append(doc_id)
    sql += " ORDER BY p.doc_id, p.position, d.engine, d.model"
    return [Scored(pid, doc, System(engine, model), draft, en)
            for pid, doc, engine, model, draft, en in ws.conn.execute(sql, args)]


@dataclass
class _Group:
    """Tallies of one system on one document; groups add up to the system's overall row."""

    tallies: dict[str, Tally]
    pairs: int
    unchanged: int

    def __add__(self, other: _Group) -> _Group:
        return _Group({k: self.tallies[k] + other.tallies[k] for k in self.tallies},
                      self.pairs + other.pairs, self.unchanged + other.unchanged)

    def row(self, system: System, doc: str | None) -> Row:
        return Row(system, doc, self.pairs, {k: t.score() for k, t in self.tallies.items()},
                   self.unchanged / self.pairs)


def _group(items: list[Scored]) -> _Group:
    hyps = [s.draft for s in items]
    refs = [[s.english for s in items]]
    return _Group({name: tally(name, hyps, refs) for name in METRICS}, len(items),
                  sum(s.draft.strip() == s.english.strip() for s in items))


def workspace_report(ws: Workspace, doc_id: int | None = None, *, bootstrap: int = 1000,
                     trials: int = 10000, significance: bool = True) -> ScoreReport:
    items = scorable(ws, doc_id)
    if not items:
        raise WorkbenchError("nothing to score: no approved pair with English has a draft of its Persian "
                             "(draft with `workbench translate`, approve pairs in the review app)")
    by_system: dict[System, list[Scored]] = defaultdict(list)
    by_doc: dict[tuple[str, System], list[Scored]] = defaultdict(list)
    for item in items:
        by_system[item.system].append(item)
        by_doc[(item.doc, item.system)].append(item)
    groups = {key: _group(rows) for key, rows in by_doc.items()}
    documents = [group.row(system, doc) for (doc, system), group in groups.items()]
    overall = []
    for system in sorted(by_system, key=lambda s: s.label):
        parts = [g for (_, s), g in groups.items() if s == system]
        overall.append(sum(parts[1:], parts[0]).row(system, None))
    signatures = {name: overall[0].scores[name].signature for name in METRICS}
    tests = _significance(by_system, bootstrap, trials) if significance and len(by_system) > 1 else None
    store_sentence_chrf(ws, doc_id)
    return ScoreReport(overall, documents, tests, signatures)


def _significance(by_system: dict[System, list[Scored]], bootstrap: int, trials: int) -> Significance | None:
    """Paired bootstrap resampling and approximate randomization (sacrebleu's own) on the pairs
    every system drafted; the system with most pairs is the baseline."""
    from sacrebleu.significance import PairedTest, Result

    common = set.intersection(*({s.pair_id for s in rows} for rows in by_system.values()))
    if len(common) < 2:
        return None
    systems = sorted(by_system, key=lambda s: (-len(by_system[s]), s.label))
    texts = {system: {s.pair_id: s for s in by_system[system] if s.pair_id in common} for system in systems}
    order = sorted(common)
    references = [[texts[systems[0]][pid].english for pid in order]]
    named: list[tuple[str, Sequence[str]]] = [(system.label, [texts[system][pid].draft for pid in order])
                                            for system in systems]
    result = Significance(baseline=systems[0].label, pairs=len(order))
    for kind, samples, target in (("bs", bootstrap, result.bootstrap), ("ar", trials, result.randomization)):
        from sacrebleu.metrics.bleu import BLEU
        from sacrebleu.metrics.chrf import CHRF
        from sacrebleu.metrics.ter import TER

        metrics = {"BLEU": BLEU(), "chrF2": CHRF(), "TER": TER()}
        # n_ar_confidence stays at its default, as in sacrebleu's CLI (0 would stamp "bs:1000" on
        # a bootstrap signature whatever the number of resamples).
        signatures, scores = PairedTest(named, metrics, references, test_type=kind, n_samples=samples)()
        result.signatures[kind] = {name: sig.format() for name, sig in signatures.items()}
        for metric_name, results in scores.items():
            if metric_name == "System":
                continue
            baseline = results[0]
            for label, res in zip(scores["System"][1:], results[1:]):
                # the "System" column holds the labels, every other column a Result per system
                assert isinstance(label, str) and isinstance(res, Result) and isinstance(baseline, Result)
                target.setdefault(label, {})[metric_name] = {
                    "score": _float(res.score), "p_value": _float(res.p_value), "mean": _float(res.mean),
                    "ci": _float(res.ci), "baseline": _float(baseline.score),
                }
    return result


def _float(value: SupportsFloat | None) -> float | None:
    return None if value is None else float(value)  # sacrebleu hands back numpy scalars


def store_sentence_chrf(ws: Workspace, doc_id: int | None = None) -> int:
    """Sentence chrF of each approved pair's current draft against its English, in pairs.chrf
    (derived data: no version bump, no history). Returns how many pairs got a value."""
    if ws.read_only:
        return 0
    where, args = ("AND doc_id = ?", [doc_id]) if doc_id is not None else ("", [])
    rows = ws.conn.execute(
        f"SELECT id, draft, en FROM pairs WHERE status = 'approved' AND en != '' AND draft IS NOT NULL {where}",
        args,
    ).fetchall()
    values = sentence_chrfs([draft for _, draft, _ in rows], [en for _, _, en in rows]) if rows else []
    # Scored outside the write lock (seconds on a big workspace): a pair whose draft, English or
    # status changed meanwhile keeps no score rather than one of text it no longer holds.
    with ws.write() as conn:
        conn.execute(f"UPDATE pairs SET chrf = NULL WHERE chrf IS NOT NULL {where}", args)
        conn.executemany("UPDATE pairs SET chrf = ? WHERE id = ? AND draft = ? AND en = ? AND status = 'approved'",
                         [(v, pid, draft, en) for v, (pid, draft, en) in zip(values, rows)])
    return len(rows)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int


def chrf_histogram(ws: Workspace, doc_id: int | None = None, bins: int = 10) -> list[Bin]:
    """Counts of stored sentence chrF in equal bins over 0–100 (the last bin includes 100)."""
    width = 100 / bins
    counts = [0] * bins
    where, args = ("AND doc_id = ?", [doc_id]) if doc_id is not None else ("", [])
    for (value,) in ws.conn.execute(f"SELECT chrf FROM pairs WHERE chrf IS NOT NULL {where}", args):
        counts[min(bins - 1, int(value // width))] += 1
    return [Bin(i * width, (i + 1) * width, n) for i, n in enumerate(counts)]


def pairs_in_chrf_range(ws: Workspace, low: float, high: float, doc_id: int | None = None,
                        limit: int = 500) -> list[Pair]:
    """Pairs whose stored chrF lies in [low, high) (high = 100 includes 100), worst first."""
    op = "<=" if high >= 100 else "<"
    clause = f"p.chrf >= ? AND p.chrf {op} ?"
    pairs = list(ws.pairs(doc_id, where=clause, params=[low, high]))
    pairs.sort(key=lambda p: p.chrf or 0.0)  # all have one (the clause)
    return pairs[:limit]
