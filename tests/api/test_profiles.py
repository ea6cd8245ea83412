"""Profiles through the Flask test client."""
from __future__ import annotations

import threading
from typing import Any

from tests.conftest import CAPS, ApiClient


def create(api: ApiClient, name: str = "coding", **body: Any) -> Any:
    r = api.post("/api/profiles", json={"name": name, **CAPS, **body})
    assert r.status_code == 201, r.get_json()
    return r


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == "application/problem+json"
    body = r.get_json(force=True)
    assert body["status"] == status and body["title"] and "detail" in body and body["type"]
    return body  # type: ignore[no-any-return]


def test_create_get_list(api: ApiClient) -> None:
    r = create(api, description="caps as ctrl/esc")
    assert r.headers["Location"] == "/api/profiles/coding"
    assert r.headers["ETag"] == '"1"'
    p = api.get("/api/profiles/coding").get_json()
    assert p["layers"] == CAPS["layers"] and p["description"] == "caps as ctrl/esc"
    assert p["revision"] == 1 and p["active"] is False and p["settings"] == {} and p["combos"] == []
    assert p["created_at"].endswith("Z") and len(p["created_at"]) == 24
    listing = api.get("/api/profiles").get_json()
    assert [x["name"] for x in listing["profiles"]] == ["coding"]
    assert "layers" not in listing["profiles"][0] and listing["active"] is None
    assert isinstance(listing["seq"], int) and isinstance(listing["epoch"], str)


def test_create_twice_is_409_and_keeps_first(api: ApiClient) -> None:
    create(api)
    r = api.post("/api/profiles", json={"name": "coding", "layers": {"base": {}}})
    assert_problem(r, 409)
    assert api.get("/api/profiles/coding").get_json()["layers"] == CAPS["layers"]


def test_copy_from(api: ApiClient) -> None:
    create(api)
    r = api.post("/api/profiles", json={"name": "copy", "copy_from": "coding"})
    assert r.status_code == 201
    assert r.get_json()["layers"] == CAPS["layers"]
    assert_problem(api.post("/api/profiles", json={"name": "x", "copy_from": "nope"}), 422)
    body = assert_problem(api.post("/api/profiles", json={"name": "y", "copy_from": "coding",
                                                          "layers": {"base": {}}}), 422)
    assert "layers" in body["errors"]


def test_validation_paths(api: ApiClient) -> None:
    body = assert_problem(api.post("/api/profiles", json={
        "name": "bad", "layers": {"base": {"capslok": "esc", "a": {"layer": "nva"}}}}), 422)
    assert "layers.base.capslok" in body["errors"]
    assert "capslock" in body["errors"]["layers.base.capslok"][0]
    assert any(p.startswith("layers.base.a") for p in body["errors"])
    body = assert_problem(api.post("/api/profiles", json={"name": "bad", "layers": {"nav": {}}}), 422)
    assert "layers.base" in body["errors"]
    body = assert_problem(api.post("/api/profiles", json={"name": "bad", "layers": {"base": {}},
                                                          "colour": "red"}), 422)
    assert "colour" in body["errors"]
    body = assert_problem(api.post("/api/profiles", json={"name": "no spaces", "layers": {"base": {}}}), 422)
    assert "name" in body["errors"]
    reserved = api.post("/api/profiles", json={"name": "active", "layers": {"base": {}}})
    assert "name" in assert_problem(reserved, 422)["errors"]
    body = assert_problem(api.post("/api/profiles", json={"name": "t", "layers": "base"}), 422)
    assert "layers" in body["errors"]
    assert api.get("/api/profiles").get_json()["profiles"] == []


def test_put_replaces_and_checks_name(api: ApiClient) -> None:
    create(api)
    r = api.put("/api/profiles/coding", json={"layers": {"base": {"a": "b"}}, "revision": 99})
    assert r.status_code == 200 and r.get_json()["revision"] == 2
    assert r.get_json()["layers"] == {"base": {"a": "b"}} and r.get_json()["description"] == ""
    assert_problem(api.put("/api/profiles/coding", json={"name": "other", "layers": {"base": {}}}), 422)
    assert_problem(api.put("/api/profiles/nope", json={"layers": {"base": {}}}), 404)


def test_if_match(api: ApiClient) -> None:
    create(api)
    r = api.put("/api/profiles/coding", json={"layers": {"base": {}}}, headers={"If-Match": '"7"'})
    assert_problem(r, 412)
    assert r.headers["ETag"] == '"1"'
    r = api.put("/api/profiles/coding", json={"layers": {"base": {}}}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["ETag"] == '"2"'
    assert_problem(api.delete("/api/profiles/coding", headers={"If-Match": '"1"'}), 412)


def test_merge_patch_and_rename(api: ApiClient) -> None:
    create(api)
    r = api.patch("/api/profiles/coding", json={"layers": {"nav": {"k": "up"}}, "description": "d"},
                  headers={"Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.get_json()
    p = r.get_json()
    assert p["layers"]["nav"] == {"h": "left", "j": "down", "k": "up"} and p["description"] == "d"
    r = api.patch("/api/profiles/coding", json={"layers": {"nav": None}})
    assert "nav" not in r.get_json()["layers"]
    body = assert_problem(api.patch("/api/profiles/coding", json={"layers": {"base": {"x": "nokey"}}}), 422)
    assert "layers.base.x" in body["errors"]
    api.post("/api/profiles", json={"name": "other", "layers": {"base": {}}})
    assert_problem(api.patch("/api/profiles/coding", json={"name": "other"}), 409)
    r = api.patch("/api/profiles/coding", json={"name": "work"})
    assert r.status_code == 200 and r.get_json()["name"] == "work"
    assert_problem(api.get("/api/profiles/coding"), 404)
    assert_problem(api.patch("/api/profiles/work", json={}), 422)
    assert_problem(api.patch("/api/profiles/work", json={"name": None}), 422)


def test_rename_follows_active_and_devices(api: ApiClient) -> None:
    create(api)
    assert api.post("/api/profiles/coding/activate").get_json() == {"active": "coding"}
    dev = api.get("/api/devices").get_json()["devices"][0]["id"]
    assert api.patch(f"/api/devices/{dev}", json={"profile": "coding"}).status_code == 200
    api.patch("/api/profiles/coding", json={"name": "work"})
    assert api.get("/api/active-profile").get_json() == {"name": "work"}
    assert api.get(f"/api/devices/{dev}").get_json()["profile"] == "work"


def test_delete_rules(api: ApiClient) -> None:
    create(api)
    api.post("/api/profiles/coding/activate")
    assert_problem(api.delete("/api/profiles/coding"), 409)
    assert api.put("/api/active-profile", json={"name": None}).get_json() == {"name": None}
    dev = api.get("/api/devices").get_json()["devices"][0]["id"]
    api.patch(f"/api/devices/{dev}", json={"profile": "coding"})
    assert "device" in assert_problem(api.delete("/api/profiles/coding"), 409)["detail"]
    api.patch(f"/api/devices/{dev}", json={"profile": None})
    assert api.delete("/api/profiles/coding").status_code == 204
    assert_problem(api.delete("/api/profiles/coding"), 404)


def test_activation(api: ApiClient) -> None:
    create(api)
    assert_problem(api.post("/api/profiles/nope/activate"), 404)
    assert_problem(api.put("/api/active-profile", json={"name": "nope"}), 404)
    assert_problem(api.put("/api/active-profile", json={}), 422)
    assert api.put("/api/active-profile", json={"name": "coding"}).get_json() == {"name": "coding"}
    assert api.get("/api/profiles/coding").get_json()["active"] is True
    assert api.get("/api/status").get_json()["active_profile"] == "coding"


def events_since(api: ApiClient, seq: int) -> list[dict[str, Any]]:
    body = api.get(f"/api/events?since={seq}&limit=100").get_json()
    return list(body["events"])


def test_rename_announces_the_devices_and_the_active_profile_it_moves(api: ApiClient) -> None:
    create(api)
    dev = api.get("/api/devices").get_json()["devices"][0]["id"]
    assert api.patch(f"/api/devices/{dev}", json={"profile": "coding"}).status_code == 200
    assert api.post("/api/profiles/coding/activate").status_code == 200
    seq = api.get("/api/profiles").get_json()["seq"]
    assert api.patch("/api/profiles/coding", json={"name": "typing"}).status_code == 200
    events = events_since(api, seq)
    assert [e["event"] for e in events] == ["profile.updated", "device.updated", "profile.activated"]
    device = events[1]["data"]
    assert device["changed"] == ["profile"] and device["device"]["profile"] == "typing"
    assert device["device"]["id"] == dev
    assert events[2]["data"] == {"name": "typing", "previous": "coding"}
    etag = f'"{device["device"]["revision"]}"'
    r = api.patch(f"/api/devices/{dev}", json={"label": "Desk"}, headers={"If-Match": etag})
    assert r.status_code == 200, r.get_json()


def test_rename_of_an_unused_profile_announces_only_itself(api: ApiClient) -> None:
    create(api)
    seq = api.get("/api/profiles").get_json()["seq"]
    assert api.patch("/api/profiles/coding", json={"name": "typing"}).status_code == 200
    assert [e["event"] for e in events_since(api, seq)] == ["profile.updated"]


def test_one_answer_lists_every_error_as_keyrx_check_does(api: ApiClient) -> None:
    bad = {"name": "bad name!", "layers": {"base": {"capslok": "esc", "a": {"tap": "b"}, "x": "escape"}}}
    r = api.post("/api/profiles", json=bad)
    assert r.status_code == 422
    assert set(r.get_json()["errors"]) == {"name", "layers.base.capslok", "layers.base.a.hold", "layers.base.x"}
    assert r.get_json()["errors"]["layers.base.x"] == ["unknown key 'escape' (did you mean 'esc'?)"]
    r = api.post("/api/profiles", json={"name": "bad name!", "layers": "not a map"})
    assert set(r.get_json()["errors"]) == {"name", "layers"}  # no second word on a field that failed


def test_an_activation_the_loop_did_not_take_in_time_is_still_published(app: Any, api: ApiClient) -> None:
    runtime = app.extensions["keyrx"]
    create(api)
    seq = api.get("/api/status").get_json()["seq"]
    go, inside = threading.Event(), threading.Event()

    def hold(error: BaseException | None) -> None:  # keeps the loop's thread busy until `go`
        inside.set()
        go.wait(30)

    runtime.loop.apply(runtime.hw_config(), hold)
    assert inside.wait(10)
    runtime.apply_timeout = 0.2
    try:
        body = assert_problem(api.post("/api/profiles/coding/activate"), 503)
        assert "stored as active" in body["detail"]
    finally:
        go.set()
    assert api.get("/api/active-profile").get_json() == {"name": "coding"}
    events = api.get(f"/api/events?since={seq}&topics=profile").get_json()["events"]
    assert [(e["event"], e["data"]["name"]) for e in events] == [("profile.activated", "coding")]
