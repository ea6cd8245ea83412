"""A user's script against the real daemon: gunicorn, gevent worker, requests."""
from __future__ import annotations

import signal
from pathlib import Path

import pytest
import requests

import hw
from tests.e2e.conftest import Daemon, running

pytestmark = pytest.mark.e2e


def test_script_session(daemon: Daemon) -> None:
    assert requests.get(daemon.url + "/api/health", timeout=5).json() == {"status": "ok"}
    r = requests.get(daemon.url + "/api/status", timeout=5)
    assert r.status_code == 401 and r.headers["Content-Type"] == "application/problem+json"

    status = daemon.get("/api/status").json()
    assert status["hw"] == {"backend": "virtual", "state": "running", "detail": "2 keyboard(s)"}

    devices = daemon.get("/api/devices").json()["devices"]
    assert len(devices) == 2 and all(d["grabbed"] for d in devices)
    dev = devices[0]["id"]
    r = daemon.patch(f"/api/devices/{dev}", json={"enabled": False, "label": "Left"})
    assert r.status_code == 200 and r.json()["grabbed"] is False and r.json()["label"] == "Left"

    r = daemon.post("/api/profiles", json={"name": "coding", "layers": {"base": {"capslock": "esc"}}})
    assert r.status_code == 201 and r.headers["Location"].endswith("/api/profiles/coding")
    r = daemon.post("/api/profiles/coding/activate")
    assert r.status_code == 200 and r.json() == {"active": "coding"}
    assert daemon.get("/api/status").json()["active_profile"] == "coding"

    r = daemon.post("/api/profiles", data="{oops", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["status"] == 400


def test_writes_survive_a_kill(daemon: Daemon) -> None:
    r = daemon.post("/api/profiles", json={"name": "keep", "layers": {"base": {"a": "b"}}})
    assert r.status_code == 201
    dev = daemon.get("/api/devices").json()["devices"][1]["id"]
    assert daemon.patch(f"/api/devices/{dev}", json={"label": "Kept"}).status_code == 200
    daemon.stop(signal.SIGKILL)
    daemon.start()
    assert daemon.get("/api/profiles/keep").json()["layers"] == {"base": {"a": "b"}}
    assert daemon.get(f"/api/devices/{dev}").json()["label"] == "Kept"


def test_refused_writes_leave_no_traceback_in_the_log(daemon: Daemon) -> None:
    assert daemon.post("/api/profiles", json={"name": "taken", "layers": {"base": {}}}).status_code == 201
    etag = daemon.get("/api/profiles/taken").headers["ETag"]
    assert daemon.put("/api/profiles/taken", json={"name": "taken", "layers": {"base": {}}},
                      headers={"If-Match": etag}).status_code == 200
    answers = [
        daemon.put("/api/active-profile", json={"name": "nosuch"}).status_code,
        daemon.post("/api/profiles", json={"name": "taken", "layers": {"base": {}}}).status_code,
        daemon.put("/api/profiles/taken", json={"name": "taken", "layers": {"base": {}}},
                   headers={"If-Match": etag}).status_code,
    ]
    assert answers == [404, 409, 412]
    daemon.stop()
    log = daemon.log.read_text()
    assert "Traceback" not in log and "NotFound" not in log, log


def test_the_first_lines_say_where_the_ui_and_token_are_and_how_the_keyboards_are(tmp_path: Path) -> None:
    with running(tmp_path, KEYRX_LOG_LEVEL="info", KEYRX_TOKEN="") as d:
        d.stop()
        log = d.log.read_text()
    assert f"the web UI and the API at http://127.0.0.1:{d.port}/" in log
    assert f"API token: {tmp_path / 'token'} (`keyrx token` prints it)" in log
    assert (tmp_path / "token").read_text().strip() not in log  # never the token itself
    assert "keyboards: virtual running (2 keyboard(s))" in log


@pytest.mark.skipif(hw.evdev_problem() is None, reason="this machine can drive real keyboards")
def test_unreachable_keyboards_are_a_warning_that_names_keyrx_doctor(tmp_path: Path) -> None:
    with running(tmp_path, KEYRX_HW_BACKEND="evdev") as d:  # the default warning level still shows it
        d.stop()
        log = d.log.read_text()
    assert "keyboards: evdev unavailable (" in log and "`keyrx doctor` says what to fix" in log
