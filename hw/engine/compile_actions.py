"""Compiling one action, by kind: `KINDS` maps the field that names an action kind to the function
that compiles it, so a new kind is one entry and one function.

Each function gets the compiler (for errors and the parts every action is made of), the action's
dotted path, its JSON object and the `Scope` it appears in, and returns the compiled action (a
null action after recording an error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import keys
from .actions import (
    NULL,
    Action,
    ClearAct,
    LayerAct,
    MacroAct,
    OneShotAct,
    Ops,
    Plain,
    RepeatAct,
    SwapAct,
    SwitchAct,
    TapHoldAct,
    ToggleAct,
    key_act,
)
from .compile_output import move, move_scale, unicode, wheel
from .compile_tap import caps_word, leader, tap_dance, tap_hold
from .macros import compile_macro

if TYPE_CHECKING:
    from .compile import ProfileCompiler


@dataclass(frozen=True, slots=True)
class Scope:
    """Where an action appears, for the kinds that are not allowed everywhere."""

    tap_hold: bool = True  # a tap-hold may appear here
    depth: int = 0         # tap-holds around it
    dance: int = 0         # inside a tap dance: 1, an eager one: 2
    combo: bool = False    # a combo's action
    sequence: bool = False  # a leader sequence's action


TOP = Scope()
INNER = Scope(tap_hold=False)
COMBO = Scope(tap_hold=False, combo=True)
SEQUENCE = Scope(tap_hold=False, sequence=True)


def join_path(path: str, part: object) -> str:
    """`path.part`, or just `part` at the top."""
    return f"{path}.{part}" if path else str(part)


def key_form(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    """`{"key": "a", "repeat": false}`: the long form of a key or chord."""
    c.fields(path, value, {"key", "repeat"})
    repeat = value.get("repeat", True)
    if not isinstance(repeat, bool):
        c.error(join_path(path, "repeat"), "must be true or false")
    if not isinstance(value["key"], str):
        c.error(join_path(path, "key"), "must be a key name (a string)")
        return NULL
    codes = c.chord(join_path(path, "key"), value["key"])
    return key_act(codes, repeat is not False) if codes else NULL


def modifiers(c: ProfileCompiler, path: str, value: Mapping[str, Any]) -> tuple[int, ...]:
    """The `mods` of a layer action: a chord of modifier keys (none when absent)."""
    if "mods" not in value:
        return ()
    path, text = join_path(path, "mods"), value["mods"]
    if not isinstance(text, str):
        c.error(path, "must be a chord of modifier keys, such as 'ctrl' or 'ctrl+shift'")
        return ()
    codes = c.chord(path, text) or ()
    if any(code not in keys.MODIFIERS for code in codes):
        c.error(path, "mods takes modifier keys only")
        return ()
    return codes


def macro_ops(c: ProfileCompiler, path: str, value: Mapping[str, Any]) -> Ops:
    """The ops of an action's `macro` field (none when absent)."""
    if "macro" not in value:
        return ()
    act = compile_macro(c, join_path(path, "macro"), value["macro"])
    return act.ops if isinstance(act, MacroAct) else ()


def layer(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"layer", "mods", "macro"})
    return LayerAct(c.layer_ref(join_path(path, "layer"), value["layer"]), modifiers(c, path, value),
                    macro_ops(c, path, value))


def toggle(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"toggle", "mods", "macro"})
    return ToggleAct(c.layer_ref(join_path(path, "toggle"), value["toggle"]), modifiers(c, path, value),
                     macro_ops(c, path, value))


def switch(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"switch", "macro"})
    return SwitchAct(c.layer_ref(join_path(path, "switch"), value["switch"]), macro_ops(c, path, value))


def swap(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"swap", "mods", "macro"})
    if c.layer == "base":
        c.error(join_path(path, "swap"), "swap replaces the layer it is found in: not allowed in base")
    return SwapAct(c.layer_ref(join_path(path, "swap"), value["swap"]), modifiers(c, path, value),
                   macro_ops(c, path, value))


def clear(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"clear", "macro"})
    if value["clear"] is not True:
        c.error(join_path(path, "clear"), "must be true")
    return ClearAct(macro_ops(c, path, value))


def repeat_last(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"repeat_last"})
    if value["repeat_last"] is not True:
        c.error(join_path(path, "repeat_last"), "must be true")
    c.repeats = True
    return RepeatAct()


def oneshot(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"oneshot"})
    path, inner = join_path(path, "oneshot"), value["oneshot"]
    if isinstance(inner, str):
        codes = c.chord(path, inner)
        return OneShotAct(codes, -1) if codes else NULL
    if isinstance(inner, Mapping) and "layer" in inner:
        c.fields(path, inner, {"layer", "mods", "key", "macro"})
        key: tuple[int, ...] = ()
        if "key" in inner:
            if isinstance(inner["key"], str):
                key = c.chord(join_path(path, "key"), inner["key"]) or ()
            else:
                c.error(join_path(path, "key"), "must be a key or a chord (a string)")
        return OneShotAct((), c.layer_ref(join_path(path, "layer"), inner["layer"]), modifiers(c, path, inner),
                          key, macro_ops(c, path, inner))
    if isinstance(inner, Mapping) and "key" in inner:
        c.error(join_path(path, "key"), 'key belongs to the layer form: {"layer": name, "key": ...}')
        return NULL
    c.error(path, 'must be a key, a chord or {"layer": name}')
    return NULL


def macro(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"macro"})
    return compile_macro(c, join_path(path, "macro"), value["macro"])


Kind = Callable[["ProfileCompiler", str, Mapping[str, Any], Scope], Action]

KINDS: dict[str, Kind] = {
    "oneshot": oneshot, "key": key_form, "layer": layer, "toggle": toggle, "switch": switch, "swap": swap,
    "clear": clear, "repeat_last": repeat_last, "tap": tap_hold, "hold": tap_hold, "macro": macro,
    "tap_dance": tap_dance, "caps_word": caps_word, "leader": leader,
    "wheel": wheel, "move": move, "move_scale": move_scale, "unicode": unicode,
}
"""An action object's kind by the first of these fields it has (so `layer` + `macro` is a layer)."""

UNKNOWN = ("unknown action: expected a key, null, or an object with one of " + ", ".join(
    dict.fromkeys(["key", *("tap/hold" if k in ("tap", "hold") else k for k in KINDS)])))


def plain(action: Action) -> Plain:
    """An action known not to be a tap-hold (compiled in an `INNER` scope)."""
    assert not isinstance(action, TapHoldAct)
    return action
