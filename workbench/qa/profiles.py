"""Where QA profiles live: the workspace (``qa_profile_log``, newest row first) and files a team
shares (``.toml`` or ``.json``, the same tables either way).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.formats.atomic import atomic_outputs
from workbench.qa.profile import DEFAULT, Profile, from_dict
from workbench.store import Workspace, current_user, now

SUFFIXES = (".toml", ".json")


def stored(ws: Workspace) -> Profile:
    """The workspace's profile (the defaults while none was stored)."""
    row = ws.conn.execute("SELECT profile FROM qa_profile_log ORDER BY id DESC LIMIT 1").fetchone()
    return from_dict(json.loads(row[0]), "the workspace's QA profile") if row else DEFAULT


def store(ws: Workspace, profile: Profile, action: str, *, who: str | None = None) -> None:
    with ws.write() as conn:
        conn.execute("INSERT INTO qa_profile_log (profile, action, who, at) VALUES (?, ?, ?, ?)",
                     [json.dumps(profile.as_dict(), ensure_ascii=False), action, who or current_user(), now()])


def change(ws: Workspace, how: Callable[[Profile], Profile], action: str, *, who: str | None = None) -> Profile:
    """Read the stored profile, change it and store the result, in one transaction (two editors
    adding a rule each both keep theirs)."""
    with ws.write():
        profile = how(stored(ws))
        store(ws, profile, action, who=who)
    return profile


def read(path: Path) -> Profile:
    """A profile file; a wrong one is refused in one line naming it."""
    suffix = _suffix(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise WorkbenchError(f"{path}: cannot read it ({e})") from None
    try:
        data: Any = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise WorkbenchError(f"{path}: not valid {suffix[1:].upper()}: {e}") from None
    return from_dict(data, str(path))


def write(path: Path, profile: Profile) -> None:
    suffix = _suffix(path)
    data = profile.as_dict()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n" if suffix == ".json" else to_toml(data)
    with atomic_outputs(path) as (out,):
        out.write(text)


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkbenchError(f"{path}: a QA profile is a .toml or .json file")
    return suffix


def to_toml(data: dict[str, Any]) -> str:
    """The profile's tables as TOML (its values are only strings, numbers and booleans)."""
    lines = ["# workbench QA profile: `workbench qa --profile FILE`, `workbench qa profile import FILE`", ""]
    for name, setting in data["checks"].items():
        lines += [f"[checks.{_key(name)}]", *(f"{_key(k)} = {_value(v)}" for k, v in setting.items()), ""]
    for table in ("rules", "ignore"):
        for item in data[table]:
            lines += [f"[[{table}]]", *(f"{_key(k)} = {_value(v)}" for k, v in item.items()), ""]
    return "\n".join(lines)


def _key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() and key.isascii() else _value(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
