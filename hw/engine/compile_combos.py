"""Compiling a profile's `combos`: their keys, action, timeout, layers and `hold_ms`.

Functions over the `ProfileCompiler` (errors by dotted path, keys, actions, layer names).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .actions import Combo
from .compile_actions import COMBO, join_path, plain

if TYPE_CHECKING:
    from .compile import ProfileCompiler

MAX_COMBOS = 256
MAX_COMBO_KEYS = 8
MAX_COMBO_HOLD_MS = 5_000


def compile_combos(c: ProfileCompiler, combos: object) -> list[Combo]:
    if not isinstance(combos, list):
        c.error("combos", "must be a list")
        return []
    if len(combos) > MAX_COMBOS:
        c.error("combos", f"at most {MAX_COMBOS} combos")
        return []
    return [combo for i, item in enumerate(combos)
            if (combo := _combo(c, join_path("combos", i), item)) is not None]


def _combo(c: ProfileCompiler, path: str, item: object) -> Combo | None:
    if not isinstance(item, Mapping):
        c.error(path, "must be an object with keys and action")
        return None
    c.fields(path, item, {"keys", "action", "timeout_ms", "layers", "hold_ms"})
    codes: list[int] = []
    names = item.get("keys")
    if not isinstance(names, list) or not 2 <= len(names) <= MAX_COMBO_KEYS:
        c.error(join_path(path, "keys"), f"must be a list of 2 to {MAX_COMBO_KEYS} keys")
        names = []
    for i, name in enumerate(names):
        code = c.key(join_path(path, f"keys.{i}"), name)
        if code is not None and code in codes:
            c.error(join_path(path, f"keys.{i}"), f"key '{name}' repeated")
        elif code is not None:
            codes.append(code)
    if "action" not in item:
        c.error(join_path(path, "action"), "required")
    action = plain(c.action(join_path(path, "action"), item.get("action"), COMBO))
    timeout = c.timeout(path, item, "combo_ms")
    layers: frozenset[int] | None = None
    if "layers" in item:
        if not isinstance(item["layers"], list) or not item["layers"]:
            c.error(join_path(path, "layers"), "must be a non-empty list of layer names")
        else:
            layers = frozenset(c.layer_ref(join_path(path, f"layers.{i}"), n)
                               for i, n in enumerate(item["layers"]))
    hold = c.settings["combo_hold_ms"]
    if "hold_ms" in item:
        ms = c.ms(join_path(path, "hold_ms"), item["hold_ms"], 0, MAX_COMBO_HOLD_MS)
        hold = hold if ms is None else ms
    return Combo(frozenset(codes), action, timeout, layers, hold)
