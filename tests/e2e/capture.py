"""Waiting for a pending POST /api/capture, shared by the tests that start one in the background."""
from __future__ import annotations

import time
from collections.abc import Callable

from tests.e2e.conftest import Daemon

Probe = Callable[[], tuple[int, str]]  # one capture attempt: (status, problem detail)


def wait_armed(probe: Probe, timeout: float = 15.0) -> None:
    """Return once a capture is pending. `probe` asks for a capture on a disabled keyboard: refused
    as busy while another is pending, as not grabbed otherwise, and it never starts one."""
    deadline = time.monotonic() + timeout
    while True:
        status, detail = probe()
        assert status == 409, (status, detail)
        if "already" in detail:
            return
        assert "not grabbed" in detail and time.monotonic() < deadline, detail


def daemon_probe(daemon: Daemon, disabled: str) -> Probe:
    """The probe through a running daemon's API."""
    def probe() -> tuple[int, str]:
        r = daemon.post("/api/capture", json={"device": disabled, "timeout_ms": 1})
        return r.status_code, str(r.json().get("detail", ""))
    return probe


def disable_second(daemon: Daemon) -> tuple[str, str]:
    """The two virtual keyboards' ids, the second disabled (for the probe)."""
    one, two = (d["id"] for d in daemon.get("/api/devices").json()["devices"])
    assert daemon.patch(f"/api/devices/{two}", json={"enabled": False}).status_code == 200
    return one, two


def release_all(daemon: Daemon) -> None:
    """Disable every keyboard: with none grabbed the daemon has nothing to capture from."""
    for dev in daemon.get("/api/devices").json()["devices"]:
        assert daemon.patch(f"/api/devices/{dev['id']}", json={"enabled": False}).status_code == 200
