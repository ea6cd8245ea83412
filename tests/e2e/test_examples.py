"""The scripts in examples/ run as a user would run them, against a real daemon."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN, Daemon

pytestmark = pytest.mark.e2e
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(daemon: Daemon, script: str, *args: str, code: int = 0) -> str:
    env = {**os.environ, "KEYRX_URL": daemon.url, "KEYRX_TOKEN": TOKEN}
    r = subprocess.run([sys.executable, str(EXAMPLES / script), *args], check=False, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == code, (script, args, r.stdout, r.stderr)
    return r.stdout + r.stderr


def test_list_and_toggle_devices(daemon: Daemon) -> None:
    lines = run(daemon, "list_devices.py").splitlines()
    assert len(lines) == 2 and all("grabbed" in line and "enabled=True" in line for line in lines)
    dev = lines[0].split()[0]
    assert run(daemon, "toggle_device.py", dev).strip() == f"{dev}: enabled=False grabbed=False"
    assert daemon.get(f"/api/devices/{dev}").json()["enabled"] is False
    assert run(daemon, "toggle_device.py", dev).strip() == f"{dev}: enabled=True grabbed=True"
    assert "no device with id 'nope'" in run(daemon, "toggle_device.py", "nope", code=1)


def test_profile_by_time_of_day(daemon: Daemon) -> None:
    assert daemon.post("/api/profiles", json={"name": "coding", "layers": {"base": {"capslock": "esc"}}}).ok
    assert run(daemon, "profile_by_time.py", "10:00").strip() == "10:00: switched from pass-through to coding"
    assert run(daemon, "profile_by_time.py", "17:59").strip() == "17:59: coding already active"
    assert "no profile named 'gaming'" in run(daemon, "profile_by_time.py", "19:00", code=1)
    assert daemon.get("/api/active-profile").json() == {"name": "coding"}
    assert daemon.post("/api/profiles", json={"name": "gaming", "layers": {"base": {}}}).ok
    assert run(daemon, "profile_by_time.py", "19:00").strip() == "19:00: switched from coding to gaming"
    assert run(daemon, "profile_by_time.py", "23:30").strip() == "23:30: switched from gaming to pass-through"
    assert daemon.get("/api/active-profile").json() == {"name": None}


class Lines:
    """A child's stdout lines, read in a thread, waited for with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stdout is not None
        stdout = proc.stdout
        threading.Thread(target=lambda: [self.queue.put(line.rstrip()) for line in stdout], daemon=True).start()

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} within {timeout} s; saw {self.seen}") from None
            self.seen.append(line)
            if text in line:
                return line


def test_follow_events_resumes_and_resyncs(daemon: Daemon) -> None:
    env = {**os.environ, "KEYRX_URL": daemon.url, "KEYRX_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-u", str(EXAMPLES / "follow_events.py")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = Lines(proc)
        lines.wait_for("snapshot: 2 devices")
        dev = daemon.get("/api/devices").json()["devices"][0]["id"]
        assert daemon.patch(f"/api/devices/{dev}", json={"label": "one"}).ok
        lines.wait_for("device.updated")
        daemon.stop()
        daemon.start()  # a new run: a new epoch
        lines.wait_for("resync: events were missed")
        lines.wait_for("snapshot: 2 devices")
        assert daemon.patch(f"/api/devices/{dev}", json={"label": "two"}).ok
        lines.wait_for("device.updated")
    finally:
        proc.kill()
        proc.wait()
