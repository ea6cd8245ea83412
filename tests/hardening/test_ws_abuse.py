"""/ws under abuse: each bad input gets its documented reaction, nothing hangs, others are served."""
from __future__ import annotations

import socket
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import Daemon
from tests.e2e.wsclient import WsClient
from tests.hardening.conftest import (
    RawWs,
    proc_figures,
    running,
    upgrade_request,
    wait_for,
    worker_pid,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LIMIT = 64 * 1024
Figure = Callable[[str], None]


def serves_others(daemon: Daemon) -> float:
    """A REST call and a fresh client's ping/pong both work; the time they took, in ms."""
    t0 = time.monotonic()
    assert daemon.get("/api/health").status_code == 200
    with WsClient(daemon) as ws:
        ws.send({"op": "ping", "id": 7})
        assert ws.until(lambda m: m["type"] == "pong")[-1] == {"type": "pong", "id": 7}
    return (time.monotonic() - t0) * 1000


BAD_MESSAGES = [
    ("invalid JSON", 1, b'{"op": "ping",', "bad_json"),
    ("binary frame", 2, b"\x00\x01\x02binary", "bad_message"),
    ("unknown op", 1, b'{"op": "type_password"}', "unknown_op"),
    ("not an object", 1, b"[1, 2, 3]", "bad_message"),
    ("op not a string", 1, b'{"op": 5}', "bad_message"),
    ("bad topics", 1, b'{"op": "subscribe", "topics": "device"}', "bad_topics"),
    ("unknown topic", 1, b'{"op": "subscribe", "topics": ["passwords"]}', "bad_topics"),
    ("nested 60,000 deep", 1, b"[" * 60_000, "bad_json"),
    ("object nested 10,000 deep", 1, b'{"a":' * 10_000, "bad_json"),
]


def test_bad_messages_get_an_error_and_keep_the_connection(live: Daemon, figure: Figure) -> None:
    ws = RawWs(live)
    worst = 0.0
    try:
        for what, opcode, payload, code in BAD_MESSAGES:
            t0 = time.monotonic()
            ws.send_frame(opcode, payload)
            msg = ws.recv_json()
            worst = max(worst, time.monotonic() - t0)
            assert msg["type"] == "error" and msg["error"]["code"] == code, (what, msg)
        ws.send_frame(1, b'{"op": "ping", "id": 1}')
        assert ws.recv_json() == {"type": "pong", "id": 1}
    finally:
        ws.close()
    figure(f"{len(BAD_MESSAGES)} bad messages answered with an error, slowest {worst * 1000:.1f} ms; "
           "connection kept")


CLOSING = [
    ("text over 64 KiB", lambda ws: ws.send_frame(1, b'"' + b"a" * LIMIT + b'"'), 1009),
    ("fragments adding up past 64 KiB", lambda ws: [
        ws.send_frame(1 if i == 0 else 0, b"a" * 16_384, fin=i == 4) for i in range(5)], 1009),
    # compression is never negotiated: a compressed frame is a protocol error, not inflated
    ("deflate bomb (10 MiB of zeros in 10 KiB)",
     lambda ws: ws.send_frame(1, zlib.compress(b"\0" * (10 << 20))[2:-4], rsv1=True), 1002),
    ("invalid UTF-8 in a text frame", lambda ws: ws.send_frame(1, b'{"op": "\xff\xfe"}'), 1007),
    ("unknown opcode", lambda ws: ws.send_frame(3, b"?"), 1002),
    ("unmasked frame", lambda ws: ws.sock.sendall(b"\x81\x05hello"), 1002),
]


@pytest.mark.parametrize("what,send,code", CLOSING, ids=[c[0] for c in CLOSING])
def test_protocol_abuse_closes_that_connection_only(live: Daemon, figure: Figure, what: str,
                                                    send: Callable[[RawWs], object], code: int) -> None:
    bystander = WsClient(live)
    ws = RawWs(live)
    try:
        t0 = time.monotonic()
        send(ws)
        got = ws.recv_close()
        took = (time.monotonic() - t0) * 1000
    finally:
        ws.close()
    assert got == code, f"{what}: closed with {got}, expected {code}"
    bystander.send({"op": "ping", "id": 2})
    assert bystander.until(lambda m: m["type"] == "pong")[-1] == {"type": "pong", "id": 2}
    bystander.close()
    figure(f"{what}: close {got} after {took:.0f} ms; others served in {serves_others(live):.0f} ms")


def test_compression_is_declined(live: Daemon) -> None:
    ws = RawWs(live, extra="Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
    try:
        assert "sec-websocket-extensions" not in ws.response.lower()
    finally:
        ws.close()


def test_slow_loris_upgrades_are_cut(live: Daemon, figure: Figure) -> None:
    n = 300
    socks = []
    request = upgrade_request(live)
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", live.port), timeout=30)
        s.sendall(request[: 20 + i % 100])  # never the blank line that ends the headers
        socks.append(s)
    t0 = time.monotonic()
    try:
        served = serves_others(live)
        for s in socks:
            assert s.recv(1024) == b"", "a half-sent upgrade got an answer"
        took = time.monotonic() - t0
    finally:
        for s in socks:
            s.close()
    assert took < 15, f"half-sent upgrades held for {took:.1f} s"
    figure(f"{n} slow-loris upgrades: others served in {served:.0f} ms meanwhile; all cut within "
           f"{took:.1f} s (header timeout: gunicorn keepalive, 5 s)")


def test_thousands_of_half_open_connections(live: Daemon, figure: Figure) -> None:
    pid = worker_pid(live)
    before = proc_figures(pid)["fds"]
    n = 4500  # more than worker_connections (4000): the surplus waits in the listen backlog
    socks = [socket.create_connection(("127.0.0.1", live.port), timeout=30) for _ in range(n)]
    try:
        t0 = time.monotonic()
        r = requests.get(live.url + "/api/health", timeout=30)
        during = time.monotonic() - t0
        assert r.status_code == 200
    finally:
        for s in socks:
            s.close()
    assert during < 12, f"a request waited {during:.1f} s behind half-open connections"
    wait_for(lambda: proc_figures(pid)["fds"] <= before + 5, 30, "the worker to close them")
    figure(f"{n} half-open TCP connections: a request was served after {during:.1f} s; fds back to "
           f"{proc_figures(pid)['fds']} (baseline {before}); then served in {serves_others(live):.0f} ms")


def test_silent_websockets_are_closed_by_ping(tmp_path: Path, figure: Figure) -> None:
    """Handshake done, then the peer goes silent (half-open): protocol pings close them."""
    n = 200
    with running(tmp_path, KEYRX_PING_S="1") as daemon:
        silent_clients_are_dropped(daemon, n, figure)


def silent_clients_are_dropped(daemon: Daemon, n: int, figure: Figure) -> None:
    clients = [RawWs(daemon, pong=False) for _ in range(n)]
    t0 = time.monotonic()
    try:
        codes = {ws.recv_close() for ws in clients}
    finally:
        for ws in clients:
            ws.close()
    took = time.monotonic() - t0
    assert codes <= {1008, None}, codes
    wait_for(lambda: daemon.get("/api/status").json()["clients"] == 0, 30, "the clients to be dropped")
    figure(f"{n} silent WebSockets closed ({sorted(c or 0 for c in codes)}) within {took:.1f} s "
           f"(ping every 1 s); registry back to 0")


def test_many_clients_at_once_still_serves(live: Daemon, figure: Figure) -> None:
    """Many clients connect at once: the daemon serves them and a REST call alongside."""
    n = 300
    clients = [RawWs(live) for _ in range(n)]
    try:
        served = serves_others(live)
        assert live.get("/api/status").json()["clients"] >= n
    finally:
        for ws in clients:
            ws.close()
    figure(f"{n} WebSocket clients open: REST + a new client served in {served:.0f} ms")
