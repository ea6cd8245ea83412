"""Validation of the round-2 layer fields: every 422 condition, at its dotted path."""

from __future__ import annotations

from typing import Any

import pytest

from hw.engine import code_of as k
from hw.engine import compile_profile, validate_profile
from hw.engine.actions import ClearAct, LayerAct, OneShotAct, RepeatAct, SwapAct, ToggleAct


def layers(**maps: Any) -> dict[str, Any]:
    return {"layers": {"base": {}, "nav": {}, "sym": {}, **maps}}


@pytest.mark.parametrize("profile,errors", [
    (layers(base={"a": {"layer": "nav", "mods": "ctrl+x"}}), {"layers.base.a.mods": ["mods takes modifier keys only"]}),
    (layers(base={"a": {"toggle": "nav", "mods": 3}}),
     {"layers.base.a.mods": ["must be a chord of modifier keys, such as 'ctrl' or 'ctrl+shift'"]}),
    (layers(base={"a": {"layer": "nav", "mods": "ctrl+ctrl"}}),
     {"layers.base.a.mods": ["key 'ctrl' repeated in chord 'ctrl+ctrl'"]}),
    (layers(base={"a": {"switch": "nav", "mods": "ctrl"}}), {"layers.base.a.mods": ["unknown field"]}),
    (layers(base={"a": {"layer": "nav", "macro": ["x", "nope"]}}),
     {"layers.base.a.macro.1": ["unknown key 'nope' (did you mean 'open'?)"]}),
    (layers(base={"a": {"clear": True, "macro": []}}), {"layers.base.a.macro": ["must be a non-empty list"]}),
    (layers(base={"a": {"clear": "yes"}}), {"layers.base.a.clear": ["must be true"]}),
    (layers(base={"a": {"repeat_last": False}}), {"layers.base.a.repeat_last": ["must be true"]}),
    (layers(base={"a": {"repeat_last": True, "macro": ["x"]}}), {"layers.base.a.macro": ["unknown field"]}),
    (layers(base={"a": {"swap": "nav"}}),
     {"layers.base.a.swap": ["swap replaces the layer it is found in: not allowed in base"]}),
    (layers(nav={"a": {"swap": "sim"}}), {"layers.nav.a.swap": ["unknown layer 'sim' (did you mean 'sym'?)"]}),
    (layers(nav={"a": {"swap": "nav+sym"}}, **{"nav+sym": {}}),
     {"layers.nav.a.swap": ["'nav+sym' is a composite layer: it is only a map, active while all its layers are"]}),
    (layers(base={"a": {"layer": "nav+sym"}}, **{"nav+sym": {}}),
     {"layers.base.a.layer": ["'nav+sym' is a composite layer: it is only a map, active while all its layers are"]}),
    ({**layers(**{"nav+sym": {}}), "combos": [{"keys": ["a", "b"], "action": "x", "layers": ["nav+sym"]}]},
     {"combos.0.layers.0": ["'nav+sym' is a composite layer: it is only a map, active while all its layers are"]}),
    (layers(**{"nav+base": {}}), {"layers.nav+base": ["a composite layer cannot include base"]}),
    (layers(**{"nav+nav": {}}), {"layers.nav+nav": ["a composite layer names each of its layers once"]}),
    (layers(**{"nav+sim": {}}), {"layers.nav+sim": ["unknown layer 'sim' (did you mean 'sym'?)"]}),
    (layers(**{"a+b+c+d+e": {}}), {"layers.a+b+c+d+e": ["a composite layer joins 2 to 4 layers with '+'"]}),
    (layers(base={"a": {"oneshot": {"layer": "nav", "key": "nope"}}}),
     {"layers.base.a.oneshot.key": ["unknown key 'nope' (did you mean 'open'?)"]}),
    (layers(base={"a": {"oneshot": {"mods": "shift", "key": "f"}}}),
     {"layers.base.a.oneshot.key": ['key belongs to the layer form: {"layer": name, "key": ...}']}),
    (layers(base={"a": {"oneshot": "shift", "key": "f"}}), {"layers.base.a.key": ["unknown field"]}),
    (layers(base={"a": {"oneshot": {"layer": "nav", "mods": "a"}}}),
     {"layers.base.a.oneshot.mods": ["mods takes modifier keys only"]}),
    ({**layers(), "combos": [{"keys": ["a", "b"], "action": "x", "hold_ms": 5001}]},
     {"combos.0.hold_ms": ["must be an integer from 0 to 5000"]}),
    ({**layers(), "settings": {"combo_hold_ms": -1}},
     {"settings.combo_hold_ms": ["must be an integer from 0 to 5000"]}),
    ({**layers(), "settings": {"modifier_guard": "lefctrl"}},
     {"settings.modifier_guard": ["unknown key 'lefctrl' (did you mean 'leftctrl'?)"]}),
    ({**layers(), "settings": {"modifier_guard": 29}}, {"settings.modifier_guard": ["must be a key name (a string)"]}),
])
def test_errors_by_path(profile: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert validate_profile(profile) == errors


def test_the_layer_fields_compile() -> None:
    compiled = compile_profile({
        "settings": {"modifier_guard": None, "combo_hold_ms": 80},
        "layers": {"base": {"a": {"layer": "nav", "mods": "ctrl+shift", "macro": ["x"]},
                            "b": {"toggle": "nav", "mods": "alt"}, "c": {"clear": True},
                            "d": {"repeat_last": True},
                            "e": {"oneshot": {"layer": "sym", "mods": "meta", "key": "ctrl+f"}}},
                   "nav": {"s": {"swap": "sym", "mods": "rightalt"}}, "sym": {}, "sym+nav": {"h": "left"}},
        "combos": [{"keys": ["j", "k"], "action": "esc"}, {"keys": ["j", "l"], "action": "tab", "hold_ms": 0}]})
    base, nav = compiled.layers[0], compiled.layers[1]
    x = ((k("x"), 1), (k("x"), 0))
    assert base[k("a")] == LayerAct(1, (k("leftctrl"), k("leftshift")), x)
    assert base[k("b")] == ToggleAct(1, (k("leftalt"),))
    assert base[k("c")] == ClearAct() and base[k("d")] == RepeatAct()
    assert base[k("e")] == OneShotAct((), 2, (k("leftmeta"),), (k("leftctrl"), k("f")))
    assert nav[k("s")] == SwapAct(2, (k("rightalt"),))
    assert compiled.modifier_guard == -1 and compiled.repeats
    assert compiled.composites == ((3, frozenset({1, 2})),)
    assert [c.hold for c in compiled.combos] == [80.0, 0.0]


def test_the_guard_defaults_to_leftctrl() -> None:
    assert compile_profile(layers()).modifier_guard == k("leftctrl")
    assert not compile_profile(layers()).repeats
