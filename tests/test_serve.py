"""`workbench users` and `workbench serve` without a browser: the logins kept in the workspace,
what the server refuses before it listens, and the gate over HTTP (tests/test_serve_browser.py
drives the served app in Chromium)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_workbench
from tests.serving import served, websocket_headers
from tests.test_tui import make_workspace
from workbench.serve.auth import Throttle


def add_user(ws: Path, name: str, password: str, tmp: Path):
    return run_workbench("users", "add", name, "--ws", ws, cwd=tmp, input=password + "\n")


def test_users_add_list_passwd_remove_with_the_password_from_stdin(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    assert add_user(ws, "sara", "first secret", tmp_path).returncode == 0
    assert add_user(ws, "reza", "first secret", tmp_path).returncode == 0
    listed = run_workbench("users", "list", "--ws", ws, cwd=tmp_path)
    assert listed.returncode == 0 and "sara" in listed.stdout and "reza" in listed.stdout
    with sqlite3.connect(ws) as conn:
        hashes = dict(conn.execute("SELECT name, hash FROM users"))
    assert all("first secret" not in h and h.startswith("scrypt$") for h in hashes.values())
    assert hashes["sara"] != hashes["reza"]  # salted: one password, two hashes

    changed = run_workbench("users", "passwd", "sara", "--ws", ws, cwd=tmp_path, input="second secret\n")
    assert changed.returncode == 0, changed.stderr
    with sqlite3.connect(ws) as conn:
        assert conn.execute("SELECT hash FROM users WHERE name = 'sara'").fetchone()[0] != hashes["sara"]

    assert run_workbench("users", "remove", "reza", "--ws", ws, cwd=tmp_path).returncode == 0
    listed = run_workbench("users", "list", "--ws", ws, cwd=tmp_path)
    assert "reza" not in listed.stdout and "sara" in listed.stdout


@pytest.mark.parametrize(("args", "stdin", "wording"), [
    (("add", "sara"), "again\n", "exists already"),
    (("add", "a:b"), "pw\n", "not a user name"),
    (("add", "nobody"), "", "no password on stdin"),
    (("remove", "nobody"), None, "no user 'nobody'"),
    (("passwd", "nobody"), "pw\n", "no user 'nobody'"),
])
def test_users_refusals_are_one_line(tmp_path: Path, args: tuple[str, ...], stdin: str | None, wording: str) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    add_user(ws, "sara", "secret", tmp_path)
    done = run_workbench("users", *args, "--ws", ws, cwd=tmp_path, input=stdin)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("workbench: error: ") and wording in done.stderr
    with sqlite3.connect(ws) as conn:
        assert [n for (n,) in conn.execute("SELECT name FROM users")] == ["sara"]


def test_a_host_that_is_not_loopback_is_refused_without_users(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    done = run_workbench("serve", "--ws", ws, "--host", "0.0.0.0", "--port", "0", cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "workbench users add" in done.stderr and "0.0.0.0" in done.stderr


def test_without_tls_on_a_public_host_one_warning_line_names_the_options(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    add_user(ws, "sara", "secret", tmp_path)
    with served(ws, "--host", "0.0.0.0", tmp=tmp_path) as server:
        assert server.get("/", user="sara", password="secret").status == 200
    warnings = [line for line in server.log.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "in clear" in warnings[0] and "--certfile/--keyfile" in warnings[0] and "reverse proxy" in warnings[0]


def test_tls_options_checked_before_listening(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    alone = run_workbench("serve", "--ws", ws, "--keyfile", tmp_path / "key.pem", cwd=tmp_path)
    assert alone.returncode == 2 and "--keyfile needs --certfile" in alone.stderr
    (tmp_path / "cert.pem").write_text("not a certificate")
    bad = run_workbench("serve", "--ws", ws, "--certfile", tmp_path / "cert.pem", cwd=tmp_path)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "cert.pem" in bad.stderr


def test_with_a_certificate_it_serves_https_and_the_page_names_a_wss_websocket(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    add_user(ws, "sara", "secret", tmp_path)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                           "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], capture_output=True)
    assert made.returncode == 0, made.stderr
    with served(ws, "--certfile", str(cert), "--keyfile", str(key), tmp=tmp_path) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.get("/").status == 401
        page = server.get("/", user="sara", password="secret")
        assert page.status == 200 and b'data-session-websocket-url="wss://127.0.0.1:' in page.body


def test_behind_a_reverse_proxy_the_page_names_the_public_websocket_url(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    add_user(ws, "sara", "secret", tmp_path)
    with served(ws, "--public-url", "https://review.example.org", tmp=tmp_path) as server:
        page = server.get("/", user="sara", password="secret")
    assert b'data-session-websocket-url="wss://review.example.org/ws"' in page.body


def test_a_missing_workspace_is_one_line(tmp_path: Path) -> None:
    done = run_workbench("serve", "--ws", tmp_path / "nothere.sqlite", cwd=tmp_path, timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "nothere.sqlite" in done.stderr
    assert not (tmp_path / "nothere.sqlite").exists()


def test_every_request_and_the_websocket_need_a_users_password(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws.sqlite")
    add_user(ws, "sara", "secret", tmp_path)
    with served(ws, tmp=tmp_path) as server:
        for path in ("/", "/static/js/textual.js", "/download/x"):
            refused = server.get(path)
            assert refused.status == 401 and 'Basic realm="workbench"' in refused.headers["WWW-Authenticate"]
        assert server.get("/ws", headers=websocket_headers()).status == 401
        assert server.get("/", user="sara", password="wrong").status == 401
        assert server.get("/", user="nobody", password="secret").status == 401
        page = server.get("/", user="sara", password="secret")
        assert page.status == 200
        # Signed in, but the websocket opened from a page of another site: refused.
        other = server.get("/ws", user="sara", password="secret",
                           headers={**websocket_headers(), "Origin": "http://evil.example"})
        assert other.status == 403
        # Removed from another terminal: the next request is refused.
        run_workbench("users", "remove", "sara", "--ws", ws, cwd=tmp_path)
        assert server.get("/", user="sara", password="secret").status == 401
    assert "refused sign-in as 'sara'" in server.log


def test_repeated_failures_from_one_address_wait_longer_and_a_success_clears_them() -> None:
    throttle = Throttle(free=3, longest=30)
    delays = []
    for _ in range(10):
        delays.append(throttle.delay("10.0.0.5"))
        throttle.failed("10.0.0.5")
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert throttle.delay("10.0.0.6") == 0  # another address is not slowed
    throttle.succeeded("10.0.0.5")
    assert throttle.delay("10.0.0.5") == 0
    small = Throttle(free=0, addresses=2)  # many addresses: the oldest are forgotten, memory stays bounded
    for address in ("a", "b", "c"):
        small.failed(address)
    assert set(small.failures) == {"b", "c"}
