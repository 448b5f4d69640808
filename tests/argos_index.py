"""A stand-in for the Argos package index, served over HTTP on 127.0.0.1 by the test itself:
``index.json`` naming the packages it offers, and the package files, whole or cut short.
Point ``ARGOS_PACKAGE_INDEX`` at ``url``.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class PackageIndex:
    files: dict[str, bytes] = field(default_factory=dict)  # path → body
    cut: dict[str, int] = field(default_factory=dict)  # path → bytes sent before the connection drops
    requests: list[str] = field(default_factory=list)  # paths asked for, in order

    def offer(self, name: str, data: bytes, *, from_code: str = "fa", to_code: str = "en", code: str = "pkg",
              version: str = "1.0", cut_after: int | None = None) -> None:
        """Offer package file ``name`` in the index (announcing its whole size, and sending
        only ``cut_after`` bytes of it if given)."""
        self.files[name] = data
        if cut_after is not None:
            self.cut[name] = cut_after
        index = json.loads(self.files.get("index.json", b"[]"))
        index.append({"code": code, "package_version": version, "from_code": from_code, "to_code": to_code,
                      "links": [self.url + name]})
        self.files["index.json"] = json.dumps(index).encode()

    def __enter__(self) -> PackageIndex:
        files, cut, requests = self.files, self.cut, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.lstrip("/")
                requests.append(path)
                if path not in files:
                    self.send_error(404)
                    return
                body = files[path]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:cut.get(path, len(body))])
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentIndex:
    """An address that takes connections and never answers: a network that swallows packets."""

    def __enter__(self) -> SilentIndex:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)  # connections wait in the backlog; nobody accepts or answers
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/"
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()
