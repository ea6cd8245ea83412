"""Hardening helpers: the worker's own figures, raw WebSocket sockets, and a figures report."""
from __future__ import annotations

import base64
import json
import os
import socket
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import TOKEN, Daemon, running


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """One daemon for a module's tests."""
    with running(tmp_path_factory.mktemp("live")) as d:
        yield d


def worker_pid(daemon: Daemon) -> int:
    """The gunicorn worker's pid (the master's only child)."""
    assert daemon.proc is not None
    master = daemon.proc.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, f"expected one worker, got {children}"
    return int(children[0])


def proc_figures(pid: int) -> dict[str, int]:
    """Open fds and RSS (KiB) of a process, from /proc."""
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    return {"fds": len(os.listdir(f"/proc/{pid}/fd")), "rss_kb": rss}


def wait_for(pred: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition until it holds (the daemon's state is only visible by asking)."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


# -- raw WebSocket, for what no well-behaved client library will send ---------------------
def upgrade_request(daemon: Daemon, extra: str = "", query: str = "") -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET /ws{query} HTTP/1.1\r\nHost: 127.0.0.1:{daemon.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {TOKEN}\r\n{extra}\r\n").encode()


class RawWs:
    """A hand-driven WebSocket connection: send any frame, read frames as they come."""

    def __init__(self, daemon: Daemon, extra: str = "", timeout: float = 15.0, *,
                 pong: bool = True) -> None:
        self.pong = pong  # answer protocol pings, as any live client does
        self.sock = socket.create_connection(("127.0.0.1", daemon.port), timeout=timeout)
        self.sock.sendall(upgrade_request(daemon, extra))
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            assert chunk, "closed during the handshake"
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.response = head.decode("latin-1")
        assert self.response.startswith("HTTP/1.1 101"), self.response
        self.hello = self.recv_json()
        assert self.hello["type"] == "hello"

    def send_frame(self, opcode: int, payload: bytes, *, rsv1: bool = False, fin: bool = True) -> None:
        self.sock.sendall(frame(opcode, payload, rsv1=rsv1, fin=fin))

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self) -> tuple[int, bytes]:
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        op, data = b0 & 0x0F, self._read(n)
        if op == 9 and self.pong:
            self.send_frame(10, data)
            return self.recv_frame()
        return op, data

    def recv_json(self) -> dict[str, Any]:
        """The next text message that is neither a heartbeat nor an event (e.g. from start-up)."""
        while True:
            op, data = self.recv_frame()
            assert op == 1, (op, data)
            msg: dict[str, Any] = json.loads(data)
            if msg["type"] not in ("heartbeat", "event"):
                return msg

    def recv_close(self) -> int | None:
        """Read until the close frame (its code) or EOF (None)."""
        try:
            while True:
                op, data = self.recv_frame()
                if op == 8:
                    return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
        except (ConnectionError, OSError):
            return None

    def close(self) -> None:
        self.sock.close()


def frame(opcode: int, payload: bytes, *, rsv1: bool = False, fin: bool = True) -> bytes:
    """A masked client frame."""
    b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    mask = os.urandom(4)
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
    return head + mask + masked
