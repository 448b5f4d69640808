"""textual-serve, extended: the one module that leans on its insides (pinned to 1.1.x in
pyproject; tests/test_serve_browser.py drives all of it in a real browser).

Beyond its public surface this uses two private methods of ``textual_serve.server.Server``:
``_make_app`` (its aiohttp app, to which the gate's middleware is added before it starts) and
``_process_messages`` (the browser → app loop, reused as is). ``handle_websocket`` is overridden
(a documented hook, like ``on_startup``) to start each session's process with its own command:
textual-serve runs one command for every session, and each session must run as its signed-in user.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from workbench.serve.auth import USER, Gate

log = logging.getLogger("workbench.serve")
# How often an open session checks that its user still may sign in (users remove, users passwd).
RECHECK_SECONDS = 2.0


@dataclass(eq=False)
class Session:
    user: str
    service: AppService
    websocket: web.WebSocketResponse


class WorkbenchServer(Server):
    """``command(user)`` gives the shell command of a session for a signed-in user."""

    def __init__(self, command: Callable[[str], str], gate: Gate, *, title: str, public_url: str | None) -> None:
        super().__init__("workbench open", title=title, public_url=public_url or "http://localhost")
        self.session_command = command
        self.gate = gate
        self.fixed_url = public_url
        self.sessions: set[Session] = set()

    def initialize_logging(self) -> None:  # the CLI sets up plain log lines
        pass

    async def make_app(self) -> web.Application:
        app = await self._make_app()
        app.middlewares.append(self.gate.middleware)
        return app

    async def on_startup(self, app: web.Application) -> None:  # no logo: the CLI prints the URL
        pass

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl-C: each session's app is told to quit (it keeps an open edit as a dropped edit,
        as when an editor quits) and waited for, then its websocket is closed."""
        await asyncio.gather(*(self.end(session) for session in list(self.sessions)))

    async def end(self, session: Session) -> None:
        await session.service.stop()
        await session.websocket.close()

    async def watch(self, session: Session, signed_in_as: str | None) -> None:
        """End the session once its user is removed or their password changed (another terminal
        ran workbench users): its open edit is kept, as on Ctrl-C."""
        while self.gate.still_valid(session.user, signed_in_as):
            await asyncio.sleep(RECHECK_SECONDS)
        log.info("ending the session of %s: the user was removed or their password changed", session.user)
        await self.end(session)

    async def handle_index(self, request: web.Request) -> Any:
        # The page names the websocket's URL: the address the browser used (any interface, a
        # port chosen by the system) unless --public-url fixes it (a reverse proxy). Set just
        # before the template reads it, with no await between.
        self.public_url = self.fixed_url or f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """As textual-serve's, with the session's own command; sign-in and sign-out logged."""
        user: str = request[USER]
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        session: Session | None = None
        try:
            await websocket.prepare(request)

            async def close() -> None:
                await websocket.close()

            service = AppService(self.session_command(user), write_bytes=websocket.send_bytes,
                                 write_str=websocket.send_str, close=close,
                                 download_manager=self.download_manager, debug=self.debug)
            session = Session(user, service, websocket)
            self.sessions.add(session)
            log.info("signed in: %s from %s", user, request.remote)
            await service.start(width, height)
            watch = asyncio.create_task(self.watch(session, self.gate.signed_in_as(user)))
            try:
                await self._process_messages(websocket, service)
            finally:
                watch.cancel()
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one broken session must not stop the server
            log.exception(error)
        finally:
            if session is not None:
                await session.service.stop()
                self.sessions.discard(session)
                log.info("signed out: %s", user)
        return websocket

