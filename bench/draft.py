"""Drafting speed on the TICO-19 Persian side (3,071 segments) with the tiny random test model.

    .venv/bin/python bench/draft.py                       # beams 2 and 4, max length 48, int8, 2 threads
    .venv/bin/python bench/draft.py --beams 4 --max-length 256 --repeat 5 --single 0 --no-tm
    .venv/bin/python bench/draft.py --cluster                      # local vs Ray, 1 and 2 workers (bench/draft_cluster.py)

Both measures are whole processes, started the same way and run in turn (so a slow spell of a
shared machine hits both), with the same model, beam, length, batch size, compute type, threads:

  workbench   `workbench translate` on a freshly imported workspace: start-up, model load,
              reading the workspace, tokenizing, decoding, QA flags, a committed write per batch;
  raw         a Python process doing only what decoding needs: import CTranslate2 and
              SentencePiece, load the model, tokenize every sentence, one batched
              `translate_batch` call over all of them, detokenize (the baseline: drafting cannot
              be faster than this, and stores nothing).

Target (issue 15): workbench ≥ 0.9× raw, whole process against whole process, at each beam. Also
(in this process) one `translate_batch` call per sentence on the first --single sentences, and with
--tm (default) translation-memory lookups on a 100k-pair corpus workspace built from perturbed
TICO-19 copies. The tiny model's drafts are noise; only its cost is realistic. Its size is printed.
"""

from __future__ import annotations

import argparse
import json
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

TARGET = 0.9
WORKBENCH = Path(sys.executable).parent / "workbench"

# The raw baseline's whole program: argv = package dir, sentences (JSON), beam, max length,
# batch size, threads, compute type. Prints its own split of the time as JSON.
RAW = """
import json, sys, time
started = time.perf_counter()
import ctranslate2, sentencepiece
package, sentences, beam, length, batch, threads, compute = sys.argv[1:8]
fa = json.load(open(sentences, encoding="utf-8"))
sp = sentencepiece.SentencePieceProcessor(model_file=package + "/sentencepiece.model")
translator = ctranslate2.Translator(package + "/model", device="cpu", compute_type=compute, inter_threads=1,
                                    intra_threads=int(threads))
tokens = [sp.encode(s, out_type=str) for s in fa]
loaded = time.perf_counter()
results = translator.translate_batch(tokens, max_batch_size=int(batch), beam_size=int(beam),
                                     max_decoding_length=int(length), length_penalty=0.2, replace_unknowns=True)
decoded = time.perf_counter()
english = [sp.decode(r.hypotheses[0]) for r in results]
print(json.dumps({"setup": loaded - started, "decode": decoded - loaded}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beams", default="2,4", help="beam sizes to measure, comma-separated")
    parser.add_argument("--max-length", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure at each beam")
    parser.add_argument("--single", type=int, default=100, help="sentences for the one-by-one run (0: skip)")
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
        install(build_argosmodel(tmp / "model", config), packages)
        package = packages / PACKAGE_NAME
        model_bytes = sum(f.stat().st_size for f in package.rglob("*") if f.is_file())
        print(f"tiny model: {config.layers} layers, d_model {config.d_model}, {config.heads} heads, ffn {config.ffn}, "
              f"vocabulary {config.vocab} (SentencePiece, shared), int8 weights; package {model_bytes / 1e6:.1f} MB")

        fa, _ = tico_sentences()
        sentences = tmp / "fa.json"
        sentences.write_text(json.dumps(fa, ensure_ascii=False), encoding="utf-8")
        template = tmp / "template.sqlite"
        tmx = tmp / "tico.tmx"
        _write_tmx(tmx)
        if args.cluster:
            from bench.draft_cluster import bench_cluster

            # The settings docs/cluster.md was measured with (the local run's defaults before this bench
            # measured beams 2 and 4 at max length 48); each worker sets its own threads.
            flags = ["--model", PACKAGE_NAME, "--beam-size", 4, "--max-length", 256, "--batch-size", args.batch_size]
            settings = f"beam 4, max length 256, batch {args.batch_size}"
            return bench_cluster(tmp, tmx, len(fa), flags, settings, args.repeat)
        _workbench("--ws", template, "import", tmx)

        print(f"{len(fa)} TICO-19 Persian segments, max length {args.max_length}, batch {args.batch_size}, "
              f"compute type {args.compute_type}, {args.threads} threads; whole processes, {args.repeat} runs each "
              f"(load average before: {_load()})")
        for beam in (int(b) for b in args.beams.split(",")):
            _compare(beam, args, tmp, template, package, sentences, len(fa))
        print(f"(load average after: {_load()})")
        if args.single:
            _one_by_one(args, fa[: args.single])
        if args.tm:
            _bench_tm(tmp / "tm.sqlite", fa)


def _compare(beam: int, args: argparse.Namespace, tmp: Path, template: Path, package: Path, sentences: Path,
             count: int) -> None:
    """Whole-process `workbench translate` against the raw batched call, runs interleaved."""
    flags = ["--model", PACKAGE_NAME, "--beam-size", beam, "--max-length", args.max_length, "--batch-size",
             args.batch_size, "--threads", args.threads, "--compute-type", args.compute_type]
    workbench, raw, ratios, decode = [], [], [], []
    for run in range(args.repeat):
        ws = tmp / f"ws-{beam}-{run}.sqlite"
        shutil.copy(template, ws)
        started = time.perf_counter()
        _workbench("--ws", ws, "translate", *flags)
        workbench.append(time.perf_counter() - started)
        started = time.perf_counter()
        split = subprocess.run([sys.executable, "-c", RAW, str(package), str(sentences), str(beam), str(args.max_length),
                                str(args.batch_size), str(args.threads), args.compute_type],
                               check=True, capture_output=True, text=True).stdout
        raw.append(time.perf_counter() - started)
        decode.append(json.loads(split)["decode"])
        ratios.append(raw[-1] / workbench[-1])
    best = min(raw) / min(workbench)
    print(f"beam {beam}:")
    print(f"  `workbench translate`, whole process   best {min(workbench):6.2f} s = {count / min(workbench):5.0f} "
          f"sentences/s  (runs: {_runs(workbench)} s)")
    print(f"  raw batched call, whole process        best {min(raw):6.2f} s = {count / min(raw):5.0f} sentences/s  "
          f"(runs: {_runs(raw)} s; its translate_batch alone: {_runs(decode)} s)")
    print(f"  workbench / raw, whole process: best {best:.2f}×, per run {', '.join(f'{r:.2f}' for r in ratios)}, "
          f"median {statistics.median(ratios):.2f}×  (target ≥ {TARGET}: {'met' if best >= TARGET else 'NOT met'})")


def _one_by_one(args: argparse.Namespace, fa: list[str]) -> None:
    """One translate_batch call per sentence, in this process (what a naive loop would do)."""
    from workbench.mt import load_engine
    from workbench.mt.argos import LENGTH_PENALTY, DecodeOptions

    engine = load_engine(model=PACKAGE_NAME, options=DecodeOptions(
        beam_size=4, max_length=args.max_length, batch_size=args.batch_size, threads=args.threads,
        compute_type=args.compute_type))
    tokens = [engine.tokenizer.encode(s) for s in fa]
    decode = dict(beam_size=4, max_decoding_length=args.max_length, length_penalty=LENGTH_PENALTY,
                  replace_unknowns=True)
    started = time.perf_counter()
    engine.translator.translate_batch(tokens, max_batch_size=args.batch_size, **decode)
    batched = len(tokens) / (time.perf_counter() - started)
    started = time.perf_counter()
    for sentence in tokens:
        engine.translator.translate_batch([sentence], **decode)
    single = len(tokens) / (time.perf_counter() - started)
    print(f"beam 4, the first {len(tokens)} sentences in this process: one batched call {batched:.0f} sentences/s, "
          f"one call per sentence {single:.0f}/s ({batched / single:.1f}× slower)")


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


def _load() -> str:
    return ", ".join(f"{v:.1f}" for v in os.getloadavg())


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
