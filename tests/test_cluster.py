"""Drafting over a Ray cluster (`workbench translate --ray`), on a real Ray cluster of 2 CPUs that
this module starts (`ray start --head`) and stops, and on the local runtime `--ray` starts itself.

Every Ray process stays on 127.0.0.1 (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0: Ray's single-machine
mode), with a token of this module's own, no usage statistics and no dashboard. The head has no
Argos package installed and its own cache: the model can only reach its workers by content.
Drafts are compared with those of a local `workbench translate` of the same pairs and settings.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_workbench
from tests.tiny_model import PACKAGE_NAME, TinyArgos, tico_sentences, tiny_argos  # noqa: F401 (fixture)
from workbench.errors import WorkbenchError
from workbench.store import NewPair, Workspace

BIN = Path(sys.executable).parent
PAIRS = 640  # TICO-19's first ones: 80 batches of 8
BATCH = 8
ARGS = ["--beam-size", "2", "--max-length", "32", "--batch-size", str(BATCH)]


@dataclass(frozen=True)
class Head:
    address: str  # 127.0.0.1:PORT
    process: subprocess.Popen  # `ray start --head --block`: Ray's processes are its descendants
    cache: Path  # where its workers unpack packages


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_env(tiny_argos: TinyArgos) -> Iterator[dict[str, str]]:
    """The environment of every command here: the tiny package, Ray on 127.0.0.1 with a token of
    our own, Ray's files under a short folder (its socket paths must fit in 107 bytes)."""
    root = Path(tempfile.mkdtemp(prefix="wbray-", dir="/tmp"))
    env = {
        **tiny_argos.env,
        "PYTHONPATH": str(ROOT),  # this checkout's workbench, in the command and in Ray's workers
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(16),
        "RAY_TMPDIR": str(root / "local"),
        "XDG_CACHE_HOME": str(root / "cache"),
    }
    yield env
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def head(ray_env: dict[str, str]) -> Iterator[Head]:
    """A one-machine Ray cluster with 2 CPUs, as `ray start --head` makes one; stopped after."""
    root = Path(ray_env["RAY_TMPDIR"]).parent
    (root / "no-packages").mkdir()
    cache = root / "head-cache"
    env = {**os.environ, **ray_env, "ARGOS_PACKAGES_DIR": str(root / "no-packages"), "XDG_CACHE_HOME": str(cache)}
    port = free_port()
    log = (root / "head.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={root / 'head'}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while "Ray runtime started" not in (root / "head.log").read_text():
            assert process.poll() is None and time.monotonic() < deadline, (root / "head.log").read_text()
            time.sleep(0.2)
        yield Head(address=f"127.0.0.1:{port}", process=process, cache=cache / "workbench" / "packages")
    finally:
        process.terminate()  # `ray start --block` stops what it started
        try:
            process.wait(60)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # anything of its group left behind
            except ProcessLookupError:
                pass
            log.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cluster-ws") / "tico.sqlite"
    fa, en = tico_sentences(PAIRS)
    with Workspace(path, create=True) as ws:
        doc = ws.add_document("tico")
        ws.insert_pairs(doc.id, [NewPair(fa=[f], en=[e]) for f, e in zip(fa, en)])
    return path


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ws.sqlite"
    shutil.copy(template, path)
    return path


@pytest.fixture(scope="module")
def local(template: Path, ray_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What local drafting stores for these pairs and settings: {pair id: draft}, and its identity."""
    path = tmp_path_factory.mktemp("local") / "ws.sqlite"
    shutil.copy(template, path)
    result = run_workbench("--ws", path, "translate", *ARGS, cwd=path.parent, env=ray_env)
    assert result.returncode == 0, result.stderr
    return {"drafts": current_drafts(path), "identity": identities(path)}


# -- helpers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def current_drafts(path: Path) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, draft FROM pairs WHERE fa != '' AND draft_id IS NOT NULL"))


def identities(path: Path) -> set[tuple]:
    with sqlite3.connect(path) as conn:
        return set(conn.execute("SELECT engine, model, model_version, params FROM drafts"))


def draft_counts(path: Path) -> dict[int, int]:
    """Drafts stored per pair (0 for undrafted ones)."""
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT p.id, COUNT(d.id) FROM pairs p LEFT JOIN drafts d ON d.pair_id = p.id "
                                 "WHERE p.fa != '' GROUP BY p.id"))


def committed(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def consistent(path: Path) -> None:
    """Every current draft drafts its own pair's Persian, and the file is sound."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute(
            "SELECT COUNT(*) FROM pairs p JOIN drafts d ON d.id = p.draft_id "
            "WHERE d.pair_id != p.id OR d.source != p.fa OR d.text != p.draft").fetchone()[0] == 0


def start(ws: Path, env: dict[str, str], *args: str, session: bool = False) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "workbench"), "--ws", str(ws), "translate", *args],
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=session)


def wait_for_drafts(ws: Path, process: subprocess.Popen, at_least: int, timeout: float = 180) -> int:
    deadline = time.monotonic() + timeout
    while (count := committed(ws)) < at_least:
        assert process.poll() is None, f"translate ended early: {process.communicate()}"
        assert time.monotonic() < deadline, f"fewer than {at_least} drafts after {timeout} s"
        time.sleep(0.02)
    return count


def processes() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                found[int(entry.name)] = (parent, (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (OSError, ValueError, IndexError):
                continue
    return found


def draft_workers(root: int) -> list[int]:
    """The drafting workers (Ray actors: their process title names the class) under process ``root``."""
    table = processes()

    def under(pid: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = table.get(pid, (0, ""))[0]
        return False

    return [pid for pid, (_, cmd) in table.items() if cmd.startswith("ray::DraftWorker") and under(pid)]


def processes_mentioning(text: str) -> list[int]:
    return [pid for pid, (_, cmd) in processes().items() if text in cmd]


def wait_until(check, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: "), result.stderr
    return lines[0]


# -- drafts ---------------------------------------------------------------------------------------


def test_ray_drafts_are_the_local_drafts_and_the_same_settings(ws: Path, head: Head, local: dict,
                                                                ray_env: dict, tiny_argos: TinyArgos) -> None:
    result = run_workbench("--ws", ws, "translate", *ARGS, "--ray", head.address, cwd=ws.parent, env=ray_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and f"drafted {PAIRS} of {PAIRS} pairs" in result.stdout
    assert result.stdout.count("\n") == 1  # the summary only: nothing of Ray's on stdout
    assert current_drafts(ws) == local["drafts"]  # bit for bit
    assert identities(ws) == local["identity"]  # engine, model, version and settings
    assert set(draft_counts(ws).values()) == {1}
    consistent(ws)
    # The same settings: a local redraft finds nothing to do.
    again = run_workbench("--ws", ws, "translate", *ARGS, "--redraft", cwd=ws.parent, env=ray_env)
    assert again.returncode == 0 and "nothing to redraft" in again.stdout, again.stderr

    # The head has no package installed: its workers unpacked the bytes this command sent,
    # into a folder named by their SHA-256.
    from workbench.mt.cluster import pack

    digest = hashlib.sha256(pack(tiny_argos.packages / PACKAGE_NAME)).hexdigest()
    assert [p.name for p in head.cache.iterdir() if not p.name.startswith(".")] == [digest]
    shipped = sorted(p.relative_to(head.cache / digest) for p in (head.cache / digest).rglob("*") if p.is_file())
    installed = tiny_argos.packages / PACKAGE_NAME
    assert shipped == sorted(p.relative_to(installed) for p in installed.rglob("*") if p.is_file())


def test_a_killed_worker_is_replaced_and_its_batch_sent_again(ws: Path, head: Head, local: dict,
                                                              ray_env: dict) -> None:
    """The only worker is killed mid-run: Ray starts another, which loads the model from its
    machine's cache and takes the batches the dead one had."""
    assert wait_until(lambda: not draft_workers(head.process.pid))  # an earlier test's workers are gone
    process = start(ws, ray_env, *ARGS, "--threads", "1", "--ray", head.address, "--ray-workers", "1")
    try:
        wait_for_drafts(ws, process, at_least=2 * BATCH)
        workers = draft_workers(head.process.pid)
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGKILL)
        at_kill = committed(ws)
        out, err = process.communicate(timeout=300)
    finally:
        process.kill()
    assert at_kill < PAIRS, "the kill should land mid-run"
    assert process.returncode == 0, err
    assert err == "" and f"drafted {PAIRS} of {PAIRS} pairs" in out
    assert out.count("\n") == 1  # Ray's news of the death stays off the command's output
    assert set(draft_counts(ws).values()) == {1}
    assert current_drafts(ws) == local["drafts"]
    consistent(ws)


def test_kill_9_the_command_then_rerun_drafts_every_pair_once(ws: Path, head: Head, local: dict,
                                                              ray_env: dict) -> None:
    process = start(ws, ray_env, *ARGS, "--ray", head.address)
    try:
        wait_for_drafts(ws, process, at_least=3 * BATCH)
        assert draft_workers(head.process.pid)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    before = draft_counts(ws)
    done = sum(before.values())
    assert 0 < done < PAIRS and set(before.values()) <= {0, 1}
    consistent(ws)
    # The cluster lets the dead command's workers go.
    assert wait_until(lambda: not draft_workers(head.process.pid))

    rerun = run_workbench("--ws", ws, "translate", *ARGS, "--ray", head.address, cwd=ws.parent, env=ray_env)
    assert rerun.returncode == 0, rerun.stderr
    assert f"drafted {PAIRS - done} of {PAIRS - done} pairs" in rerun.stdout
    assert set(draft_counts(ws).values()) == {1}
    assert current_drafts(ws) == local["drafts"]
    consistent(ws)


@pytest.mark.parametrize(("signum", "presses"), [(signal.SIGINT, 1), (signal.SIGINT, 2), (signal.SIGTERM, 1)],
                         ids=["ctrl-c", "ctrl-c-twice", "sigterm"])
def test_ctrl_c_stops_after_the_batch_in_hand(ws: Path, head: Head, ray_env: dict, signum: int, presses: int) -> None:
    """Once (or SIGTERM, which Ray's own handler would make exit at once): the batch in hand is
    stored, the rest abandoned, exit 128 + the signal. Ctrl-C twice: at once, the batch in hand
    rolled back, 130 as well. Either way the workers go."""
    process = start(ws, ray_env, *ARGS, "--ray", head.address)
    try:
        wait_for_drafts(ws, process, at_least=3 * BATCH)
        for press in range(presses):
            time.sleep(0.05 * press)
            process.send_signal(signum)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 128 + signum, err
    assert "interrupted" in err and "Traceback" not in err
    counts = draft_counts(ws)
    done = sum(counts.values())
    assert done % BATCH == 0 and 0 < done < PAIRS  # whole batches only
    assert set(counts.values()) <= {0, 1}
    if presses == 1:
        assert "run the same command again" in err and f"drafted {done} of {PAIRS} pairs" in out
    consistent(ws)
    assert wait_until(lambda: not draft_workers(head.process.pid))


def test_without_an_address_a_local_runtime_is_started_for_the_command(ws: Path, local: dict, ray_env: dict) -> None:
    """`--ray` alone starts Ray here and stops it after. Ctrl-C at a terminal reaches the whole
    process group, Ray's processes too: the command still stops after the batch in hand."""
    runtime = ray_env["RAY_TMPDIR"]
    process = start(ws, ray_env, *ARGS, "--ray", session=True)
    try:
        wait_for_drafts(ws, process, at_least=3 * BATCH)
        assert draft_workers(process.pid)  # its own runtime: the workers are its descendants
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "run the same command again" in err and "Traceback" not in err
    done = sum(draft_counts(ws).values())
    assert f"drafted {done} of {PAIRS} pairs" in out
    assert done % BATCH == 0 and 0 < done < PAIRS
    assert wait_until(lambda: not processes_mentioning(runtime))  # the runtime stopped with it

    rerun = run_workbench("--ws", ws, "translate", *ARGS, "--ray", cwd=ws.parent, env=ray_env)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr == "" and f"drafted {PAIRS - done} of {PAIRS - done} pairs" in rerun.stdout
    assert current_drafts(ws) == local["drafts"] and set(draft_counts(ws).values()) == {1}
    consistent(ws)
    assert wait_until(lambda: not processes_mentioning(runtime))


def test_a_damaged_copy_in_a_workers_cache_is_fetched_again(ws: Path, head: Head, local: dict, ray_env: dict,
                                                             tiny_argos: TinyArgos) -> None:
    from workbench.mt.cluster import pack

    installed = tiny_argos.packages / PACKAGE_NAME
    cached = head.cache / hashlib.sha256(pack(installed)).hexdigest()
    shutil.copytree(installed, cached, dirs_exist_ok=True)
    (cached / "model" / "model.bin").write_bytes(b"not a model")
    try:
        result = run_workbench("--ws", ws, "translate", *ARGS, "--ray", head.address, cwd=ws.parent, env=ray_env)
        assert result.returncode == 0, result.stderr
        assert current_drafts(ws) == local["drafts"]
        assert (cached / "model" / "model.bin").read_bytes() == (installed / "model" / "model.bin").read_bytes()
    finally:
        shutil.rmtree(cached, ignore_errors=True)


# -- failures in one line -------------------------------------------------------------------------


def test_a_cluster_nobody_answers_at_fails_in_one_line(ws: Path, ray_env: dict) -> None:
    result = run_workbench("--ws", ws, "translate", "--ray", f"127.0.0.1:{free_port()}", cwd=ws.parent,
                           env=ray_env, timeout=60)
    line = one_line_error(result)
    assert "cannot reach a Ray cluster at 127.0.0.1:" in line and "ray start --head" in line
    assert committed(ws) == 0


def test_a_port_that_is_no_ray_head_fails_in_one_line(ws: Path, ray_env: dict) -> None:
    """Something answers, but not Ray: Ray's own retries (minutes, logged on stderr) are cut short."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        stop = threading.Event()
        accepted = []

        def accept() -> None:
            server.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            result = run_workbench("--ws", ws, "translate", "--ray", f"127.0.0.1:{server.getsockname()[1]}",
                                   cwd=ws.parent, env=ray_env, timeout=120)
        finally:
            stop.set()
            thread.join()
            for conn in accepted:
                conn.close()
    assert "cannot join the Ray cluster at 127.0.0.1:" in one_line_error(result)
    assert committed(ws) == 0


def test_a_cluster_that_wants_another_token_fails_in_one_line(ws: Path, head: Head, ray_env: dict) -> None:
    env = {**ray_env, "RAY_AUTH_TOKEN": secrets.token_hex(16)}
    result = run_workbench("--ws", ws, "translate", "--ray", head.address, cwd=ws.parent, env=env, timeout=120)
    assert "RAY_AUTH_TOKEN" in one_line_error(result)
    assert committed(ws) == 0


def test_without_ray_installed_ray_says_what_to_install(ws: Path, ray_env: dict, tmp_path: Path) -> None:
    shadow = tmp_path / "no-ray"
    (shadow / "ray").mkdir(parents=True)
    (shadow / "ray" / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    env = {**ray_env, "PYTHONPATH": f"{shadow}{os.pathsep}{ray_env['PYTHONPATH']}"}
    result = run_workbench("--ws", ws, "translate", "--ray", cwd=ws.parent, env=env)
    assert "pip install 'workbench[cluster]'" in one_line_error(result)
    assert committed(ws) == 0


def test_the_cli_starts_without_importing_ray() -> None:
    code = "import sys, workbench.cli, workbench.mt.cluster; sys.exit('ray' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


# -- pieces -----------------------------------------------------------------------------------------


def test_the_package_travels_as_bytes_named_by_their_hash(tiny_argos: TinyArgos, tmp_path: Path) -> None:
    from workbench.mt.cluster import pack, unpack

    folder = tiny_argos.packages / PACKAGE_NAME
    data = pack(folder)
    assert pack(folder) == data  # the same files give the same bytes, hence the same name
    digest = hashlib.sha256(data).hexdigest()
    fetches = []

    def fetch(payload: bytes):
        return lambda: fetches.append(1) or payload

    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 0xFF
    with pytest.raises(WorkbenchError, match="damaged"):
        unpack(digest, fetch(bytes(damaged)), tmp_path / "cache")
    assert not (tmp_path / "cache" / digest).exists()

    path, fetched = unpack(digest, fetch(data), tmp_path / "cache")
    assert fetched and path == tmp_path / "cache" / digest
    assert (path / "metadata.json").read_bytes() == (folder / "metadata.json").read_bytes()
    assert unpack(digest, fetch(data), tmp_path / "cache") == (path, False)  # cached: not fetched again
    assert len(fetches) == 2
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [digest]  # no staging left


def test_a_damaged_cached_folder_is_replaced_once_however_many_workers_found_it(tiny_argos: TinyArgos,
                                                                               tmp_path: Path) -> None:
    from workbench.mt.cluster.package import pack, replace_damaged, unpack

    data = pack(tiny_argos.packages / PACKAGE_NAME)
    digest, root = hashlib.sha256(data).hexdigest(), tmp_path / "cache"
    path, _ = unpack(digest, lambda: data, root)
    damaged = path.stat().st_ino
    (path / "model" / "model.bin").write_bytes(b"damaged")
    replaced = replace_damaged(digest, lambda: data, root, damaged)  # the first worker to fail on it
    assert replaced == path and path.stat().st_ino != damaged
    assert (path / "model" / "model.bin").read_bytes() != b"damaged"
    fresh = path.stat().st_ino
    assert replace_damaged(digest, lambda: data, root, damaged) == path  # a second one, late: no change
    assert path.stat().st_ino == fresh
    assert sorted(p.name for p in root.iterdir() if not p.name.endswith(".lock")) == [digest]


def test_the_ray_engine_has_the_local_engines_identity(tiny_argos: TinyArgos, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tiny_argos.packages))
    from workbench.mt.argos import DecodeOptions, load_argos
    from workbench.mt.cluster import load_ray_engine

    options = DecodeOptions(beam_size=2, max_length=32, batch_size=8)
    local, remote = load_argos(PACKAGE_NAME, options), load_ray_engine(PACKAGE_NAME, options, address="127.0.0.1:1")
    assert (remote.name, remote.model, remote.model_version, remote.params) == \
        (local.name, local.model, local.model_version, local.params)


def test_a_worker_that_cannot_load_or_loads_other_settings_stops_the_run_in_one_line(
        tiny_argos: TinyArgos, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tiny_argos.packages))
    from workbench.mt.argos import DecodeOptions
    from workbench.mt.cluster import RayTranslations, load_ray_engine

    engine = load_ray_engine(PACKAGE_NAME, DecodeOptions(beam_size=2), address="127.0.0.1:1")
    pool = RayTranslations(engine)
    with pytest.raises(WorkbenchError, match="could not load the model: no space left"):
        pool._check({"error": "no space left"})
    theirs = {**engine.params, "compute_type": "int16", "threads": 99}
    with pytest.raises(WorkbenchError, match="other settings: compute_type 'int16' \\(here 'int8'\\)$"):
        pool._check({"error": "", "params": theirs, "fetched": True, "seconds": 0.1})
    pool._check({"error": "", "params": {**engine.params, "threads": 99}, "fetched": True, "seconds": 0.1})
    assert pool.stats.fetched == 1
