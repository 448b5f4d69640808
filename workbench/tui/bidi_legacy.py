"""Everything workbench uses of python-bidi beyond its public ``get_display``/``get_base_level``,
in one place: the pure-Python implementation of UAX #9 it keeps as ``bidi.algorithm`` (its
public ``get_display`` is compiled since 0.5 and neither mirrors brackets, rule L4, nor gives
the resolved levels an editor needs to map cursor positions), and its mirroring table. Pinned:
tests/test_third_party.py checks these against the version in constraints.txt, and
pyproject.toml bounds python-bidi below its next minor release."""

from __future__ import annotations


def display(text: str, base_dir: str) -> str:
    """``text`` in visual order with brackets and quotes mirrored in RTL runs; ``base_dir``
    "L" or "R"."""
    from bidi.algorithm import get_display

    return get_display(text, base_dir=base_dir)


def levels(text: str, rtl: bool) -> list[int | None]:
    """Resolved bidi level of each character (rules P to I2), None for the characters the
    algorithm sets aside (X9)."""
    from bidi.algorithm import (
        explicit_embed_and_overrides,
        get_embedding_levels,
        get_empty_storage,
        resolve_implicit_levels,
        resolve_neutral_types,
        resolve_weak_types,
    )

    storage = get_empty_storage()
    storage["base_level"], storage["base_dir"] = (1, "R") if rtl else (0, "L")
    get_embedding_levels(text, storage)
    for index, ch in enumerate(storage["chars"]):
        ch["index"] = index
    explicit_embed_and_overrides(storage)
    resolve_weak_types(storage)
    resolve_neutral_types(storage, False)
    resolve_implicit_levels(storage, False)
    out: list[int | None] = [None] * len(text)
    for ch in storage["chars"]:
        out[ch["index"]] = ch["level"]
    return out


def mirrored() -> dict[str, str]:
    """Each character that has a mirror image in RTL runs, with it (BidiMirroring.txt)."""
    from bidi.mirror import MIRRORED

    return MIRRORED
