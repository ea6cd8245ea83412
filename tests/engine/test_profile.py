"""Profile validation paths and messages, and compilation."""

from typing import Any

import pytest

from hw.engine import ProfileError, compile_profile, validate_profile
from hw.engine import code_of as k
from hw.engine.actions import (
    DELAY,
    NULL,
    PERMISSIVE,
    PRESS,
    TIMEOUT,
    KeyAct,
    LayerAct,
    MacroAct,
    OneShotAct,
    SwitchAct,
    TapHoldAct,
    ToggleAct,
)


def base(**layer: Any) -> dict[str, Any]:
    return {"layers": {"base": layer}}


def test_example_profile_from_api_doc_is_valid() -> None:
    profile = {"name": "coding", "description": "caps as ctrl/esc, nav layer",
               "settings": {"tap_hold_ms": 200, "combo_ms": 50, "oneshot_ms": 1000},
               "layers": {"base": {"capslock": {"tap": "esc", "hold": "leftctrl"}},
                          "nav": {"h": "left", "j": "down", "k": "up", "l": "right"}},
               "combos": [{"keys": ["j", "k"], "action": "esc"}],
               "active": True, "revision": 7,
               "created_at": "2026-11-25T19:00:00.123Z", "updated_at": "2026-11-25T19:10:00.456Z"}
    assert validate_profile(profile) == {}


@pytest.mark.parametrize("profile,errors", [
    (base(capslok="esc"), {"layers.base.capslok": ["unknown key 'capslok' (did you mean 'capslock'?)"]}),
    ({"layers": {"base": {"space": {"layer": "nva"}}, "nav": {}}},
     {"layers.base.space.layer": ["unknown layer 'nva' (did you mean 'nav'?)"]}),
    ({"layers": {"nav": {}}}, {"layers.base": ["required"]}),
    ({}, {"layers": ["required: an object of layers with at least 'base'"]}),
    ({"layers": {"base": {}, "Nav": {}}}, {"layers.Nav": ["layer names match ^[a-z][a-z0-9_-]{0,31}$"]}),
    (base(a="escc"), {"layers.base.a": ["unknown key 'escc' (did you mean 'esc'?)"]}),
    (base(a="ctrl++t"), {"layers.base.a": ["malformed chord 'ctrl++t'"]}),
    (base(a="ctrl+ctrl"), {"layers.base.a": ["key 'ctrl' repeated in chord 'ctrl+ctrl'"]}),
    (base(a=5), {"layers.base.a": ["must be a key name, a chord, null or an action object"]}),
    (base(a={"bogus": 1}), {"layers.base.a": [
        ("unknown action: expected a key, null, or an object with one of key, oneshot, layer, toggle, "
         "switch, swap, clear, repeat_last, tap/hold, macro, tap_dance, caps_word, leader, wheel, move, "
         "move_scale, unicode")]}),
    (base(a={"tap_danse": ["a", "b"]}), {"layers.base.a": [
        ("unknown action: expected a key, null, or an object with one of key, oneshot, layer, toggle, "
         "switch, swap, clear, repeat_last, tap/hold, macro, tap_dance, caps_word, leader, wheel, move, "
         "move_scale, unicode (did you mean 'tap_dance'?)")]}),
    (base(a={"key": "b", "repeat": "no"}), {"layers.base.a.repeat": ["must be true or false"]}),
    (base(a={"key": "b", "colour": 1}), {"layers.base.a.colour": ["unknown field"]}),
    (base(a={"tap": "b"}), {"layers.base.a.hold": ["required with a tap-hold"]}),
    (base(a={"tap": "b", "hold": "c", "mode": "eager"}),
     {"layers.base.a.mode": ["must be one of timeout, press, permissive, alone"]}),
    (base(a={"tap": "b", "hold": "c", "timeout_ms": 0}),
     {"layers.base.a.timeout_ms": ["must be an integer from 1 to 10000"]}),
    (base(a={"tap": "b", "hold": "c", "timeout_ms": True}),
     {"layers.base.a.timeout_ms": ["must be an integer from 1 to 10000"]}),
    # Round 2: tap-holds nest, to depth 3 (PROFILES.md §7.4).
    (base(a={"tap": {"tap": {"tap": {"tap": "b", "hold": "c"}, "hold": "c"}, "hold": "c"}, "hold": "c"}),
     {"layers.base.a.tap.tap.tap": ["tap-holds nest at most 3 deep"]}),
    (base(a={"macro": []}), {"layers.base.a.macro": ["must be a non-empty list"]}),
    (base(a={"macro": ["b", {"delay_ms": 10_001}]}),
     {"layers.base.a.macro.1.delay_ms": ["must be an integer from 0 to 10000"]}),
    (base(a={"macro": [{"text": "café"}]}), {"layers.base.a.macro.0.text": [
        "character 'é' at 3 cannot be typed on host layout 'us' (set settings.unicode_method to "
        "'ctrl_shift_u' to type it by code point)"]}),
    (base(a={"macro": [{"text": "x" * 1001}]}),
     {"layers.base.a.macro.0.text": ["must be a string of at most 1000 characters"]}),
    (base(a={"macro": ["b"] * 257}), {"layers.base.a.macro": ["a macro has at most 256 steps"]}),
    (base(a={"macro": [3]}), {"layers.base.a.macro.0": [
        'must be a key, a chord, {"delay_ms": ms} or {"text": str}']}),
    (base(a={"oneshot": {"layer": "x"}}), {"layers.base.a.oneshot.layer": ["unknown layer 'x'"]}),
    (base(a={"oneshot": 3}), {"layers.base.a.oneshot": ['must be a key, a chord or {"layer": name}']}),
    (base(a="b", KEY_A="c"), {"layers.base.KEY_A": ["key 'KEY_A' is mapped twice in this layer"]}),
    ({"settings": {"tap_hold_ms": 99_999, "colour": 1}, "layers": {"base": {}}},
     {"settings.tap_hold_ms": ["must be an integer from 1 to 10000"],
      "settings.colour": ["unknown field"]}),
    ({"settings": [], "layers": {"base": {}}}, {"settings": ["must be an object"]}),
    ({"layers": {"base": {}}, "colour": 1}, {"colour": ["unknown field"]}),
    ({"layers": {"base": []}}, {"layers.base": ["must be an object of key: action"]}),
    ({"layers": {"base": {}}, "combos": {}}, {"combos": ["must be a list"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "kk"], "action": "esc"}]},
     {"combos.0.keys.1": ["unknown key 'kk'"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j"], "action": "esc"}]},
     {"combos.0.keys": ["must be a list of 2 to 8 keys"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "j"], "action": "esc"}]},
     {"combos.0.keys.1": ["key 'j' repeated"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "k"]}]}, {"combos.0.action": ["required"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": {"tap": "a", "hold": "b"}}]},
     {"combos.0.action": ["a tap-hold is not allowed here"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": "a", "layers": ["nav"]}]},
     {"combos.0.layers.0": ["unknown layer 'nav'"]}),
    ({"layers": {"base": {}}, "combos": [{"keys": ["j", "k"], "action": "a", "timeout_ms": -1}]},
     {"combos.0.timeout_ms": ["must be an integer from 1 to 5000"]}),
    ({"layers": {"base": {}}, "combos": [3]}, {"combos.0": ["must be an object with keys and action"]}),
])
def test_errors_by_path(profile: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert validate_profile(profile) == errors


def test_not_an_object() -> None:
    assert validate_profile([]) == {"": ["must be an object"]}  # type: ignore[arg-type]


def test_limits() -> None:
    layers = {f"l{i}": {} for i in range(64)}
    assert validate_profile({"layers": {"base": {}, **layers}}) == {"layers": ["at most 64 layers"]}
    many = {f"f{i}": "a" for i in range(1, 25)} | {f"kp{i}": "a" for i in range(10)}
    assert validate_profile(base(**many)) == {}


def test_compile_shapes() -> None:
    c = compile_profile({
        "settings": {"tap_hold_ms": 180},
        "layers": {
            "base": {"capslock": {"tap": "esc", "hold": "leftctrl"}, "a": None,
                     "b": "ctrl+shift+t", "c": {"key": "x", "repeat": False},
                     "space": {"layer": "nav"}, "f1": {"toggle": "nav"}, "f2": {"switch": "nav"},
                     "f3": {"oneshot": "leftshift"}, "f4": {"oneshot": {"layer": "nav"}},
                     "f5": {"macro": ["h", {"delay_ms": 30}, {"text": "I"}]},
                     "f6": {"tap": "a", "hold": "b", "mode": "press", "timeout_ms": 99},
                     "f7": {"tap": "a", "hold": "b", "mode": "timeout"}},
            "nav": {"h": "left"}},
        "combos": [{"keys": ["j", "k"], "action": "esc", "layers": ["nav"]}]})
    b = c.layers[0]
    assert c.layer_names == ("base", "nav")
    assert b[k("capslock")] == TapHoldAct(KeyAct((1,), (1,), 1), KeyAct((29,), (29,), 29), 180.0,
                                          PERMISSIVE)
    assert b[k("a")] is NULL
    assert b[k("b")] == KeyAct((29, 42, 20), (20, 42, 29), 20)
    assert b[k("c")] == KeyAct((45,), (45,), -1)
    assert b[k("space")] == LayerAct(1)
    assert b[k("f1")] == ToggleAct(1)
    assert b[k("f2")] == SwitchAct(1)
    assert b[k("f3")] == OneShotAct((42,), -1)
    assert b[k("f4")] == OneShotAct((), 1)
    assert b[k("f5")] == MacroAct(((35, 1), (35, 0), (30, DELAY), (42, 1), (23, 1), (23, 0),
                                   (42, 0)))
    f6, f7 = b[k("f6")], b[k("f7")]
    assert isinstance(f6, TapHoldAct) and (f6.mode, f6.timeout) == (PRESS, 99.0)
    assert isinstance(f7, TapHoldAct) and f7.mode == TIMEOUT
    (combo,) = c.combos
    assert combo.keys == {k("j"), k("k")} and combo.layers == {1} and combo.timeout == 50.0
    assert c.combos_by_key[k("j")] == (combo,)


def test_compile_raises_with_errors() -> None:
    with pytest.raises(ProfileError) as info:
        compile_profile(base(capslok="esc"))
    assert info.value.errors == {"layers.base.capslok": [
        "unknown key 'capslok' (did you mean 'capslock'?)"]}
    assert isinstance(info.value, ValueError)
