"""Compiling one profile action (key, chord, layer, one-shot, tap-hold, macro), errors by path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import keys
from .actions import (
    DELAY,
    MODES,
    NULL,
    PERMISSIVE,
    Action,
    LayerAct,
    MacroAct,
    OneShotAct,
    Plain,
    SwitchAct,
    TapHoldAct,
    ToggleAct,
    key_act,
    us_key,
)

MAX_CHORD_KEYS = 8
MAX_MACRO_STEPS = 256
MAX_MACRO_OPS = 8192
MAX_DELAY_MS = 10_000
MAX_TEXT = 1000
# setting: (default, low, high), all in ms.
SETTINGS = {
    "tap_hold_ms": (200, 1, 10_000),
    "combo_ms": (50, 1, 5_000),
    "oneshot_ms": (1000, 1, 60_000),
}

Errors = dict[str, list[str]]


def join_path(path: str, part: object) -> str:
    """`path.part`, or just `part` at the top."""
    return f"{path}.{part}" if path else str(part)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class ActionCompiler:
    """Collects errors by dotted path while compiling actions; knows the profile's layers."""

    def __init__(self) -> None:
        self.errors: Errors = {}
        self.layer_index: dict[str, int] = {}
        self.settings = {k: float(v[0]) for k, v in SETTINGS.items()}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def key(self, path: str, name: object) -> int | None:
        """A key name's code, or None after recording why not."""
        if not isinstance(name, str):
            self.error(path, "must be a key name (a string)")
            return None
        try:
            return keys.code_of(name)
        except KeyError:
            hint = keys.suggest(name)
            extra = f" (did you mean '{hint}'?)" if hint else ""
            self.error(path, f"unknown key '{name}'{extra}")
            return None

    def ms(self, path: str, value: object, low: int, high: int) -> float | None:
        if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
            self.error(path, f"must be an integer from {low} to {high}")
            return None
        return float(value)  # type: ignore[arg-type]

    def layer_ref(self, path: str, name: object) -> int:
        if not isinstance(name, str):
            self.error(path, "must be a layer name (a string)")
            return 0
        if name not in self.layer_index:
            self.error(path, f"unknown layer '{name}'")
            return 0
        return self.layer_index[name]

    def fields(self, path: str, obj: Mapping[str, Any], allowed: set[str]) -> None:
        for extra in sorted(set(obj) - allowed, key=str):
            self.error(join_path(path, extra), "unknown field")

    def chord(self, path: str, text: str) -> tuple[int, ...] | None:
        """Codes of "a" or "ctrl+shift+t"; errors name the part's path for a bad part."""
        parts = text.split("+")
        if len(parts) > MAX_CHORD_KEYS:
            self.error(path, f"a chord has at most {MAX_CHORD_KEYS} keys")
            return None
        codes: list[int] = []
        for part in parts:
            if part == "":
                self.error(path, f"malformed chord '{text}'")
                return None
            code = self.key(path, part)
            if code is None:
                return None
            if code in codes:
                self.error(path, f"key '{part}' repeated in chord '{text}'")
                return None
            codes.append(code)
        return tuple(codes)

    def action(self, path: str, value: object, *, tap_hold: bool = True) -> Action:
        """Compile one action; on error record it and return a null action."""
        if value is None:
            return NULL
        if isinstance(value, str):
            codes = self.chord(path, value)
            return key_act(codes) if codes else NULL
        if not isinstance(value, Mapping):
            self.error(path, "must be a key name, a chord, null or an action object")
            return NULL
        if "key" in value:
            self.fields(path, value, {"key", "repeat"})
            repeat = value.get("repeat", True)
            if not isinstance(repeat, bool):
                self.error(join_path(path, "repeat"), "must be true or false")
            if not isinstance(value["key"], str):
                self.error(join_path(path, "key"), "must be a key name (a string)")
                return NULL
            codes = self.chord(join_path(path, "key"), value["key"])
            return key_act(codes, repeat is not False) if codes else NULL
        for kind, cls in (("layer", LayerAct), ("toggle", ToggleAct), ("switch", SwitchAct)):
            if kind in value:
                self.fields(path, value, {kind})
                return cls(self.layer_ref(join_path(path, kind), value[kind]))
        if "oneshot" in value:
            self.fields(path, value, {"oneshot"})
            return self.oneshot(join_path(path, "oneshot"), value["oneshot"])
        if "tap" in value or "hold" in value:
            if not tap_hold:
                self.error(path, "a tap-hold is not allowed here")
                return NULL
            return self.tap_hold(path, value)
        if "macro" in value:
            self.fields(path, value, {"macro"})
            return self.macro(join_path(path, "macro"), value["macro"])
        self.error(path, "unknown action: expected a key, null, or an object with one of "
                         "key, layer, toggle, switch, oneshot, tap/hold, macro")
        return NULL

    def oneshot(self, path: str, value: object) -> Plain:
        if isinstance(value, str):
            codes = self.chord(path, value)
            return OneShotAct(codes, -1) if codes else NULL
        if isinstance(value, Mapping) and "layer" in value:
            self.fields(path, value, {"layer"})
            return OneShotAct((), self.layer_ref(join_path(path, "layer"), value["layer"]))
        self.error(path, 'must be a key, a chord or {"layer": name}')
        return NULL

    def tap_hold(self, path: str, value: Mapping[str, Any]) -> Action:
        self.fields(path, value, {"tap", "hold", "timeout_ms", "mode"})
        for part in ("tap", "hold"):
            if part not in value:
                self.error(join_path(path, part), "required with a tap-hold")
        tap = self.action(join_path(path, "tap"), value.get("tap"), tap_hold=False)
        hold = self.action(join_path(path, "hold"), value.get("hold"), tap_hold=False)
        timeout = self.settings["tap_hold_ms"]
        if "timeout_ms" in value:
            _, low, high = SETTINGS["tap_hold_ms"]
            timeout = self.ms(join_path(path, "timeout_ms"), value["timeout_ms"], low, high) or timeout
        mode = PERMISSIVE
        if "mode" in value:
            if value["mode"] in MODES:
                mode = MODES[value["mode"]]
            else:
                self.error(join_path(path, "mode"), "must be one of " + ", ".join(MODES))
        assert not isinstance(tap, TapHoldAct) and not isinstance(hold, TapHoldAct)
        return TapHoldAct(tap, hold, timeout, mode)

    def macro(self, path: str, value: object) -> Plain:
        if not isinstance(value, list) or not value:
            self.error(path, "must be a non-empty list")
            return NULL
        if len(value) > MAX_MACRO_STEPS:
            self.error(path, f"a macro has at most {MAX_MACRO_STEPS} steps")
            return NULL
        ops: list[tuple[int, int]] = []
        for i, item in enumerate(value):
            here = join_path(path, i)
            if isinstance(item, str):
                codes = self.chord(here, item)
                if codes:
                    ops += [(c, 1) for c in codes] + [(c, 0) for c in reversed(codes)]
            elif isinstance(item, Mapping) and "delay_ms" in item:
                self.fields(here, item, {"delay_ms"})
                ms = self.ms(join_path(here, "delay_ms"), item["delay_ms"], 0, MAX_DELAY_MS)
                if ms:
                    ops.append((int(ms), DELAY))
            elif isinstance(item, Mapping) and "text" in item:
                self.fields(here, item, {"text"})
                ops += self.text(join_path(here, "text"), item["text"])
            else:
                self.error(here, 'must be a key, a chord, {"delay_ms": ms} or {"text": str}')
        if len(ops) > MAX_MACRO_OPS:
            self.error(path, "macro too long")
        return MacroAct(tuple(ops))

    def text(self, path: str, value: object) -> list[tuple[int, int]]:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            self.error(path, f"must be a string of at most {MAX_TEXT} characters")
            return []
        shift = keys.code_of("leftshift")
        ops: list[tuple[int, int]] = []
        for i, char in enumerate(value):
            found = us_key(char)
            if found is None:
                self.error(path, f"character {char!r} at {i} cannot be typed "
                                 "(only printable US-ASCII, newline and tab)")
                return []
            code = keys.code_of(found[0])
            ops += [(shift, 1), (code, 1), (code, 0), (shift, 0)] if found[1] else \
                [(code, 1), (code, 0)]
        return ops
