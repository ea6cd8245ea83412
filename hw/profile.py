"""Profile validation (errors by dotted path) and compilation into a CompiledProfile."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import keys
from .actions import (
    DELAY,
    MODES,
    NULL,
    PERMISSIVE,
    Action,
    Combo,
    CompiledProfile,
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

LAYER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_LAYERS = 64
MAX_KEYS_PER_LAYER = 512
MAX_COMBOS = 256
MAX_COMBO_KEYS = 8
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
# Top-level fields checked by the API layer, not here.
IGNORED = {"name", "description", "active", "revision", "created_at", "updated_at"}

Errors = dict[str, list[str]]


class ProfileError(ValueError):
    """A profile that does not validate; `errors` maps dotted paths to messages."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(f"{p}: {', '.join(m)}" for p, m in sorted(errors.items())))
        self.errors = errors


def _join(path: str, part: object) -> str:
    return f"{path}.{part}" if path else str(part)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Compiler:
    """One pass over a profile that both collects errors and builds the compiled form."""

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
            self.error(_join(path, extra), "unknown field")

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
                self.error(_join(path, "repeat"), "must be true or false")
            if not isinstance(value["key"], str):
                self.error(_join(path, "key"), "must be a key name (a string)")
                return NULL
            codes = self.chord(_join(path, "key"), value["key"])
            return key_act(codes, repeat is not False) if codes else NULL
        for kind, cls in (("layer", LayerAct), ("toggle", ToggleAct), ("switch", SwitchAct)):
            if kind in value:
                self.fields(path, value, {kind})
                return cls(self.layer_ref(_join(path, kind), value[kind]))
        if "oneshot" in value:
            self.fields(path, value, {"oneshot"})
            return self.oneshot(_join(path, "oneshot"), value["oneshot"])
        if "tap" in value or "hold" in value:
            if not tap_hold:
                self.error(path, "a tap-hold is not allowed here")
                return NULL
            return self.tap_hold(path, value)
        if "macro" in value:
            self.fields(path, value, {"macro"})
            return self.macro(_join(path, "macro"), value["macro"])
        self.error(path, "unknown action: expected a key, null, or an object with one of "
                         "key, layer, toggle, switch, oneshot, tap/hold, macro")
        return NULL

    def oneshot(self, path: str, value: object) -> Plain:
        if isinstance(value, str):
            codes = self.chord(path, value)
            return OneShotAct(codes, -1) if codes else NULL
        if isinstance(value, Mapping) and "layer" in value:
            self.fields(path, value, {"layer"})
            return OneShotAct((), self.layer_ref(_join(path, "layer"), value["layer"]))
        self.error(path, 'must be a key, a chord or {"layer": name}')
        return NULL

    def tap_hold(self, path: str, value: Mapping[str, Any]) -> Action:
        self.fields(path, value, {"tap", "hold", "timeout_ms", "mode"})
        for part in ("tap", "hold"):
            if part not in value:
                self.error(_join(path, part), "required with a tap-hold")
        tap = self.action(_join(path, "tap"), value.get("tap"), tap_hold=False)
        hold = self.action(_join(path, "hold"), value.get("hold"), tap_hold=False)
        timeout = self.settings["tap_hold_ms"]
        if "timeout_ms" in value:
            _, low, high = SETTINGS["tap_hold_ms"]
            timeout = self.ms(_join(path, "timeout_ms"), value["timeout_ms"], low, high) or timeout
        mode = PERMISSIVE
        if "mode" in value:
            if value["mode"] in MODES:
                mode = MODES[value["mode"]]
            else:
                self.error(_join(path, "mode"), "must be one of " + ", ".join(MODES))
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
            here = _join(path, i)
            if isinstance(item, str):
                codes = self.chord(here, item)
                if codes:
                    ops += [(c, 1) for c in codes] + [(c, 0) for c in reversed(codes)]
            elif isinstance(item, Mapping) and "delay_ms" in item:
                self.fields(here, item, {"delay_ms"})
                ms = self.ms(_join(here, "delay_ms"), item["delay_ms"], 0, MAX_DELAY_MS)
                if ms:
                    ops.append((int(ms), DELAY))
            elif isinstance(item, Mapping) and "text" in item:
                self.fields(here, item, {"text"})
                ops += self.text(_join(here, "text"), item["text"])
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

    def compile(self, profile: Mapping[str, Any]) -> CompiledProfile:
        known = IGNORED | {"settings", "layers", "combos"}
        self.fields("", profile, known)
        self.compile_settings(profile.get("settings", {}))
        layers = self.compile_layers(profile.get("layers"))
        combos = self.compile_combos(profile.get("combos", []))
        by_key: dict[int, list[Combo]] = {}
        for combo in combos:
            for code in combo.keys:
                by_key.setdefault(code, []).append(combo)
        return CompiledProfile(
            layer_names=tuple(self.layer_index), layers=tuple(layers), combos=tuple(combos),
            combos_by_key={c: tuple(v) for c, v in by_key.items()},
            tap_hold_ms=self.settings["tap_hold_ms"], combo_ms=self.settings["combo_ms"],
            oneshot_ms=self.settings["oneshot_ms"])

    def compile_settings(self, settings: object) -> None:
        if not isinstance(settings, Mapping):
            self.error("settings", "must be an object")
            return
        self.fields("settings", settings, set(SETTINGS))
        for name, (_, low, high) in SETTINGS.items():
            if name in settings:
                ms = self.ms(_join("settings", name), settings[name], low, high)
                if ms is not None:
                    self.settings[name] = ms

    def compile_layers(self, layers: object) -> list[dict[int, Action]]:
        if not isinstance(layers, Mapping):
            self.error("layers", "required: an object of layers with at least 'base'")
            return [{}]
        if "base" not in layers:
            self.error("layers.base", "required")
        if len(layers) > MAX_LAYERS:
            self.error("layers", f"at most {MAX_LAYERS} layers")
            return [{}]
        names = ["base"] + [n for n in layers if n != "base"]
        for name in names:
            if not isinstance(name, str) or not LAYER_NAME.match(name):
                self.error(_join("layers", name), "layer names match ^[a-z][a-z0-9_-]{0,31}$")
            self.layer_index[name] = len(self.layer_index)
        return [self.compile_layer(_join("layers", n), layers.get(n, {})) for n in names]

    def compile_layer(self, path: str, layer: object) -> dict[int, Action]:
        if not isinstance(layer, Mapping):
            self.error(path, "must be an object of key: action")
            return {}
        if len(layer) > MAX_KEYS_PER_LAYER:
            self.error(path, f"at most {MAX_KEYS_PER_LAYER} keys per layer")
            return {}
        out: dict[int, Action] = {}
        for name, value in layer.items():
            here = _join(path, name)
            code = self.key(here, name)
            action = self.action(here, value)
            if code is not None and code in out:
                self.error(here, f"key '{name}' is mapped twice in this layer")
            elif code is not None:
                out[code] = action
        return out

    def compile_combos(self, combos: object) -> list[Combo]:
        if not isinstance(combos, list):
            self.error("combos", "must be a list")
            return []
        if len(combos) > MAX_COMBOS:
            self.error("combos", f"at most {MAX_COMBOS} combos")
            return []
        return [c for i, item in enumerate(combos)
                if (c := self.combo(_join("combos", i), item)) is not None]

    def combo(self, path: str, item: object) -> Combo | None:
        if not isinstance(item, Mapping):
            self.error(path, "must be an object with keys and action")
            return None
        self.fields(path, item, {"keys", "action", "timeout_ms", "layers"})
        codes: list[int] = []
        names = item.get("keys")
        if not isinstance(names, list) or not 2 <= len(names) <= MAX_COMBO_KEYS:
            self.error(_join(path, "keys"), f"must be a list of 2 to {MAX_COMBO_KEYS} keys")
            names = []
        for i, name in enumerate(names):
            code = self.key(_join(path, f"keys.{i}"), name)
            if code is not None and code in codes:
                self.error(_join(path, f"keys.{i}"), f"key '{name}' repeated")
            elif code is not None:
                codes.append(code)
        if "action" not in item:
            self.error(_join(path, "action"), "required")
        action = self.action(_join(path, "action"), item.get("action"), tap_hold=False)
        timeout = self.settings["combo_ms"]
        if "timeout_ms" in item:
            _, low, high = SETTINGS["combo_ms"]
            timeout = self.ms(_join(path, "timeout_ms"), item["timeout_ms"], low, high) or timeout
        layers: frozenset[int] | None = None
        if "layers" in item:
            if not isinstance(item["layers"], list) or not item["layers"]:
                self.error(_join(path, "layers"), "must be a non-empty list of layer names")
            else:
                layers = frozenset(self.layer_ref(_join(path, f"layers.{i}"), n)
                                   for i, n in enumerate(item["layers"]))
        assert not isinstance(action, TapHoldAct)
        return Combo(frozenset(codes), action, timeout, layers)


def _run(profile: object) -> tuple[Errors, CompiledProfile | None]:
    if not isinstance(profile, Mapping):
        return {"": ["must be an object"]}, None
    compiler = _Compiler()
    compiled = compiler.compile(profile)
    return compiler.errors, compiled


def validate_profile(profile: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors by dotted path (relative to the profile); empty when the profile is valid."""
    return _run(profile)[0]


def compile_profile(profile: Mapping[str, Any]) -> CompiledProfile:
    """The engine's form of a profile; raises ProfileError when it does not validate."""
    errors, compiled = _run(profile)
    if errors or compiled is None:
        raise ProfileError(errors)
    return compiled
