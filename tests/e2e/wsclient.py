"""A small synchronous WebSocket client for the event tests (websocket-client underneath)."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Self

import websocket

from tests.e2e.conftest import TOKEN, Daemon

Msg = dict[str, Any]


class WsClient:
    """One /ws connection; `recv` skips heartbeats unless asked for them."""

    def __init__(self, daemon: Daemon, query: str = "", *, token: str | None = TOKEN,
                 subprotocols: list[str] | None = None, timeout: float = 15.0,
                 sockopt: tuple[tuple[int, int, int], ...] = ()) -> None:
        headers = [f"Authorization: Bearer {token}"] if token and subprotocols is None else []
        url = daemon.url.replace("http://", "ws://") + "/ws" + (f"?{query}" if query else "")
        self.ws = websocket.create_connection(
            url, header=headers, subprotocols=subprotocols or ["keyrx.v1"], timeout=timeout,
            sockopt=sockopt, enable_multithread=True)
        self.hello = self.recv()
        assert self.hello["type"] == "hello", self.hello

    def recv(self, timeout: float = 15.0, heartbeats: bool = False) -> Msg:
        deadline = time.monotonic() + timeout
        while True:
            self.ws.settimeout(max(0.01, deadline - time.monotonic()))
            msg: Msg = json.loads(self.ws.recv())
            if heartbeats or msg["type"] != "heartbeat":
                return msg

    def until(self, pred: Callable[[Msg], bool], timeout: float = 15.0,
              heartbeats: bool = False) -> list[Msg]:
        """Every message up to and including the first one that matches."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            msg = self.recv(max(0.01, deadline - time.monotonic()), heartbeats)
            seen.append(msg)
            if pred(msg):
                return seen

    def event(self, name: str, timeout: float = 15.0) -> Msg:
        """The next event called `name` (other messages before it are skipped)."""
        return self.until(lambda m: m.get("event") == name, timeout)[-1]

    def send(self, obj: Any) -> None:
        self.ws.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj))

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cursor(daemon: Daemon) -> tuple[int, str]:
    """(seq, epoch) of a snapshot."""
    body = daemon.get("/api/profiles").json()
    return body["seq"], body["epoch"]


def make_profile(daemon: Daemon, name: str, **extra: Any) -> Msg:
    r = daemon.post("/api/profiles", json={"name": name, "layers": {"base": {}}, **extra})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]
