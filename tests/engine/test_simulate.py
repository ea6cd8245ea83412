"""Script and KeyStep parsing and the simulator's timing."""

import pytest

from hw.engine import ScriptError, Step, compile_profile, parse_events, parse_script, simulate
from hw.engine import code_of as k


def test_parse_script() -> None:
    assert parse_script("d:capslock t:250 u:KEY_CAPSLOCK r:a t:0.5 d:btn_left") == [
        Step(0, k("capslock"), 1), Step(250, k("capslock"), 0), Step(250, k("a"), 2),
        Step(250.5, k("btn_left"), 1)]
    assert parse_script("  ") == []


@pytest.mark.parametrize("script,message", [
    ("d:a u:a t:x", "token 3 't:x': the time must be a non-negative number of ms"),
    ("t:-1", "token 1 't:-1': the time must be a non-negative number of ms"),
    ("t:nan", "token 1 't:nan': the time must be a non-negative number of ms"),
    ("d:capslok", "token 1 'd:capslok': unknown key 'capslok' (did you mean 'capslock'?)"),
    ("x:a", "token 1 'x:a': expected d:KEY, u:KEY, r:KEY or t:MS"),
    ("d:", "token 1 'd:': expected d:KEY, u:KEY, r:KEY or t:MS"),
    ("a", "token 1 'a': expected d:KEY, u:KEY, r:KEY or t:MS"),
])
def test_parse_script_errors(script: str, message: str) -> None:
    with pytest.raises(ScriptError) as info:
        parse_script(script)
    assert info.value.errors == {"script": [message]}


def test_parse_events() -> None:
    assert parse_events([{"key": "a", "action": "press", "at_ms": 0},
                         {"key": "b", "action": "tap", "at_ms": 5},
                         {"key": "a", "action": "release", "at_ms": 5.5}]) == [
        Step(0, k("a"), 1), Step(5, k("b"), 1), Step(5, k("b"), 0), Step(5.5, k("a"), 0)]


def test_parse_events_errors() -> None:
    with pytest.raises(ScriptError) as info:
        parse_events([{"key": "capslok", "action": "press", "at_ms": 0},
                      {"key": "a", "action": "hold", "at_ms": 5, "x": 1},
                      {"key": "a", "action": "press", "at_ms": 10},
                      {"key": "a", "action": "press", "at_ms": 9},
                      {"key": 3, "action": "press", "at_ms": True},
                      "nope"])
    assert info.value.errors == {
        "events.0.key": ["unknown key 'capslok' (did you mean 'capslock'?)"],
        "events.1.action": ["must be one of press, release, tap, repeat"],
        "events.1.x": ["unknown field"],
        "events.3.at_ms": ["must not be earlier than the previous event"],
        "events.4.key": ["required: a key name"],
        "events.4.at_ms": ["must be a number from 0 to 86400000"],
        "events.5": ["must be an object with key, action and at_ms"],
    }


def test_outputs_carry_the_time_they_fired() -> None:
    profile = compile_profile({"layers": {"base": {
        "capslock": {"tap": "esc", "hold": "leftctrl"},
        "f1": {"macro": ["a", {"delay_ms": 30}, "b"]}}}})
    assert simulate(profile, parse_script("d:capslock t:250 u:capslock t:10 d:f1 u:f1")) == [
        {"key": "leftctrl", "action": "press", "at_ms": 200},
        {"key": "leftctrl", "action": "release", "at_ms": 250},
        {"key": "a", "action": "press", "at_ms": 260},
        {"key": "a", "action": "release", "at_ms": 260},
        {"key": "b", "action": "press", "at_ms": 290},
        {"key": "b", "action": "release", "at_ms": 290},
    ]


def test_pending_things_resolve_at_the_end() -> None:
    profile = compile_profile({"layers": {"base": {"capslock": {"tap": "esc", "hold": "leftctrl"}}}})
    assert simulate(profile, parse_script("d:capslock")) == [
        {"key": "leftctrl", "action": "press", "at_ms": 200}]


def test_pass_through() -> None:
    assert simulate(None, parse_script("d:a t:1.5 u:a")) == [
        {"key": "a", "action": "press", "at_ms": 0},
        {"key": "a", "action": "release", "at_ms": 1.5}]
