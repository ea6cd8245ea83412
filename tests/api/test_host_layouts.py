"""Host layouts and mouse output through the API: GET /api/host-layouts, 422s, simulate's motion items."""
from __future__ import annotations

import hw
from tests.api.test_profiles import assert_problem
from tests.conftest import ApiClient


def test_host_layouts_lists_what_settings_may_name(api: ApiClient) -> None:
    r = api.get("/api/host-layouts")
    assert r.status_code == 200
    body = r.get_json()
    assert body["source"] == hw.host_layouts().source
    layouts = {entry["name"]: entry for entry in body["layouts"]}
    assert layouts["de"]["description"] == "German"
    assert {"name": "dvorak", "description": "English (Dvorak)"} in layouts["us"]["variants"]
    assert ApiClient(api.client, token=None).get("/api/host-layouts").status_code == 401


def profile(**settings: object) -> dict[str, object]:
    return {"name": "text", "settings": settings, "layers": {"base": {"f2": {"macro": [{"text": "é"}]}}}}


def test_a_character_the_layout_lacks_is_a_422_naming_it(api: ApiClient) -> None:
    r = api.post("/api/profiles", json=profile(unicode_method="none"))
    problem = assert_problem(r, 422)
    (message,) = problem["errors"]["layers.base.f2.macro.0.text"]
    assert "'é' at 0" in message and "'us'" in message


def test_the_same_text_is_fine_where_the_layout_has_it(api: ApiClient) -> None:
    r = api.post("/api/profiles", json=profile(host_layout={"layout": "fr", "variant": ""}))
    assert r.status_code == 201, r.get_json()


def test_an_unknown_layout_gets_a_did_you_mean(api: ApiClient) -> None:
    problem = assert_problem(api.post("/api/profiles", json=profile(host_layout={"layout": "frr"})), 422)
    assert "did you mean 'fr'" in problem["errors"]["settings.host_layout.layout"][0]


def test_a_wheel_in_no_direction_is_a_422_at_its_path(api: ApiClient) -> None:
    r = api.post("/api/profiles", json={"name": "w", "layers": {"base": {"f2": {"wheel": "sideways"}}}})
    assert "layers.base.f2.wheel" in assert_problem(r, 422)["errors"]


def test_simulate_returns_motion_items(api: ApiClient) -> None:
    r = api.post("/api/simulate", json={"profile": {"layers": {"base": {
        "f1": "btn_left", "f2": {"wheel": "down", "repeat_ms": 50}}}}, "script": "d:f1 u:f1 d:f2 t:60 u:f2"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["output"] == [
        {"key": "btn_left", "action": "press", "at_ms": 0}, {"key": "btn_left", "action": "release", "at_ms": 0},
        {"rel": "wheel", "value": -1, "at_ms": 0}, {"rel": "wheel", "value": -1, "at_ms": 50}]
