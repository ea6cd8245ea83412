"""Without /dev/uinput the evdev backend is unavailable, says what to do, and the API keeps working."""
from __future__ import annotations

from pathlib import Path

import pytest

import hw
from tests.conftest import ApiClient, make_app


@pytest.mark.skipif(hw.evdev_problem() is None, reason="this machine can drive real keyboards")
def test_evdev_unavailable_is_reported_with_what_to_do(tmp_path: Path) -> None:
    app = make_app(tmp_path, HW_BACKEND="evdev")
    try:
        api = ApiClient(app.test_client())
        status = api.get("/api/status")
        assert status.status_code == 200
        state = status.get_json()["hw"]
        assert (state["backend"], state["state"]) == ("evdev", "unavailable")
        assert state["detail"] == hw.evdev_problem()
        assert "uinput" in state["detail"] and ":" in state["detail"]  # the problem: what to do
        found = {p["check"]: p for p in status.get_json()["problems"] if p["kind"] == "hardware"}
        assert "uinput" in found and "modprobe uinput" in found["uinput"]["fix"]  # the exact command
        assert api.post("/api/profiles", json={"name": "kept", "layers": {"base": {"a": "b"}}}).status_code == 201
        assert api.post("/api/profiles/kept/activate").get_json() == {"active": "kept"}
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()


def test_no_hardware_asked_for_is_no_problem(tmp_path: Path) -> None:
    app = make_app(tmp_path, HW_BACKEND="none")
    try:
        status = ApiClient(app.test_client()).get("/api/status").get_json()
        assert status["hw"]["state"] == "unavailable" and status["problems"] == []
    finally:
        app.extensions["keyrx"].stop()
        app.extensions["keyrx"].store.close()
