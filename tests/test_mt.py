"""Machine-translation drafts: the argos engine on a tiny real Argos package (random weights,
real SentencePiece, real CTranslate2 decoding), drafting that survives kill -9 and Ctrl-C,
the models commands, translation-memory suggestions and QA flags.

The CLI runs as a real subprocess with ARGOS_PACKAGES_DIR pointing at a temporary directory,
so no developer's own models are seen and the tiny model is never installed anywhere else.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from tests.tiny_model import (  # noqa: F401 (fixture)
    PACKAGE_NAME,
    PACKAGE_VERSION,
    TinyArgos,
    rewrite_archive,
    tico_sentences,
    tiny_argos,
)
from workbench.errors import WorkbenchError
from workbench.mt import draft_pairs, fa_en_package_installed, load_engine, pending_pairs, qa_flags, suggestions
from workbench.mt.argos import DecodeOptions
from workbench.mt.tm import lookup
from workbench.store import NewPair, Workspace

TICO_UNITS = 3071
FAST = ["--beam-size", "2", "--max-length", "16"]  # noise either way: keep decoding short
WORKBENCH = Path(sys.executable).parent / "workbench"


# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tico_ws_template(tico_tmx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TICO-19 imported with `workbench import` once; tests draft copies of it."""
    path = tmp_path_factory.mktemp("tico-ws") / "tico.sqlite"
    result = run_workbench("--ws", path, "import", tico_tmx, cwd=path.parent)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def tico_ws(tico_ws_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tico.sqlite"
    path.write_bytes(tico_ws_template.read_bytes())
    return path


@pytest.fixture
def no_models(tmp_path: Path) -> dict[str, str]:
    """An empty package directory, and an index nobody answers at (nothing is downloaded)."""
    empty = tmp_path / "no-models"
    empty.mkdir()
    return {"ARGOS_PACKAGES_DIR": str(empty), "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/"}


def draft_counts(path: Path) -> dict[int, int]:
    """Drafts per pair (pairs with Persian; 0 for undrafted ones), read on a separate connection."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT p.id, COUNT(d.id) FROM pairs p LEFT JOIN drafts d ON d.pair_id = p.id "
            "WHERE p.fa != '' GROUP BY p.id"
        ).fetchall()
    return dict(rows)


def committed_drafts(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def start_translate(ws: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    import os

    return subprocess.Popen([str(WORKBENCH), "--ws", str(ws), "translate", *args], env={**os.environ, **env, "PYTHONFAULTHANDLER": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_drafts(path: Path, process: subprocess.Popen, at_least: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = committed_drafts(path)
        if count >= at_least:
            return count
        assert process.poll() is None, f"translate ended early: {process.communicate()}"
        time.sleep(0.01)
    raise AssertionError(f"fewer than {at_least} drafts after {timeout} s")


def consistent(path: Path) -> None:
    """Every current draft is a draft of its own pair's current Persian, and the file is sound."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bad = conn.execute(
            "SELECT COUNT(*) FROM pairs p LEFT JOIN drafts d ON d.id = p.draft_id "
            "WHERE p.draft_id IS NOT NULL AND (d.pair_id IS NOT p.id OR d.source != p.fa OR d.text != p.draft)"
        ).fetchone()[0]
        assert bad == 0


# -- translate with the tiny model --------------------------------------------------------------


def test_translate_drafts_every_tico_pair_once_naming_its_model(tico_ws: Path, tiny_argos: TinyArgos,
                                                                tmp_path: Path) -> None:
    result = run_workbench("--ws", tico_ws, "translate", *FAST, cwd=tmp_path, env=tiny_argos.env)
    assert result.returncode == 0, result.stderr
    assert f"drafted {TICO_UNITS} of {TICO_UNITS} pairs" in result.stdout
    assert result.stderr == ""  # piped: no progress bar
    assert set(draft_counts(tico_ws).values()) == {1}
    with Workspace(tico_ws) as ws:
        pairs = list(ws.pairs())
        assert len(pairs) == TICO_UNITS
        assert all(p.draft and p.engine == "argos" and p.model == PACKAGE_NAME for p in pairs)
        draft = ws.drafts(pairs[0].id)[0]
    assert draft.source == pairs[0].fa and draft.model_version == PACKAGE_VERSION
    assert draft.params["beam_size"] == 2 and draft.params["max_length"] == 16
    assert draft.params["batch_size"] == 32 and draft.params["compute_type"] in ("int8", "default")
    assert draft.created_at

    again = run_workbench("--ws", tico_ws, "translate", cwd=tmp_path, env=tiny_argos.env)
    assert again.returncode == 0 and "nothing to draft" in again.stdout
    assert set(draft_counts(tico_ws).values()) == {1}

    exported = run_workbench("--ws", tico_ws, "export", "--format", "jsonl", "--status", "all", "-o",
                             tmp_path / "out.jsonl", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == TICO_UNITS
    assert all(r["model"] == PACKAGE_NAME and isinstance(r["qa"], list) for r in records)
    assert any(r["qa"] for r in records)  # noise trips the checks


def test_kill_9_mid_run_then_rerun_drafts_every_pair_exactly_once(tico_ws: Path, tiny_argos: TinyArgos,
                                                                   tmp_path: Path) -> None:
    args = ["--beam-size", "2", "--max-length", "32", "--batch-size", "8", "--threads", "1"]
    process = start_translate(tico_ws, tiny_argos.env, *args)
    try:
        wait_for_drafts(tico_ws, process, at_least=5 * 8)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    before = draft_counts(tico_ws)
    done = sum(before.values())
    assert 0 < done < TICO_UNITS, "the kill should land mid-run"
    assert set(before.values()) <= {0, 1}
    consistent(tico_ws)

    rerun = run_workbench("--ws", tico_ws, "translate", *args, cwd=tmp_path, env=tiny_argos.env)
    assert rerun.returncode == 0, rerun.stderr
    assert f"drafted {TICO_UNITS - done} of {TICO_UNITS - done} pairs" in rerun.stdout
    after = draft_counts(tico_ws)
    assert len(after) == TICO_UNITS and set(after.values()) == {1}
    consistent(tico_ws)


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_after_the_current_batch_and_twice_at_once(tico_ws: Path, tiny_argos: TinyArgos,
                                                                 presses: int) -> None:
    """Once: the batch in hand is finished and saved. Twice: it is rolled back and the process
    leaves at once, with 130 and never an abort (a batch may still be decoding in CTranslate2)."""
    batch = 8
    args = ["--beam-size", "2", "--max-length", "32", "--batch-size", str(batch), "--threads", "1"]
    process = start_translate(tico_ws, tiny_argos.env, *args)
    try:
        wait_for_drafts(tico_ws, process, at_least=3 * batch)
        for press in range(presses):
            time.sleep(0.05 * press)
            process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err and "terminate called" not in err
    counts = draft_counts(tico_ws)
    done = sum(counts.values())
    assert done % batch == 0 and 0 < done < TICO_UNITS  # whole batches only
    assert set(counts.values()) <= {0, 1}
    if presses == 1:
        assert "run the same command again" in err and f"drafted {done} of {TICO_UNITS} pairs" in out
    consistent(tico_ws)


def test_without_a_fa_en_package_translate_says_how_to_get_one(tico_ws: Path, no_models: dict,
                                                               tmp_path: Path) -> None:
    result = run_workbench("--ws", tico_ws, "translate", cwd=tmp_path, env=no_models)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: ")
    assert "workbench models install fa en" in lines[0] and "workbench models install PATH.argosmodel" in lines[0]
    assert sum(draft_counts(tico_ws).values()) == 0


# -- models -------------------------------------------------------------------------------------


def test_models_install_a_package_file_then_list_it(tiny_argos: TinyArgos, no_models: dict, tmp_path: Path) -> None:
    empty = run_workbench("models", "list", cwd=tmp_path, env=no_models)
    assert empty.returncode == 0 and "no Argos packages" in empty.stdout
    assert "workbench models install fa en" in empty.stderr

    installed = run_workbench("models", "install", tiny_argos.archive, cwd=tmp_path, env=no_models)
    assert installed.returncode == 0, installed.stderr
    (Path(no_models["ARGOS_PACKAGES_DIR"]) / "stray-folder").mkdir()  # not a package: skipped, not fatal
    assert f"installed {PACKAGE_NAME} {PACKAGE_VERSION} (fa→en)" in installed.stdout
    listed = run_workbench("models", "list", cwd=tmp_path, env=no_models)
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if PACKAGE_NAME in line)
    assert PACKAGE_VERSION in row and "fa→en" in row and "test model: output is noise" in row
    assert str(Path(no_models["ARGOS_PACKAGES_DIR"]) / PACKAGE_NAME) in listed.stdout
    # A test model is no Persian→English model for a user: the hint still says how to get one.
    assert "workbench models install fa en" in listed.stderr


def damaged_copy(archive: Path, out: Path) -> Path:
    """``archive`` with bytes in the middle of its model.bin zeroed: the zip directory is
    intact (the file passes the structure checks) but extracting fails on the damaged member."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("model/model.bin"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    data[start:start + 64] = bytes(64)
    out.write_bytes(bytes(data))
    return out


def test_models_install_of_a_damaged_package_is_one_line_and_keeps_the_installed_one(
        tiny_argos: TinyArgos, no_models: dict, tmp_path: Path) -> None:
    packages = Path(no_models["ARGOS_PACKAGES_DIR"])
    damaged = damaged_copy(tiny_argos.archive, tmp_path / "damaged.argosmodel")
    first = run_workbench("models", "install", damaged, cwd=tmp_path, env=no_models)
    assert first.returncode == 1 and first.stderr.count("\n") == 1, first.stderr
    assert "damaged Argos package, nothing installed" in first.stderr and "Traceback" not in first.stderr
    assert list(packages.iterdir()) == []  # no half-extracted package to be listed as a model

    assert run_workbench("models", "install", tiny_argos.archive, cwd=tmp_path, env=no_models).returncode == 0
    model_bin = packages / PACKAGE_NAME / "model" / "model.bin"
    good = model_bin.read_bytes()
    again = run_workbench("models", "install", damaged, cwd=tmp_path, env=no_models)
    assert again.returncode == 1 and "damaged Argos package" in again.stderr
    assert model_bin.read_bytes() == good  # the working install was not overwritten
    assert [p.name for p in packages.iterdir()] == [PACKAGE_NAME]


@pytest.mark.parametrize("metadata", ["[]", "{not json", '"text"'])
def test_a_broken_package_folder_is_skipped_not_fatal(metadata: str, tiny_argos: TinyArgos, no_models: dict,
                                                      tmp_path: Path) -> None:
    packages = Path(no_models["ARGOS_PACKAGES_DIR"])
    assert run_workbench("models", "install", tiny_argos.archive, cwd=tmp_path, env=no_models).returncode == 0
    (packages / "xyzzy-pkg").mkdir()
    (packages / "xyzzy-pkg" / "metadata.json").write_text(metadata, encoding="utf-8")
    listed = run_workbench("models", "list", cwd=tmp_path, env=no_models)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert PACKAGE_NAME in listed.stdout and "xyzzy-pkg" not in listed.stdout


@pytest.mark.parametrize("content", ["text", "zip-without-metadata"])
def test_models_install_of_a_bad_file_is_one_line_and_installs_nothing(content: str, no_models: dict,
                                                                       tmp_path: Path) -> None:
    bad = tmp_path / "bad.argosmodel"
    if content == "text":
        bad.write_text("not a model", encoding="utf-8")
    else:
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("pkg/model/model.bin", b"\0")
    result = run_workbench("models", "install", bad, cwd=tmp_path, env=no_models)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "not an Argos package" in result.stderr and str(bad) in result.stderr
    assert list(Path(no_models["ARGOS_PACKAGES_DIR"]).iterdir()) == []


def test_models_install_fa_en_offline_fails_in_one_line(no_models: dict, tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_workbench("models", "install", "fa", "en", cwd=tmp_path, env=no_models, timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "cannot reach the Argos package index" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 60  # a refused connection must not wait on retries


def test_models_install_fa_en_downloads_from_the_index(tiny_argos: TinyArgos, no_models: dict,
                                                       tmp_path: Path) -> None:
    """The download path end to end, against a local stand-in for the Argos index."""
    import functools
    import shutil
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(tiny_argos.archive, site / "fa_en.argosmodel")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_port}/"
    entry = {"code": PACKAGE_NAME, "package_version": PACKAGE_VERSION, "from_code": "fa", "to_code": "en",
             "links": [base + "fa_en.argosmodel"]}
    other = {**entry, "from_code": "en", "to_code": "fa", "links": [base + "missing.argosmodel"]}
    (site / "index.json").write_text(json.dumps([other, entry]), encoding="utf-8")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {**no_models, "ARGOS_PACKAGE_INDEX": base}
        result = run_workbench("models", "install", "fa", "en", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert f"installed {PACKAGE_NAME} {PACKAGE_VERSION} (fa→en)" in result.stdout
        assert f"downloading fa→en package version {PACKAGE_VERSION} ({base}fa_en.argosmodel, " in result.stderr
        missing = run_workbench("models", "install", "de", "en", cwd=tmp_path, env=env)
        assert missing.returncode == 1 and "has no de→en package" in missing.stderr
    finally:
        server.shutdown()
    assert (Path(no_models["ARGOS_PACKAGES_DIR"]) / PACKAGE_NAME / "model").is_dir()


def test_models_install_needs_a_file_or_two_codes(no_models: dict, tmp_path: Path) -> None:
    result = run_workbench("models", "install", "fa", cwd=tmp_path, env=no_models)
    assert result.returncode == 1 and "fa: no such file" in result.stderr
    assert "workbench models install fa en" in result.stderr


@pytest.mark.parametrize("broken", ["model/model.bin", "sentencepiece.model"])
def test_models_install_loads_the_package_first_and_a_bad_one_installs_nothing(
        broken: str, tiny_argos: TinyArgos, no_models: dict, tmp_path: Path) -> None:
    """A sound zip around a model (or tokenizer) that does not load is refused in one line,
    and an installed working package of the same name stays as it was."""
    packages = Path(no_models["ARGOS_PACKAGES_DIR"])
    bad = rewrite_archive(tiny_argos.archive, tmp_path / "bad.argosmodel", replace={broken: b"\x06\0\0\0garbage" * 64})
    first = run_workbench("models", "install", bad, cwd=tmp_path, env=no_models)
    assert first.returncode == 1 and first.stderr.count("\n") == 1, first.stderr
    assert first.stderr.startswith(f"workbench: error: {bad}: damaged Argos package, nothing installed")
    assert "does not load" in first.stderr and "Traceback" not in first.stderr
    assert list(packages.iterdir()) == []

    assert run_workbench("models", "install", tiny_argos.archive, cwd=tmp_path, env=no_models).returncode == 0
    good = (packages / PACKAGE_NAME / broken).read_bytes()
    again = run_workbench("models", "install", bad, cwd=tmp_path, env=no_models)
    assert again.returncode == 1 and "nothing installed" in again.stderr
    assert (packages / PACKAGE_NAME / broken).read_bytes() == good
    assert [p.name for p in packages.iterdir()] == [PACKAGE_NAME]


def test_translate_never_picks_a_test_model_unless_named(tico_ws: Path, tiny_argos: TinyArgos,
                                                         tmp_path: Path) -> None:
    """Issue 12: with only the test model installed, `translate` without --model says no model
    is installed (and how to use the test one on purpose) instead of storing its noise."""
    result = run_workbench("--ws", tico_ws, "translate", *FAST, cwd=tmp_path, env=tiny_argos.installed_env)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: no Persian→English model is installed")
    assert "workbench models install fa en" in lines[0] and f"only the test model {PACKAGE_NAME}" in lines[0]
    assert sum(draft_counts(tico_ws).values()) == 0
    named = run_workbench("--ws", tico_ws, "translate", *FAST, "--model", PACKAGE_NAME,
                          cwd=tmp_path, env=tiny_argos.installed_env)
    assert named.returncode == 0 and f"drafted {TICO_UNITS} of {TICO_UNITS}" in named.stdout, named.stderr


def small_workspace(path: Path, n: int = 40) -> Path:
    fa, _ = tico_sentences(n)
    with Workspace(path) as ws:
        doc = ws.add_document("doc")
        ws.insert_pairs(doc.id, [NewPair(fa=[f]) for f in fa])
    return path


def test_redraft_ignores_settings_that_only_change_speed(tiny_argos: TinyArgos, tmp_path: Path) -> None:
    """Issue 12: --batch-size and --threads (and --device-index) change how fast drafts come,
    not what they say: a redraft with other values of them redrafts nothing; one with another
    beam redrafts every pair."""
    path = small_workspace(tmp_path / "ws.sqlite")
    first = run_workbench("--ws", path, "translate", *FAST, "--batch-size", "8", "--threads", "1", cwd=tmp_path,
                          env=tiny_argos.env)
    assert first.returncode == 0 and "drafted 40 of 40" in first.stdout, first.stderr
    same = run_workbench("--ws", path, "translate", *FAST, "--redraft", "--batch-size", "16", "--threads", "2",
                         "--device", "cpu", cwd=tmp_path, env=tiny_argos.env)
    assert same.returncode == 0 and "nothing to redraft" in same.stdout, same.stdout + same.stderr
    assert set(draft_counts(path).values()) == {1}
    wider = run_workbench("--ws", path, "translate", "--beam-size", "3", "--max-length", "16", "--redraft",
                          cwd=tmp_path, env=tiny_argos.env)
    assert wider.returncode == 0 and "drafted 40 of 40" in wider.stdout, wider.stderr
    assert set(draft_counts(path).values()) == {2}


def test_translate_device_and_compute_type_are_checked_and_recorded(tiny_argos: TinyArgos, tmp_path: Path) -> None:
    path = small_workspace(tmp_path / "ws.sqlite", 8)

    def translate(*args: str):
        return run_workbench("--ws", path, "translate", *FAST, *args, cwd=tmp_path, env=tiny_argos.env)

    for args, message in [
        (["--device", "cuda"], "device cuda: CTranslate2 sees no CUDA GPU on this machine"),
        (["--device", "cuda", "--device-index", "0,1"], "device cuda: CTranslate2 sees no CUDA GPU"),
        (["--device", "cpu", "--device-index", "1"], "device index names GPUs"),
        (["--device", "cpu", "--compute-type", "float16"], "compute type 'float16' is not supported on cpu"),
    ]:
        result = translate(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
    usage = translate("--device-index", "0,x")
    assert usage.returncode == 2 and "device numbers separated by commas" in usage.stderr
    assert sum(draft_counts(path).values()) == 0

    result = translate("--device", "auto")  # no GPU here: the CPU, int8
    assert result.returncode == 0, result.stderr
    assert "compute type int8, device cpu" in result.stdout
    with Workspace(path) as ws:
        params = ws.drafts(next(ws.pairs()).id)[0].params
    assert params["device"] == "cpu" and params["compute_type"] == "int8" and "device_index" not in params


# -- the engine in-process ----------------------------------------------------------------------


@pytest.fixture
def argos_env(tiny_argos: TinyArgos, monkeypatch: pytest.MonkeyPatch) -> TinyArgos:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tiny_argos.packages))
    return tiny_argos


def tiny_engine(**options):
    """The argos engine on the tiny test model, named (a test model drafts only when named)."""
    return load_engine(model=PACKAGE_NAME, options=DecodeOptions(**options))


def test_engine_translates_a_batch_in_order_with_its_identity(argos_env: TinyArgos) -> None:
    engine = tiny_engine(beam_size=1, max_length=12)
    assert (engine.name, engine.model, engine.model_version) == ("argos", PACKAGE_NAME, PACKAGE_VERSION)
    sentences = ["سلام دنیا.", "قیمت نفت به ۸۰ دلار رسید و بازار آرام شد.", "سلام دنیا."]
    drafts = engine.translate(sentences)
    assert len(drafts) == 3 and all(isinstance(d, str) and d for d in drafts)
    assert drafts[0] == drafts[2]  # same input, same output: order is kept
    assert tiny_engine(beam_size=1, max_length=12).translator is engine.translator  # cached


def test_draft_pairs_reports_progress_and_stops_between_batches(argos_env: TinyArgos, ws: Workspace) -> None:
    doc = ws.add_document("doc")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله شماره {i} است."]) for i in range(10)] + [NewPair(fa=[], en=["x"])])
    engine = tiny_engine(beam_size=1, max_length=8, batch_size=4)
    progress: list[tuple[int, int]] = []
    run = draft_pairs(ws, engine, on_progress=lambda done, total: progress.append((done, total)),
                      should_stop=lambda: len(progress) == 3)
    assert run.stopped and run.drafted == 8 and progress == [(0, 10), (4, 10), (8, 10)]
    run = draft_pairs(ws, engine, on_progress=lambda done, total: progress.append((done, total)))
    assert not run.stopped and run.drafted == 2 and progress[-1] == (2, 2)
    assert all(p.draft for p in ws.pairs() if p.fa) and all(len(ws.drafts(p.id)) == 1 for p in ws.pairs() if p.fa)


def test_an_interrupted_redraft_resumes_and_redrafts_each_pair_once(argos_env: TinyArgos, ws: Workspace) -> None:
    doc = ws.add_document("doc")
    ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله شماره {i} است."]) for i in range(10)])
    draft_pairs(ws, tiny_engine(beam_size=1, max_length=8, batch_size=4))
    wider = tiny_engine(beam_size=2, max_length=8, batch_size=4)  # other settings
    calls: list[int] = []
    run = draft_pairs(ws, wider, redraft=True, should_stop=lambda: calls.append(1) or len(calls) == 2)
    assert run.stopped and run.drafted == 4
    run = draft_pairs(ws, wider, redraft=True)  # the same command again: only the rest
    assert run.total == 6 and run.drafted == 6
    assert all(len(ws.drafts(p.id)) == 2 for p in ws.pairs())
    assert not pending_pairs(ws, redraft=True, engine=wider)
    assert draft_pairs(ws, wider, redraft=True).total == 0


def test_load_engine_without_a_model_names_the_install_command(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "none"))
    assert not fa_en_package_installed()
    with pytest.raises(WorkbenchError, match="workbench models install fa en"):
        load_engine()


def test_load_engine_picks_a_test_model_only_when_named(argos_env: TinyArgos) -> None:
    assert not fa_en_package_installed()  # the test model is no model for a user
    with pytest.raises(WorkbenchError, match=f"only the test model {PACKAGE_NAME}.*chosen by name"):
        load_engine()
    assert load_engine(model=PACKAGE_NAME).model == PACKAGE_NAME


def test_a_draft_stored_with_older_speed_settings_counts_as_the_same(argos_env: TinyArgos, ws: Workspace) -> None:
    """Drafts made before speed settings stopped counting carry batch_size and threads in
    their params (as text written by json.dumps, keys sorted): still the same settings."""
    doc = ws.add_document("doc")
    ws.insert_pairs(doc.id, [NewPair(fa=["سلام دنیا."]), NewPair(fa=["خداحافظ."])])
    engine = tiny_engine(beam_size=2, max_length=16, batch_size=4, threads=1)
    first, second = (p.id for p in ws.pairs())
    old = {"batch_size": 32, "beam_size": 2, "compute_type": engine.compute_type, "device": "cpu",
           "length_penalty": 0.2, "max_length": 16, "threads": 2}
    ws.add_draft(first, source="سلام دنیا.", text="Hello.", engine="argos", model=PACKAGE_NAME,
                 model_version=PACKAGE_VERSION, params=old)
    ws.add_draft(second, source="خداحافظ.", text="Bye.", engine="argos", model=PACKAGE_NAME,
                 model_version=PACKAGE_VERSION, params={**old, "beam_size": 4})
    assert [pid for pid, _ in pending_pairs(ws, redraft=True, engine=engine)] == [second]
    run = draft_pairs(ws, engine, redraft=True)
    assert run.drafted == 1 and ws.pair(first).draft == "Hello."


def test_gpu_choices_without_a_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GPU paths of choosing a device and a compute type, with CTranslate2's view of the
    machine stubbed (this machine has no GPU): auto takes a GPU where there is one, every
    named GPU must exist, and a compute type must suit every GPU used."""
    import ctranslate2

    from workbench.mt import argos

    types = {0: {"float32", "int8", "int8_float16", "float16"}, 1: {"float32", "int8", "float16"}}
    monkeypatch.setattr(argos, "cuda_devices", lambda: 2)
    monkeypatch.setattr(ctranslate2, "get_supported_compute_types", lambda device, index=0: types[index])
    assert argos.resolve_device("auto") == "cuda"
    assert argos.resolve_device("cuda", (0, 1)) == "cuda"
    with pytest.raises(WorkbenchError, match="device index 2: CTranslate2 sees 2 GPUs"):
        argos.resolve_device("cuda", (0, 2))
    assert argos.resolve_compute_type("auto", "cuda", (0,)) == "int8_float16"
    assert argos.resolve_compute_type("auto", "cuda", (0, 1)) == "float16"  # what both support
    with pytest.raises(WorkbenchError, match="'int8_float16' is not supported on cuda:1"):
        argos.resolve_compute_type("int8_float16", "cuda", (0, 1))
    monkeypatch.setattr(argos, "cuda_devices", lambda: 0)
    assert argos.resolve_device("auto") == "cpu"
    with pytest.raises(WorkbenchError, match="sees no CUDA GPU"):
        argos.resolve_device("cuda")


@pytest.mark.parametrize("packages", ["none", "test model only"])
def test_demo_drafts_only_with_a_real_installed_model(packages: str, tiny_argos: TinyArgos, no_models: dict,
                                                      tmp_path: Path) -> None:
    """The tiny model's drafts are noise: the demo must not show them as translations."""
    env = no_models if packages == "none" else {**no_models, **tiny_argos.env}
    result = run_workbench("demo", "--no-open", "--ws", tmp_path / "demo.sqlite", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "no machine-translation drafts" in result.stdout and "workbench models install fa en" in result.stdout
    assert f"workbench translate --ws {tmp_path / 'demo.sqlite'}" in result.stdout
    with Workspace(tmp_path / "demo.sqlite") as ws:
        assert not any(p.draft for p in ws.pairs())


# -- translation memory -------------------------------------------------------------------------

OIL_FA = "قیمت نفت خام در بازارهای جهانی امروز به ۸۰ دلار در هر بشکه رسید."
OIL_EN = "The price of crude oil on world markets reached 80 dollars a barrel today."
OIL_TWIN = "قیمت نفت خام در بازارهای جهانی دیروز به ۸۰ دلار در هر بشکه رسید."


def memory_workspace(ws: Workspace) -> dict[str, int]:
    """A text document to translate, an approved pair, a rejected one and a corpus unit."""
    text = ws.add_document("article")
    ws.insert_pairs(text.id, [
        NewPair(fa=[OIL_TWIN]),
        NewPair(fa=[OIL_FA], en=[OIL_EN], status="approved"),
        NewPair(fa=["قیمت طلا در بازارهای جهانی امروز بالا رفت."], en=["Gold went up."], status="rejected"),
        NewPair(fa=["قیمت نفت خام در بازارهای جهانی امروز پایین آمد."], en=["Unreviewed English."], status="review"),
    ])
    corpus = ws.add_document("tm", kind="corpus")
    ws.insert_pairs(corpus.id, [NewPair(fa=["بازارهای جهانی امروز آرام بودند."], en=["World markets were calm today."],
                                        status="review")])
    return {p.fa: p.id for p in ws.pairs()}


def test_tm_suggests_the_approved_near_twin_with_its_percentage(ws: Workspace) -> None:
    ids = memory_workspace(ws)
    found = suggestions(ws, ws.pair(ids[OIL_TWIN]), 3)
    assert found and found[0].en == OIL_EN and found[0].pair_id == ids[OIL_FA] and found[0].doc == "article"
    assert 80 <= found[0].score < 100
    english = [m.en for m in found]
    assert "Gold went up." not in english  # rejected
    assert "Unreviewed English." not in english  # neither approved nor from a corpus
    assert all(m.pair_id != ids[OIL_TWIN] for m in found)


def test_tm_matches_corpus_units_and_scores_normalized_text_as_equal(ws: Workspace) -> None:
    memory_workspace(ws)
    corpus_match = lookup(ws, "بازارهای جهانی امروز آرام بودند", limit=1)
    assert corpus_match[0].en == "World markets were calm today." and corpus_match[0].doc == "tm"
    # Arabic letter forms and Arabic-Indic digits normalize to the same key: a 100% match.
    variant = OIL_FA.replace("ی", "ي").replace("۸۰", "٨٠")
    assert lookup(ws, variant, limit=1)[0].score == 100.0
    assert lookup(ws, "کاملا بی‌ربط و متفاوت", limit=3) == []


def test_translate_engine_tm_drafts_only_exact_memory_matches(cli, ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        memory_workspace(ws)
        doc = ws.add_document("new")
        ws.insert_pairs(doc.id, [NewPair(fa=[OIL_FA.replace("ی", "ي")]), NewPair(fa=[OIL_TWIN])])
    result = cli("translate", "--engine", "tm", "--doc", "new")
    assert result.exit_code == 0, result.output
    assert "drafted 1 of 2 pairs" in result.output and "1 without a memory match" in result.output
    with Workspace(ws_path) as ws:
        exact, twin = ws.pairs(ws.document("new").id)
        assert exact.draft == OIL_EN and exact.engine == "tm" and exact.model == "translation-memory"
        assert twin.draft is None


def test_translate_engine_tm_never_drafts_a_pair_with_its_own_english(cli, ws_path: Path) -> None:
    """Approved pairs and corpus units are the memory; drafting them must not copy their own
    English (scoring would then report the references as perfect drafts)."""
    with Workspace(ws_path) as ws:
        ids = memory_workspace(ws)
        doc = ws.add_document("new")
        ws.insert_pairs(doc.id, [NewPair(fa=[OIL_FA])])
    result = cli("translate", "--engine", "tm")
    assert result.exit_code == 0, result.output
    with Workspace(ws_path) as ws:
        drafts = {p.id: p.draft for p in ws.pairs()}
        unit = next(ws.pairs(ws.document("tm").id))
        copy = next(ws.pairs(ws.document("new").id))
    assert drafts[ids[OIL_FA]] is None  # approved: its only 100% match is itself
    assert drafts[unit.id] is None  # corpus unit: likewise
    assert copy.draft == OIL_EN  # another pair with the same Persian is a real memory match
    assert "drafted 1 of" in result.output


def test_translate_unknown_document_is_one_line(cli, ws_path: Path) -> None:
    with Workspace(ws_path) as ws:
        memory_workspace(ws)
    result = cli("translate", "--engine", "tm", "--doc", "nope")
    assert result.exit_code == 1 and "no document named 'nope'" in result.output


def test_tm_lookup_is_safe_for_any_text(ws: Workspace) -> None:
    memory_workspace(ws)
    for text in ['"', "NEAR(", "fa_norm: OR AND", "*", "؟!", "(قیمت", ""]:
        assert isinstance(lookup(ws, text), list)


# -- QA flags -----------------------------------------------------------------------------------

SOURCE = "قیمت نفت در سال ۱۴۰۲ به ۸۰ دلار رسید و بازار آرام شد."


@pytest.mark.parametrize(("source", "draft", "flag"), [
    (SOURCE, "", "empty"),
    (SOURCE, "   ", "empty"),
    (SOURCE, "In 1402 the price of نفت reached 80 dollars and the market calmed.", "untranslated"),
    ("COVID-19 vaccine news", "COVID-19 vaccine news", "untranslated"),
    (SOURCE, "In 1402 the price of oil reached 80 dollars dollars dollars and the market calmed.", "repeated-word"),
    (SOURCE, "In 1402 the price of oil reached 80 the price of oil reached 80 and the market calmed.", "repeated-word"),
    (SOURCE, "In 1402 oil cost 80 dollars, the market is calm, the market is calm and the market is calm.",
     "repeated-word"),
    (SOURCE, "In 1402 the price of oil reached dollars and the market calmed.", "number"),
    (SOURCE, "In 1402 the price of oil reached 800 dollars and the market calmed.", "number"),
    (SOURCE, "In 1403 the price of oil reached 80 dollars and the market calmed.", "number"),
    ("جمعیت شهر به ۴۸ میلیون و ۷۰۰ هزار نفر رسید.", "The city's population reached 47.7 million.", "number"),
    (SOURCE, "Oil 1402 80.", "length"),
    (SOURCE, "In 1402 the price of oil reached 80 dollars and the market calmed, " * 4, "length"),
    (SOURCE, "In 1402 the price of oil reached 80 dollars and the market calmed.zzzzzzzzzzzzzz", "repeated-word"),
    (SOURCE, "In 1402 the price of oil reached 80 dollars and the marketmarketmarketmarketmarket", "repeated-word"),
    (SOURCE, "In 1402 the price of oil reached 80 dollars and the market calmed. - - - - - - - -", "repeated-word"),
    ("حداکثر {{ limit }} مورد", "At most {{limit}} items", "tags"),  # an engine respaced the placeholder
    ("یک ⟦1⟧کلمه⟦/1⟧ پررنگ", "a bold word", "tags"),  # and dropped an inline code
])
def test_qa_flag_fires_on_crafted_case(source: str, draft: str, flag: str) -> None:
    assert flag in qa_flags(source, draft)


@pytest.mark.parametrize(("source", "draft"), [
    (SOURCE, "In 1402 the price of oil reached 80 dollars and the market calmed."),
    (SOURCE, "The price of oil reached $80 in 1402, and the market calmed down."),  # numbers reordered
    ("در سال ۲٫۵ درصد و ۱,۲۹۰ نفر و ٣ کشور بودند.", "There were 2.5 percent, 1290 people and three countries that year."),
    ("او گفت که این کار بسیار بسیار مهم است.", "He said that this work is very, very important."),
    ("این ویروس در ووهان چین شناسایی شد و سپس گسترش یافت.", "The virus was identified in Wuhan, China and then spread."),
    ("هزینه به ۱۰۰۰۰۰۰۰۰۰ ریال رسید و همه نگران شدند...", "The cost reached 1000000000 rials and everyone worried..."),
    ("جمعیت شهر به ۴۸ میلیون و ۷۰۰ هزار نفر رسید.", "The city's population reached 48.7 million."),  # amounts
    ("بودجه ۵ هزار میلیارد تومان است.", "The budget is 5,000 billion tomans."),
    ("========== قیمت نفت به ۸۰ دلار رسید و بازار آرام شد.", "========== The price of oil reached 80 dollars and the market calmed."),
])
def test_qa_flags_stay_quiet_on_clean_drafts(source: str, draft: str) -> None:
    assert qa_flags(source, draft) == []


def test_qa_flags_reach_the_stored_draft(argos_env: TinyArgos, ws: Workspace) -> None:
    doc = ws.add_document("doc")
    ws.insert_pairs(doc.id, [NewPair(fa=["در سال ۲۰۲۰ بیش از ۱۲۰۰ نفر بیمار شدند و بیمارستان‌ها پر شدند."])])
    run = draft_pairs(ws, tiny_engine(beam_size=1, max_length=16))
    pair = next(ws.pairs())
    assert pair.qa == qa_flags(pair.fa, pair.draft) and pair.qa  # noise from a random model gets flagged
    assert sum(run.flags.values()) == len(pair.qa)


def test_a_pair_merged_away_while_its_batch_is_decoded_gets_no_draft_and_the_run_goes_on(tmp_path: Path) -> None:
    """An editor merging pairs while `translate` decoded their batch made the batch's write fail
    (FOREIGN KEY constraint failed) and the whole run with it."""
    from workbench.mt.drafting import draft_pairs

    path = tmp_path / "ws.sqlite"
    with Workspace(path) as ws, Workspace(path) as editor:
        doc = ws.add_document("d")
        ws.insert_pairs(doc.id, [NewPair(fa=[f"جمله {i}."], en=[f"Sentence {i}."], status="review")
                                 for i in range(6)])
        first, second = [p.id for p in ws.pairs(doc.id)][:2]

        class MergingMeanwhile:
            name, model, model_version, params = "fake", "fake-model", "1", {"batch_size": 3}

            def translate(self, sentences: list[str], pair_ids: list[int] | None = None) -> list[str]:
                if second in (pair_ids or []):
                    editor.structure.merge_with_next(first)  # `second` is gone before this batch is stored
                return [f"draft of {s}" for s in sentences]

        run = draft_pairs(ws, MergingMeanwhile())
        assert (run.drafted, run.skipped) == (5, 1)
        assert all(p.draft for p in ws.pairs(doc.id) if p.id != first)
        assert ws.conn.execute("SELECT COUNT(*) FROM drafts WHERE pair_id = ?", [second]).fetchone()[0] == 0
