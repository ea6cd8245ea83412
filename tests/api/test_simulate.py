"""POST /api/simulate through the Flask test client."""
from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_profiles import assert_problem, create
from tests.conftest import CAPS, ApiClient


def sim(api: ApiClient, **body: Any) -> Any:
    return api.post("/api/simulate", json=body)


def test_stored_profile_with_a_script(api: ApiClient) -> None:
    create(api)
    r = sim(api, profile="coding", script="d:capslock t:50 u:capslock")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"output": [{"key": "esc", "action": "press", "at_ms": 50},
                                       {"key": "esc", "action": "release", "at_ms": 50}]}


def test_inline_profile_with_events(api: ApiClient) -> None:
    r = sim(api, profile=CAPS, events=[
        {"key": "capslock", "action": "press", "at_ms": 0},
        {"key": "c", "action": "tap", "at_ms": 300},
        {"key": "capslock", "action": "release", "at_ms": 310}])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["output"] == [
        {"key": "leftctrl", "action": "press", "at_ms": 200},
        {"key": "c", "action": "press", "at_ms": 300},
        {"key": "c", "action": "release", "at_ms": 300},
        {"key": "leftctrl", "action": "release", "at_ms": 310}]


def test_inline_profile_may_carry_a_name_and_read_only_fields(api: ApiClient) -> None:
    r = sim(api, profile={"name": "x", "revision": 3, **CAPS}, script="d:a u:a")
    assert r.status_code == 200, r.get_json()


def test_null_profile_is_pass_through(api: ApiClient) -> None:
    r = sim(api, profile=None, script="d:a u:a")
    assert r.get_json()["output"] == [{"key": "a", "action": "press", "at_ms": 0},
                                      {"key": "a", "action": "release", "at_ms": 0}]


def test_does_not_touch_the_store_or_hardware(api: ApiClient) -> None:
    create(api)
    before = api.get("/api/profiles/coding").get_json()
    sim(api, profile="coding", script="d:capslock u:capslock")
    assert api.get("/api/profiles/coding").get_json() == before


def test_round_two_layer_actions_run_through_the_api(api: ApiClient) -> None:
    profile = {"settings": {"modifier_guard": "rightctrl"},
               "layers": {"base": {"leftmeta": {"layer": "m", "mods": "leftmeta"}, "f1": {"repeat_last": True}},
                          "m": {"a": "b", "s": {"swap": "n"}}, "n": {"a": "c"}},
               "combos": [{"keys": ["j", "k"], "action": "esc", "hold_ms": 100}]}
    r = sim(api, profile=profile, script="d:leftmeta d:a u:a d:s u:s d:a u:a u:leftmeta d:f1 u:f1 "
                                         "d:j d:k t:150 u:j u:k")
    assert r.status_code == 200, r.get_json()
    got = " ".join(f"{o['action'][0]}:{o['key']}" for o in r.get_json()["output"])
    assert got == ("p:leftmeta p:rightctrl r:leftmeta r:rightctrl p:b r:b p:leftmeta p:rightctrl r:leftmeta "
                   "r:rightctrl p:c r:c p:c r:c p:esc r:esc")
    problem = assert_problem(sim(api, profile={"layers": {"base": {"a": {"layer": "nav", "mods": "x"}}, "nav": {}}},
                                 script="d:a"), 422)
    assert problem["errors"] == {"profile.layers.base.a.mods": ["mods takes modifier keys only"]}


def test_unknown_stored_profile_is_404(api: ApiClient) -> None:
    assert_problem(sim(api, profile="nope", script="d:a"), 404)


@pytest.mark.parametrize("body,errors", [
    ({"profile": {"layers": {"base": {"capslok": "esc"}}}, "script": "d:a"},
     {"profile.layers.base.capslok": ["unknown key 'capslok' (did you mean 'capslock'?)"]}),
    ({"profile": None, "script": "d:a u:a t:x"},
     {"script": ["token 3 't:x': the time must be a non-negative number of ms"]}),
    ({"profile": None, "events": [{"key": "capslok", "action": "press"}]},
     {"events.0.key": ["unknown key 'capslok' (did you mean 'capslock'?)"]}),
    ({"profile": None, "events": [{"key": "a", "action": "press", "at_ms": 10},
                                  {"key": "a", "action": "release", "at_ms": 5}]},
     {"events.1.at_ms": ["must not be earlier than the previous event"]}),
    ({"profile": None}, {"body": ["give either events or script"]}),
    ({"profile": None, "script": "d:a", "events": []}, {"body": ["give either events or script"]}),
    ({"script": "d:a"}, {"profile": ["Missing data for required field."]}),
    ({"profile": 3, "script": "d:a"}, {"profile": ["must be a profile name, a profile object or null"]}),
    ({"profile": None, "script": "d:a", "speed": 2}, {"speed": ["Unknown field."]}),
])
def test_bad_input_is_422_with_paths(api: ApiClient, body: dict[str, Any],
                                     errors: dict[str, list[str]]) -> None:
    problem = assert_problem(sim(api, **body), 422)
    assert problem["errors"] == errors


def test_body_must_be_json(api: ApiClient) -> None:
    r = api.post("/api/simulate", data="d:a", headers={"Content-Type": "text/plain"})
    assert_problem(r, 415)


def test_needs_the_token(api: ApiClient) -> None:
    api.token = None
    assert_problem(sim(api, profile=None, script="d:a"), 401)


def out_keys(api: ApiClient, name: str) -> list[str]:
    r = sim(api, profile=name, script="d:capslock u:capslock")
    assert r.status_code == 200, r.get_json()
    return [o["key"] for o in r.get_json()["output"]]


def test_a_profile_created_again_under_its_name_runs_its_new_content(api: ApiClient, app: Any) -> None:
    create(api, layers={"base": {"capslock": "esc"}})
    assert api.post("/api/profiles/coding/activate").status_code == 200
    assert out_keys(api, "coding") == ["esc", "esc"]
    assert api.put("/api/active-profile", json={"name": None}).status_code == 200
    assert api.delete("/api/profiles/coding").status_code == 204
    create(api, layers={"base": {"capslock": "a"}})  # revision 1 again
    assert api.post("/api/profiles/coding/activate").status_code == 200
    assert out_keys(api, "coding") == ["a", "a"]
    runtime = app.extensions["keyrx"]
    assert runtime.hw_config().default_profile is runtime.profiles.compiled("coding")


def test_a_rename_onto_a_cached_name_and_revision_runs_the_renamed_content(api: ApiClient) -> None:
    create(api, "x", layers={"base": {"capslock": "esc"}})
    assert api.patch("/api/profiles/x", json={"layers": {"base": {"capslock": "tab"}}}).status_code == 200
    assert out_keys(api, "x") == ["tab", "tab"]  # x, revision 2
    assert api.patch("/api/profiles/x", json={"name": "gone"}).status_code == 200
    create(api, "y", layers={"base": {"capslock": "a"}})
    assert api.patch("/api/profiles/y", json={"name": "x"}).get_json()["revision"] == 2
    assert out_keys(api, "x") == ["a", "a"]


TAP_FAMILY = {"name": "tapfam", "hands": {"left": ["f", "r"], "right": ["j"]},
              "sequences": [{"keys": ["g", "s"], "action": "esc"}],
              "settings": {"quick_tap_ms": 150},
              "layers": {"base": {"f": {"tap": "f", "hold": "leftshift", "hand_rule": True},
                                  "f12": {"leader": {}}, "capslock": {"caps_word": {}},
                                  "f1": {"tap_dance": ["a", "b"]}}}}


def test_stored_profile_with_hands_and_sequences_runs_the_tap_family(api: ApiClient) -> None:
    """hands and sequences are stored and reach the engine; nothing filters the new actions."""
    assert api.post("/api/profiles", json=TAP_FAMILY).status_code == 201
    stored = api.get("/api/profiles/tapfam").get_json()
    assert stored["hands"] == TAP_FAMILY["hands"] and stored["sequences"] == TAP_FAMILY["sequences"]
    for script, expected in [("d:f t:20 d:r u:r u:f", "d:f d:r u:r u:f"),
                             ("d:f12 u:f12 d:g u:g d:s u:s", "d:esc u:esc"),
                             ("d:capslock u:capslock d:a u:a", "d:leftshift d:a u:leftshift u:a"),
                             ("d:f1 u:f1 d:f1 u:f1", "d:b u:b")]:
        r = sim(api, profile="tapfam", script=script)
        assert r.status_code == 200, r.get_json()
        got = " ".join(f"{'d' if o['action'] == 'press' else 'u'}:{o['key']}" for o in r.get_json()["output"])
        assert got == expected, script


def test_inline_profile_errors_of_the_tap_family_by_path(api: ApiClient) -> None:
    r = sim(api, profile={"hands": {"left": ["f"], "right": ["f"]}, "sequences": [{"keys": ["g"], "action": "x"},
                                                                              {"keys": ["g", "s"], "action": "y"}],
                          "layers": {"base": {"f": {"tap": "f", "hold": "leftshift", "hand_rule": True}}}},
            script="d:f u:f")
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert errors["profile.hands.right.0"] == ["key 'f' is in both hands"]
    assert "profile.sequences.0.keys" in errors
