"""examples/layer_schedule.py switches a layer by time of day on the keyboards that have it."""
from __future__ import annotations

from tests.e2e.conftest import Daemon
from tests.e2e.test_examples import run


def test_layer_schedule(daemon: Daemon) -> None:
    assert daemon.post("/api/profiles", json={"name": "p", "layers": {"base": {}, "work": {"a": "b"}}}).ok
    assert daemon.post("/api/profiles/p/activate").ok
    assert run(daemon, "layer_schedule.py", "9:30").strip() == "09:30: work on 2 keyboard(s)"
    dev = daemon.get("/api/devices").json()["devices"][0]["id"]
    assert daemon.get(f"/api/devices/{dev}/layers").json()["base"] == "work"
    assert run(daemon, "layer_schedule.py", "19:00").strip() == "19:00: base on 2 keyboard(s)"
    assert daemon.get(f"/api/devices/{dev}/layers").json()["base"] == "base"
