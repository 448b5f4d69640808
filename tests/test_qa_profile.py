"""QA profiles (checks on/off, severities, thresholds), custom rules and ignore lists: kept in the
workspace, shared as TOML or JSON files, followed by the cache (workbench/qa/profile.py, profiles.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from workbench.qa.profile import Ignore, Profile, Rule, from_dict
from workbench.qa.profiles import read, to_toml, write

PAIRS = ("حداکثر {{ limit }} مورد در سال ۲۰۲۰ است و بیشتر نیست\tAt most {{limit}} items in 2021 etc\n"
         "سلام دنیا و کرونا\tHello world  lymfopenia\n")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    tsv = tmp_path / "t.tsv"
    tsv.write_text(PAIRS, encoding="utf-8")
    wsf = tmp_path / "w.sqlite"
    assert run_workbench("import", tsv, "--ws", wsf, cwd=tmp_path).returncode == 0
    return wsf


def qa(wsf: Path, *args: str) -> list[tuple[int, str, str]]:
    done = run_workbench("qa", "--json", "--ws", wsf, *args, cwd=wsf.parent)
    assert done.returncode == 0, done.stderr
    return [(f["pair"], f["check"], f["severity"]) for f in json.loads(done.stdout)]


def ok(wsf: Path, *args: str) -> str:
    done = run_workbench("qa", *args, "--ws", wsf, cwd=wsf.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def refused(wsf: Path, *args: str) -> str:
    done = run_workbench("qa", *args, "--ws", wsf, cwd=wsf.parent)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("workbench: error: ") and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def test_a_custom_rule_names_its_findings_and_carries_its_severity(ws: Path) -> None:
    ok(ws, "rules", "add", "no-etc", "--en", r"\betc\b", "--message", "write 'and so on'", "--severity", "info")
    ok(ws, "rules", "add", "year-kept", "--fa", "سال", "--not-en", r"\byear\b", "--message", "سال without 'year'")
    found = qa(ws)
    assert (1, "no-etc", "info") in found and (1, "year-kept", "warning") in found
    assert [c for _, c, _ in qa(ws, "--check", "no-etc")] == ["no-etc"]
    assert "write 'and so on': 'etc'" in ok(ws)
    ok(ws, "rules", "remove", "no-etc")
    assert all(c != "no-etc" for _, c, _ in qa(ws))  # the cached finding went with the rule


def test_checks_off_severities_and_thresholds(ws: Path) -> None:
    before = qa(ws)
    assert (2, "spaces", "info") in before and (1, "number", "error") in before
    ok(ws, "profile", "set", "spaces", "--off")
    ok(ws, "profile", "set", "number", "--severity", "warning")
    after = qa(ws)
    assert all(c != "spaces" for _, c, _ in after) and (1, "number", "warning") in after
    assert all(c != "length" for _, c, _ in after)
    ok(ws, "profile", "set", "length", "--threshold", "max_ratio=0.5")  # English over half the Persian: long
    assert (1, "length", "info") in qa(ws)


def test_an_ignored_word_or_pattern_hides_findings_everywhere_until_removed(ws: Path) -> None:
    assert (2, "spelling", "warning") in qa(ws)
    ok(ws, "ignore", "add", "Lymfopenia", "--reason", "a drug name")
    assert all(c != "spelling" for _, c, _ in qa(ws))
    assert "a drug name" in ok(ws, "ignore", "list")
    ok(ws, "ignore", "add", r"\{\{\w+\}\}", "--pattern", "--check", "tags", "--reason", "our templates")
    assert all(c != "tags" for _, c, _ in qa(ws))
    ok(ws, "ignore", "remove", "Lymfopenia")
    assert (2, "spelling", "warning") in qa(ws)  # the cached row is stale: computed again


def test_a_profile_file_travels_to_another_workspace(ws: Path, tmp_path: Path) -> None:
    ok(ws, "rules", "add", "no-etc", "--en", r"\betc\b", "--message", "write 'and so on'")
    ok(ws, "ignore", "add", "lymfopenia", "--reason", "a drug name")
    ok(ws, "profile", "set", "spaces", "--off")
    other = tmp_path / "other"
    other.mkdir()
    (other / "t.tsv").write_text(PAIRS, encoding="utf-8")
    wsf2 = other / "w.sqlite"
    assert run_workbench("import", other / "t.tsv", "--ws", wsf2, cwd=other).returncode == 0
    for name in ("team.toml", "team.json"):
        ok(ws, "profile", "export", str(tmp_path / name))
        ok(wsf2, "profile", "import", str(tmp_path / name))
        assert qa(wsf2) == qa(ws)


def test_qa_profile_file_runs_with_it_and_the_cache_follows_the_profile_in_use(ws: Path, tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.toml"
    quiet.write_text('[checks.spaces]\nenabled = false\n\n[[rules]]\nname = "no-etc"\nen = "etc"\nmessage = "no"\n',
                     encoding="utf-8")
    plain = qa(ws)  # caches the workspace profile's findings
    assert (2, "spaces", "info") in plain
    with_file = qa(ws, "--profile", str(quiet))
    assert all(c != "spaces" for _, c, _ in with_file) and (1, "no-etc", "warning") in with_file
    assert qa(ws) == plain  # the file's findings are not served under the workspace's profile
    assert qa(ws, "--profile", str(quiet)) == with_file


@pytest.mark.parametrize(("text", "says"), [
    ('[checks.nonsense]\nenabled = false\n', "no check named 'nonsense'"),
    ('[checks.number]\nseverity = "fatal"\n', "severity 'fatal'"),
    ('[checks.length]\nmax_ratio = "big"\n', "max_ratio is a number"),
    ('[[rules]]\nname = "x"\nen = "(unclosed"\nmessage = "m"\n', "not a regular expression"),
    ('[[rules]]\nname = "number"\nen = "x"\nmessage = "m"\n', "built-in check"),
    ('[[ignore]]\ntext = "x"\nkind = "glob"\n', "not 'word' or 'pattern'"),
    ('checks = [', "not valid TOML"),
])
def test_a_wrong_profile_is_refused_in_one_line_and_changes_nothing(ws: Path, tmp_path: Path, text: str,
                                                                      says: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    assert says in refused(ws, "profile", "import", str(bad))
    assert says in refused(ws, "--profile", str(bad))
    assert ok(ws, "profile", "show").count("[") == 0  # still the defaults


def test_wrong_rules_and_names_are_refused(ws: Path) -> None:
    assert "not a regular expression" in refused(ws, "rules", "add", "r", "--en", "(", "--message", "m")
    assert "give a Persian or an English pattern" in refused(ws, "rules", "add", "r", "--message", "m")
    done = run_workbench("qa", "--check", "nope", "--ws", ws, cwd=ws.parent)
    assert done.returncode == 2 and "no check named 'nope'" in done.stderr and "Traceback" not in done.stderr
    ok(ws, "rules", "add", "nope", "--en", "x", "--message", "m")
    assert qa(ws, "--check", "nope") == []  # a rule's name is a check's
    assert "no QA rule named 'r'" in refused(ws, "rules", "remove", "r")
    assert "a QA profile is a .toml or .json file" in refused(ws, "profile", "export", "p.yaml")


def test_profile_round_trips_through_toml_and_json(tmp_path: Path) -> None:
    profile = from_dict({"checks": {"length": {"enabled": True, "min_ratio": 0.7}, "spelling": {"enabled": False}},
                         "rules": [], "ignore": []}, "test")
    profile = profile.with_rule(Rule("quote", 'a "quote" \\ and\ttab\x7f', en=r'["\\]', severity="error"))
    profile = profile.with_ignore(Ignore("ش\u200cها", reason="zwnj ‌ kept"))
    for name in ("p.toml", "p.json"):
        write(tmp_path / name, profile)
        assert read(tmp_path / name).as_dict() == profile.as_dict()
    assert "[checks.length]" in to_toml(profile.as_dict())
    assert Profile().as_dict() == {"checks": {}, "rules": [], "ignore": []}


def test_two_editors_adding_a_rule_each_keep_both(tmp_path: Path) -> None:
    """Forced interleaving: B starts its change while A's is open; B's read of the profile must
    wait for A's commit (read inside the write transaction), or A's rule is lost."""
    import threading

    from workbench.qa import profiles
    from workbench.store import Workspace

    path = tmp_path / "w.sqlite"
    with Workspace(path) as a, Workspace(path) as b:
        thread = threading.Thread(target=lambda: profiles.change(b, lambda p: p.with_rule(Rule("r2", "m", en="y")), "b"))

        def add_first(p: Profile) -> Profile:
            thread.start()  # B reads and writes while A's transaction is open
            thread.join(0.5)
            return p.with_rule(Rule("r1", "m", en="x"))

        profiles.change(a, add_first, "a")
        thread.join()
        assert [r.name for r in profiles.stored(a).rules] == ["r1", "r2"]


def test_workers_run_with_the_profile_in_use(tmp_path: Path, tico_tmx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's profile reaches the forked workers: a check it turns off stays off, its rule fires."""
    from workbench.formats.tmx import read_tmx
    from workbench.qa import parallel
    from workbench.qa.checker import report
    from workbench.store import NewPair, Workspace

    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "CHUNK", 37)
    profile = from_dict({"checks": {"spaces": {"enabled": False}},
                         "rules": [{"name": "covid", "en": "COVID-19", "message": "say the disease"}]}, "test")
    with Workspace(tmp_path / "w.sqlite") as ws:
        doc = ws.add_document("tico")
        ws.insert_pairs(doc.id, [NewPair(fa=[u.fa], en=[u.en], status="review") for u in list(read_tmx(tico_tmx))[:300]])
        assert parallel.usable(ws, 300)
        found = {r.check for r in report(ws, profile=profile)}
    assert "covid" in found and "spaces" not in found
