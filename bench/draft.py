"""Drafting speed on the TICO-19 Persian side (3,071 segments) with the tiny random test model.

    .venv/bin/python bench/draft.py                     # beam 4, max length 256, batch 32
    .venv/bin/python bench/draft.py --beam-size 2 --threads 1 --single 100 --no-tm
    .venv/bin/python bench/draft.py --cluster           # local vs Ray, 1 and 2 workers (bench/draft_cluster.py)

Three ways to draft the same sentences with the same model, beam, length, batch size, compute
type and threads, measured in the same run:

  end-to-end  `workbench translate` in a fresh process: start-up, model load, reading the
              workspace, tokenizing, decoding, QA flags, one committed transaction per batch;
  batched     one CTranslate2 `translate_batch` call over all the pre-tokenized sentences
              (the baseline: decoding alone, at its best);
  one-by-one  one `translate_batch` call per sentence (on the first --single sentences).

Target (issue 4): end-to-end ≥ 0.85× batched. With --tm (default) it also times
translation-memory lookups on a 100k-pair corpus workspace built from perturbed TICO-19 copies.
The tiny model's drafts are noise; only its cost is realistic. Its size is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tiny_model import PACKAGE_NAME, TinyConfig, build_argosmodel, install, tico_sentences  # noqa: E402

TARGET = 0.85
WORKBENCH = Path(sys.executable).parent / "workbench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=0, help="0: one per available core (the CLI default)")
    parser.add_argument("--single", type=int, default=300, help="sentences for the one-by-one run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; the best counts")
    parser.add_argument("--tm", action=argparse.BooleanOptionalAction, default=True,
                        help="also time translation-memory lookups on 100k pairs")
    parser.add_argument("--cluster", action="store_true",
                        help="instead: local vs Ray (1 and 2 workers) and what a Ray run costs (docs/cluster.md)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-draft-") as tmp_name:
        tmp = Path(tmp_name)
        packages = tmp / "packages"
        os.environ["ARGOS_PACKAGES_DIR"] = str(packages)  # before argostranslate is imported
        config = TinyConfig()
        archive = build_argosmodel(tmp / "model", config)
        install(archive, packages)
        model_bytes = sum(f.stat().st_size for f in (packages / PACKAGE_NAME).rglob("*") if f.is_file())
        print(f"tiny model: {config.layers} layers, d_model {config.d_model}, {config.heads} heads, ffn {config.ffn}, "
              f"vocabulary {config.vocab} (SentencePiece, shared), int8 weights; package {model_bytes / 1e6:.1f} MB")

        fa, _ = tico_sentences()
        tmx = tmp / "tico.tmx"
        _write_tmx(tmx)
        flags = ["--beam-size", args.beam_size, "--max-length", args.max_length, "--batch-size", args.batch_size,
                 "--threads", args.threads]
        settings = f"beam {args.beam_size}, max length {args.max_length}, batch {args.batch_size}"
        if args.cluster:
            from bench.draft_cluster import bench_cluster

            return bench_cluster(tmp, tmx, len(fa), flags, settings, args.repeat)

        from workbench.mt import load_engine
        from workbench.mt.argos import DecodeOptions

        engine = load_engine(options=DecodeOptions(beam_size=args.beam_size, max_length=args.max_length,
                                                   batch_size=args.batch_size, threads=args.threads))
        tokens = [engine.tokenizer.encode(s) for s in fa]
        decode = dict(beam_size=args.beam_size, max_decoding_length=args.max_length, length_penalty=0.2,
                      replace_unknowns=True)
        end_to_end, batched = [], []
        for run in range(args.repeat):  # interleaved, so a slow spell of a shared machine hits both
            ws = tmp / f"ws{run}.sqlite"
            _workbench("--ws", ws, "import", tmx)
            started = time.perf_counter()
            _workbench("--ws", ws, "translate", *flags)
            end_to_end.append(len(fa) / (time.perf_counter() - started))
            started = time.perf_counter()
            engine.translator.translate_batch(tokens, max_batch_size=args.batch_size, **decode)
            batched.append(len(tokens) / (time.perf_counter() - started))
        single_tokens = tokens[: args.single]
        started = time.perf_counter()
        for sentence in single_tokens:
            engine.translator.translate_batch([sentence], **decode)
        single = len(single_tokens) / (time.perf_counter() - started)

        best_e2e, best_batched = max(end_to_end), max(batched)
        print(f"{len(fa)} TICO-19 Persian segments, {settings}, compute type {engine.compute_type}, "
              f"{engine.threads} threads")
        print(f"  end-to-end `workbench translate`  {best_e2e:7.1f} sentences/s  (runs: {_runs(end_to_end)})")
        print(f"  one batched translate_batch      {best_batched:7.1f} sentences/s  (runs: {_runs(batched)})")
        print(f"  one sentence per call            {single:7.1f} sentences/s  ({len(single_tokens)} sentences)")
        ratio = best_e2e / best_batched
        print(f"  end-to-end / batched    {ratio:.2f}×  (target ≥ {TARGET}: {'met' if ratio >= TARGET else 'NOT met'})")
        print(f"  end-to-end / one-by-one {best_e2e / single:.1f}×")
        print(f"  batched / one-by-one    {best_batched / single:.1f}×")

        if args.tm:
            _bench_tm(tmp / "tm.sqlite", fa)


def _bench_tm(path: Path, fa: list[str], pairs: int = 100_000, queries: int = 200) -> None:
    """Lookups for TICO sentences in 100k corpus pairs (each sentence has ~32 perturbed twins)."""
    from workbench.mt.tm import lookup
    from workbench.store import NewPair, Workspace

    _, en = tico_sentences()
    rng = random.Random(7)

    def perturb(sentence: str) -> str:
        words = sentence.split()
        if len(words) > 3:
            for _ in range(rng.randint(1, 3)):
                i, j = rng.randrange(len(words)), rng.randrange(len(words))
                words[i], words[j] = words[j], words[i]
            del words[rng.randrange(len(words))]
        return " ".join(words)

    with Workspace(path) as ws:
        made, copy = 0, 0
        while made < pairs:
            doc = ws.add_document(f"corpus{copy}", kind="corpus")
            units = [NewPair(fa=[perturb(f) if copy else f], en=[e], status="review") for f, e in zip(fa, en)]
            made += ws.insert_pairs(doc.id, units[: pairs - made])
            copy += 1
        sample = [fa[i] for i in rng.sample(range(len(fa)), queries)]
        cold, warm, found = [], [], 0
        for timings in (cold, warm):  # cold: word frequencies not yet cached in this process
            for sentence in sample:
                started = time.perf_counter()
                matches = lookup(ws, sentence, limit=3)
                timings.append((time.perf_counter() - started) * 1000)
                found += bool(matches and matches[0].score == 100.0)
    print(f"translation memory, {pairs} corpus pairs, {queries} lookups of 3 suggestions:")
    for name, timings in (("first pass", cold), ("second pass", warm)):
        timings.sort()
        print(f"  {name:12} median {statistics.median(timings):5.1f} ms, p95 {timings[int(len(timings) * .95)]:5.1f} ms, "
              f"max {timings[-1]:5.1f} ms")
    print(f"  exact twin found first in {found} of {2 * queries} lookups")


def _workbench(*args) -> None:
    subprocess.run([str(WORKBENCH), *map(str, args)], check=True, stdout=subprocess.DEVNULL)


def _write_tmx(path: Path) -> None:
    import gzip

    from tests.tiny_model import TICO_GZ

    with gzip.open(TICO_GZ, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    main()
