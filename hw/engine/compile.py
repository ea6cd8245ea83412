"""Profile validation and compilation: one `ProfileCompiler` pass over a profile both collects
every error, by dotted path, and builds the `CompiledProfile` the engine runs. The profile, its
settings and layers are compiled here; the combos in `compile_combos`, each action kind in
`compile_actions`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from ..errors import ProfileError
from . import keys
from .actions import NULL, Action, Combo, CompiledProfile, key_act
from .apps import compile_apps, compile_virtual_keys
from .compile_actions import KINDS, SEQUENCE, TOP, UNKNOWN, Scope, join_path
from .compile_combos import MAX_COMBO_HOLD_MS, compile_combos
from .compile_tap import compile_hands, compile_sequences
from .layout import FALLBACK, TEXT_SETTINGS, US_TYPIST, Resolver, compile_text_settings
from .options import OPTIONS, compile_options
from .pointer import output_problem

LAYER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_LAYERS = 64
MAX_KEYS_PER_LAYER = 512
MAX_CHORD_KEYS = 8
# setting: (default, low, high), all in ms.
SETTINGS = {
    "tap_hold_ms": (200, 1, 10_000),
    "combo_ms": (50, 1, 5_000),
    "oneshot_ms": (1000, 1, 60_000),
    "combo_hold_ms": (0, 0, MAX_COMBO_HOLD_MS),
    "tap_dance_ms": (200, 1, 5_000),
    "caps_word_ms": (5000, 100, 60_000),
    "sequence_ms": (1000, 1, 10_000),
    "require_prior_idle_ms": (0, 0, 1_000),
    "quick_tap_ms": (0, 0, 1_000),
    "output_gap_ms": (0, 0, 50),  # read by the loop, with the OPTIONS (hw/engine/options.py)
}
GUARD_DEFAULT = "leftctrl"  # settings.modifier_guard: a key name, or null for no guard
MAX_COMPOSITE = 4
IGNORED = {"name", "description", "active", "revision", "created_at", "updated_at"}  # the API checks them

Errors = dict[str, list[str]]


class ProfileCompiler:
    """One pass over a profile that both collects errors and builds the compiled form."""

    def __init__(self, layouts: Resolver | None = None) -> None:
        self.errors = keys.CappedErrors()  # at most MAX_ERRORS paths: bounded work
        self.layer_index: dict[str, int] = {}
        self.composites: dict[int, frozenset[int]] = {}
        self.settings = {k: float(v[0]) for k, v in SETTINGS.items()}
        self.guard = keys.code_of(GUARD_DEFAULT)
        self.layer: str | None = None  # the layer whose keys are being compiled
        self.repeats = False           # some action is repeat_last
        self.hands: dict[int, int] = {}  # key code -> 0 left, 1 right
        self.has_sequences = False
        self.track = False  # the profile needs every press looked at (hw.engine.tapping)
        self.layouts = layouts or FALLBACK  # host layouts by name (injected: the engine does no I/O)
        self.typist = US_TYPIST  # how `text` and `unicode` are typed (settings.host_layout)
        self.pointer = False  # the profile outputs mouse buttons or motion

    # --- the profile, top down ---------------------------------------------------------

    def compile(self, profile: Mapping[str, Any]) -> CompiledProfile:
        self.fields("", profile, IGNORED | {"settings", "layers", "combos", "hands", "sequences", "apps",
                                            "virtual_keys"})
        self.compile_settings(profile.get("settings", {}))
        self.hands = compile_hands(self, profile.get("hands"))
        self.has_sequences = bool(profile.get("sequences"))
        layers = self.compile_layers(profile.get("layers"))
        combos = compile_combos(self, profile.get("combos", []))
        apps = compile_apps(self, profile.get("apps", []))
        virtual = compile_virtual_keys(self, profile.get("virtual_keys", {}))
        for code, action in virtual.values():  # found on every layer: a virtual key ignores layers
            for layer in layers:
                layer[code] = action
        sequences, prefixes = compile_sequences(self, profile.get("sequences", []), SEQUENCE)
        by_key: dict[int, list[Combo]] = {}
        for combo in combos:
            for code in combo.keys:
                by_key.setdefault(code, []).append(combo)
        return CompiledProfile(
            layer_names=tuple(self.layer_index), layers=tuple(layers), combos=tuple(combos),
            combos_by_key={c: tuple(v) for c, v in by_key.items()},
            tap_hold_ms=self.settings["tap_hold_ms"], combo_ms=self.settings["combo_ms"],
            oneshot_ms=self.settings["oneshot_ms"], modifier_guard=self.guard,
            composites=tuple(sorted(self.composites.items(), key=lambda lp: (-len(lp[1]), lp[0]))),
            repeats=self.repeats, sequences=sequences, prefixes=prefixes, track=self.track,
            pointer=self.pointer, options=compile_options(self, profile.get("settings")),
            apps=apps, virtual_keys={name: code for name, (code, _) in virtual.items()})

    def compile_settings(self, settings: object) -> None:
        if not isinstance(settings, Mapping):
            self.error("settings", "must be an object")
            return
        self.fields("settings", settings, set(SETTINGS) | {"modifier_guard"} | TEXT_SETTINGS | set(OPTIONS))
        self.typist = compile_text_settings(self, settings, self.layouts)
        for name, (_, low, high) in SETTINGS.items():
            if name in settings:
                ms = self.ms(join_path("settings", name), settings[name], low, high)
                if ms is not None:
                    self.settings[name] = ms
        guard = settings.get("modifier_guard", GUARD_DEFAULT)
        self.guard = -1 if guard is None else self.key("settings.modifier_guard", guard) or -1

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
            if not isinstance(name, str) or not (LAYER_NAME.match(name) or "+" in name):
                self.error(join_path("layers", name), "layer names match ^[a-z][a-z0-9_-]{0,31}$")
            self.layer_index[name] = len(self.layer_index)
        for name in names:
            if isinstance(name, str) and "+" in name:
                self.composite(name)
        maps = []
        for name in names:
            self.layer = name
            maps.append(self.compile_layer(join_path("layers", name), layers.get(name, {})))
        self.layer = None
        return maps

    def composite(self, name: str) -> None:
        """A layer named `a+b` (2 to 4 other layers): active while all of them are."""
        path, parts = join_path("layers", name), name.split("+")
        problem = None
        if not 2 <= len(parts) <= MAX_COMPOSITE:
            problem = f"a composite layer joins 2 to {MAX_COMPOSITE} layers with '+'"
        elif len(set(parts)) < len(parts):
            problem = "a composite layer names each of its layers once"
        for part in parts:
            if problem is None and part == "base":
                problem = "a composite layer cannot include base"
            elif problem is None and (part not in self.layer_index or "+" in part or not part):
                problem = f"unknown layer '{part}'" + self.did_you_mean(part)
        if problem is not None:
            self.error(path, problem)
        else:
            self.composites[self.layer_index[name]] = frozenset(self.layer_index[p] for p in parts)

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

    # --- actions -----------------------------------------------------------------------

    def action(self, path: str, value: object, scope: Scope = TOP) -> Action:
        """Compile one action; on error record it and return a null action."""
        if value is None:
            return NULL
        if isinstance(value, str):
            codes = self.chord(path, value)
            return key_act(codes) if codes else NULL
        if not isinstance(value, Mapping):
            self.error(path, "must be a key name, a chord, null or an action object")
            return NULL
        for kind, compile_kind in KINDS.items():
            if kind in value:
                return compile_kind(self, path, value, scope)
        close = [m for f in value for m in difflib.get_close_matches(str(f), KINDS, n=1, cutoff=0.75)]
        self.error(path, UNKNOWN + (f" (did you mean '{close[0]}'?)" if close else ""))
        return NULL

    # --- the parts every action is made of ---------------------------------------------

    def error(self, path: str, message: str) -> None:
        self.errors.add(path, message)

    def fields(self, path: str, obj: Mapping[str, Any], allowed: set[str]) -> None:
        for extra in sorted(set(obj) - allowed, key=str):
            close = difflib.get_close_matches(str(extra), sorted(allowed), n=1, cutoff=0.75)
            self.error(join_path(path, extra), "unknown field" + (f" (did you mean '{close[0]}'?)" if close else ""))

    def key(self, path: str, name: object) -> int | None:
        """A key name's code, or None after recording why not."""
        if not isinstance(name, str):
            self.error(path, "must be a key name (a string)")
            return None
        try:
            return keys.code_of(name)
        except KeyError:
            self.error(path, keys.key_problem(name, self.errors.room))
            return None

    def chord(self, path: str, text: str) -> tuple[int, ...] | None:
        """Codes of "a" or "ctrl+shift+t", or None after recording what is wrong."""
        codes = keys.parse_chord(text, MAX_CHORD_KEYS, self.errors.room)
        if isinstance(codes, str):
            self.error(path, codes)
            return None
        problem = output_problem(self, codes)
        if problem:
            self.error(path, problem)
            return None
        return codes

    def ms(self, path: str, value: object, low: int, high: int) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(path, f"must be an integer from {low} to {high}")
            return None
        return float(value)

    def timeout(self, path: str, item: Mapping[str, Any], setting: str) -> float:
        """The item's own `timeout_ms`, bounded as the `setting` is; else the setting's value."""
        if "timeout_ms" not in item:
            return self.settings[setting]
        _, low, high = SETTINGS[setting]
        return self.ms(join_path(path, "timeout_ms"), item["timeout_ms"], low, high) or self.settings[setting]

    def layer_ref(self, path: str, name: object) -> int:
        if not isinstance(name, str):
            self.error(path, "must be a layer name (a string)")
            return 0
        if name not in self.layer_index:
            self.error(path, f"unknown layer '{name}'" + self.did_you_mean(name))
            return 0
        if self.layer_index[name] in self.composites or "+" in name:
            self.error(path, f"'{name}' is a composite layer: it is only a map, active while all its layers are")
            return 0
        return self.layer_index[name]

    def did_you_mean(self, name: str) -> str:
        close = difflib.get_close_matches(name, [n for n in self.layer_index if "+" not in n], n=1, cutoff=0.6)
        return f" (did you mean '{close[0]}'?)" if close else ""


def _run(profile: object, layouts: Resolver | None = None) -> tuple[Errors, CompiledProfile | None]:
    if not isinstance(profile, Mapping):
        return {"": ["must be an object"]}, None
    compiler = ProfileCompiler(layouts)
    compiled = compiler.compile(profile)
    return compiler.errors, compiled


def validate_profile(profile: Mapping[str, Any], layouts: Resolver | None = None) -> dict[str, list[str]]:
    """Errors by dotted path (relative to the profile); empty when the profile is valid.

    `layouts` gives the host layouts `settings.host_layout` names (default: the in-repo tables)."""
    return _run(profile, layouts)[0]


def compile_profile(profile: Mapping[str, Any], layouts: Resolver | None = None) -> CompiledProfile:
    """The engine's form of a profile; raises ProfileError when it does not validate."""
    errors, compiled = _run(profile, layouts)
    if errors or compiled is None:
        raise ProfileError(errors)
    return compiled
