"""Devices and the virtual backend through the Flask test client."""
from __future__ import annotations

from pathlib import Path

import hw
from app import create_app
from hw.engine import Engine
from hw.virtual import VirtualProvider
from tests.api.test_profiles import assert_problem, create
from tests.conftest import TOKEN, ApiClient, make_app


def device_ids(api: ApiClient) -> list[str]:
    return [d["id"] for d in api.get("/api/devices").get_json()["devices"]]


def test_list_virtual_keyboards(api: ApiClient) -> None:
    body = api.get("/api/devices").get_json()
    devices = body["devices"]
    assert len(devices) == 2 and [d["id"] for d in devices] == sorted(d["id"] for d in devices)
    d = devices[0]
    assert d["bus"] == "virtual" and d["name"].startswith("KeyRx Virtual Keyboard")
    assert d["enabled"] is True and d["label"] is None and d["profile"] is None
    assert d["connected"] is True and d["revision"] == 1
    assert set(d) == {"id", "name", "label", "path", "bus", "vendor", "product", "phys", "uniq",
                      "kind", "skip_reason",
                      "connected", "grabbed", "enabled", "profile", "last_seen", "revision"}
    assert (d["kind"], d["skip_reason"]) == ("keyboard", None)
    assert all(c.isalnum() or c == "-" for c in d["id"]) and d["id"] == d["id"].lower()
    assert "seq" in body and "epoch" in body


def test_patch_device(api: ApiClient) -> None:
    dev = device_ids(api)[0]
    r = api.patch(f"/api/devices/{dev}", json={"label": "Desk", "enabled": False})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    d = r.get_json()
    assert d["label"] == "Desk" and d["enabled"] is False and d["grabbed"] is False
    assert api.get(f"/api/devices/{dev}").get_json()["label"] == "Desk"
    r = api.patch(f"/api/devices/{dev}", json={"enabled": True})
    assert r.get_json()["grabbed"] is True


def test_patch_device_errors(api: ApiClient) -> None:
    dev = device_ids(api)[0]
    assert_problem(api.patch("/api/devices/nope", json={"label": "x"}), 404)
    assert "body" in assert_problem(api.patch(f"/api/devices/{dev}", json={}), 422)["errors"]
    assert "colour" in assert_problem(api.patch(f"/api/devices/{dev}", json={"colour": 1}), 422)["errors"]
    assert "enabled" in assert_problem(api.patch(f"/api/devices/{dev}", json={"enabled": "yes"}), 422)["errors"]
    assert "label" in assert_problem(api.patch(f"/api/devices/{dev}", json={"label": "x" * 65}), 422)["errors"]
    assert "profile" in assert_problem(api.patch(f"/api/devices/{dev}", json={"profile": "nope"}), 422)["errors"]
    assert_problem(api.patch(f"/api/devices/{dev}", json={"label": "a"}, headers={"If-Match": '"5"'}), 412)
    d = api.get(f"/api/devices/{dev}").get_json()
    assert d["label"] is None and d["revision"] == 1


def test_device_profile_override(api: ApiClient) -> None:
    create(api)
    dev = device_ids(api)[0]
    r = api.patch(f"/api/devices/{dev}", json={"profile": "coding"})
    assert r.status_code == 200 and r.get_json()["profile"] == "coding"


def test_forget_connected_is_409(api: ApiClient) -> None:
    dev = device_ids(api)[0]
    assert_problem(api.delete(f"/api/devices/{dev}"), 409)
    assert_problem(api.delete("/api/devices/nope"), 404)
    assert dev in device_ids(api)


def test_inject_validation(api: ApiClient) -> None:
    dev = device_ids(api)[0]
    r = api.post(f"/api/devices/{dev}/inject", json={"events": [{"key": "a", "action": "tap"}]})
    assert r.status_code == 202
    body = assert_problem(api.post(f"/api/devices/{dev}/inject",
                                   json={"events": [{"key": "a", "action": "tap"},
                                                    {"key": "capslok", "action": "press"}]}), 422)
    assert "events.1.key" in body["errors"] and "capslock" in body["errors"]["events.1.key"][0]
    assert "events.0.action" in assert_problem(api.post(
        f"/api/devices/{dev}/inject", json={"events": [{"key": "a", "action": "hold"}]}), 422)["errors"]
    assert_problem(api.post("/api/devices/nope/inject", json={"events": [{"key": "a", "action": "tap"}]}), 404)


class RealKeyboards(VirtualProvider):
    """Stands for physical keyboards: the same devices, but they take no injected input."""

    injectable = False


def test_inject_is_refused_on_real_keyboards(tmp_path: Path) -> None:
    loop = hw.Loop(RealKeyboards(1), Engine, key_name=hw.name_of)
    app = create_app({"DATA_DIR": str(tmp_path), "TOKEN": TOKEN, "PORT": 9867}, hw=loop)
    try:
        api = ApiClient(app.test_client())
        device = api.get("/api/devices").json["devices"][0]["id"]
        r = api.post(f"/api/devices/{device}/inject", json={"events": [{"key": "a", "action": "tap"}]})
        assert r.status_code == 409 and "real keyboard" in r.json["detail"]
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()


def test_a_device_not_seen_this_run_still_says_what_it_is(tmp_path: Path) -> None:
    first = make_app(tmp_path)
    try:
        assert len(device_ids(ApiClient(first.test_client()))) == 2
    finally:
        first.extensions["keyrx"].stop()
        first.extensions["keyrx"].store.close()
    again = make_app(tmp_path, VIRTUAL_KEYBOARDS=1)  # the second keyboard is not there this time
    try:
        devices = ApiClient(again.test_client()).get("/api/devices").get_json()["devices"]
        assert [(d["connected"], d["kind"]) for d in devices] == [(True, "keyboard"), (False, "keyboard")]
    finally:
        again.extensions["keyrx"].stop()
        again.extensions["keyrx"].store.close()
