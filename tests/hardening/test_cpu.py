"""Validation work per request is bounded, and a large body is validated off the hub."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Daemon
from tests.hardening.conftest import live  # noqa: F401  (the module's daemon)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def unknown_keys_profile() -> dict[str, Any]:
    """About 650 KB of layers whose every key and action is an unknown name."""
    layers = {f"l{i}": {f"qqkeyname{i}x{j}": f"vvvalue{j}" for j in range(512)} for i in range(40)}
    return {"name": "big", "layers": {"base": {}, **layers}}


def health_latencies(daemon: Daemon, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        t0 = time.monotonic()
        requests.get(daemon.url + "/api/health", timeout=60)
        out.append(time.monotonic() - t0)
        stop.wait(0.02)


def test_a_huge_invalid_profile_neither_stalls_nor_floods(live: Daemon,  # noqa: F811
                                                         figure: Callable[[str], None]) -> None:
    body = unknown_keys_profile()
    latencies: list[float] = []
    stop = threading.Event()
    pinger = threading.Thread(target=health_latencies, args=(live, stop, latencies))
    pinger.start()
    try:
        t0 = time.monotonic()
        r = live.http.post(live.url + "/api/profiles", json=body, timeout=60)
        took = time.monotonic() - t0
    finally:
        stop.set()
        pinger.join()
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert len(errors) == 101 and errors["…"] == ["and 40760 more errors not listed"], len(errors)
    stall = max(latencies)
    assert took < 10 and stall < 1.0, (took, stall)
    figure(f"a {len(r.request.body) // 1024} KB profile of unknown key names: 422 in {took:.2f} s "
           f"(101 error entries); max /api/health latency meanwhile {stall * 1000:.0f} ms "
           f"over {len(latencies)} requests")
