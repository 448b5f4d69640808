"""The review app's settings: a TOML file, overridden by environment variables.

The file is ``$WORKBENCH_CONFIG`` if set, else ``$XDG_CONFIG_HOME/workbench/config.toml``
(``~/.config/workbench/config.toml``). A missing file means defaults. Example::

    [display]
    rtl = "terminal"        # "visual" (default): the app reorders Persian; "terminal": the terminal does

    [review]
    advance = true          # approve/reject move on to the next pair
    repetitions = "document"  # approving fills identical Persian: "document", "workspace" or "off"

    [keys]                  # remap by key id (see the help screen, `?`); several keys: "a,ctrl+a"
    approve = "a,space"
    next_review = "n,ctrl+n"

A remapped key that another action already has stays with that action (``keys.resolve_keymap``);
the app warns about it once it is up.

``WORKBENCH_RTL=visual|terminal`` overrides the display mode.

What the app remembers between runs (the display mode f2 chose, the wrapped view W chose) is
kept apart from the file a person writes, in ``state.json`` beside it: it overrides the file's
``rtl``, the environment overrides both.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store.edits import REPEAT_SCOPES, Repeat
from workbench.tui.display import MODES, Mode


@dataclass
class Config:
    rtl: Mode = "visual"
    advance: bool = True
    repetitions: Repeat = "document"  # where approving a pair gives its English to identical Persian
    wrapped: bool = False  # the wrapped view (W), remembered between runs
    keys: dict[str, str] = field(default_factory=dict)  # key id → keys
    path: Path | None = None  # where it was read from (None: defaults)
    warnings: list[str] = field(default_factory=list)  # shown once the app is up


def config_path(env: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if env is None else env
    if environ.get("WORKBENCH_CONFIG"):
        return Path(environ["WORKBENCH_CONFIG"]).expanduser()
    base = Path(environ["XDG_CONFIG_HOME"]) if environ.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "workbench" / "config.toml"


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the config file (if any) and the environment. A broken file is a user error
    naming the file; an unknown key id is only a warning (the rest still applies)."""
    from workbench.tui.keys import KEY_IDS, resolve_keymap

    environ = os.environ if env is None else env
    path = path or config_path(environ)
    config = Config()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise WorkbenchError(f"{path}: not a valid config file ({e})") from None
        config.path = path
        display, review, keys = (_table(data, name, path) for name in ("display", "review", "keys"))
        if "rtl" in display:
            config.rtl = _mode(display["rtl"], str(path))
        if "advance" in review:
            if not isinstance(review["advance"], bool):  # bool("false") would be True
                raise WorkbenchError(f"{path}: [review] advance must be true or false, not {review['advance']!r}")
            config.advance = review["advance"]
        if "repetitions" in review:
            config.repetitions = _repeat(review["repetitions"], str(path))
        for key_id, value in keys.items():
            if key_id not in KEY_IDS:
                config.warnings.append(f"{path}: unknown key id {key_id!r} in [keys] (see the help screen)")
            elif not isinstance(value, str) or not value.strip():
                config.warnings.append(f"{path}: [keys] {key_id} must be a string such as \"a,ctrl+a\"")
            else:
                config.keys[key_id] = ",".join(k.strip() for k in value.split(","))
        config.keys, clashes = resolve_keymap(config.keys, str(path))
        config.warnings += clashes
    state = read_state(path)
    if state.get("rtl") in MODES:
        config.rtl = state["rtl"]
    config.wrapped = state.get("wrapped") is True
    if environ.get("WORKBENCH_RTL"):
        config.rtl = _mode(environ["WORKBENCH_RTL"], "WORKBENCH_RTL")
    return config


def state_path(config: Path | None = None) -> Path:
    return (config or config_path()).with_name("state.json")


def read_state(config: Path | None = None) -> dict:
    """The app's remembered choices; nothing (not an error) if absent or unreadable."""
    try:
        data = json.loads(state_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(key: str, value: object, config: Path | None = None) -> str | None:
    """Keep one choice for the next run (written whole, then renamed into place). Returns why
    it could not be kept, or None."""
    path = state_path(config)
    state = read_state(config)
    state[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        return f"{path}: {e.strerror or e}"
    return None


def _table(data: dict, name: str, path: Path) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise WorkbenchError(f"{path}: [{name}] must be a table")
    return value


def _repeat(value: object, where: str) -> Repeat:
    for scope in REPEAT_SCOPES:
        if value == scope:
            return scope
    raise WorkbenchError(f"{where}: [review] repetitions must be one of {', '.join(REPEAT_SCOPES)}, not {value!r}")


def _mode(value: object, where: str) -> Mode:
    if value not in MODES:
        raise WorkbenchError(f"{where}: right-to-left display mode must be one of {', '.join(MODES)}, not {value!r}")
    return value
