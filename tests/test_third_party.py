"""The parts of third-party libraries used beyond their public API, each in one module of its
own: pinned to the version in constraints.txt (pyproject.toml stops below the next minor
release, where such parts may change unannounced), and checked here against that version. A
newer release means: read its changes, run these tests, then move the pin and the bound."""

from __future__ import annotations

import ast
import re
import socket
import tomllib
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# distribution → (the one module that may use its internals, what nobody else may import or touch)
ISOLATED = {
    "sacrebleu": ("workbench/score/sacrebleu_internals.py", r"sacrebleu\.tokenizers|\._[a-z]\w*"),
    "python-bidi": ("workbench/tui/bidi_legacy.py", r"bidi\.(algorithm|mirror)"),
    "textual-serve": ("workbench/serve/upstream.py", r"textual_serve(\..*)?"),
}


def pinned(dist: str) -> str:
    (pin,) = re.findall(rf"^{re.escape(dist)}==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE)
    return pin


@pytest.mark.parametrize("dist", sorted(ISOLATED))
def test_the_version_is_the_one_pinned_and_bounded(dist: str) -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (spec,) = [d for d in deps if re.match(rf"{re.escape(dist)}\b[<>=!~]", d)]
    pin = Version(pinned(dist))
    allowed = SpecifierSet(spec[len(dist):])
    assert version(dist) == str(pin)
    assert pin in allowed and Version(f"{pin.major}.{pin.minor + 1}") not in allowed


@pytest.mark.parametrize("dist", sorted(ISOLATED))
def test_only_one_module_uses_the_internals(dist: str) -> None:
    home, pattern = ISOLATED[dist]
    found = []
    for path in sorted((ROOT / "workbench").rglob("*.py")):
        if path == ROOT / home:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        names += [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
        if dist == "sacrebleu":  # private attributes of anything in a module that imports sacrebleu
            if not any(name.startswith("sacrebleu") for name in names):
                continue
            names += ["." + n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                      and not (isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"))]
        found += [f"{path.relative_to(ROOT)}: {name}" for name in names if re.fullmatch(pattern, name)]
    assert found == []


# -- sacrebleu 2.6 ----------------------------------------------------------------------------

HYPS = ["The cat sat on the mat.", "A dog barked at night", "", "Prices rose 5% in May."]
REFS = [["The cat is on the mat.", "A dog barked in the night.", "Nothing.", "Prices rose by 5% in May."]]


@pytest.mark.parametrize("name", ["bleu", "chrf", "chrf++", "ter", "edit"])
def test_sacrebleu_statistics_add_up_to_its_public_corpus_score(name: str) -> None:
    from workbench.score import sacrebleu_internals as internals
    from workbench.score.metrics import metric

    m = metric(name)
    expected = m.corpus_score(HYPS, REFS)
    internals.check_args(m, HYPS, REFS)
    stats = internals.sentence_stats(m, HYPS[:2], [r[:2] for r in REFS]) + internals.sentence_stats(
        m, HYPS[2:], [r[2:] for r in REFS])
    summed = [sum(column) for column in zip(*stats)]
    got_name, score, verbose = internals.score_from_stats(m, summed)
    assert (got_name, score) == (expected.name, float(expected.score))
    assert verbose == (str(expected).split(" = ", 1)[1].split(" ", 1)[1] if name == "bleu" else "")
    one = m.sentence_score(HYPS[0], [REFS[0][0]])
    assert internals.score_from_stats(m, stats[0])[1] == pytest.approx(float(one.score))
    with pytest.raises(TypeError, match="Undefined line in hypotheses"):
        internals.check_args(m, ["a", None], REFS)


def test_sacrebleu_tokenizers_and_their_models() -> None:
    from workbench.score import sacrebleu_internals as internals

    assert {"none", "13a", "intl", "char", "flores101", "flores200", "spBLEU-1K"} <= set(internals.tokenizer_names())
    assert internals.model_path("13a") is None
    for name in ("flores101", "flores200", "spBLEU-1K"):
        assert internals.model_path(name).parent.name == "models"


def test_a_model_download_has_a_timeout_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The download set the process-wide socket timeout while it ran: every other thread's new
    sockets (an Argos index fetch, a drafting worker's) got it too, and lost theirs."""
    from sacrebleu.tokenizers import tokenizer_spm

    from workbench.errors import WorkbenchError
    from workbench.score.metrics import NETWORK_TIMEOUT, corpus_score

    seen = []

    def offline(url, *args, **kwargs):
        seen.append((socket.getdefaulttimeout(), kwargs.get("timeout")))
        raise urllib.error.URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert socket.getdefaulttimeout() is None
    with pytest.raises(WorkbenchError, match="needs to download a model and could not"):
        corpus_score("bleu", ["a b"], [["a b"]], tokenize="flores101")
    assert seen == [(None, NETWORK_TIMEOUT)]
    assert not any(tmp_path.rglob("*.model"))  # nothing half-written


def test_a_downloaded_model_is_where_sacrebleu_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from sacrebleu.tokenizers import tokenizer_spm

    from workbench.score import sacrebleu_internals as internals

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"model bytes"))
    internals.fetch_model("flores200", timeout=1.0)
    path = internals.model_path("flores200")
    assert path.read_bytes() == b"model bytes" and [p.name for p in path.parent.iterdir()] == [path.name]
    assert str(path) == f"{tmp_path}/models/{Path(tokenizer_spm.SPM_MODELS['flores200']['url']).name}"


# -- python-bidi 0.6 --------------------------------------------------------------------------

def test_python_bidi_legacy_levels_display_and_mirrors() -> None:
    from workbench.tui import bidi_legacy

    text = "سلام (NATO) ۱۲ abc"
    levels = bidi_legacy.levels(text, rtl=True)
    assert levels[:4] == [1] * 4 and levels[7:11] == [2] * 4 and levels[-3:] == [2] * 3
    assert bidi_legacy.levels("abc \u202bx", rtl=False)[4] is None  # RLE: set aside (X9)
    assert bidi_legacy.display("(NATO) سلام", "R") == "مالس (NATO)"
    assert bidi_legacy.display("سلام (دنیا)", "R") == "(ایند) مالس"  # mirrored (L4): the compiled one gives ")ایند("
    assert bidi_legacy.mirrored()["("] == ")" and "a" not in bidi_legacy.mirrored()


def test_textual_serve_private_methods_used_by_serve_upstream() -> None:
    """serve/upstream.py calls Server._make_app (its aiohttp app, before it starts) and
    Server._process_messages(websocket, app_service) (the browser → app loop), and builds
    AppService as Server.handle_websocket does: these signatures are what it relies on."""
    import inspect

    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    assert inspect.iscoroutinefunction(Server._make_app)
    assert list(inspect.signature(Server._make_app).parameters) == ["self"]
    assert list(inspect.signature(Server._process_messages).parameters) == ["self", "websocket", "app_service"]
    assert list(inspect.signature(AppService).parameters) == ["command", "write_bytes", "write_str", "close",
                                                               "download_manager", "debug"]
    source = inspect.getsource(Server.handle_websocket)
    assert "AppService(" in source and "self._process_messages(websocket, app_service)" in source
