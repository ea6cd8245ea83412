"""Key names <-> Linux input codes, with aliases, "did you mean" suggestions and US-layout text."""

from __future__ import annotations

import difflib

from .keycodes import CANONICAL, NAMES

ALIASES: dict[str, str] = {
    "ctrl": "leftctrl",
    "shift": "leftshift",
    "alt": "leftalt",
    "meta": "leftmeta",
}

RELEASE, PRESS, REPEAT = 0, 1, 2  # the value of a key event
ACTIONS: dict[int, str] = {RELEASE: "release", PRESS: "press", REPEAT: "repeat"}
"""The name of a key event's value, as events and simulations spell it."""


def action_name(value: int) -> str:
    """`press`, `release` or `repeat` (the kernel's autorepeat is any value above 1)."""
    return ACTIONS.get(value, "repeat")


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


# Spellings people bring from other tools (keyd, kanata, QMK) and from key caps: suggested, not
# accepted, so a profile has one name per key.
_SPELLINGS: dict[str, str] = {
    "escape": "esc", "caps": "capslock", "capslk": "capslock", "control": "leftctrl", "ctl": "leftctrl",
    "lctrl": "leftctrl", "lctl": "leftctrl", "rctrl": "rightctrl", "rctl": "rightctrl",
    "lshift": "leftshift", "lsft": "leftshift", "rshift": "rightshift", "rsft": "rightshift",
    "lalt": "leftalt", "ralt": "rightalt", "altgr": "rightalt",
    "win": "leftmeta", "super": "leftmeta", "cmd": "leftmeta", "command": "leftmeta", "gui": "leftmeta",
    "lmeta": "leftmeta", "lmet": "leftmeta", "rmeta": "rightmeta", "rmet": "rightmeta",
    "return": "enter", "ret": "enter", "del": "delete", "bksp": "backspace", "bspc": "backspace",
    "ins": "insert", "pgdn": "pagedown", "pgup": "pageup", "prtsc": "sysrq", "printscreen": "sysrq",
    "spc": "space", "grv": "grave", "backtick": "grave", "tilde": "grave", "min": "minus", "eql": "equal",
    "lbrc": "leftbrace", "rbrc": "rightbrace", "bksl": "backslash", "scln": "semicolon", "apos": "apostrophe",
    "quote": "apostrophe", "comm": "comma", "period": "dot", "slsh": "slash",
}


def suggest(name: str) -> str | None:
    """The closest known key name, or None when nothing is close."""
    low = _normal(name).lower()
    if low in _LOOKUP:
        return low
    if low in _SPELLINGS:
        return _SPELLINGS[low]
    close = difflib.get_close_matches(low, _LOOKUP.keys(), n=1, cutoff=0.75)
    return close[0] if close else None


def key_problem(name: str) -> str:
    """Why a name is not a key, with the closest known name when one is close."""
    hint = suggest(name)
    return f"unknown key '{name}'" + (f" (did you mean '{hint}'?)" if hint else "")


def parse_chord(text: str, max_keys: int) -> tuple[int, ...] | str:
    """The codes of "a" or "ctrl+shift+t" in order, or what is wrong with the chord."""
    parts = text.split("+")
    if len(parts) > max_keys:
        return f"a chord has at most {max_keys} keys"
    codes: list[int] = []
    for part in parts:
        if part == "":
            return f"malformed chord '{text}'"
        try:
            code = code_of(part)
        except KeyError:
            return key_problem(part)
        if code in codes:
            return f"key '{part}' repeated in chord '{text}'"
        codes.append(code)
    return tuple(codes)


def all_names() -> list[str]:
    """Every canonical key name, in code order."""
    return [CANONICAL[c] for c in sorted(CANONICAL)]


_SHIFTED = '~!@#$%^&*()_+{}|:"<>?'
_UNSHIFTED = "`1234567890-=[]\\;',./"
_PUNCT = {
    "`": "grave", "-": "minus", "=": "equal", "[": "leftbrace", "]": "rightbrace",
    "\\": "backslash", ";": "semicolon", "'": "apostrophe", ",": "comma", ".": "dot",
    "/": "slash", " ": "space", "\n": "enter", "\t": "tab",
}


def us_key(char: str) -> tuple[str, bool] | None:
    """The US-layout key name for a character and whether it needs shift; None if none."""
    if "a" <= char <= "z" or "0" <= char <= "9":
        return char, False
    if "A" <= char <= "Z":
        return char.lower(), True
    if char in _PUNCT:
        return _PUNCT[char], False
    i = _SHIFTED.find(char)
    if i >= 0:
        base = _UNSHIFTED[i]
        return _PUNCT.get(base, base), True
    return None
