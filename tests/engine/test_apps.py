"""Per-application rules, layer operations and virtual keys: validation, matching, JSON steps."""

from __future__ import annotations

from typing import Any

import pytest

from hw.engine import ScriptError, compile_profile, parse_events, parse_script, simulate, validate_profile
from hw.engine.apps import Focus, app_layers, matching_rules
from hw.engine.simulate import format_output

PROFILE: dict[str, Any] = {
    "layers": {"base": {"space": {"layer": "nav"}}, "term": {"f1": "ctrl+shift+t"},
               "browser": {"f1": "ctrl+t"}, "video": {"f1": "k"}, "nav": {"f1": "f13"}},
    "apps": [{"match": {"app_id": "kitty"}, "layers": ["term"]},
             {"match": {"app_id": "firefox", "title": "/ - YouTube/"}, "layers": ["video"]},
             {"match": {"app_id": "/^(firefox|chromium)$/"}, "layers": ["browser"]}]}


def _run(events: list[dict[str, Any]], profile: dict[str, Any] = PROFILE) -> str:
    return format_output(simulate(compile_profile(profile), parse_events(events)))


@pytest.mark.parametrize(("title", "out"), [
    ("Cats - YouTube — Mozilla Firefox", "d:k u:k"),
    ("Inbox", "d:leftctrl d:t u:t u:leftctrl"),
])
def test_event_form_matches_titles(title: str, out: str) -> None:
    events = [{"focus": {"app_id": "firefox", "title": title}, "at_ms": 0},
              {"key": "f1", "action": "tap", "at_ms": 10}]
    assert _run(events) == out


def test_event_forms_of_layer_ops_and_virtual_keys() -> None:
    profile = {"layers": {"base": {}, "nav": {"h": "left"}}, "virtual_keys": {"mic": "f20"}}
    events = [{"layer": {"op": "on", "layer": "nav"}, "at_ms": 0}, {"key": "h", "action": "tap"},
              {"layer": {"op": "clear"}}, {"key": "h", "action": "tap"},
              {"virtual": "mic", "action": "tap", "at_ms": 5}, {"focus": None}]
    assert _run(events, profile) == "d:left u:left d:h u:h d:f20 u:f20"


@pytest.mark.parametrize(("events", "path"), [
    ([{"focus": {"app_id": 5}}], "events.0.focus"),
    ([{"focus": {"app_id": "a", "title": "x" * 1025}}], "events.0.focus"),
    ([{"focus": {"app_id": "a"}, "extra": 1}], "events.0.extra"),
    ([{"layer": {"op": "up", "layer": "nav"}}], "events.0.layer"),
    ([{"layer": {"op": "clear", "layer": "nav"}}], "events.0.layer"),
    ([{"virtual": "mic", "action": "hold"}], "events.0"),
])
def test_event_form_errors(events: list[dict[str, Any]], path: str) -> None:
    with pytest.raises(ScriptError) as info:
        parse_events(events)
    assert path in info.value.errors


@pytest.mark.parametrize("token", ["L:*nav", "L:+Nav", "V:mic", "V:mic:hold"])
def test_script_token_errors(token: str) -> None:
    with pytest.raises(ScriptError):
        parse_script(token)


def test_unknown_virtual_key_is_a_script_error() -> None:
    with pytest.raises(ScriptError):
        simulate(compile_profile({"layers": {"base": {}}}), parse_script("V:nope:tap"))


def test_validation_paths() -> None:
    bad = {"layers": {"base": {}, "term": {}},
           "apps": [{"match": {"title": "/([/"}, "layers": ["term"]},
                    {"match": {"app_id": "kitty"}, "layers": ["trem"]},
                    {"match": {}, "layers": []},
                    {"match": {"app_id": "x", "class": "y"}, "layers": ["base"], "extra": 1}],
           "virtual_keys": {"Bad Name": "a", "th": {"tap": "a", "hold": "b"}, "ok": "nokey"}}
    errors = validate_profile(bad)
    assert "invalid regular expression" in errors["apps.0.match.title"][0]
    assert errors["apps.1.layers.0"] == ["unknown layer 'trem' (did you mean 'term'?)"]
    assert "apps.2.match" in errors and "apps.2.layers" in errors
    assert errors["apps.3.match.class"] == ["unknown field"]
    assert errors["apps.3.extra"] == ["unknown field"]
    assert "apps.3.layers.0" in errors
    assert "virtual_keys.Bad Name" in errors
    assert "virtual_keys.th" in errors
    assert "unknown key 'nokey'" in errors["virtual_keys.ok"][0]


def test_at_most_64_rules() -> None:
    rule = {"match": {"app_id": "a"}, "layers": ["t"]}
    ok = {"layers": {"base": {}, "t": {}}, "apps": [rule] * 64}
    assert validate_profile(ok) == {}
    assert validate_profile({**ok, "apps": [rule] * 65}) == {"apps": ["at most 64 rules"]}


def test_matching_is_a_pure_function() -> None:
    rules = compile_profile(PROFILE).apps
    assert matching_rules(rules, Focus("firefox", "x - YouTube")) == [1, 2]
    assert matching_rules(rules, Focus("FIREFOX", "x - YouTube")) == [1]  # exact: any case; regex: as written
    assert matching_rules(rules, Focus("firefox", "x - youtube")) == [2]  # a regex is as written
    assert matching_rules(rules, None) == []
    # bottom first: browser (2) below video (3), the first matching rule's layer on top
    assert app_layers(rules, Focus("firefox", "x - YouTube")) == [2, 3]


def test_cancel_applies_the_controls_that_waited() -> None:
    """A machine that sleeps with a tap-hold undecided and a focus change and a layer op behind it:
    the keys are cancelled, the controls still happen, and later controls stay in step."""
    from hw.engine import Engine
    from hw.engine.apps import focus_of
    from hw.engine.keys import code_of
    from hw.engine.layerops import FocusChange, LayerOp
    engine = Engine(compile_profile({"layers": {"base": {"a": {"tap": "a", "hold": "leftctrl"}},
                                                "term": {"f1": "f2"}, "nav": {"h": "left"}},
                                     "apps": [{"match": {"app_id": "kitty"}, "layers": ["term"]}]}))
    assert engine.feed(code_of("a"), 1, 0) == []  # undecided
    assert engine.control(FocusChange(focus_of("kitty", "")), 1) == []
    assert engine.control(LayerOp("on", "nav"), 2) == []  # both wait behind the tap-hold
    assert engine.cancel(3) == []
    assert engine.layers() == ["base", "term", "nav"]
    assert engine.control(LayerOp("off", "nav"), 4) == [] and engine.layers() == ["base", "term"]
    assert engine.feed(code_of("f1"), 1, 5) == [(code_of("f2"), 1)]
