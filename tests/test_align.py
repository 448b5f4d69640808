"""The sentence aligner, its evaluation, and realigning documents in a workspace."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from workbench.align import (
    REVIEW_BELOW,
    AlignParams,
    Bead,
    align_sentences,
    bead_status,
    realign_document,
    realign_range,
)
from tests.devdata import HAND_ALIGNED, TICO
from workbench.align.devset import lopsided, scramble, tico_documents
from workbench.align.evaluate import read_beads, score
from workbench.align.features import en_words, fa_words
from workbench.align.lexicon import Lexicon
from workbench.store import NewPair, Workspace

NO_PRIOR = AlignParams(bundled_lexicon=False)  # the bundled lexicon is trained on TICO-19 itself


@pytest.fixture(scope="module")
def tico() -> dict[str, list[tuple[str, str]]]:
    return tico_documents(TICO)


def shapes(beads) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.fa, b.en) for b in beads]


def assert_partition(beads, n: int, m: int) -> None:
    """Beads cover both sides completely, in order, each bead non-empty."""
    fa = [i for b in beads for i in b.fa]
    en = [j for b in beads for j in b.en]
    assert fa == list(range(n)) and en == list(range(m))
    assert all(b.fa or b.en for b in beads)
    assert all(0.0 <= b.confidence <= 1.0 for b in beads)


@pytest.mark.parametrize("pattern", ["1-1", "2-1", "1-2", "1-0", "0-1", "3-1", "1-3"])
def test_each_bead_type_is_found(tico, pattern: str) -> None:
    pairs = tico["Wikinews_4"][:9]
    a, b = (int(x) for x in pattern.split("-"))
    k = max(a, b, 1)
    fa = [f for f, _ in pairs[:3]]
    en = [e for _, e in pairs[:3]]
    gold = [((i,), (i,)) for i in range(3)]
    group = pairs[3:3 + k]
    if a == 0:
        gold.append(((), (len(en),)))
        en.append(group[0][1])
    elif b == 0:
        gold.append(((len(fa),), ()))
        fa.append(group[0][0])
    elif a >= b:
        gold.append((tuple(range(len(fa), len(fa) + a)), (len(en),)))
        fa += [f for f, _ in group]
        en.append(" ".join(e for _, e in group))
    else:
        gold.append(((len(fa),), tuple(range(len(en), len(en) + b))))
        fa.append(" ".join(f for f, _ in group))
        en += [e for _, e in group]
    for f, e in pairs[3 + k:]:
        gold.append(((len(fa),), (len(en),)))
        fa.append(f)
        en.append(e)
    beads = align_sentences(fa, en, params=NO_PRIOR)
    assert shapes(beads) == gold


@pytest.mark.parametrize("fa, en", [
    ([], []),
    ([], ["Only English."]),
    (["فقط فارسی."], []),
    (["یک جمله."], [f"Sentence {i}." for i in range(300)]),
    ([f"جمله {i}." for i in range(300)], ["One sentence."]),
    (["سلام."] * 50, ["Hello."] * 50),
    (["", "", "متن"], ["", "text", ""]),
])
def test_degenerate_input_gives_a_valid_alignment(fa, en) -> None:
    assert_partition(align_sentences(fa, en), len(fa), len(en))


def test_repeated_identical_sentences_align_one_to_one() -> None:
    beads = align_sentences(["سلام."] * 40, ["Hello."] * 40)
    assert shapes(beads) == [((i,), (i,)) for i in range(40)]


def assert_matched_or_flagged(beads, gold: set) -> None:
    """What lopsided input should give: surplus sentences in 1-0 or 0-1 beads of their own (not
    glued to a neighbour as a 1-2 or 1-3 bead), and any bead with the wrong sentences marked
    for review."""
    assert all(len(b.fa) <= 1 and len(b.en) <= 1 for b in beads), [b for b in beads if b.shape != "1-1"]
    wrong = [b for b in beads if b.fa and b.en and (b.fa, b.en) not in gold]
    assert all(b.confidence < REVIEW_BELOW for b in wrong), wrong


@pytest.mark.parametrize("name", ["CMU_1", "PubMed_9", "Wikipedia_handpicked_4", "Wikivoyage_1", "wiki_13", "wiki_7"])
def test_lopsided_documents(tico, name: str) -> None:
    """One sentence against a whole document, an excerpt or two paragraphs against 30 sentences,
    both ways round: the surplus sentences stay unmatched, as they are in the gold."""
    for kind, doc in lopsided(name, tico[name]).items():
        beads = align_sentences(doc.fa, doc.en)
        assert_matched_or_flagged(beads, set(doc.gold))
        matched = set(shapes(b for b in beads if b.fa and b.en))
        if kind.startswith("one"):
            assert len(matched) == 1, kind
        else:
            assert len(matched & set(doc.gold)) >= 8, kind


def test_confidence_weighs_every_candidate_along_a_run_of_skips(tico) -> None:
    """One Persian sentence whose translation is in the English twice, 138 sentences apart:
    either 1-1 is as likely as the other, so the bead chosen is no more than a coin toss."""
    pairs = tico["PubMed_7"]
    k = len(pairs) // 2
    beads = align_sentences([pairs[k][0]], [e for _, e in pairs] + [pairs[k][1]])
    (bead,) = [b for b in beads if b.fa]
    assert bead.en in {(k,), (len(pairs),)}
    assert bead.confidence < 0.55


def test_dev_set_reaches_the_target_with_a_lexicon_from_other_documents(tico) -> None:
    """As in use: the prior lexicon comes from other text than the documents aligned."""
    names = ["PubMed_6", "Wikinews_1", "Wikinews_4", "wiki_10", "wiki_20", "Wikipedia_handpicked_7", "CMU_1"]
    prior = Lexicon.train([(fa_words(f), en_words(e)) for name, pairs in tico.items() if name not in names
                           for f, e in pairs])
    docs = [scramble(name, tico[name], seed=5) for name in names]
    tests = [shapes(align_sentences(d.fa, d.en, lexicon=prior, params=NO_PRIOR)) for d in docs]
    result = score([d.gold for d in docs], tests)
    assert result.f1_strict >= 0.95
    assert result.f1_lax >= 0.985


def test_beads_below_0_95_go_to_review() -> None:
    """Confidences are about calibrated: on the dev sets a bead at 0.9-0.95 is wrong 1 time in 25,
    often enough for a glance (docs/alignment.md, "Review threshold")."""
    assert bead_status(Bead((0,), (0,), 0.93)) == "review"
    assert bead_status(Bead((0,), (0,), 0.96)) == bead_status(Bead((0,), (), 0.96)) == "draft"
    assert bead_status(Bead((0,), (), 0.5)) == "review"  # Persian left without English, unsure
    assert bead_status(Bead((), (0,), 1.0)) == "review"  # English with no Persian: always looked at


def test_confidence_is_lower_on_wrong_beads(tico) -> None:
    docs = [scramble(name, tico[name], seed=6, merge=0.2, drop=0.1) for name in ("CMU_1", "PubMed_8")]
    right, wrong = [], []
    for d in docs:
        gold = set(d.gold)
        for bead in align_sentences(d.fa, d.en, params=NO_PRIOR):
            (right if (bead.fa, bead.en) in gold else wrong).append(bead.confidence)
    assert wrong, "the hard set should produce some errors"
    assert sum(wrong) / len(wrong) < sum(right) / len(right) - 0.15


# -- evaluation --------------------------------------------------------------------------------

def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_align_matches_hand_computed_scores(cli, tmp_path: Path) -> None:
    gold = write(tmp_path / "gold", ["[0]:[0]", "[1, 2]:[1]", "[3]:[]", "[4]:[2]", "[]:[3]"])
    pred = write(tmp_path / "pred", ["[0]:[0]:0.9", "[1]:[1]:0.5", "[2]:[]:0.3", "[3]:[2]:0.4",
                                     "[4]:[3]:0.8"])
    # precision over 5 test beads: strict hits [0]:[0] only -> 1/5; lax hits: [0]:[0], [1]:[1] (overlaps
    # gold [1,2]:[1]), [4]:[3]? gold of 4 is {2} -> no; [3]:[2]? gold of 3 is {} -> no; [2]:[] -> no => 2/5
    # recall over gold beads with both sides (3): strict [0]:[0] -> 1/3; lax: [0]:[0], [1,2]:[1] (test
    # [1]:[1] shares), [4]:[2] (test [3]:[2] shares English 2 but Persian 3 vs 4 -> test beads mapping
    # from Persian 4 reach only English 3 -> no) => 2/3
    result = cli("eval-align", gold, pred, "--json")
    assert result.exit_code == 0, result.output
    all_ = json.loads(result.stdout)["all"]
    assert all_["precision_strict"] == pytest.approx(1 / 5)
    assert all_["precision_lax"] == pytest.approx(2 / 5)
    assert all_["recall_strict"] == pytest.approx(1 / 3)
    assert all_["recall_lax"] == pytest.approx(2 / 3)
    assert all_["f1_strict"] == pytest.approx(2 * (1 / 5) * (1 / 3) / (1 / 5 + 1 / 3))


def test_eval_align_pools_several_documents_as_vecalign_does(cli, tmp_path: Path) -> None:
    """Counts are summed over the documents before dividing (vecalign's score_multiple), which
    is neither the mean of the per-document scores nor the score of the files concatenated."""
    a = write(tmp_path / "a.gold", ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"])
    b_gold = write(tmp_path / "b.gold", ["[0]:[0]", "[1, 2]:[1]", "[]:[2]"])
    b_pred = write(tmp_path / "b.pred", ["[0]:[0]:0.9", "[1]:[1]:0.8", "[2]:[2]:0.1"])
    c = write(tmp_path / "c.gold", ["[0]:[]"])
    # precision (strict hits / test beads, lax hits): a 4/4, 4; b 1/3, 2 ([1]:[1] shares Persian 1
    # and English 1 with [1, 2]:[1]; [2]:[2] shares no English); c 1/1, 1 (a deletion in both).
    # recall over beads with both sides: a 4/4, 4; b 1/2, 2; c nothing.
    result = cli("eval-align", a, a, b_gold, b_pred, c, c, "--json")
    assert result.exit_code == 0, result.output
    pooled = json.loads(result.stdout)["all"]
    p_strict, r_strict, p_lax, r_lax = 6 / 8, 5 / 6, 7 / 8, 6 / 6
    assert pooled["precision_strict"] == pytest.approx(p_strict)
    assert pooled["recall_strict"] == pytest.approx(r_strict)
    assert pooled["precision_lax"] == pytest.approx(p_lax)
    assert pooled["recall_lax"] == pytest.approx(r_lax)
    assert pooled["f1_strict"] == pytest.approx(2 * p_strict * r_strict / (p_strict + r_strict))
    assert pooled["f1_lax"] == pytest.approx(2 * p_lax * r_lax / (p_lax + r_lax))
    assert (pooled["gold_beads"], pooled["test_beads"]) == (8, 8)
    table = cli("eval-align", a, a, b_gold, b_pred, c, c)
    assert table.exit_code == 0 and "3 pairs of files, counts pooled" in table.stdout
    assert "0.750" in table.stdout and "0.833" in table.stdout
    one = cli("eval-align", b_gold, b_pred)  # one pair: the contract's output, unchanged
    assert "against" in one.stdout and "pooled" not in one.stdout
    odd = cli("eval-align", a, a, b_gold)
    assert odd.exit_code == 2 and "GOLD PRED pairs" in odd.output


def test_eval_align_perfect_and_table_output(cli, tmp_path: Path) -> None:
    gold = write(tmp_path / "gold", ["[0]:[0]", "[1, 2]:[1]", "[]:[2]"])
    result = cli("eval-align", gold, gold)
    assert result.exit_code == 0
    assert "1.000" in result.stdout and "strict F1" in result.stdout


def test_eval_align_rejects_a_bad_file(cli, tmp_path: Path) -> None:
    gold = write(tmp_path / "gold", ["[0]:[0]"])
    bad = write(tmp_path / "bad", ["zero to zero"])
    result = cli("eval-align", gold, bad)
    assert result.exit_code == 1 and "line 1" in result.stderr


def test_align_files_prints_vecalign_beads(cli, tico, tmp_path: Path) -> None:
    doc = scramble("Wikinews_1", tico["Wikinews_1"], seed=2)
    fa = write(tmp_path / "fa.txt", doc.fa)
    en = write(tmp_path / "en.txt", doc.en)
    result = cli("align-files", fa, en, "--presplit")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    parts = [line.rsplit(":", 1) for line in lines]
    assert all(0 <= float(conf) <= 1 for _, conf in parts)
    pred = write(tmp_path / "pred", lines)
    assert score([doc.gold], [read_beads(pred)]).f1_strict >= 0.9


# -- in a workspace ----------------------------------------------------------------------------

def build(ws: Workspace, pairs: list[tuple[str, str]]) -> int:
    doc = ws.add_document("d")
    ws.insert_pairs(doc.id, [NewPair(fa=[f], en=[e], status="review") for f, e in pairs])
    return doc.id


def test_realign_keeps_approved_pairs_and_repairs_the_rest(ws: Workspace, tico) -> None:
    pairs = tico["Wikinews_4"][:12]
    doc_id = build(ws, pairs)
    ids = [p.id for p in ws.pairs(doc_id)]
    for pid in (ids[0], ids[6]):
        ws.edits.set_status(pid, "approved")
    approved_before = {pid: ws.pair(pid) for pid in (ids[0], ids[6])}
    # Break the alignment between the anchors: shift English sentences out of step.
    ws.structure.shift_english(ids[2], +1)
    ws.structure.shift_english(ids[4], -1)
    assert [(p.fa, p.en) for p in ws.pairs(doc_id)] != pairs
    realign_document(ws, doc_id)
    assert [(p.fa, p.en) for p in ws.pairs(doc_id)] == [(f, e) for f, e in pairs]
    for pid, before in approved_before.items():
        after = ws.pair(pid)
        assert (after.id, after.fa, after.en, after.status, after.version) == (
            before.id, before.fa, before.en, before.status, before.version)


def test_realign_is_one_undoable_change(ws: Workspace, tico) -> None:
    pairs = tico["Wikinews_4"][:8]
    doc_id = build(ws, pairs)
    ids = [p.id for p in ws.pairs(doc_id)]
    ws.structure.merge_with_next(ids[1])
    ws.structure.merge_with_next(ids[4])
    broken = [(p.fa, p.en) for p in ws.pairs(doc_id)]
    assert realign_document(ws, doc_id).created
    assert len(list(ws.pairs(doc_id))) == 8
    ws.history.undo()
    assert [(p.fa, p.en) for p in ws.pairs(doc_id)] == broken


def test_realign_range_touches_only_the_range(ws: Workspace, tico) -> None:
    pairs = tico["Wikinews_3"][:10]
    doc_id = build(ws, pairs)
    ids = [p.id for p in ws.pairs(doc_id)]
    ws.structure.merge_with_next(ids[1])
    ws.structure.merge_with_next(ids[7])
    realign_range(ws, doc_id, ids[0], ids[4])
    after = [p.shape for p in ws.pairs(doc_id)]
    assert after == ["1-1"] * 7 + ["2-2", "1-1"]


def test_realign_keeps_drafts_of_unchanged_persian(ws: Workspace, tico) -> None:
    pairs = tico["Wikinews_4"][:6]
    doc_id = build(ws, pairs)
    ids = [p.id for p in ws.pairs(doc_id)]
    ws.add_draft(ids[3], source=pairs[3][0], text="a draft", engine="argos", model="m")
    ws.structure.shift_english(ids[1], +1)
    realign_document(ws, doc_id)
    drafted = [p for p in ws.pairs(doc_id) if p.draft]
    assert [(p.fa, p.draft) for p in drafted] == [(pairs[3][0], "a draft")]


def test_align_command_and_workspace_lexicon(cli, tmp_path: Path, ws_path: Path, tico) -> None:
    pairs = tico["Wikinews_2"]
    fa = write(tmp_path / "doc.fa.txt", [f for f, _ in pairs])
    en = write(tmp_path / "doc.en.txt", [e for _, e in pairs])
    assert cli("import", fa, "--translation", en).exit_code == 0
    result = cli("align", "--doc", "doc")
    assert result.exit_code == 0, result.output
    assert "doc:" in result.stdout
    with Workspace(ws_path) as ws:
        assert ws.conn.execute("SELECT COUNT(*) FROM lexicon").fetchone()[0] > 0
        assert [(p.fa, p.en) for p in ws.pairs()] == pairs


def test_params_are_tunable() -> None:
    strict = dataclasses.replace(NO_PRIOR, skip=0.5)
    beads = align_sentences(["الف.", "ب."], ["A very long English sentence that matches nothing at all here."],
                            params=strict)
    assert_partition(beads, 2, 1)


# -- out of domain: Persian news ---------------------------------------------------------------

@pytest.fixture(scope="module")
def articles():
    from workbench.align.devset import hand_aligned

    return [hand_aligned(folder) for folder in HAND_ALIGNED]


def test_news_articles_as_translated_align_as_the_hand_gold(articles) -> None:
    """Real translations with their own 1-2, 2-1, 1-0 and 0-1 beads, outside the domain of the
    bundled (COVID-era) lexicon."""
    assert {f"{len(f)}-{len(e)}" for d in articles for f, e in d.gold} >= {"1-1", "1-2", "2-1", "1-0", "0-1"}
    tests = [shapes(align_sentences(d.fa, d.en)) for d in articles]
    result = score([d.gold for d in articles], tests)
    assert result.f1_strict >= 0.98 and result.f1_lax >= 0.99


@pytest.mark.parametrize("params", [AlignParams(), NO_PRIOR], ids=["bundled lexicon", "no bundled lexicon"])
def test_scrambled_news_reaches_the_target(articles, params) -> None:
    """The issue's target (strict F1 ≥ 0.95, lax ≥ 0.99 on news) on our news articles scrambled
    the way the hidden set is built, harder than it (galechurch: ~0.77 strict here, 0.83 there)."""
    from workbench.align.devset import scramble_aligned

    docs = [scramble_aligned(d, seed, merge=0.15, merge3=0.03, drop=0.08) for d in articles for seed in (1, 2, 3)]
    result = score([d.gold for d in docs], [shapes(align_sentences(d.fa, d.en, params=params)) for d in docs])
    assert result.f1_strict >= 0.95
    assert result.f1_lax >= (0.99 if params.bundled_lexicon else 0.98)


@pytest.mark.parametrize("fa, en, value", [
    ("۵۹ هزار و ۵۰۰ تومان", "59,500 tomans", "59500"),
    ("۴۸ میلیون و ۷۰۰ هزار تومان", "48.7 million tomans", "48700000"),
    ("یک میلیون و ۵۰۰ هزار بشکه", "1.5 million barrels", "1500000"),
    ("۵ هزار میلیارد ریال", "5,000 billion rials", "5000000000000"),
    ("۲ میلیون و ۱۴۰ هزار واحد", "2.14 million", "2140000"),
])
def test_amounts_with_scale_words_compare_across_languages(fa: str, en: str, value: str) -> None:
    from workbench.text.numbers import amounts

    assert amounts(fa) == amounts(en) == [value]


@pytest.mark.parametrize("text, expected", [
    ("سال ۱۳۹۹ و ۱۴۰۰", ["1399", "1400"]),  # "and" joins amounts only below a scale word
    ("۱۰ هزار و ۲۰ هزار نفر", ["10000", "20000"]),
    ("یک نشست خبری", []),  # a number word without a scale word is not a number
    ("از 27 تا 28 نوامبر", ["27", "28"]),
])
def test_amounts_leave_other_numbers_alone(text: str, expected: list[str]) -> None:
    from workbench.text.numbers import amounts

    assert amounts(text) == expected


@pytest.mark.parametrize("fa, en", [
    ("پرسپولیس", "Persepolis"), ("علی‌آبادی", "Aliabadi"), ("قالیباف", "Ghalibaf"),
    ("اورونوف", "Urunov"), ("نویدکیا", "Navidkia"), ("خوزستان", "Khuzestan"), ("فرانسه", "France"),
    ("قزاقستان", "Kazakhstan"), ("زلنسکی", "Zelensky"), ("ولادیمیر", "Vladimir"),
])
def test_names_match_across_scripts(fa: str, en: str) -> None:
    from workbench.align.features import en_skeletons, fa_skeleton

    assert fa_skeleton(fa_words(fa)[0]) in en_skeletons(en)


def test_a_common_word_does_not_pass_for_a_name() -> None:
    """"کرد" (did) has the skeleton of "Garrido"; found in many Persian sentences and one English
    one, it is not an anchor."""
    from workbench.align.features import features, name_anchors

    fa = features(["او کار کرد.", "او بازی کرد.", "گاریدو گفت.", "او فکر کرد."], "fa")
    en = features(["He worked.", "He played.", "Garrido said.", "He thought."], "en")
    fa_names, en_names = name_anchors(fa, en)
    assert fa_names[0] == fa_names[1] == [] and en_names[2] == []


# -- blank lines and empty sides ---------------------------------------------------------------

def test_empty_sentences_get_beads_of_their_own(tico) -> None:
    pairs = tico["Wikinews_4"][:8]
    fa = [f for f, _ in pairs]
    en = [e for _, e in pairs]
    fa_blank = fa[:2] + ["", "  "] + fa[2:5] + [""] + fa[5:] + [""]
    en_blank = [""] + en[:4] + ["\t"] + en[4:]
    beads = align_sentences(fa_blank, en_blank)
    assert_partition(beads, len(fa_blank), len(en_blank))
    blank = [b for b in beads if all(not fa_blank[i].strip() for i in b.fa) and all(not en_blank[j].strip() for j in b.en)]
    assert all(len(b.fa) + len(b.en) == 1 and b.confidence == 1.0 for b in blank) and len(blank) == 6
    real = [([fa_blank[i] for i in b.fa], [en_blank[j] for j in b.en]) for b in beads if b not in blank]
    assert real == [([f], [e]) for f, e in pairs]


def vecalign_lines(path: Path) -> list[str]:
    """Sentences the way vecalign (and `wc -l`) counts lines: universal newlines only."""
    with open(path, encoding="utf-8-sig") as f:
        return [line.strip() for line in f]


def test_align_files_counts_lines_as_vecalign_does(cli, tico, tmp_path: Path) -> None:
    """Line separators str.splitlines() also breaks at (U+2028, U+0085, form feed) stay inside
    their sentence; CRLF, a BOM, trailing spaces and blank lines change nothing else."""
    doc = scramble("Wikinews_1", tico["Wikinews_1"], seed=2)
    fa = [f"{s}\u2028{s}" if k == 3 else f"{s}\x0c" if k == 5 else s for k, s in enumerate(doc.fa)]
    en = [f"{s} \x85 " if k == 4 else s for k, s in enumerate(doc.en)]
    fa_path = tmp_path / "fa.txt"
    fa_path.write_bytes(("\ufeff" + "\r\n".join(f"{s}  " for s in fa) + "\r\n").encode("utf-8"))
    en_path = write(tmp_path / "en.txt", [""] + en)
    assert len(vecalign_lines(fa_path)) == len(doc.fa) and len(vecalign_lines(en_path)) == len(doc.en) + 1
    result = cli("align-files", fa_path, en_path, "--presplit")
    assert result.exit_code == 0, result.output
    beads = read_beads(write(tmp_path / "pred", result.stdout.splitlines()))
    assert sorted(i for f, _ in beads for i in f) == list(range(len(doc.fa)))
    assert sorted(j for _, e in beads for j in e) == list(range(len(doc.en) + 1))
    assert beads[0] == ((), (0,))  # the blank line
    renumbered = [(f, tuple(j - 1 for j in e)) for f, e in beads[1:]]
    assert score([doc.gold], [renumbered]).f1_strict >= 0.9


@pytest.mark.parametrize("empty", ["", "\n", " \r\n"])
def test_align_files_with_an_empty_side(cli, tmp_path: Path, empty: str) -> None:
    fa = write(tmp_path / "fa.txt", ["یک.", "دو.", "سه."])
    en = tmp_path / "en.txt"
    en.write_text(empty, encoding="utf-8")
    blank_lines = len(vecalign_lines(en))
    result = cli("align-files", fa, en, "--presplit")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ([f"[{i}]:[]:1.0000" for i in range(3)]
                                          + [f"[]:[{j}]:1.0000" for j in range(blank_lines)])
    result = cli("align-files", en, en, "--presplit")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2 * blank_lines


def test_eval_align_reads_a_bom_and_refuses_impossible_indexes(cli, tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.write_text("\ufeff[0]:[0]\n[1]:[1, 2]\n", encoding="utf-8")
    result = cli("eval-align", gold, gold, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["all"]["f1_strict"] == 1.0
    for bad in ("[0]:[-1]", "[0.5]:[1]", "[0]:[[1]]"):
        pred = write(tmp_path / "pred", ["[0]:[0]", bad])
        result = cli("eval-align", gold, pred)
        assert result.exit_code == 1 and "line 2" in result.stderr, bad


def test_the_same_input_aligns_the_same_in_every_process(tmp_path: Path) -> None:
    """Python salts string hashes per process: nothing the aligner sums may follow a set's order
    (float32 sums in another order came out a little different, and so did confidences)."""
    import os
    import subprocess
    import sys

    script = (
        "import json, random, sys\n"
        "from workbench.align import align_sentences\n"
        "from tests.devdata import TICO\n"
        "from workbench.align.devset import scramble, tico_documents\n"
        "pairs = [p for doc in tico_documents(TICO).values() for p in doc]\n"
        "rng = random.Random(3)\n"
        "d = scramble('x', [pairs[rng.randrange(len(pairs))] for _ in range(1200)], seed=3,"
        " merge=0.15, merge3=0.03, drop=0.08)\n"
        "print(json.dumps([[b.fa, b.en, b.confidence] for b in align_sentences(d.fa, d.en)]))\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).parent.parent).stdout
            for seed in ("0", "1")]
    assert runs[0] == runs[1] and len(json.loads(runs[0])) > 900


def test_a_much_longer_translation_aligns_in_bounded_memory(tico, tmp_path: Path) -> None:
    """108 Persian sentences against 40,000 English ones (a text imported with the wrong, much
    longer translation) took 3.2 GB; at 411,000 the kernel killed the process at 24 GB. Bands
    wider than the matrix, cost arrays of every row at once and float64 copies of them are gone."""
    from tests.rss import measure, workbench_exe

    pairs = [p for doc in tico.values() for p in doc]
    fa = write(tmp_path / "udhr.fa.txt", [f for f, _ in pairs[:108]])
    en = write(tmp_path / "big.en.txt", [f"{pairs[i % len(pairs)][1].rstrip('.')} number {i}." for i in range(40_000)])
    run = measure([workbench_exe(), "import", fa, "--translation", en, "--ws", tmp_path / "ws.sqlite"],
                  cwd=tmp_path, limit_gb=2.5)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "imported" in run.stdout
    assert run.peak_mb < 1024, run.peak_mb


def test_alignments_too_large_for_memory_are_refused_in_one_line(tmp_path: Path) -> None:
    """Before the work starts: 3,000 Persian lines against 60,000 English ones would need far
    more than the limit; nothing is computed (old code grew without bound)."""
    from tests.rss import measure, workbench_exe

    fa = write(tmp_path / "fa.txt", [f"جمله شماره {i}." for i in range(3_000)])
    en = write(tmp_path / "en.txt", [f"Sentence number {i}." for i in range(60_000)])
    run = measure([workbench_exe(), "align-files", "--presplit", fa, en], cwd=tmp_path, limit_gb=2.5)
    assert run.returncode == 1, run.stderr[-2000:]
    (line,) = run.stderr.splitlines()
    assert line.startswith("workbench: error: 3,000 Persian and 60,000 English sentences") and "MB of memory" in line
    assert run.stdout == ""
    assert run.peak_mb < 400, run.peak_mb


def test_the_memory_check_comes_before_any_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.align import aligner
    from workbench.align.budget import AlignmentTooLarge

    def no_work(*args, **kwargs):
        raise AssertionError("features computed before the memory check")

    monkeypatch.setattr(aligner, "features", no_work)
    with pytest.raises(AlignmentTooLarge, match="split the texts"):
        align_sentences(["یک."] * 500, ["One."] * 500, params=AlignParams(memory_mb=60))


def test_bounded_chunks_and_recomputed_costs_align_the_same(tico, monkeypatch: pytest.MonkeyPatch) -> None:
    """Costs come a chunk of rows at a time (fewer rows when the band is wide) and, when keeping
    them for forward-backward would not fit in memory, are computed again: neither may change a
    bead or a confidence."""
    from workbench.align import budget, dp

    doc = scramble("x", [p for doc in tico.values() for p in doc][:700], seed=5, merge=0.15, drop=0.08)
    drafts = [e if i % 2 else None for i, e in enumerate(doc.en[:len(doc.fa)])]
    expected = [align_sentences(doc.fa, doc.en), align_sentences(doc.fa, doc.en, fa_drafts=drafts)]
    monkeypatch.setattr(dp, "CHUNK_CELLS", 5_000)
    real_fits = budget.fits
    monkeypatch.setattr(budget, "fits", lambda plan, limit, pass2_width=None, kept_costs=0:
                        not kept_costs and real_fits(plan, limit, pass2_width))
    assert [align_sentences(doc.fa, doc.en), align_sentences(doc.fa, doc.en, fa_drafts=drafts)] == expected
