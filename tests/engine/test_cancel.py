"""Engine.cancel (after the machine slept) and the layers that hold modifiers."""

from hw.engine import Engine, code_of, compile_profile

PROFILE = compile_profile({"layers": {
    "base": {"f1": {"toggle": "sym", "mods": "shift"}, "capslock": {"layer": "nav", "mods": "ctrl"},
             "f2": {"macro": ["x", {"delay_ms": 100}, "y"]}},
    "nav": {"j": "down"}, "sym": {"t": {"macro": ["a", {"delay_ms": 100}, "b"]}}}})
F1, CAPS, J, T, SHIFT, CTRL, DOWN, A = (
    code_of(k) for k in ("f1", "capslock", "j", "t", "leftshift", "leftctrl", "down", "a"))


def test_a_toggled_layer_keeps_its_mods_held_layers_end() -> None:
    e = Engine(PROFILE)
    e.feed(F1, 1, 0)
    e.feed(F1, 0, 10)
    e.feed(CAPS, 1, 20)
    e.feed(J, 1, 30)  # found in nav: ctrl lifted while it is held
    assert e.held() == {SHIFT, DOWN}
    assert e.cancel(40) == [(DOWN, 0)]  # nav ended with capslock's release; ctrl stays up
    assert e.held() == {SHIFT} and e.layers() == ["base", "sym"]
    e.feed(CAPS, 1, 50)
    assert e.cancel(60) == [(CTRL, 0)]
    assert e.held() == {SHIFT}
    assert e.feed(F1, 1, 70) == [(SHIFT, 0)]  # the toggle still ends as usual
    assert e.held() == frozenset()


def test_mods_a_dropped_macro_had_lifted_come_back() -> None:
    e = Engine(PROFILE)
    e.feed(F1, 1, 0)
    e.feed(F1, 0, 10)
    assert e.feed(T, 1, 20) == [(SHIFT, 0), (A, 1), (A, 0)]  # typed through sym: shift lifted
    out = e.cancel(40)
    assert out == [(SHIFT, 1)]
    assert e.held() == {SHIFT}
    assert e.feed(F1, 1, 50) == [(SHIFT, 0)]
