"""Scoring: score-files against sacrebleu's own CLI, workspace scores against direct sacrebleu calls."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu
from lxml import etree

from workbench.score import chrf_histogram, pairs_in_chrf_range
from workbench.store import NewPair, Workspace


def perturb(line: str, rng: random.Random) -> str:
    words = line.split()
    if len(words) > 3 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if len(words) > 3 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


@pytest.fixture(scope="module")
def tico_english(tico_tmx: Path, tmp_path_factory) -> dict[str, Path]:
    english = [tu.findtext("tuv[@{http://www.w3.org/XML/1998/namespace}lang='en']/seg").strip()
               for tu in etree.parse(str(tico_tmx)).iter("tu")]
    folder = tmp_path_factory.mktemp("score")
    rng = random.Random(7)
    files = {"ref": english, "hyp": [perturb(s, rng) for s in english], "ref2": [perturb(s, rng) for s in english]}
    out = {}
    for name, lines in files.items():
        out[name] = folder / f"{name}.txt"
        out[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def sacrebleu_cli(hyp: Path, *refs: Path) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "sacrebleu", *map(str, refs), "-i", str(hyp), "-m", "bleu", "chrf", "ter"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("nrefs", [1, 2])
def test_score_files_equals_sacrebleu_cli(cli, tico_english, nrefs: int) -> None:
    refs = [tico_english["ref"], tico_english["ref2"]][:nrefs]
    ours = cli("score-files", tico_english["hyp"], *refs, "--json")
    assert ours.exit_code == 0, ours.output
    theirs = sacrebleu_cli(tico_english["hyp"], *refs)
    mine = json.loads(ours.stdout)
    assert [(m["name"], m["score"], m["signature"]) for m in mine] == [
        (t["name"], t["score"], t["signature"]) for t in theirs]
    assert mine == theirs  # every field, verbose BLEU details included
    assert 20 < mine[0]["score"] < 95  # the perturbation really changed something


def test_score_files_text_output_names_signatures(cli, tico_english) -> None:
    result = cli("score-files", tico_english["hyp"], tico_english["ref"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split("|")[0] for line in lines] == ["BLEU", "chrF2", "TER"]


def test_score_files_user_errors(cli, tmp_path: Path) -> None:
    hyp = tmp_path / "hyp"
    hyp.write_text("a\nb\n")
    short = tmp_path / "ref"
    short.write_text("a\n")
    result = cli("score-files", hyp, short)
    assert result.exit_code == 1 and "1 lines" in result.stderr
    missing = cli("score-files", hyp, tmp_path / "nope")
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    missing_hyp = cli("score-files", tmp_path / "nope", hyp)
    assert missing_hyp.exit_code == 1 and "no such file" in missing_hyp.stderr
    latin1 = tmp_path / "latin1"
    latin1.write_bytes("Café\ncrème\n".encode("latin-1"))
    not_utf8 = cli("score-files", latin1, hyp)
    assert not_utf8.exit_code == 1 and "not valid UTF-8" in not_utf8.stderr
    empty = tmp_path / "empty"
    empty.write_text("")
    assert cli("score-files", empty, empty).exit_code == 1


@pytest.fixture
def offline_sacrebleu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No cached tokenizer models, and every download fails as it does without a network."""
    import urllib.error
    import urllib.request

    from sacrebleu.tokenizers import tokenizer_spm

    def no_network(url, *args, **kwargs) -> None:
        raise urllib.error.URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path / "sacrebleu"))
    monkeypatch.setattr(tokenizer_spm, "download_file", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)  # whoever downloads


@pytest.mark.parametrize(("tokenize", "message"), [
    ("flores200", "needs to download a model and could not (Name or service not known)"),
    ("flores101", "needs to download a model and could not"),
    ("spBLEU-1K", "needs to download a model and could not"),
    ("no-such-tokenizer", "unknown tokenizer 'no-such-tokenizer' (one of none, zh, 13a"),
])
def test_score_files_tokenizer_that_cannot_be_used_is_one_line(tokenize: str, message: str, offline_sacrebleu,
                                                               cli, tmp_path: Path) -> None:
    hyp = tmp_path / "hyp"
    hyp.write_text("a b c\n")
    result = cli("score-files", hyp, hyp, "--tokenize", tokenize)
    assert result.exit_code == 1
    assert result.stderr.startswith("workbench: error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_score_files_blank_hypotheses_score_zero_as_in_sacrebleu(cli, tmp_path: Path) -> None:
    """A system that output nothing has blank lines, not an empty file: sacrebleu scores it."""
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("\n\nsome words here\n\n", encoding="utf-8")
    ref.write_text("a b c\n\nsome words there\nd e f\n", encoding="utf-8")
    ours = cli("score-files", hyp, ref, "--json")
    assert ours.exit_code == 0, ours.output
    assert json.loads(ours.stdout) == sacrebleu_cli(hyp, ref)
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n\n\n", encoding="utf-8")
    nothing = cli("score-files", blank, ref, "--json")
    assert nothing.exit_code == 0 and json.loads(nothing.stdout) == sacrebleu_cli(blank, ref)
    assert json.loads(nothing.stdout)[0]["score"] == 0.0


# -- workspace scores --------------------------------------------------------------------------

SOURCES = [f"جمله شماره {i} درباره موضوع {i % 7}." for i in range(40)]
ENGLISH = [f"Sentence number {i} is about topic {i % 7}." for i in range(40)]


def drafts_a(i: int) -> str:
    return ENGLISH[i] if i % 3 else f"Sentence {i} about the topic {i % 7}."


def drafts_b(i: int) -> str:
    return f"The sentence {i} talks of subject {i % 7}." if i % 2 else ENGLISH[i].lower()


@pytest.fixture
def scored_ws(ws_path: Path) -> Path:
    with Workspace(ws_path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f], en=[e], status="approved") for f, e in zip(SOURCES, ENGLISH)])
        other = ws.add_document("unapproved")
        ws.insert_pairs(other.id, [NewPair(fa=["یک"], en=["one"], status="review")])
        pairs = list(ws.pairs(doc.id))
        for i, pair in enumerate(pairs):
            ws.add_draft(pair.id, source=pair.fa, text=drafts_b(i), engine="tm", model="m2")
            ws.add_draft(pair.id, source=pair.fa, text=drafts_a(i), engine="argos", model="m1")
        pair = next(ws.pairs(other.id))
        ws.add_draft(pair.id, source=pair.fa, text="uno", engine="argos", model="m1")
    return ws_path


def test_workspace_scores_equal_direct_sacrebleu(cli, scored_ws: Path) -> None:
    result = cli("score", "--json", "--trials", "500", "--bootstrap", "200")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = {(r["engine"], r["model"]): r for r in report["overall"]}
    assert set(rows) == {("argos", "m1"), ("tm", "m2")}
    for key, make in ((("argos", "m1"), drafts_a), (("tm", "m2"), drafts_b)):
        hyps = [make(i) for i in range(40)]
        row = rows[key]
        assert row["pairs"] == 40  # the unapproved document is not scored
        assert row["bleu"] == pytest.approx(sacrebleu.corpus_bleu(hyps, [ENGLISH]).score, abs=1e-4)
        assert row["chrf"] == pytest.approx(sacrebleu.corpus_chrf(hyps, [ENGLISH]).score, abs=1e-4)
        assert row["chrf++"] == pytest.approx(sacrebleu.corpus_chrf(hyps, [ENGLISH], word_order=2).score, abs=1e-4)
        assert row["ter"] == pytest.approx(sacrebleu.corpus_ter(hyps, [ENGLISH]).score, abs=1e-4)
        edit = sacrebleu.metrics.TER(case_sensitive=True).corpus_score(hyps, [ENGLISH]).score
        assert row["edit"] == pytest.approx(edit, abs=1e-4)
        assert row["unchanged"] == pytest.approx(sum(h == e for h, e in zip(hyps, ENGLISH)) / 40, abs=1e-4)
    assert rows[("argos", "m1")]["unchanged"] > 0.6
    assert report["signatures"]["BLEU"].startswith("nrefs:1|case:mixed")
    sig = report["significance"]
    assert sig["baseline"] in ("argos:m1", "tm:m2") and sig["pairs"] == 40
    other = "tm:m2" if sig["baseline"] == "argos:m1" else "argos:m1"
    for test in ("paired_bootstrap", "approximate_randomization"):
        for metric in ("BLEU", "chrF2", "TER"):
            p = sig[test][other][metric]["p_value"]
            assert 0 <= p <= 1
    assert sig["paired_bootstrap"][other]["BLEU"]["p_value"] < 0.05  # these systems differ a lot


@pytest.mark.parametrize(("test", "option", "samples"), [("paired_bootstrap", "--paired-bs", 200),
                                                       ("approximate_randomization", "--paired-ar", 500)])
def test_significance_equals_sacrebleu_paired_cli(cli, scored_ws: Path, tmp_path: Path, test: str, option: str,
                                                  samples: int) -> None:
    """The same p-values and signatures (seed, resamples or trials) as sacrebleu's own paired test."""
    result = cli("score", "--json", "--bootstrap", "200", "--trials", "500")
    sig = json.loads(result.stdout)["significance"]
    assert sig["baseline"] == "argos:m1"  # as many pairs as tm:m2; ties go by name
    files = {"ref": ENGLISH, "argos": [drafts_a(i) for i in range(40)], "tm": [drafts_b(i) for i in range(40)]}
    for name, lines in files.items():
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sacrebleu", str(tmp_path / "ref.txt"), "-i", str(tmp_path / "argos.txt"),
                           str(tmp_path / "tm.txt"), "-m", "bleu", "chrf", "ter", option, f"{option}-n", str(samples),
                           "-f", "text"], capture_output=True, text=True, check=True)
    theirs_signatures = dict(re.findall(r"^ - (\S+)\s+(\S+)$", done.stdout, re.MULTILINE))
    theirs_p = [float(p) for p in re.findall(r"p = ([0-9.]+)", done.stdout)]
    assert set(theirs_signatures) == {"BLEU", "chrF2", "TER"} and len(theirs_p) == 3
    assert sig["signatures"][test] == theirs_signatures
    assert f"|{option[-2:]}:{samples}|seed:12345|" in theirs_signatures["BLEU"]
    ours_p = [sig[test]["tm:m2"][metric]["p_value"] for metric in ("BLEU", "chrF2", "TER")]
    assert ours_p == pytest.approx(theirs_p, abs=5e-5)  # they print four decimals
    table = cli("score", "--bootstrap", "200", "--trials", "500").stdout
    title = "paired bootstrap" if test == "paired_bootstrap" else "approximate randomization"
    assert f"BLEU ({title}): {theirs_signatures['BLEU']}" in table


def test_score_stores_sentence_chrf_for_the_tui(cli, scored_ws: Path) -> None:
    assert cli("score", "--json", "--trials", "100", "--bootstrap", "100").exit_code == 0
    with Workspace(scored_ws) as ws:
        pairs = list(ws.pairs(ws.document("d").id))
        for i, pair in enumerate(pairs):
            expected = sacrebleu.sentence_chrf(pair.draft, [pair.en]).score
            assert pair.chrf == pytest.approx(expected, abs=1e-6)
        assert next(ws.pairs(ws.document("unapproved").id)).chrf is None
        bins = chrf_histogram(ws, bins=10)
        assert sum(b.count for b in bins) == 40 and bins[-1].count >= 20  # unchanged drafts score 100
        worst = pairs_in_chrf_range(ws, 0, 90)
        assert worst and all(p.chrf < 90 for p in worst)
        assert [p.chrf for p in worst] == sorted(p.chrf for p in worst)


def test_score_tables_for_people(cli, scored_ws: Path) -> None:
    result = cli("score", "--trials", "100", "--bootstrap", "100")
    assert result.exit_code == 0
    for word in ("argos:m1", "tm:m2", "edit rate", "Significance", "signatures"):
        assert word in result.stdout


@pytest.mark.parametrize("option", ["--bootstrap", "--trials"])
@pytest.mark.parametrize("value", ["0", "-5"])
def test_score_sample_counts_below_one_are_usage_errors(cli, scored_ws: Path, option: str, value: str) -> None:
    """sacrebleu would silently replace them with its defaults (1000 resamples, 10000 trials)."""
    result = cli("score", option, value)
    assert result.exit_code == 2 and "is not in the range x>=1" in result.output


def test_nothing_to_score_is_one_line(cli, ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=["یک"], en=["one"], status="approved")])
    result = cli("score")
    assert result.exit_code == 1
    assert result.stderr.startswith("workbench: error: nothing to score")


def test_chunked_statistics_give_sacrebleus_corpus_scores(tico_english, monkeypatch) -> None:
    """Scores are summed chunk by chunk to bound memory: the result must not change."""
    from workbench.score import metrics

    monkeypatch.setattr(metrics, "CHUNK", 97)
    hyps = tico_english["hyp"].read_text(encoding="utf-8").splitlines()
    refs = [tico_english["ref"].read_text(encoding="utf-8").splitlines(),
            tico_english["ref2"].read_text(encoding="utf-8").splitlines()]
    direct = {"bleu": sacrebleu.metrics.BLEU(), "chrf": sacrebleu.metrics.CHRF(), "ter": sacrebleu.metrics.TER()}
    for name, metric in direct.items():
        ours = metrics.corpus_score(name, hyps, refs)
        theirs = metric.corpus_score(hyps, refs)
        assert ours.score == pytest.approx(theirs.score, abs=1e-9)
        assert ours.signature == metric.get_signature().format()


def test_overall_row_equals_scoring_all_documents_at_once(cli, ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        for name, rng in (("one", range(0, 20)), ("two", range(20, 40))):
            doc = ws.add_document(name)
            ws.insert_pairs(doc.id, [NewPair(fa=[SOURCES[i]], en=[ENGLISH[i]], status="approved") for i in rng])
            for i, pair in zip(rng, ws.pairs(doc.id)):
                ws.add_draft(pair.id, source=pair.fa, text=drafts_b(i), engine="tm", model="m2")
    report = json.loads(cli("score", "--json").stdout)
    hyps = [drafts_b(i) for i in range(40)]
    (overall,) = report["overall"]
    assert overall["pairs"] == 40
    assert overall["bleu"] == pytest.approx(sacrebleu.corpus_bleu(hyps, [ENGLISH]).score, abs=1e-4)
    assert overall["ter"] == pytest.approx(sacrebleu.corpus_ter(hyps, [ENGLISH]).score, abs=1e-4)
    assert sorted(r["doc"] for r in report["documents"]) == ["one", "two"]


def test_a_pair_edited_while_scores_are_computed_keeps_no_stale_score(tmp_path, monkeypatch) -> None:
    """Scores were computed from pairs read before the write lock and stored whatever happened
    meanwhile: a pair an editor corrected kept the chrF of its old English."""
    import workbench.score.report as report
    from workbench.store import NewPair, Workspace

    path = tmp_path / "ws.sqlite"
    with Workspace(path) as ws, Workspace(path) as editor:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"The sentence number {i}."], status="approved")
                                 for i in range(3)])
        ids = [p.id for p in ws.pairs(doc.id)]
        for pid in ids:
            ws.add_draft(pid, source=ws.pair(pid).fa, text="The sentence number.", engine="e", model="m")
        real = report.sentence_chrfs

        def scored_while_editor_corrects(*args, **kwargs):
            pair = editor.pair(ids[1])
            editor.edits.set_english(ids[1], "A wholly different sentence.", expected_version=pair.version)
            return real(*args, **kwargs)

        monkeypatch.setattr(report, "sentence_chrfs", scored_while_editor_corrects)
        report.store_sentence_chrf(ws, doc.id)
        chrf = {p.id: p.chrf for p in ws.pairs(doc.id)}
    assert chrf[ids[1]] is None
    assert chrf[ids[0]] is not None and chrf[ids[2]] is not None
