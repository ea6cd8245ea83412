"""Compiling the actions that type beyond plain keys: `wheel`, `move`, `move_scale` and `unicode`.

Each has the signature of the kinds in `compile_actions.KINDS` (compiler, path, JSON object, scope)
and returns the compiled action, or a null action after recording the error at its path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .actions import NULL, Action, MacroAct, MoveAct, MoveScaleAct, WheelAct
from .layout import parse_unicode
from .pointer import REL_BASE, REL_HWHEEL, REL_WHEEL, REL_X, REL_Y

if TYPE_CHECKING:
    from .compile import ProfileCompiler
    from .compile_actions import Scope

WHEEL = {"up": (REL_WHEEL, 1), "down": (REL_WHEEL, -1), "left": (REL_HWHEEL, -1), "right": (REL_HWHEEL, 1)}
MOVE = {"up": (REL_Y, -1), "down": (REL_Y, 1), "left": (REL_X, -1), "right": (REL_X, 1)}
MOVE_DEFAULTS = {"speed": (800, 1, 20_000), "start_speed": (200, 1, 20_000), "accel_ms": (300, 0, 5_000)}
SCALE_RANGE = (0.01, 100.0)


def _int(c: ProfileCompiler, path: str, value: object, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        c.error(path, f"must be an integer from {low} to {high}")
        return None
    return value


def _direction(c: ProfileCompiler, path: str, value: object, table: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    if isinstance(value, str) and value in table:
        return table[value]
    c.error(path, "must be one of " + ", ".join(table))
    return (REL_WHEEL, 0)


def wheel(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    """`{"wheel": "up"|"down"|"left"|"right", "notches": 1..10, "repeat_ms": 0|20..1000}`."""
    c.fields(path, value, {"wheel", "notches", "repeat_ms"})
    axis, sign = _direction(c, f"{path}.wheel", value["wheel"], WHEEL)
    notches = _int(c, f"{path}.notches", value.get("notches", 1), 1, 10) or 1
    repeat = value.get("repeat_ms", 50)
    if repeat != 0 and _int(c, f"{path}.repeat_ms", repeat, 20, 1000) is None:
        if f"{path}.repeat_ms" in c.errors:  # not when past the error cap
            c.errors[f"{path}.repeat_ms"][-1] = "must be 0 (no repeat) or an integer from 20 to 1000"
        repeat = 0
    c.pointer = True
    return WheelAct(REL_BASE + axis, sign * notches, float(repeat)) if sign else NULL


def move(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    """`{"move": "up"|"down"|"left"|"right", "speed", "start_speed", "accel_ms"}` (px/s, ms)."""
    c.fields(path, value, {"move", *MOVE_DEFAULTS})
    axis, sign = _direction(c, f"{path}.move", value["move"], MOVE)
    got: dict[str, int] = {}
    for name, (default, low, high) in MOVE_DEFAULTS.items():
        number = _int(c, f"{path}.{name}", value.get(name, default), low, high)
        got[name] = default if number is None else number
    c.pointer = True
    return MoveAct(REL_BASE + axis, sign, float(got["speed"]), float(got["start_speed"]),
                   float(got["accel_ms"])) if sign else NULL


def move_scale(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    """`{"move_scale": 0.25}`: pointer speeds scaled while held."""
    c.fields(path, value, {"move_scale"})
    scale = value["move_scale"]
    low, high = SCALE_RANGE
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or \
            not low <= scale <= high:
        c.error(f"{path}.move_scale", f"must be a number from {low} to {high:g}")
        return NULL
    c.pointer = True
    return MoveScaleAct(float(scale))


def unicode(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    """`{"unicode": "é"}` or `{"unicode": "U+00E9"}`: one code point, typed like `text`."""
    c.fields(path, value, {"unicode"})
    char = parse_unicode(value["unicode"])
    if char is None:
        c.error(f"{path}.unicode", 'must be one character or a code point such as "U+00E9"')
        return NULL
    ops, problems = c.typist.text_ops(char)
    for problem in problems:
        c.error(f"{path}.unicode", problem)
    return MacroAct(tuple(ops)) if ops else NULL


__all__ = ["move", "move_scale", "unicode", "wheel"]
