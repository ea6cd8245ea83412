"""POST /api/capture on the virtual backend, through the Flask test client."""
from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask

from app.events.snapshots import QUIESCE_S
from tests.api.test_profiles import assert_problem
from tests.conftest import ApiClient
from tests.e2e.capture import wait_armed


class Background:
    """A request run in a thread on its own client; `result()` is its response."""

    def __init__(self, app: Flask, path: str, body: dict[str, Any]) -> None:
        self._client = ApiClient(app.test_client())
        self._response: Any = None
        self._thread = threading.Thread(target=self._run, args=(path, body), daemon=True)
        self._thread.start()

    def _run(self, path: str, body: dict[str, Any]) -> None:
        self._response = self._client.post(path, json=body)

    def result(self, timeout: float = 40.0) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the request did not end"
        return self._response


def setup(api: ApiClient) -> tuple[str, str]:
    """caps→esc active; keyboard 1 grabbed, keyboard 2 disabled (the probe of `armed`)."""
    one, two = (d["id"] for d in api.get("/api/devices").get_json()["devices"])
    assert api.post("/api/profiles", json={"name": "caps", "layers": {"base": {"capslock": "esc"}}}).status_code == 201
    assert api.put("/api/active-profile", json={"name": "caps"}).status_code == 200
    assert api.patch(f"/api/devices/{two}", json={"enabled": False}).status_code == 200
    return one, two


def armed(api: ApiClient, disabled: str) -> None:
    """Return once a capture is pending (tests/e2e/capture.py)."""
    def probe() -> tuple[int, str]:
        r = api.post("/api/capture", json={"device": disabled, "timeout_ms": 1})
        return r.status_code, str(r.get_json(force=True).get("detail", ""))
    wait_armed(probe)


def key_events(api: ApiClient, since: int) -> list[dict[str, Any]]:
    events = api.get(f"/api/events?since={since}&topics=key").get_json()["events"]
    return [e["data"] for e in events]


def test_the_pressed_key_is_captured_raw_and_consumed(app: Flask, api: ApiClient) -> None:
    one, two = setup(api)
    seq = api.get("/api/status").get_json()["seq"]
    pending = Background(app, "/api/capture", {"timeout_ms": 5000})
    armed(api, two)
    tap = {"events": [{"key": "capslock", "action": "tap"}]}
    assert api.post(f"/api/devices/{one}/inject", json=tap).status_code == 202
    r = pending.result()
    assert r.status_code == 200 and r.get_json() == {"device": one, "key": "capslock", "code": 58}
    marked = {"events": [*tap["events"], {"key": "a", "action": "tap"}]}  # `a` ends what we read
    assert api.post(f"/api/devices/{one}/inject", json=marked).status_code == 202
    deadline = time.monotonic() + 10
    while len(keys := key_events(api, seq)) < 4:  # the second tap's events are on their way
        assert time.monotonic() < deadline, keys
        time.sleep(0.005)  # polling: leave the interpreter lock to the loop thread meanwhile
    assert len(keys) == 4 and keys[-1]["input"] == {"key": "a", "action": "release"}
    assert [(k["input"], k["output"]) for k in keys[:2]] == [
        ({"key": "capslock", "action": "press"}, [{"key": "esc", "action": "press"}]),
        ({"key": "capslock", "action": "release"}, [{"key": "esc", "action": "release"}])]


def test_nothing_pressed_is_a_200_with_no_key(api: ApiClient) -> None:
    setup(api)
    r = api.post("/api/capture", json={"device": None, "timeout_ms": 1000})
    assert r.status_code == 200 and r.get_json() == {"device": None, "key": None}


def test_a_second_capture_while_one_is_pending_is_409(app: Flask, api: ApiClient) -> None:
    one, two = setup(api)
    pending = Background(app, "/api/capture", {"device": one, "timeout_ms": 5000})
    armed(api, two)
    body = assert_problem(api.post("/api/capture", json={}), 409)
    assert "already" in body["detail"]
    inject = {"events": [{"key": "f5", "action": "tap"}]}
    assert api.post(f"/api/devices/{one}/inject", json=inject).status_code == 202
    assert pending.result().get_json() == {"device": one, "key": "f5", "code": 63}


def test_unknown_device_is_404_and_nothing_grabbed_is_409(api: ApiClient) -> None:
    one, two = setup(api)
    assert_problem(api.post("/api/capture", json={"device": "usb-0000-0000-nope"}), 404)
    assert "not grabbed" in assert_problem(api.post("/api/capture", json={"device": two}), 409)["detail"]
    assert api.patch(f"/api/devices/{one}", json={"enabled": False}).status_code == 200
    body = assert_problem(api.post("/api/capture", json={"timeout_ms": 1000}), 409)
    assert body["detail"].startswith("no keyboard is grabbed")


def test_bodies_are_validated_with_dotted_paths(api: ApiClient) -> None:
    for body, path in [({"timeout_ms": 0}, "timeout_ms"), ({"timeout_ms": 30_001}, "timeout_ms"),
                       ({"timeout_ms": "100"}, "timeout_ms"), ({"timeout_ms": 1.5}, "timeout_ms"),
                       ({"timeout_ms": True}, "timeout_ms"), ({"device": 5}, "device"),
                       ({"device": ""}, "device"), ({"key": "a"}, "key")]:
        errors = assert_problem(api.post("/api/capture", json=body), 422)["errors"]
        assert path in errors, (body, errors)
    assert_problem(api.post("/api/capture", json=[1]), 422)
    assert_problem(api.post("/api/capture", data="{}", content_type="text/plain"), 415)
    assert api.post("/api/capture", json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_a_pending_capture_holds_no_snapshot_back(app: Flask, api: ApiClient) -> None:
    one, two = setup(api)
    pending = Background(app, "/api/capture", {"timeout_ms": 20000})
    armed(api, two)
    t0 = time.monotonic()
    r = api.get("/api/devices")  # a snapshot: it would wait out QUIESCE_S behind a write in flight
    took = time.monotonic() - t0
    assert r.status_code == 200 and took < QUIESCE_S / 2, f"the snapshot took {took:.2f} s"
    tap = {"events": [{"key": "capslock", "action": "tap"}]}
    assert api.post(f"/api/devices/{one}/inject", json=tap).status_code == 202
    assert pending.result().get_json()["key"] == "capslock"
