"""Key names <-> Linux input codes, with aliases and "did you mean" suggestions."""

from __future__ import annotations

import difflib

from .keycodes import CANONICAL, NAMES

ALIASES: dict[str, str] = {
    "ctrl": "leftctrl",
    "shift": "leftshift",
    "alt": "leftalt",
    "meta": "leftmeta",
}

_LOOKUP: dict[str, int] = {**NAMES, **{a: NAMES[n] for a, n in ALIASES.items()}}

MODIFIERS: frozenset[int] = frozenset(
    NAMES[n]
    for n in ("leftctrl", "rightctrl", "leftshift", "rightshift",
              "leftalt", "rightalt", "leftmeta", "rightmeta")
)


def _normal(name: str) -> str:
    """The lower-case, prefix-less spelling of a name ("KEY_A" -> "a", "BTN_LEFT" -> "btn_left")."""
    if name.isupper():
        return name.lower().removeprefix("key_")
    return name


def code_of(name: str) -> int:
    """The code of a key name; raises KeyError for an unknown one."""
    code = _LOOKUP.get(name)
    if code is None and isinstance(name, str) and name[:4] in ("KEY_", "BTN_"):
        code = _LOOKUP.get(_normal(name))
    if code is None:
        raise KeyError(name)
    return code


def is_key(name: object) -> bool:
    """Whether a value is a known key name."""
    if not isinstance(name, str):
        return False
    try:
        code_of(name)
    except KeyError:
        return False
    return True


def name_of(code: int) -> str:
    """The canonical lower-case name of a code; unnamed codes read as "key_<code>"."""
    return CANONICAL.get(code) or f"key_{code}"


def suggest(name: str) -> str | None:
    """The closest known key name, or None when nothing is close."""
    low = _normal(name).lower()
    if low in _LOOKUP:
        return low
    close = difflib.get_close_matches(low, _LOOKUP.keys(), n=1, cutoff=0.75)
    return close[0] if close else None


def all_names() -> list[str]:
    """Every canonical key name, in code order."""
    return [CANONICAL[c] for c in sorted(CANONICAL)]
