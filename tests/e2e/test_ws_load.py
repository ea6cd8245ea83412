"""Event delivery under load and faults, against the real daemon with real WebSocket clients."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import websockets

from tests.e2e.conftest import TOKEN, Daemon
from tests.e2e.wsclient import WsClient, cursor, make_profile

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def taps(n: int, key: str = "a") -> dict[str, Any]:
    return {"events": [{"key": key, "action": "tap", "at_ms": 0}] * n}


def keyboard(d: Daemon) -> str:
    return str(d.get("/api/devices").json()["devices"][0]["id"])


def big_layers(nbytes: int, mark: str) -> dict[str, Any]:
    """Layers whose JSON is about `nbytes` (macros of text), distinct per `mark`."""
    text = (mark * 1000)[:1000]
    layers: dict[str, Any] = {}
    for i in range(nbytes // 4100 + 1):
        layer = layers.setdefault("base" if i < 26 else f"l{i // 26}", {})
        layer[LETTERS[i % 26]] = {"macro": [{"text": text}] * 4}
    return layers


# -- 100 clients x 1000 events -------------------------------------------------------------
async def _client(url: str, epoch: str, since: int, want: int, out: list[int],
                  reconnects: list[int]) -> None:
    """Collect `want` key events; resume with since after a drop, as a real client does."""
    while len(out) < want:
        query = f"topics=key&since={out[-1] if out else since}&epoch={epoch}"
        try:
            async with websockets.connect(f"{url}?{query}", additional_headers=AUTH,
                                          subprotocols=["keyrx.v1"], max_size=None,  # type: ignore[list-item]
                                          open_timeout=60, ping_interval=None) as ws:
                hello = json.loads(await ws.recv())
                assert hello["type"] == "hello" and hello["replay"] is not None, hello
                while len(out) < want:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if msg["type"] == "event":
                        out.append(msg["seq"])
                    elif msg["type"] != "heartbeat":
                        raise AssertionError(f"unexpected {msg}")
        except websockets.ConnectionClosed:
            reconnects.append(1)


def test_100_clients_get_1000_events_in_order(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_CLIENT_QUEUE="256")  # small queues: some clients may be dropped
    d.start()
    try:
        dev = keyboard(d)
        seq, epoch = cursor(d)
        url = d.url.replace("http://", "ws://") + "/ws"
        results: list[list[int]] = [[] for _ in range(100)]
        reconnects: list[int] = []

        async def main() -> None:
            tasks = [asyncio.create_task(_client(url, epoch, seq, 1000, r, reconnects)) for r in results]
            while d.get("/api/status").json()["clients"] < 100:
                await asyncio.sleep(0.05)  # polling a condition, bounded by the wait_for below
            r = await asyncio.to_thread(d.post, f"/api/devices/{dev}/inject", json=taps(500))
            assert r.status_code == 202
            await asyncio.wait_for(asyncio.gather(*tasks), 240)

        asyncio.run(asyncio.wait_for(main(), 300))
        expected = [e["seq"] for e in d.get(f"/api/events?since={seq}&topics=key&limit=5000").json()["events"]]
        assert len(expected) == 1000
        for got in results:
            assert got == expected
        status = d.get("/api/status").json()
        assert status["bus"]["dropped"] == 0
        print(f"clients dropped as slow and resumed: {len(reconnects)}")
    finally:
        d.stop()


# -- a native thread and many greenlets publishing at once ------------------------------
def test_native_thread_and_greenlets_publish_at_once(tmp_path: Path) -> None:
    d = Daemon(tmp_path)
    d.start()
    try:
        dev = keyboard(d)
        for i in range(8):
            make_profile(d, f"conc-{i}")
        seq, epoch = cursor(d)
        with WsClient(d, f"since={seq}&epoch={epoch}&topics=key,profile") as ws:
            errors: list[BaseException] = []

            def writer(i: int) -> None:
                try:
                    for n in range(10):
                        r = d.patch(f"/api/profiles/conc-{i}", json={"description": f"n{n}"})
                        assert r.status_code == 200
                except (AssertionError, OSError) as exc:  # reported below
                    errors.append(exc)

            threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            assert d.post(f"/api/devices/{dev}/inject", json=taps(500)).status_code == 202
            for t in threads:
                t.join(60)
            assert not errors
            msgs = []
            while sum(m["event"] == "key" for m in msgs) < 1000 or \
                    sum(m["event"] == "profile.updated" for m in msgs) < 80:
                msgs.append(ws.recv(30))
        seqs = [m["seq"] for m in msgs]
        assert seqs == sorted(set(seqs))  # in order, no duplicate
        logged = d.get(f"/api/events?since={seq}&topics=key,profile&limit=5000").json()["events"]
        assert msgs == logged  # nothing lost: exactly what the log holds
        keys = [m["data"]["input"]["action"] for m in msgs if m["event"] == "key"]
        assert keys == ["press", "release"] * 500
        for i in range(8):
            revs = [m["data"]["profile"]["revision"] for m in msgs
                    if m["event"] == "profile.updated" and m["data"]["profile"]["name"] == f"conc-{i}"]
            assert revs == list(range(2, 12))
    finally:
        d.stop()


# -- bus overflow is visible --------------------------------------------------------------
def test_bus_overflow_is_visible(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_BUS_CAPACITY="8", KEYRX_BUS_PUT_TIMEOUT="0")
    d.start()
    try:
        dev = keyboard(d)
        seq, epoch = cursor(d)
        with WsClient(d, "topics=key") as ws:
            for _ in range(20):
                assert d.post(f"/api/devices/{dev}/inject", json=taps(500)).status_code == 202
                msg = ws.until(lambda m: m["type"] == "resync_required" or
                               (m.get("event") == "key" and m["data"]["input"]["action"] == "release"
                                and m["seq"] >= d.get("/api/status").json()["seq"]), timeout=60)[-1]
                if msg["type"] == "resync_required":
                    break
            assert msg["reason"] == "source_overflow" and msg["epoch"] == epoch
        status = d.get("/api/status").json()
        assert status["bus"]["dropped"] > 0 and status["bus"]["capacity"] == 8
        with WsClient(d, f"since={seq}&epoch={epoch}") as ws:  # a resume across the loss
            assert ws.recv()["reason"] == "source_overflow"
        r = d.get(f"/api/events?since={seq}")
        assert r.status_code == 410 and r.json()["reason"] == "source_overflow"
        log = d.log.read_text()
        assert "event bus full" in log and "over 80% full" in log
        assert log.count("over 80% full") < 20 * 1000 / 8  # per episode, not per event
    finally:
        d.stop()


# -- a stalled client -------------------------------------------------------------------
def _raw_stalled_client(d: Daemon, query: str = "") -> socket.socket:
    """A raw WebSocket client with a tiny receive buffer; it reads nothing unless asked."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", d.port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws?{query} HTTP/1.1\r\nHost: 127.0.0.1:{d.port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Authorization: Bearer {TOKEN}\r\n\r\n").encode())
    s.settimeout(10)
    status = b""
    while len(status) < 12:
        status += s.recv(12 - len(status))
    assert status == b"HTTP/1.1 101", status
    return s


def test_client_that_falls_behind_is_dropped_and_resumes(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_CLIENT_QUEUE="8", KEYRX_WRITE_TIMEOUT_S="60",
               KEYRX_MAX_BODY_BYTES="4194304")
    d.start()
    try:
        make_profile(d, "lag")
        stalled = _raw_stalled_client(d, "topics=profile")
        reader = ThrottledReader(stalled)
        _skip_headers(reader)
        hello = reader.message()
        for i in range(24):  # fills the socket buffers, then the queue overflows
            r = d.put("/api/profiles/lag", json={"layers": big_layers(256 * 1024, LETTERS[i])})
            assert r.status_code == 200
        deadline = time.monotonic() + 30  # well before the 60 s write deadline
        while d.get("/api/status").json()["clients"] != 0:
            assert time.monotonic() < deadline, "the lagging client was never dropped"
            time.sleep(0.05)  # polling a condition with a deadline
        assert d.get("/api/status").json()["events"]["slow_disconnects"] == 1
        stalled.close()
        # it comes back with its cursor and gets everything it missed, in full
        query = f"since={hello['head_seq']}&epoch={hello['epoch']}&topics=profile"
        with WsClient(d, query) as ws:
            assert ws.hello["replay"]["count"] == 24
            revisions = [ws.recv(30)["data"]["profile"]["revision"] for _ in range(24)]
            assert revisions == list(range(2, 26))
    finally:
        d.stop()


def test_stalled_client_is_dropped_and_others_are_unaffected(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_WRITE_TIMEOUT_S="2", KEYRX_MAX_BODY_BYTES="4194304")
    d.start()
    try:
        make_profile(d, "big")
        with WsClient(d, "topics=profile") as healthy:
            stalled = _raw_stalled_client(d)
            assert d.get("/api/status").json()["clients"] == 2
            latencies = []
            started = time.monotonic()
            for i in range(24):  # ~6 MB: more than the socket buffers can hold
                sent = time.monotonic()
                r = d.put("/api/profiles/big", json={"layers": big_layers(256 * 1024, LETTERS[i % 26])})
                assert r.status_code == 200
                msg = healthy.event("profile.updated", 30)
                latencies.append(time.monotonic() - sent)
                assert msg["data"]["profile"]["revision"] == r.json()["revision"]
            deadline = time.monotonic() + 30
            while d.get("/api/status").json()["clients"] != 1:
                assert time.monotonic() < deadline, "the stalled client was never dropped"
                time.sleep(0.05)  # polling a condition with a deadline
            dropped_after = time.monotonic() - started
            assert d.get("/api/status").json()["events"]["slow_disconnects"] == 1
            assert "write stuck for 2 s" in d.log.read_text()
            # the healthy client got every event while the stalled writer sat out its deadline
            assert max(latencies) < 2.0, latencies
            assert dropped_after < 24 * max(latencies) + 2 + 10
            make_profile(d, "after-stall")
            assert healthy.event("profile.created")["data"]["profile"]["name"] == "after-stall"
            stalled.close()
    finally:
        d.stop()


class ThrottledReader:
    """Reads server frames off a raw socket 16 KiB at a time, pausing between reads."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(16384)
            assert chunk, "connection closed"
            self.buf += chunk
            time.sleep(0.001)  # throttling the reader, not synchronising
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def message(self) -> dict[str, Any]:
        b0, b1 = self._read(2)
        assert b0 == 0x81 and not b1 & 0x80, (b0, b1)  # final text frame, unmasked
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(self._read(2), "big")
        elif n == 127:
            n = int.from_bytes(self._read(8), "big")
        return json.loads(self._read(n))  # type: ignore[no-any-return]


def test_large_events_reach_a_throttled_reader_intact(tmp_path: Path) -> None:
    d = Daemon(tmp_path, KEYRX_MAX_BODY_BYTES="4194304")
    d.start()
    try:
        make_profile(d, "huge")
        sock = _raw_stalled_client(d, "topics=profile")
        sock.settimeout(60)
        reader = ThrottledReader(sock)
        _skip_headers(reader)
        assert reader.message()["type"] == "hello"
        sent = []
        for i in range(5):
            layers = big_layers(1 << 20, LETTERS[i])
            r = d.put("/api/profiles/huge", json={"layers": layers})
            assert r.status_code == 200
            sent.append((r.json()["revision"], layers))
        for revision, layers in sent:
            msg = reader.message()
            assert msg["event"] == "profile.updated"
            assert msg["data"]["profile"]["revision"] == revision
            assert msg["data"]["profile"]["layers"] == layers
        assert d.get("/api/status").json()["events"]["slow_disconnects"] == 0
        sock.close()
    finally:
        d.stop()


def _skip_headers(reader: ThrottledReader) -> bytes:
    """Consume the rest of the 101 response's headers."""
    seen = b""
    while not seen.endswith(b"\r\n\r\n"):
        seen += reader._read(1)
    return seen


# -- snapshot then stream, while writes keep coming ----------------------------------------------
def test_snapshot_then_stream_misses_nothing_and_repeats_nothing_under_writes(tmp_path: Path) -> None:
    d = Daemon(tmp_path)
    d.start()
    try:
        names = [f"snap-{i}" for i in range(6)]
        for name in names:
            make_profile(d, name)
        stop = threading.Event()
        errors: list[BaseException] = []

        def writer(name: str) -> None:
            n = 0
            try:
                while not stop.is_set() and n < 200:
                    n += 1
                    assert d.patch(f"/api/profiles/{name}", json={"description": f"v{n}"}).status_code == 200
            except (AssertionError, OSError) as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(name,)) for name in names]
        for t in threads:
            t.start()
        views = []
        for _ in range(5):  # snapshots taken while the writers run
            body = d.get("/api/profiles").json()
            revs = {p["name"]: p["revision"] for p in body["profiles"]}
            views.append((revs, WsClient(d, f"since={body['seq']}&epoch={body['epoch']}&topics=profile")))
        stop.set()
        for t in threads:
            t.join(60)
        assert not errors
        final = {p["name"]: p["revision"] for p in d.get("/api/profiles").json()["profiles"]}
        head = d.get("/api/status").json()["seq"]
        for revs, ws in views:
            seen = {name: [] for name in names}
            msg = {"seq": ws.hello["head_seq"]}
            while msg["seq"] < head and any(seen[n][-1:] != [final[n]] for n in names if final[n] > revs[n]):
                msg = ws.recv(30)
                assert msg["type"] == "event", msg
                seen[msg["data"]["profile"]["name"]].append(msg["data"]["profile"]["revision"])
            for name in names:  # the snapshot's state + the stream = every revision exactly once
                assert seen[name] == list(range(revs[name] + 1, final[name] + 1)), name
            ws.close()
    finally:
        d.stop()
