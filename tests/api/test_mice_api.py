"""Enabling a mouse (a `pointer` device) through the API, on the virtual backend with a virtual mouse:
it is listed disabled, PATCH {"enabled": true} takes it, and its click settles a keyboard's tap-hold."""
from __future__ import annotations

import time
from pathlib import Path

import hw
from app import create_app
from hw.engine import Engine
from hw.virtual import VirtualProvider
from tests.api.test_capture_api import key_events
from tests.conftest import TOKEN, ApiClient


def test_enabling_a_mouse_takes_it_and_its_click_settles_a_tap_hold(tmp_path: Path) -> None:
    loop = hw.Loop(VirtualProvider(1, mice=1), Engine, key_name=hw.name_of)
    app = create_app({"DATA_DIR": str(tmp_path), "TOKEN": TOKEN, "PORT": 9867}, hw=loop)
    try:
        api = ApiClient(app.test_client())
        devices = api.get("/api/devices").get_json()["devices"]
        kbd = next(d["id"] for d in devices if d["kind"] == "keyboard")
        mouse = next(d for d in devices if d["kind"] == "pointer")
        assert (mouse["name"], mouse["enabled"], mouse["grabbed"]) == ("KeyRx Virtual Mouse 1", False, False)
        home = {"name": "home", "layers": {"base": {"f": {"tap": "f", "hold": "leftshift"}, "btn_right": "btn_middle"}}}
        assert api.post("/api/profiles", json=home).status_code == 201
        assert api.put("/api/active-profile", json={"name": "home"}).status_code == 200
        r = api.patch(f"/api/devices/{mouse['id']}", json={"enabled": True})
        assert r.status_code == 200 and (r.get_json()["enabled"], r.get_json()["grabbed"]) == (True, True)
        seq = api.get("/api/status").get_json()["seq"]
        press = {"events": [{"key": "f", "action": "press"}]}
        assert api.post(f"/api/devices/{kbd}/inject", json=press).status_code == 202
        clicks = {"events": [{"key": "btn_left", "action": "press"}, {"key": "btn_right", "action": "tap"}]}
        assert api.post(f"/api/devices/{mouse['id']}/inject", json=clicks).status_code == 202
        deadline = time.monotonic() + 10
        while len(keys := key_events(api, seq)) < 5:  # on their way from the loop's thread
            assert time.monotonic() < deadline, keys
            time.sleep(0.005)  # polling: leave the interpreter lock to the loop thread meanwhile
        assert [(k["device"], k["input"], k["output"]) for k in keys] == [
            (kbd, {"key": "f", "action": "press"}, []),
            (kbd, None, [{"key": "leftshift", "action": "press"}]),  # the hold, before the click
            (mouse["id"], {"key": "btn_left", "action": "press"}, [{"key": "btn_left", "action": "press"}]),
            (mouse["id"], {"key": "btn_right", "action": "press"}, [{"key": "btn_middle", "action": "press"}]),
            (mouse["id"], {"key": "btn_right", "action": "release"}, [{"key": "btn_middle", "action": "release"}])]
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()
