"""`workbench demo` gets a model: without a real fa→en package installed it downloads the one
the Argos package index offers (a stand-in index on 127.0.0.1 serving the tiny package dressed
as a real model), verifies and installs it, and drafts every pair. A download that is cut
short, damaged or not a working model installs nothing; offline it says so in one line; a test
model's noise never becomes the demo's drafts.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.argos_index import PackageIndex, SilentIndex
from tests.conftest import run_workbench
from tests.tiny_model import (  # noqa: F401 (fixture)
    PACKAGE_NAME,
    TinyArgos,
    rewrite_archive,
    stand_in,
    tiny_argos,
)
from workbench.store import Workspace

STAND_IN = "tiny-stand-in-fa_en"


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    empty = tmp_path / "packages"
    empty.mkdir()
    return empty


def demo(tmp_path: Path, packages: Path, index_url: str, *args: str):
    env = {"ARGOS_PACKAGES_DIR": str(packages), "ARGOS_PACKAGE_INDEX": index_url}
    return run_workbench("demo", "--no-open", "--ws", tmp_path / "demo.sqlite", *args, cwd=tmp_path, env=env,
                         timeout=120)


def demo_on_a_terminal(tmp_path: Path, packages: Path, index_url: str) -> str:
    """Run the demo with its stderr on a pseudo-terminal; what the terminal showed."""
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(packages), "ARGOS_PACKAGE_INDEX": index_url, "COLUMNS": "100"}
    leader, follower = pty.openpty()
    exe = Path(sys.executable).parent / "workbench"
    with subprocess.Popen([str(exe), "demo", "--no-open", "--ws", str(tmp_path / "demo.sqlite")], cwd=tmp_path,
                          env=env, stdout=subprocess.DEVNULL, stderr=follower) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the terminal closed: the process is done with it
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 0
    os.close(leader)
    return shown.decode("utf-8", "replace")


def drafts(tmp_path: Path) -> tuple[int, set]:
    """Pairs with Persian, and the models of their drafts (None: no draft)."""
    with Workspace(tmp_path / "demo.sqlite") as ws:
        pairs = [p for p in ws.pairs() if p.fa]
    return len(pairs), {p.model if p.draft else None for p in pairs}


def damaged(archive: Path, out: Path) -> Path:
    """``archive`` with bytes in the middle of its model.bin zeroed (its CRC no longer matches)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("model/model.bin"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    data[start:start + 64] = bytes(64)
    return out.write_bytes(bytes(data)) and out


def test_demo_downloads_verifies_installs_and_drafts_every_pair(tiny_argos: TinyArgos, packages: Path,
                                                                tmp_path: Path) -> None:
    package = stand_in(tiny_argos.archive, tmp_path / "stand-in.argosmodel", STAND_IN).read_bytes()
    with PackageIndex() as index:
        index.offer("translate-en_fa.argosmodel", b"not this one", from_code="en", to_code="fa")
        index.offer("translate-fa_en.argosmodel", package, code=STAND_IN)
        result = demo(tmp_path, packages, index.url)
    assert result.returncode == 0, result.stderr
    size = f"{len(package) / 1e6:.1f} MB"
    assert f"downloading fa→en package version 1.0 ({index.url}translate-fa_en.argosmodel, {size})" in result.stderr
    assert index.requests == ["index.json", "translate-fa_en.argosmodel"]
    assert f"installed {STAND_IN} 1.0 (fa→en)" in result.stdout
    assert "no machine-translation drafts" not in result.stdout
    total, models = drafts(tmp_path)
    assert total > 50 and models == {STAND_IN}  # every pair drafted, by the downloaded model
    assert f"drafted {total} pairs with {STAND_IN} 1.0" in result.stdout
    assert [p.name for p in packages.iterdir()] == [STAND_IN]

    again = demo(tmp_path, packages, index.url)  # installed now: no second download
    assert again.returncode == 0 and "downloading" not in again.stderr


def test_on_a_terminal_the_download_shows_its_size_and_a_progress_bar(tiny_argos: TinyArgos, packages: Path,
                                                                     tmp_path: Path) -> None:
    package = stand_in(tiny_argos.archive, tmp_path / "stand-in.argosmodel", STAND_IN).read_bytes()
    with PackageIndex() as index:
        index.offer("translate-fa_en.argosmodel", package, code=STAND_IN)
        shown = demo_on_a_terminal(tmp_path, packages, index.url)
    size = f"{len(package) / 1e6:.1f}"
    assert f"{size} MB)" in shown  # the size, in the line saying what is downloaded
    assert f"/{size} MB" in shown and "━" in shown  # the bar: received/total
    assert "drafting (argos)" in shown  # then the drafting bar


@pytest.mark.parametrize("fault", ["connection dropped", "file truncated", "bytes damaged", "model.bin garbage",
                                   "not a zip"])
def test_a_bad_download_installs_nothing_and_the_demo_says_so(fault: str, tiny_argos: TinyArgos, packages: Path,
                                                              tmp_path: Path) -> None:
    good = stand_in(tiny_argos.archive, tmp_path / "stand-in.argosmodel", STAND_IN)
    data, cut_after = good.read_bytes(), None
    if fault == "connection dropped":  # the server announces the whole size and sends half
        cut_after = len(data) // 2
    elif fault == "file truncated":  # a half file, served as if it were whole
        data = data[: len(data) // 2]
    elif fault == "bytes damaged":
        data = damaged(good, tmp_path / "damaged.argosmodel").read_bytes()
    elif fault == "model.bin garbage":  # a sound zip around a model that does not load
        data = rewrite_archive(good, tmp_path / "garbage.argosmodel",
                               replace={"model/model.bin": b"\x06\x00\x00\x00garbage" * 100}).read_bytes()
    else:
        data = b"<html>Service unavailable</html>"
    with PackageIndex() as index:
        index.offer("translate-fa_en.argosmodel", data, code=STAND_IN, cut_after=cut_after)
        result = demo(tmp_path, packages, index.url)
    assert result.returncode == 0, result.stderr  # the aligned demo is still built
    assert "Traceback" not in result.stderr
    line = next(line for line in result.stdout.splitlines() if "no machine-translation drafts" in line)
    assert "nothing installed" in line or "not an Argos package" in line, line
    assert "workbench models install fa en" in line and "workbench translate --ws" in line
    assert list(packages.iterdir()) == []  # no package, no leftover staging folder
    assert drafts(tmp_path)[1] == {None}


def test_offline_flag_downloads_nothing_and_says_what_it_skipped(tiny_argos: TinyArgos, packages: Path,
                                                                 tmp_path: Path) -> None:
    package = stand_in(tiny_argos.archive, tmp_path / "stand-in.argosmodel", STAND_IN).read_bytes()
    with PackageIndex() as index:
        index.offer("translate-fa_en.argosmodel", package, code=STAND_IN)
        result = demo(tmp_path, packages, index.url, "--offline")
    assert result.returncode == 0, result.stderr
    assert index.requests == []
    lines = [line for line in result.stdout.splitlines() if "no machine-translation drafts" in line]
    assert len(lines) == 1 and "--offline" in lines[0] and "workbench models install fa en" in lines[0]
    assert list(packages.iterdir()) == [] and drafts(tmp_path)[1] == {None}


@pytest.mark.parametrize("network", ["refused", "silent"])
def test_an_unreachable_index_is_one_line_and_the_demo_goes_on(network: str, packages: Path,
                                                               tmp_path: Path) -> None:
    """Refused: nothing listens. Silent: connections are taken and never answered, as on a
    network that drops packets; the lookup's deadline ends the wait (the run's timeout would
    catch a hang)."""
    if network == "refused":
        result = demo(tmp_path, packages, "http://127.0.0.1:9/")
    else:
        with SilentIndex() as silent:
            result = demo(tmp_path, packages, silent.url)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "no machine-translation drafts" in line]
    assert len(lines) == 1 and "cannot reach the Argos package index" in lines[0], result.stdout
    assert "workbench models install fa en" in lines[0]
    assert drafts(tmp_path)[1] == {None}


def test_a_test_model_is_never_the_demos_model(tiny_argos: TinyArgos, packages: Path, tmp_path: Path) -> None:
    """Installed already, or the only package the index offers: either way the demo does not
    draft with a test model's noise."""
    with PackageIndex() as index:
        index.offer("translate-fa_en.argosmodel", tiny_argos.archive.read_bytes(), code=PACKAGE_NAME)
        result = demo(tmp_path, packages, index.url)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "no machine-translation drafts" in line)
    assert "test model" in line and drafts(tmp_path)[1] == {None}
    # Now the test model is installed, and the index is gone: still no drafts.
    again = demo(tmp_path, packages, "http://127.0.0.1:9/")
    assert again.returncode == 0 and "no machine-translation drafts" in again.stdout
    assert drafts(tmp_path)[1] == {None}


def test_the_index_lookup_has_one_deadline_whatever_the_network_does() -> None:
    from workbench.mt.index import _fetch_within

    with SilentIndex() as silent, pytest.raises(TimeoutError):
        _fetch_within(silent.url + "index.json", 0.5)
