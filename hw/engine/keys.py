"""Key names <-> Linux input codes, with aliases, "did you mean" suggestions and US-layout text."""

from __future__ import annotations

import difflib
import functools

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


MAX_ERRORS = 100  # error paths a profile's validation lists; past that they are only counted


class CappedErrors(dict[str, list[str]]):
    """Errors by dotted path, at most MAX_ERRORS paths: later ones are counted under "…", and
    `room` turns False so that callers skip costly messages (suggestions)."""

    unlisted = 0

    @property
    def room(self) -> bool:
        """Whether another path would still be listed."""
        return len(self) < MAX_ERRORS

    def add(self, path: str, message: str) -> None:
        """Record an error (or only count it, past the cap)."""
        if self.room or path in self:
            self.setdefault(path, []).append(message)
        else:
            self.unlisted += 1
            self["…"] = [f"and {self.unlisted} more errors not listed"]


MAX_SUGGEST_CHARS = 32  # longer names get no suggestion: nothing known is that long

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
    """The closest known key name, or None when nothing is close (cached; cheap for long names)."""
    low = _normal(name).lower()
    if low in _LOOKUP:
        return low
    if low in _SPELLINGS:
        return _SPELLINGS[low]
    if len(low) > MAX_SUGGEST_CHARS:
        return None
    return _closest(low)


@functools.lru_cache(maxsize=4096)
def _closest(low: str) -> str | None:
    # a ratio of 0.75 needs lengths within 0.6x..1.67x of each other: compare only those
    near = [k for k in _LOOKUP if 0.6 * len(low) <= len(k) <= len(low) / 0.6]
    close = difflib.get_close_matches(low, near, n=1, cutoff=0.75)
    return close[0] if close else None


def key_problem(name: str, hint: bool = True) -> str:
    """Why a name is not a key, with the closest known name when one is close (and `hint`)."""
    close = suggest(name) if hint else None
    return f"unknown key '{name}'" + (f" (did you mean '{close}'?)" if close else "")


def parse_chord(text: str, max_keys: int, hint: bool = True) -> tuple[int, ...] | str:
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
            return key_problem(part, hint)
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
