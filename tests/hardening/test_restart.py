"""Across a daemon restart (clean or kill -9): clients learn the new epoch and resync, snapshots
carry the new cursor, and the remap loop grabs the keyboards again and runs the active profile."""
from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import websocket

from tests.e2e.conftest import Daemon, running
from tests.e2e.wsclient import WsClient, make_profile
from tests.hardening.conftest import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLIENTS = 20


def key_output(daemon: Daemon, device: str) -> list[dict[str, str]]:
    """Tap `a` on a virtual keyboard and return what the remap loop emitted for it."""
    with WsClient(daemon, "topics=key") as ws:
        r = daemon.post(f"/api/devices/{device}/inject", json={"events": [{"key": "a", "action": "press"}]})
        assert r.status_code == 202, r.text
        event = ws.event("key")
        daemon.post(f"/api/devices/{device}/inject", json={"events": [{"key": "a", "action": "release"}]})
    assert event["data"]["device"] == device
    return event["data"]["output"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["clean", "kill -9"])
def test_clients_and_hw_across_a_restart(tmp_path: Path, how: signal.Signals,
                                         figure: Callable[[str], None]) -> None:
    with running(tmp_path) as daemon:
        make_profile(daemon, "remap", layers={"base": {"a": "b"}})
        assert daemon.post("/api/profiles/remap/activate").status_code == 200
        device = daemon.get("/api/devices").json()["devices"][0]["id"]
        assert key_output(daemon, device)[0]["key"] == "b"
        before = daemon.get("/api/status").json()
        clients = [WsClient(daemon) for _ in range(CLIENTS)]
        cursors = [(c.hello["head_seq"], c.hello["epoch"]) for c in clients]

        daemon.stop(how)
        closes = []
        for c in clients:  # each sees the stream end: 1001 on a clean stop, a dead socket on a crash
            try:
                c.recv(timeout=15)
                closes.append("message")
            except websocket.WebSocketConnectionClosedException:
                closes.append("closed")
            except ConnectionError:
                closes.append("reset")
            c.close()
        t0 = time.monotonic()
        daemon.start()
        started = time.monotonic() - t0

        snapshot = daemon.get("/api/devices").json()
        assert snapshot["epoch"] != before["epoch"]
        profiles = daemon.get("/api/profiles").json()
        assert profiles["epoch"] == snapshot["epoch"] and profiles["seq"] >= snapshot["seq"]
        t0 = time.monotonic()
        resumed = [WsClient(daemon, f"since={seq}&epoch={epoch}") for seq, epoch in cursors]
        for ws in resumed:
            assert ws.hello["epoch"] == snapshot["epoch"]
            assert ws.hello["replay"] is None
            msg = ws.recv()
            assert msg["type"] == "resync_required" and msg["reason"] == "epoch_changed", msg
            assert msg["epoch"] == snapshot["epoch"]
            ws.close()
        resync_ms = (time.monotonic() - t0) * 1000

        wait_for(lambda: daemon.get("/api/status").json()["devices"]["grabbed"] == before["devices"]["grabbed"],
                 30, "the keyboards to be grabbed again")
        after = daemon.get("/api/status").json()
        assert after["hw"]["state"] == "running" and after["active_profile"] == "remap"
        assert key_output(daemon, device)[0]["key"] == "b"
    figure(f"{how.name}: restart answered in {started:.1f} s; {CLIENTS} clients got epoch "
           f"{before['epoch']} -> {after['epoch']} and resync_required(epoch_changed) in {resync_ms:.0f} ms; "
           f"{after['devices']['grabbed']}/{before['devices']['grabbed']} keyboards grabbed again, "
           f"profile 'remap' runs (a -> b); clients saw: {sorted(set(closes))}")
