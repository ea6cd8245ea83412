"""10,000 WebSocket connect/close cycles and 10,000 requests leave no fds, greenlets, clients or memory behind."""
from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.e2e.conftest import TOKEN, Daemon
from tests.hardening.conftest import RawWs, proc_figures, wait_for, worker_pid

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CYCLES = 10_000
REQUESTS = 10_000
WARM_UP = 500
THREADS = 4
FD_MARGIN = 3            # a lazily opened log or SQLite file is not a leak
GREENLET_MARGIN = 3
RSS_MARGIN_KB = 16 * 1024


def ws_cycles(daemon: Daemon, n: int) -> None:
    """n connect/close cycles over THREADS threads; every other one ends with a TCP reset."""
    def run(count: int, offset: int) -> None:
        for i in range(count):
            ws = RawWs(daemon)
            if (i + offset) % 2:
                ws.send_frame(8, struct.pack("!H", 1000))
                assert ws.recv_close() in (1000, None)
            else:
                ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            ws.close()

    in_threads(run, [(n // THREADS, t) for t in range(THREADS)])


def in_threads(fn: Callable[..., None], args: list[tuple[Any, ...]]) -> None:
    """Run fn once per argument tuple, each in its own thread; re-raise the first failure."""
    with ThreadPoolExecutor(len(args)) as pool:
        for future in [pool.submit(fn, *a) for a in args]:
            future.result()


PATHS = [("GET", "/api/health", 200), ("GET", "/api/devices", 200), ("GET", "/api/profiles", 200),
         ("GET", "/api/events?since=0", 200), ("GET", "/api/profiles/missing", 404),
         ("POST", "/api/simulate", 200)]


def api_requests(daemon: Daemon, n: int) -> None:
    """n requests over THREADS keep-alive sessions, some answered with errors, some without a token."""
    errors: list[str] = []

    def run(count: int) -> None:
        http = requests.Session()
        for i in range(count):
            method, path, ok = PATHS[i % len(PATHS)]
            headers = {"Authorization": f"Bearer {TOKEN}"} if i % 10 else {}
            body: Any = {"profile": None, "script": "d:a u:a"} if method == "POST" else None
            r = http.request(method, daemon.url + path, json=body, headers=headers, timeout=30)
            expected = ok if headers or path == "/api/health" else 401
            if r.status_code != expected:
                errors.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
                return

    in_threads(run, [(n // THREADS,)] * THREADS)
    assert not errors, errors[:3]


def figures(daemon: Daemon, pid: int) -> dict[str, int]:
    status = daemon.get("/api/status", params={"greenlets": 1}).json()
    return {**proc_figures(pid), "greenlets": status["greenlets"], "clients": status["clients"]}


def settled(daemon: Daemon, pid: int, baseline: dict[str, int]) -> Callable[[], bool]:
    def check() -> bool:
        now = figures(daemon, pid)
        return (now["clients"] == 0 and now["fds"] <= baseline["fds"] + FD_MARGIN
                and now["greenlets"] <= baseline["greenlets"] + GREENLET_MARGIN)
    return check


def test_no_leaks_after_10k_cycles_and_10k_requests(live: Daemon, figure: Callable[[str], None]) -> None:
    pid = worker_pid(live)
    ws_cycles(live, WARM_UP)
    api_requests(live, WARM_UP)
    wait_for(lambda: figures(live, pid)["clients"] == 0, 30, "warm-up clients to go")
    baseline = figures(live, pid)

    t0 = time.monotonic()
    ws_cycles(live, CYCLES)
    ws_s = time.monotonic() - t0
    t0 = time.monotonic()
    api_requests(live, REQUESTS)
    api_s = time.monotonic() - t0

    wait_for(settled(live, pid, baseline), 60, f"figures to return to {baseline}")
    after = figures(live, pid)
    assert after["rss_kb"] <= baseline["rss_kb"] + RSS_MARGIN_KB, (baseline, after)
    figure(f"{CYCLES} WebSocket cycles in {ws_s:.1f} s ({CYCLES / ws_s:.0f}/s), {REQUESTS} requests in "
           f"{api_s:.1f} s ({REQUESTS / api_s:.0f}/s); after warm-up: fds {baseline['fds']}, greenlets "
           f"{baseline['greenlets']}, clients {baseline['clients']}, RSS {baseline['rss_kb'] / 1024:.1f} MiB; "
           f"after: fds {after['fds']}, greenlets {after['greenlets']}, clients {after['clients']}, RSS "
           f"{after['rss_kb'] / 1024:.1f} MiB (margins: {FD_MARGIN} fds, {GREENLET_MARGIN} greenlets, "
           f"{RSS_MARGIN_KB // 1024} MiB)")
