"""Connections nobody reads, and bodies that trickle in, cannot keep the daemon from others."""
from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import TOKEN, Daemon, running
from tests.hardening.conftest import live, proc_figures, wait_for, worker_pid  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
Figure = Callable[[str], None]
HOSTILE = 2000  # the connections the attack holds
PIPELINED = 40  # static requests each sends at once, never reading a byte back


def test_pipelining_peers_that_never_read_do_not_lock_others_out(tmp_path: Path, figure: Figure) -> None:
    with running(tmp_path) as daemon:
        pid = worker_pid(daemon)
        before = proc_figures(pid)["fds"]
        request = (f"GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1:{daemon.port}\r\n\r\n"
                   * PIPELINED).encode()
        socks = []
        try:
            for _ in range(HOSTILE):
                s = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills at once
                s.sendall(request)
                socks.append(s)
            t0 = time.monotonic()
            r = requests.get(daemon.url + "/api/health", timeout=30)
            latency = time.monotonic() - t0
            assert r.status_code == 200
            t0 = time.monotonic()
            r = requests.get(daemon.url + "/", timeout=30)  # the UI too
            ui = time.monotonic() - t0
            assert r.status_code == 200
        finally:
            for s in socks:
                s.close()
        assert latency < 10 and ui < 10, (latency, ui)  # it was never, while they were held
        wait_for(lambda: proc_figures(pid)["fds"] <= before + 10, 60, "the worker to close them")
        figure(f"{HOSTILE} held connections pipelining {PIPELINED} static requests, never reading: "
               f"/api/health answered in {latency:.2f} s, the UI in {ui:.2f} s")


def test_a_peer_that_never_reads_is_cut_while_it_holds_on(live: Daemon, figure: Figure) -> None:  # noqa: F811
    pid = worker_pid(live)
    before = proc_figures(pid)["fds"]
    s = socket.create_connection(("127.0.0.1", live.port), timeout=30)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        # about 23 MB of responses: far more than the socket buffers hold
        s.sendall((f"GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n\r\n"
                   * 2000).encode())
        t0 = time.monotonic()
        wait_for(lambda: proc_figures(pid)["fds"] >= before + 1, 10, "the connection")
        wait_for(lambda: proc_figures(pid)["fds"] <= before, 30, "the worker to cut it")
        took = time.monotonic() - t0
    finally:
        s.close()
    assert took < 15, took
    figure(f"a peer that pipelines 2000 requests and never reads: cut after {took:.1f} s "
           f"(write deadline 5 s) while it still held the connection")


def test_a_trickled_body_is_cut_and_does_not_hold_snapshots(tmp_path: Path, figure: Figure) -> None:
    with running(tmp_path) as daemon:
        s = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
        s.sendall((f"POST /api/profiles HTTP/1.1\r\nHost: 127.0.0.1:{daemon.port}\r\n"
                   f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                   "Content-Length: 1000\r\n\r\n{\"name\": ").encode())
        t0 = time.monotonic()
        try:
            snapshots = []
            for _ in range(3):
                t1 = time.monotonic()
                assert daemon.get("/api/profiles").status_code == 200
                snapshots.append(time.monotonic() - t1)
            s.sendall(b" ")  # a byte now and then: each read progresses, the body never ends
            answer = s.recv(4096)
            took = time.monotonic() - t0
        finally:
            s.close()
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert max(snapshots) < 1.0 and took < 8, (snapshots, took)
        figure(f"a trickled authenticated body: snapshot GETs meanwhile in {max(snapshots) * 1000:.0f} ms "
               f"(at most); the request cut with 408 after {took:.1f} s")


def test_the_fd_limit_and_the_connection_limit_agree(tmp_path: Path) -> None:
    with running(tmp_path) as daemon:
        limits = (Path(f"/proc/{worker_pid(daemon)}/limits")).read_text()
    soft = int(next(line for line in limits.splitlines() if "open files" in line).split()[3])
    from app.connections import FD_RESERVE, MAX_CONNECTIONS
    assert soft >= MAX_CONNECTIONS + FD_RESERVE
    unit = (Path(__file__).resolve().parents[2] / "app/deploy/keyrx.service").read_text()
    assert f"LimitNOFILE={8192}" in unit and 8192 >= MAX_CONNECTIONS + FD_RESERVE
