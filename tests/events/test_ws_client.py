"""One WebSocket client's queue and writer on a real socket pair (threads, no gevent)."""
from __future__ import annotations

import json
import socket
import threading
from typing import Any

from app.events.broadcaster import Broadcaster
from app.events.bus import Bus
from app.events.ws.client import Client
from app.events.ws.socket import SafeSocket


class FakeWs:
    """What the writer needs of simple-websocket's connection: close."""

    def __init__(self) -> None:
        self.closed: tuple[int, str] | None = None

    def close(self, reason: int, message: str) -> None:
        self.closed = (reason, message)


def test_heartbeats_leave_the_byte_count_where_it_was() -> None:
    ours, theirs = socket.socketpair()
    theirs.settimeout(10)  # a writer that stopped fails the test instead of hanging it
    config: dict[str, Any] = {"HEARTBEAT_S": 0.001, "CLIENT_QUEUE": 8, "CLIENT_QUEUE_BYTES": 4096}
    client = Client(FakeWs(), SafeSocket(ours, 5.0), {"device"}, Broadcaster(Bus(10, 1.0), "e1"), config)
    writer = threading.Thread(target=client.write_loop)
    writer.start()
    got = b""
    while got.count(b'"heartbeat"') < 3:  # three heartbeats written
        got += theirs.recv(4096)
    client.shutdown(1001, "done")
    writer.join(10)
    assert not writer.is_alive()
    assert client.queued == 0 and not client.frames  # each heartbeat counted in and out
    start = got.index(b"{")
    assert json.loads(got[start:got.index(b"}", start) + 1])["type"] == "heartbeat"
    ours.close()
    theirs.close()
