"""Who may sign in to the served review app (``workbench serve``): names and salted scrypt hashes,
kept in the workspace (``users`` table), never the passwords.

The hash is ``scrypt$n$r$p$salt$hash`` (hex): the cost is stored with it, so raising it later
leaves old hashes readable. scrypt with n=2**14, r=8 takes about 16 MB and tens of milliseconds a
check: cheap for a sign-in, slow for a guesser.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.store.workspace import Workspace, current_user, now

N, R, P, LENGTH = 2**14, 8, 1, 32
# A name goes into HTTP Basic (no ':'), a log line and "by NAME" in the history: letters, digits
# (any script) and . _ @ -, starting with a letter or digit.
_NAME = re.compile(r"[^\W_][\w.@-]{0,63}")


@dataclass(frozen=True)
class User:
    name: str
    created: str
    who: str


def valid_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise WorkbenchError(f"not a user name: {name!r} (up to 64 letters, digits, '.', '_', '@', '-', "
                             "starting with a letter or digit)")
    return name


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    if not password:
        raise WorkbenchError("the password is empty")
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024, dklen=LENGTH)
    return f"scrypt${N}${R}${P}${salt.hex()}${key.hex()}"


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` gives ``stored`` (a hash_password result); compared in constant time."""
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=64 * 1024 * 1024, dklen=len(key) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), key)


def stored_hash(ws: Workspace, name: str) -> str | None:
    row = ws.conn.execute("SELECT hash FROM users WHERE name = ?", [name]).fetchone()
    return str(row[0]) if row else None


def users(ws: Workspace) -> list[User]:
    return [User(*row) for row in ws.conn.execute("SELECT name, created, who FROM users ORDER BY name")]


def has_users(ws: Workspace) -> bool:
    return ws.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def add(ws: Workspace, name: str, password: str) -> None:
    hashed = hash_password(password)  # before the transaction: it takes a while
    with ws.write() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", [valid_name(name)]).fetchone():
            raise WorkbenchError(f"user {name!r} exists already (workbench users passwd {name} changes the password)")
        conn.execute("INSERT INTO users (name, hash, created, who) VALUES (?, ?, ?, ?)",
                     [name, hashed, now(), current_user()])


def set_password(ws: Workspace, name: str, password: str) -> None:
    hashed = hash_password(password)
    with ws.write() as conn:
        if not conn.execute("UPDATE users SET hash = ? WHERE name = ?", [hashed, name]).rowcount:
            raise WorkbenchError(f"no user {name!r} (workbench users list shows them)")


def remove(ws: Workspace, name: str) -> None:
    with ws.write() as conn:
        if not conn.execute("DELETE FROM users WHERE name = ?", [name]).rowcount:
            raise WorkbenchError(f"no user {name!r} (workbench users list shows them)")
