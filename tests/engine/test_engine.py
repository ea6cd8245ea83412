"""Engine behaviour through its interface: the PROFILES.md examples and the live-loop calls."""

from typing import Any

import pytest

from hw.engine import Engine, compile_profile, parse_script, simulate
from hw.engine import code_of as k
from hw.engine.simulate import format_output

TH = {"tap": "esc", "hold": "leftctrl"}


def run(layers: dict[str, Any], script: str) -> str:
    return format_output(simulate(compile_profile({"layers": layers}), parse_script(script)))


# The table of examples in PROFILES.md, exactly.
@pytest.mark.parametrize("layers,script,expected", [
    ({"base": {"capslock": "esc"}}, "d:capslock u:capslock", "d:esc u:esc"),
    ({"base": {"capslock": TH}}, "d:capslock t:50 u:capslock", "d:esc u:esc"),
    ({"base": {"capslock": TH}}, "d:capslock t:300 d:c u:c u:capslock",
     "d:leftctrl d:c u:c u:leftctrl"),
    ({"base": {"capslock": {**TH, "mode": "permissive"}}}, "d:capslock t:50 d:c u:c u:capslock",
     "d:leftctrl d:c u:c u:leftctrl"),
    ({"base": {"capslock": {**TH, "mode": "timeout"}}}, "d:capslock t:50 d:c u:c u:capslock",
     "d:esc d:c u:c u:esc"),
    ({"base": {"space": {"layer": "nav"}}, "nav": {"h": "left"}}, "d:space d:h u:h u:space",
     "d:left u:left"),
    ({"base": {"f1": {"macro": ["h", "i"]}}}, "d:f1 u:f1", "d:h u:h d:i u:i"),
    # "Undecided keys and order"
    ({"base": {"capslock": TH}}, "d:capslock d:c u:c u:capslock", "d:leftctrl d:c u:c u:leftctrl"),
    ({"base": {"capslock": {**TH, "mode": "timeout"}}}, "d:capslock d:c u:c u:capslock",
     "d:esc d:c u:c u:esc"),
])
def test_profiles_md_examples(layers: dict[str, Any], script: str, expected: str) -> None:
    assert run(layers, script) == expected


def test_pass_through_engine() -> None:
    e = Engine(None)
    assert e.feed(k("a"), 1, 0) == [(k("a"), 1)]
    assert e.feed(k("a"), 2, 30) == [(k("a"), 2)]
    assert e.held() == {k("a")}
    assert e.feed(k("a"), 0, 40) == [(k("a"), 0)]
    assert e.layers() == ["base"]
    assert e.next_deadline() is None


def test_next_deadline_and_advance_for_a_tap_hold() -> None:
    e = Engine(compile_profile({"layers": {"base": {"capslock": TH}}}))
    assert e.feed(k("capslock"), 1, 1000.0) == []
    assert e.next_deadline() == 1200.0
    assert e.advance(1199.0) == []
    assert e.advance(1250.0) == [(k("leftctrl"), 1)]
    assert e.next_deadline() is None
    assert e.feed(k("capslock"), 0, 1300.0) == [(k("leftctrl"), 0)]


def test_feed_fires_due_timers_first_when_advance_was_late() -> None:
    e = Engine(compile_profile({"layers": {"base": {"capslock": TH}}}))
    e.feed(k("capslock"), 1, 0)
    # The caller never called advance(): the hold still comes before the later key.
    assert e.feed(k("c"), 1, 500) == [(k("leftctrl"), 1), (k("c"), 1)]


def test_layers_reports_the_stack() -> None:
    e = Engine(compile_profile({"layers": {
        "base": {"space": {"layer": "nav"}, "f1": {"toggle": "sym"}, "f2": {"switch": "qwerty"}},
        "nav": {}, "sym": {}, "qwerty": {"space": {"layer": "nav"}}}}))
    assert e.layers() == ["base"]
    e.feed(k("space"), 1, 0)
    assert e.layers() == ["base", "nav"]
    e.feed(k("f1"), 1, 0)
    e.feed(k("f1"), 0, 0)
    assert e.layers() == ["base", "nav", "sym"]
    e.feed(k("space"), 0, 0)
    assert e.layers() == ["base", "sym"]
    e.feed(k("f2"), 1, 0)
    assert e.layers() == ["qwerty", "sym"]


def test_set_profile_releases_what_the_old_mapping_pressed() -> None:
    old = compile_profile({"layers": {"base": {"a": "ctrl+c", "space": {"layer": "nav"}},
                                      "nav": {"h": "left"}}})
    new = compile_profile({"layers": {"base": {"a": "z"}}})
    e = Engine(old)
    e.feed(k("a"), 1, 0)
    e.feed(k("space"), 1, 0)
    e.feed(k("h"), 1, 0)
    assert e.held() == {k("leftctrl"), k("c"), k("left")}
    assert e.set_profile(new, 10) == [(k("left"), 0), (k("c"), 0), (k("leftctrl"), 0)]
    assert e.held() == frozenset() and e.layers() == ["base"]
    # The old presses' releases do nothing; new presses use the new mapping.
    assert e.feed(k("a"), 0, 20) == []
    assert e.feed(k("h"), 0, 20) == []
    assert e.feed(k("a"), 1, 30) == [(k("z"), 1)]


def test_release_all_drops_pending_input() -> None:
    e = Engine(compile_profile({"layers": {"base": {"capslock": TH, "f1": {"oneshot": "shift"}}}}))
    e.feed(k("f1"), 1, 0)
    e.feed(k("f1"), 0, 0)
    e.feed(k("x"), 1, 0)
    e.feed(k("capslock"), 1, 10)
    e.feed(k("y"), 1, 20)
    assert e.next_deadline() == 210
    assert e.release_all(30) == [(k("x"), 0)]
    assert e.held() == frozenset() and e.next_deadline() is None
    assert e.advance(1000) == []
    assert e.feed(k("y"), 0, 40) == []


def test_oneshot_deadline_is_reported() -> None:
    e = Engine(compile_profile({"settings": {"oneshot_ms": 300},
                                "layers": {"base": {"f1": {"oneshot": "shift"}}}}))
    e.feed(k("f1"), 1, 0)
    assert e.next_deadline() == 300
    e.feed(k("f1"), 0, 100)
    assert e.next_deadline() == 400
    assert e.advance(400) == [(k("leftshift"), 0)]
    assert e.next_deadline() is None


def test_macro_delay_is_a_deadline() -> None:
    e = Engine(compile_profile({"layers": {"base": {"f1": {"macro": ["a", {"delay_ms": 40},
                                                                      "b"]}}}}))
    assert e.feed(k("f1"), 1, 0) == [(k("a"), 1), (k("a"), 0)]
    assert e.next_deadline() == 40
    assert e.feed(k("x"), 1, 10) == []
    assert e.advance(40) == [(k("b"), 1), (k("b"), 0), (k("x"), 1)]


def test_unknown_values_are_ignored() -> None:
    e = Engine(None)
    assert e.feed(k("a"), 7, 0) == []
    assert e.feed(k("a"), 0, 0) == []


def test_waiting_input_is_bounded() -> None:
    e = Engine(compile_profile({"layers": {"base": {"f1": {"macro": [
        {"delay_ms": 10_000}] * 200 + ["x"]}}}}))
    assert e.feed(k("f1"), 1, 0) == []
    out = []
    for i in range(600):
        out += e.feed(k("a"), 1, i) + e.feed(k("a"), 0, i)
    assert out[:2] == [(k("x"), 1), (k("x"), 0)]
    assert out[2:] == [(k("a"), 1), (k("a"), 0)] * 600
    assert e.next_deadline() is None
