"""Compiling the tap family of actions (tap-hold with its options, tap dance, caps word, leader)
and the profile fields they read (`hands`, `sequences`).

Each kind function has the signature of `compile_actions.Kind` and is listed in its `KINDS`
table; nested actions are compiled through the compiler with a narrower `Scope`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import keys
from .actions import (
    ALONE,
    MODES,
    NULL,
    PERMISSIVE,
    TIMEOUT,
    Action,
    CapsWordAct,
    LeaderAct,
    TapDanceAct,
    TapHoldAct,
)

if TYPE_CHECKING:
    from .compile import ProfileCompiler
    from .compile_actions import Scope

MAX_DEPTH = 3          # tap-holds inside tap-holds
DANCE_SIZE = (2, 8)    # elements of a tap dance
MAX_LIST = 128         # keys in a hand, a caps-word list
MAX_SEQUENCES, MAX_SEQUENCE_KEYS = 256, 16
IN_DANCE, IN_EAGER_DANCE = 1, 2
TAP_HOLD_FIELDS = {"tap", "hold", "timeout_ms", "mode", "on_timeout", "require_prior_idle_ms",
                   "quick_tap_ms", "hand_rule"}
SHIFTED = tuple("abcdefghijklmnopqrstuvwxyz") + ("minus",)
CONTINUE = tuple("1234567890") + tuple(f"kp{i}" for i in range(10)) + (
    "backspace", "delete", "up", "down", "left", "right")


def tap_hold(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    if not scope.tap_hold:
        c.error(path, "a tap-hold is not allowed here")
        return NULL
    if scope.dance == IN_EAGER_DANCE:
        c.error(path, "a tap-hold is not allowed in an eager tap dance")
        return NULL
    nested = scope.depth > 0 or scope.dance > 0
    if scope.depth >= MAX_DEPTH:
        c.error(path, f"tap-holds nest at most {MAX_DEPTH} deep")
        return NULL
    c.fields(path, value, TAP_HOLD_FIELDS)
    for part in ("tap", "hold"):
        if part not in value:
            c.error(f"{path}.{part}", "required with a tap-hold")
    inner = replace(scope, depth=scope.depth + 1)
    tap = c.action(f"{path}.tap", value.get("tap"), inner)
    hold = c.action(f"{path}.hold", value.get("hold"), inner)
    timeout = c.timeout(path, value, "tap_hold_ms")
    mode = PERMISSIVE
    if "mode" in value:
        if value["mode"] in MODES:
            mode = MODES[value["mode"]]
        else:
            c.error(f"{path}.mode", "must be one of " + ", ".join(MODES))
    late_tap = value.get("on_timeout", "hold") == "tap"
    if value.get("on_timeout", "hold") not in ("hold", "tap"):
        c.error(f"{path}.on_timeout", "must be hold or tap")
    elif late_tap and mode in (TIMEOUT, ALONE):
        c.error(f"{path}.on_timeout", f"'tap' needs mode press or permissive: with mode "
                f"{value['mode']} the key could never be held")
    idle = _outer_ms(c, path, value, "require_prior_idle_ms", nested)
    quick = _outer_ms(c, path, value, "quick_tap_ms", nested)
    same = _same_hand(c, path, value)
    if idle or quick or same is not None:
        c.track = True
    return TapHoldAct(tap, hold, timeout, mode, late_tap, idle, quick, same)


def _outer_ms(c: ProfileCompiler, path: str, value: Mapping[str, Any], name: str, nested: bool) -> float:
    """A per-action option that falls back on the setting of the same name (outermost only)."""
    if name in value and nested:
        c.error(f"{path}.{name}", "only on the outermost tap-hold (not inside a tap-hold or a tap dance)")
        return 0.0
    if nested:
        return 0.0
    if name not in value:
        return c.settings[name]
    return c.ms(f"{path}.{name}", value[name], 0, 1000) or 0.0


def _same_hand(c: ProfileCompiler, path: str, value: Mapping[str, Any]) -> frozenset[int] | None:
    """With `hand_rule`, the other keys of this key's hand; None without."""
    rule = value.get("hand_rule", False)
    if not isinstance(rule, bool):
        c.error(f"{path}.hand_rule", "must be true or false")
        return None
    if not rule:
        return None
    if not c.hands:
        c.error(f"{path}.hand_rule", "needs the profile's hands ({\"left\": [...], \"right\": [...]})")
        return None
    parts = path.split(".")
    code = keys.code_of(parts[2]) if parts[0] == "layers" and len(parts) > 2 and keys.is_key(parts[2]) else None
    if code is None or code not in c.hands:
        c.error(f"{path}.hand_rule", f"key '{parts[2] if len(parts) > 2 else path}' is in neither hand")
        return None
    return frozenset(k for k, hand in c.hands.items() if hand == c.hands[code] and k != code)


def tap_dance(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    if scope.dance:
        c.error(path, "a tap dance cannot be inside a tap dance")
        return NULL
    if scope.combo or scope.depth or scope.sequence:
        c.error(path, "a tap dance is not allowed in a combo, a tap-hold or a sequence")
        return NULL
    c.fields(path, value, {"tap_dance", "timeout_ms", "eager"})
    eager = value.get("eager", False)
    if not isinstance(eager, bool):
        c.error(f"{path}.eager", "must be true or false")
        eager = False
    items = value["tap_dance"]
    low, high = DANCE_SIZE
    if not isinstance(items, list) or not low <= len(items) <= high:
        c.error(f"{path}.tap_dance", f"must be a list of {low} to {high} actions")
        return NULL
    inner = replace(scope, dance=IN_EAGER_DANCE if eager else IN_DANCE)
    elements = tuple(c.action(f"{path}.tap_dance.{i}", item, inner) for i, item in enumerate(items))
    c.track = True
    return TapDanceAct(elements, c.timeout(path, value, "tap_dance_ms"), eager)


def caps_word(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    c.fields(path, value, {"caps_word"})
    here, obj = f"{path}.caps_word", value["caps_word"]
    if not isinstance(obj, Mapping):
        c.error(here, 'must be an object ({} for the defaults)')
        return NULL
    c.fields(here, obj, {"timeout_ms", "shifted", "continue", "toggle"})
    toggle = obj.get("toggle", False)
    if not isinstance(toggle, bool):
        c.error(f"{here}.toggle", "must be true or false")
    shifted = _key_list(c, f"{here}.shifted", obj.get("shifted", SHIFTED))
    cont = _key_list(c, f"{here}.continue", obj.get("continue", CONTINUE))
    if "shifted" in obj and "continue" in obj:
        for i, name in enumerate(obj["continue"]):
            if keys.is_key(name) and keys.code_of(name) in shifted:
                c.error(f"{here}.continue.{i}", f"key '{name}' is in both shifted and continue")
    elif "shifted" in obj:
        cont -= shifted
    else:
        shifted -= cont
    return CapsWordAct(c.timeout(here, obj, "caps_word_ms"), frozenset(shifted), frozenset(cont), toggle is True)


def _key_list(c: ProfileCompiler, path: str, names: object) -> set[int]:
    if not isinstance(names, (list, tuple)) or len(names) > MAX_LIST:
        c.error(path, f"must be a list of at most {MAX_LIST} keys")
        return set()
    return {code for i, name in enumerate(names) if (code := c.key(f"{path}.{i}", name)) is not None}


def leader(c: ProfileCompiler, path: str, value: Mapping[str, Any], scope: Scope) -> Action:
    if scope.combo or scope.sequence:
        c.error(path, "a leader is not allowed in a combo or a sequence")
        return NULL
    c.fields(path, value, {"leader"})
    here, obj = f"{path}.leader", value["leader"]
    if not isinstance(obj, Mapping):
        c.error(here, 'must be an object ({} for the defaults)')
        return NULL
    c.fields(here, obj, {"timeout_ms"})
    if not c.has_sequences:
        c.error(here, "the profile has no sequences to read")
    c.track = True
    return LeaderAct(c.timeout(here, obj, "sequence_ms"))


def compile_hands(c: ProfileCompiler, value: object) -> dict[int, int]:
    """`hands`: each listed key's hand (0 left, 1 right)."""
    hands: dict[int, int] = {}
    if value is None:
        return hands
    if not isinstance(value, Mapping):
        c.error("hands", 'must be an object {"left": [keys], "right": [keys]}')
        return hands
    c.fields("hands", value, {"left", "right"})
    for hand, side in enumerate(("left", "right")):
        names = value.get(side, [])
        if not isinstance(names, list) or len(names) > MAX_LIST:
            c.error(f"hands.{side}", f"must be a list of at most {MAX_LIST} keys")
            continue
        for i, name in enumerate(names):
            code = c.key(f"hands.{side}.{i}", name)
            if code is not None and code in hands:
                c.error(f"hands.{side}.{i}", f"key '{name}' is " + (
                    "in both hands" if hands[code] != hand else "listed twice"))
            elif code is not None:
                hands[code] = hand
    return hands


Sequences = tuple[dict[tuple[int, ...], Action], frozenset[tuple[int, ...]]]


def compile_sequences(c: ProfileCompiler, value: object, scope: Scope) -> Sequences:
    """`sequences`: the action of each complete sequence, and every proper prefix of one."""
    found: dict[tuple[int, ...], Action] = {}
    if not isinstance(value, list) or len(value) > MAX_SEQUENCES:
        c.error("sequences", f"must be a list of at most {MAX_SEQUENCES} sequences")
        return found, frozenset()
    listed: list[tuple[int, tuple[int, ...]]] = []
    for n, item in enumerate(value):
        path = f"sequences.{n}"
        if not isinstance(item, Mapping):
            c.error(path, "must be an object with keys and action")
            continue
        c.fields(path, item, {"keys", "action"})
        names = item.get("keys")
        if not isinstance(names, list) or not 1 <= len(names) <= MAX_SEQUENCE_KEYS:
            c.error(f"{path}.keys", f"must be a list of 1 to {MAX_SEQUENCE_KEYS} keys")
            names = []
        codes = tuple(c.key(f"{path}.keys.{i}", name) for i, name in enumerate(names))
        act = item.get("action")
        if "action" not in item:
            c.error(f"{path}.action", "required")
        elif isinstance(act, Mapping) and "layer" in act and "key" not in act:
            c.error(f"{path}.action", "a sequence's action is tapped: it cannot be a layer")
        action = c.action(f"{path}.action", act, scope)
        if names and None not in codes:
            keyed = tuple(k for k in codes if k is not None)
            listed.append((n, keyed))
            found[keyed] = action
    for n, seq in listed:
        other = next((m for m, s in listed if m != n and s[:len(seq)] == seq), None)
        if other is not None:
            c.error(f"sequences.{n}.keys", f"is a prefix of (or equal to) sequence {other}: "
                    "sequences may not be prefixes of each other")
    prefixes = frozenset(seq[:i] for seq in found for i in range(1, len(seq)))
    return found, prefixes
