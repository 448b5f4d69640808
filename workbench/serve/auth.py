"""The gate in front of the served app: HTTP Basic on every request (page, scripts, websocket,
downloads), checked against the workspace's users (store/users.py); repeated failures from one
address are slowed down; a websocket from another origin is refused.

HTTP Basic, not a login form: the browser asks once and sends the credentials with every request
of the origin, the websocket's handshake included, so no session cookie is needed (none is set).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from workbench.store import Workspace
from workbench.store import users as user_store

log = logging.getLogger("workbench.serve")

REALM = "workbench"
USER = "workbench.user"  # the signed-in name, on each request the gate let through
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Throttle:
    """Failed sign-ins per address: after ``free`` failures each further attempt from the address
    waits 1, 2, 4 … up to ``longest`` seconds before it is checked; a success clears the count."""

    def __init__(self, free: int = 3, longest: float = 30.0, addresses: int = 10_000) -> None:
        self.free, self.longest, self.addresses = free, longest, addresses
        self.failures: dict[str, int] = {}

    def delay(self, address: str) -> float:
        over = self.failures.get(address, 0) - self.free
        return 0.0 if over < 0 else min(2.0 ** over, self.longest)

    def failed(self, address: str) -> None:
        if len(self.failures) >= self.addresses and address not in self.failures:
            self.failures.pop(next(iter(self.failures)))  # the oldest: memory stays bounded
        self.failures[address] = self.failures.get(address, 0) + 1

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)


def basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, colon, password = decoded.partition(":")
    return (name, password) if colon else None


def challenge(text: str = "sign in to the workbench") -> web.HTTPUnauthorized:
    return web.HTTPUnauthorized(text=text + "\n", headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'})


class Gate:
    """The aiohttp middleware. ``open_as``: the name sessions run as when the workspace has no
    users (loopback only; the CLI refuses anything else), None to always ask."""

    def __init__(self, ws: Workspace, *, open_as: str | None = None) -> None:
        self.ws = ws
        self.open_as = open_as
        self.throttle = Throttle()
        # Checked passwords, keyed by the stored hash: a scrypt a request would be slow, and a
        # password changed or a user removed (another process) changes or drops the hash.
        self._secret = secrets.token_bytes(32)
        self._known: dict[tuple[str, str], bytes] = {}

    def _tag(self, password: str) -> bytes:
        return hmac.new(self._secret, password.encode("utf-8"), hashlib.sha256).digest()

    async def user(self, request: web.Request) -> str:
        """The signed-in name, or raises 401."""
        if self.open_as is not None and not user_store.has_users(self.ws):
            return self.open_as
        credentials = basic_credentials(request.headers.get("Authorization", ""))
        if credentials is None:
            raise challenge()
        name, password = credentials
        address = request.remote or "?"
        if wait := self.throttle.delay(address):
            await asyncio.sleep(wait)
        stored = user_store.stored_hash(self.ws, name)
        known = self._known.get((name, stored or ""))
        if known is not None and hmac.compare_digest(known, self._tag(password)):
            return name
        matches = stored is not None and await asyncio.get_running_loop().run_in_executor(
            None, user_store.password_matches, stored, password)
        if not matches:
            self.throttle.failed(address)
            log.warning("refused sign-in as %r from %s", name, address)
            raise challenge("wrong user name or password")
        self.throttle.succeeded(address)
        self._known[(name, stored or "")] = self._tag(password)
        return name

    def signed_in_as(self, name: str) -> str | None:
        """What a session's sign-in rests on: the user's stored hash (None: the open door of a
        workspace without users). ``still_valid`` compares it later."""
        return user_store.stored_hash(self.ws, name)

    def still_valid(self, name: str, signed_in_as: str | None) -> bool:
        """Whether a session signed in on ``signed_in_as`` may go on: the user was not removed and
        their password not changed (nor, for the open door, a user added)."""
        if signed_in_as is None:
            return self.open_as is not None and not user_store.has_users(self.ws)
        return user_store.stored_hash(self.ws, name) == signed_in_as

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin and request.headers.get("Upgrade", "").lower() == "websocket" and urlsplit(origin).netloc != request.host:
            # A page elsewhere must not drive a session with the credentials the browser keeps.
            raise web.HTTPForbidden(text="websocket from another origin\n")
        request[USER] = await self.user(request)
        return await handler(request)
