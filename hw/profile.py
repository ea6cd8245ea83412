"""Profile validation (errors by dotted path) and compilation into a CompiledProfile."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .actions import Action, Combo, CompiledProfile, TapHoldAct
from .profile_actions import SETTINGS, ActionCompiler, Errors, join_path

LAYER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_LAYERS = 64
MAX_KEYS_PER_LAYER = 512
MAX_COMBOS = 256
MAX_COMBO_KEYS = 8
# Top-level fields checked by the API layer, not here.
IGNORED = {"name", "description", "active", "revision", "created_at", "updated_at"}


class ProfileError(ValueError):
    """A profile that does not validate; `errors` maps dotted paths to messages."""

    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(f"{p}: {', '.join(m)}" for p, m in sorted(errors.items())))
        self.errors = errors


class _Compiler(ActionCompiler):
    """One pass over a profile that both collects errors and builds the compiled form."""

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
                ms = self.ms(join_path("settings", name), settings[name], low, high)
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
                self.error(join_path("layers", name), "layer names match ^[a-z][a-z0-9_-]{0,31}$")
            self.layer_index[name] = len(self.layer_index)
        return [self.compile_layer(join_path("layers", n), layers.get(n, {})) for n in names]

    def compile_layer(self, path: str, layer: object) -> dict[int, Action]:
        if not isinstance(layer, Mapping):
            self.error(path, "must be an object of key: action")
            return {}
        if len(layer) > MAX_KEYS_PER_LAYER:
            self.error(path, f"at most {MAX_KEYS_PER_LAYER} keys per layer")
            return {}
        out: dict[int, Action] = {}
        for name, value in layer.items():
            here = join_path(path, name)
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
                if (c := self.combo(join_path("combos", i), item)) is not None]

    def combo(self, path: str, item: object) -> Combo | None:
        if not isinstance(item, Mapping):
            self.error(path, "must be an object with keys and action")
            return None
        self.fields(path, item, {"keys", "action", "timeout_ms", "layers"})
        codes: list[int] = []
        names = item.get("keys")
        if not isinstance(names, list) or not 2 <= len(names) <= MAX_COMBO_KEYS:
            self.error(join_path(path, "keys"), f"must be a list of 2 to {MAX_COMBO_KEYS} keys")
            names = []
        for i, name in enumerate(names):
            code = self.key(join_path(path, f"keys.{i}"), name)
            if code is not None and code in codes:
                self.error(join_path(path, f"keys.{i}"), f"key '{name}' repeated")
            elif code is not None:
                codes.append(code)
        if "action" not in item:
            self.error(join_path(path, "action"), "required")
        action = self.action(join_path(path, "action"), item.get("action"), tap_hold=False)
        timeout = self.settings["combo_ms"]
        if "timeout_ms" in item:
            _, low, high = SETTINGS["combo_ms"]
            timeout = self.ms(join_path(path, "timeout_ms"), item["timeout_ms"], low, high) or timeout
        layers: frozenset[int] | None = None
        if "layers" in item:
            if not isinstance(item["layers"], list) or not item["layers"]:
                self.error(join_path(path, "layers"), "must be a non-empty list of layer names")
            else:
                layers = frozenset(self.layer_ref(join_path(path, f"layers.{i}"), n)
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
