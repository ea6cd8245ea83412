"""POST /api/capture against a real daemon: the captured key never reaches the `key` topic."""
from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.e2e.capture import daemon_probe, disable_second, wait_armed
from tests.e2e.conftest import Daemon
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


def test_a_captured_press_is_consumed_and_the_next_one_remapped(daemon: Daemon) -> None:
    one, two = disable_second(daemon)
    profile = {"name": "caps", "layers": {"base": {"capslock": "esc"}}}
    assert daemon.post("/api/profiles", json=profile).status_code == 201
    assert daemon.put("/api/active-profile", json={"name": "caps"}).status_code == 200
    tap = {"events": [{"key": "capslock", "action": "tap"}]}
    with WsClient(daemon, "topics=key") as ws:
        answer: list[Any] = []
        pending = threading.Thread(target=lambda: answer.append(
            daemon.http.post(f"{daemon.url}/api/capture", json={"timeout_ms": 5000}, timeout=30)))
        pending.start()
        wait_armed(daemon_probe(daemon, two))
        assert daemon.post(f"/api/devices/{one}/inject", json=tap).status_code == 202
        pending.join(30)
        assert answer[0].status_code == 200
        assert answer[0].json() == {"device": one, "key": "capslock", "code": 58}
        marked = {"events": [*tap["events"], {"key": "a", "action": "tap"}]}  # `a` ends what we read
        assert daemon.post(f"/api/devices/{one}/inject", json=marked).status_code == 202
        keys = [m["data"] for m in ws.until(lambda m: m.get("event") == "key" and m["data"]["input"] == {
            "key": "a", "action": "release"}) if m.get("event") == "key"]
        assert [(k["input"], k["output"]) for k in keys[:2]] == [
            ({"key": "capslock", "action": "press"}, [{"key": "esc", "action": "press"}]),
            ({"key": "capslock", "action": "release"}, [{"key": "esc", "action": "release"}])]
        assert len(keys) == 4  # the captured tap is not there
