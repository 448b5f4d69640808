"""`workbench serve` started for a test on 127.0.0.1 and a port the system picks, stopped after
(Ctrl-C, as a person would), and HTTP Basic requests to it."""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WORKBENCH = Path(sys.executable).parent / "workbench"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    out: Path
    err: Path

    @property
    def log(self) -> str:
        return self.err.read_text(encoding="utf-8")

    def stop(self) -> int:
        """Ctrl-C, then wait for the server to close its sessions and leave."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("workbench serve did not stop on Ctrl-C within 60 s") from None
        return self.process.returncode

    def sessions(self) -> list[int]:
        """The process ids of the sessions' apps (the server's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def get(self, path: str = "/", *, user: str | None = None, password: str = "",
            headers: dict[str, str] | None = None) -> Reply:
        parts = urlsplit(self.url)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":  # a test's self-signed certificate
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                                     context=ssl._create_unverified_context())
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        sent = dict(headers or {})
        if user is not None:
            sent["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        reply = Reply(response.status, dict(response.getheaders()), response.read())
        connection.close()
        return reply


def websocket_headers() -> dict[str, str]:
    return {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}


@contextlib.contextmanager
def served(ws: Path, *args: str, tmp: Path, env: dict[str, str] | None = None) -> Iterator[Served]:
    """The server and its sessions see no developer's own settings: WORKBENCH_CONFIG is a file in
    ``tmp`` unless ``env`` names one; WORKBENCH_RTL is unset."""
    out, err = tmp / "serve.out", tmp / "serve.err"
    environment = {**os.environ, "WORKBENCH_CONFIG": str(tmp / "no-config.toml"), **(env or {})}
    environment.pop("WORKBENCH_RTL", None)
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([str(WORKBENCH), "serve", "--ws", str(ws), "--port", "0", *args],
                                   stdout=stdout, stderr=stderr, cwd=tmp, env=environment)
    server = Served("", process, out, err)
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"https?://\S+?(?=/? )", out.read_text(encoding="utf-8"))):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"workbench serve did not start: {err.read_text(encoding='utf-8')}")
            time.sleep(0.05)
        server.url = found.group()
        yield server
    finally:
        with contextlib.suppress(AssertionError):
            server.stop()
