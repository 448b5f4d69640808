"""``workbench serve``: the review app for browsers, one process a session, behind the gate.

Each session runs ``python -m workbench open --ws PATH`` with ``WORKBENCH_USER`` set to the
signed-in name (history and notes say "by NAME") and, unless the server's own environment says
otherwise, ``WORKBENCH_RTL=visual``: xterm.js does no bidi of its own, so the app shapes and
reorders Persian itself, as for xterm.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import shlex
import signal
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from workbench.errors import WorkbenchError
from workbench.serve.auth import Gate
from workbench.serve.upstream import WorkbenchServer
from workbench.store import Workspace, current_user
from workbench.store import users as user_store

log = logging.getLogger("workbench.serve")


@dataclass(frozen=True)
class Options:
    ws: Path
    host: str = "127.0.0.1"
    port: int = 8000
    certfile: Path | None = None
    keyfile: Path | None = None
    public_url: str | None = None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_command(ws: Path) -> Callable[[str], str]:
    """The shell command (textual-serve runs it through a shell) of a session for a user."""
    base = shlex.join([sys.executable, "-m", "workbench", "open", "--ws", str(ws.absolute())])
    rtl = "" if os.environ.get("WORKBENCH_RTL") else " WORKBENCH_RTL=visual"

    def command(user: str) -> str:
        return f"exec env WORKBENCH_USER={shlex.quote(user)}{rtl} {base}"

    return command


def tls_context(options: Options) -> ssl.SSLContext | None:
    if options.certfile is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(options.certfile, options.keyfile)
    except (OSError, ssl.SSLError) as e:
        raise WorkbenchError(f"{options.certfile}: cannot use the certificate and key: {getattr(e, 'strerror', None) or e}") from None
    return context


def check(options: Options, ws: Workspace, warn: Callable[[str], None]) -> str | None:
    """Refusals and warnings before listening; returns the name sessions run as when no user is
    needed (loopback, no users), else None."""
    loopback = is_loopback(options.host)
    if not user_store.has_users(ws):
        if not loopback:
            raise WorkbenchError(f"--host {options.host} is not a loopback address and the workspace has no users: "
                                 "add one first (workbench users add NAME)")
        warn(f"the workspace has no users: anyone on this machine can open the app, as {current_user()} "
             "(workbench users add NAME requires a sign-in)")
        return current_user()
    if not loopback and options.certfile is None:
        warn(f"serving on {options.host} without TLS: passwords travel in clear; use --certfile/--keyfile "
             "or a reverse proxy with TLS in front (docs/serve.md)")
    return None


def serve(options: Options, warn: Callable[[str], None], say: Callable[[str], None]) -> None:
    context = tls_context(options)
    ws = Workspace(options.ws, create=False)
    try:
        open_as = check(options, ws, warn)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S",
                            stream=sys.stderr)
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # sign-ins are the log, not every request
        server = WorkbenchServer(session_command(options.ws), Gate(ws, open_as=open_as),
                                 title=f"workbench: {options.ws.name}", public_url=options.public_url)
        asyncio.run(_run(server, options, context, say))
    finally:
        ws.close()


async def _run(server: WorkbenchServer, options: Options, context: ssl.SSLContext | None,
               say: Callable[[str], None]) -> None:
    runner = web.AppRunner(await server.make_app(), handle_signals=False, shutdown_timeout=10)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        site = web.TCPSite(runner, options.host, options.port, ssl_context=context)
        try:
            await site.start()
        except OSError as e:
            raise WorkbenchError(f"cannot listen on {options.host}:{options.port}: {e.strerror or e}") from None
        host, port = runner.addresses[0][:2]
        shown = f"[{host}]" if ":" in host else host
        say(f"serving {options.ws} on {'https' if context else 'http'}://{shown}:{port}/ (Ctrl+C stops)")
        await stop.wait()
        log.info("stopping: closing %d session(s)", len(server.sessions))
    finally:
        with contextlib.suppress(NotImplementedError):
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        await runner.cleanup()
