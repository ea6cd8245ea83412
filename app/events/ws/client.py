"""One WebSocket connection: its topics, its bounded frame queue, its writer and its reader.

Each connection has one writer (a greenlet under gevent) and the route's own greenlet reads
client ops. The broadcaster may write a lone frame straight to an idle client (`direct`).
"""
from __future__ import annotations

import collections
import json
import logging
import threading
import time
from typing import Any

from simple_websocket import ConnectionClosed

from ...clock import now_iso
from ..broadcaster import Broadcaster
from ..topics import UnknownTopics, parse_topics
from .frames import control
from .socket import SafeSocket, WriteTimeout

log = logging.getLogger("keyrx.ws")

BATCH_BYTES = 256 * 1024  # frames joined into one write
CLOSE_SLOW = 4008


class Client:
    """One connection: its topics, its bounded queue and its writer."""

    def __init__(self, ws: Any, safe: SafeSocket, topics: set[str], broadcaster: Broadcaster,
                 config: Any) -> None:
        self.ws = ws
        self.sock = safe
        self.topics = topics
        self.broadcaster = broadcaster
        self.heartbeat_s = float(config["HEARTBEAT_S"])
        self.heartbeat_shown = config["HEARTBEAT_S"]
        self.base = (int(config["CLIENT_QUEUE"]), int(config["CLIENT_QUEUE_BYTES"]))
        self.limit, self.max_bytes = self.base  # raised while a replay is queued
        self.frames: collections.deque[bytes] = collections.deque()
        self.queued = 0
        self.wake = threading.Event()
        self.slow = False
        self.writing = False
        self.closing: tuple[int, str] | None = None
        self.last_sent = time.monotonic()

    def offer(self, frame: bytes, replay: bool = False, direct: bool = False) -> bool:
        """Queue a frame without blocking (`direct`: write it now if idle); False when this
        made the client too slow."""
        if self.slow or self.closing:
            return True
        if direct and not (self.frames or self.writing) and self.sock.try_send(frame):
            self.last_sent = time.monotonic()
            if self.sock.pending:
                self.wake.set()  # the writer finishes the frame
            return True
        if replay:  # a replay is bounded by the ring, and always sent in full
            self.limit += 1
            self.max_bytes += len(frame)
        elif len(self.frames) >= self.limit or self.queued + len(frame) > self.max_bytes:
            self.slow = True
            self.frames.clear()
            self.queued = 0
            if self.writing:  # stuck mid-frame: no close frame can follow, cut it now
                self.sock.abort()
            self.wake.set()
            return False
        self.frames.append(frame)
        self.queued += len(frame)
        self.wake.set()
        return True

    def shutdown(self, code: int, reason: str) -> None:
        """Close after the frame being written (the writer sends the close frame)."""
        self.closing = (code, reason)
        self.wake.set()

    # -- the writer ----------------------------------------------------------------------
    def write_loop(self) -> None:
        try:
            while True:
                self.wake.clear()
                if self.slow:
                    self._close(CLOSE_SLOW, "slow consumer: reconnect with since")
                    log.warning("dropped a WebSocket client that did not keep up")
                    return
                if self.closing:
                    self._close(*self.closing)
                    return
                if not self.frames and not self.sock.pending:
                    left = self.heartbeat_s - (time.monotonic() - self.last_sent)
                    if left > 0:
                        self.wake.wait(left)
                        continue
                    beat = control({"type": "heartbeat", "epoch": self.broadcaster.epoch,
                                    "head_seq": self.broadcaster.head, "ts": now_iso()})
                    self.frames.append(beat)
                    self.queued += len(beat)  # counted like any frame: _batch takes it off
                self._write(self._batch())
        except WriteTimeout as exc:
            self.broadcaster.slow_disconnects += 1
            log.warning("dropped a WebSocket client: %s", exc)
            self.sock.abort()
        except OSError as exc:
            log.info("WebSocket client gone: %s", exc)
            self.sock.abort()

    def _batch(self) -> bytes:
        """The next frames to write, joined (empty: only a pending tail to finish)."""
        out, size = [], 0
        while self.frames and size < BATCH_BYTES:
            frame = self.frames.popleft()
            out.append(frame)
            size += len(frame)
        self.queued -= size
        self.limit = max(self.base[0], self.limit - len(out))
        self.max_bytes = max(self.base[1], self.max_bytes - size)
        return out[0] if len(out) == 1 else b"".join(out)

    def _write(self, data: bytes) -> None:
        self.broadcaster.give_way()  # a key the remap loop has not read yet goes first
        self.writing = True
        try:
            self.sock.send(data)
        finally:
            self.writing = False
        self.last_sent = time.monotonic()

    def _close(self, code: int, reason: str) -> None:
        try:
            self.ws.close(reason=code, message=reason)
        except (ConnectionClosed, OSError) as exc:
            log.debug("close frame not sent: %s", exc)
        self.sock.abort()

    # -- the reader (the route's greenlet) ------------------------------------------------------
    def read_loop(self) -> None:
        while self.closing is None and not self.slow:
            message = self.ws.receive(timeout=self.heartbeat_s)
            if message is not None:
                self.offer(control(self._handle(message)), direct=True)

    def _handle(self, message: str | bytes) -> dict[str, Any]:
        if isinstance(message, bytes):
            return _error("bad_message", "send text frames with JSON")
        try:
            msg = json.loads(message)
        except ValueError as exc:
            return _error("bad_json", f"not valid JSON: {exc}")
        except RecursionError:
            return _error("bad_json", "not valid JSON: nested too deeply")
        if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
            return _error("bad_message", 'send an object with "op": ping, subscribe or unsubscribe')
        op = msg["op"]
        if op == "ping":
            return {"type": "pong", "id": msg.get("id")}
        if op in ("subscribe", "unsubscribe"):
            names = msg.get("topics")
            if not isinstance(names, list) or not all(isinstance(t, str) for t in names):
                return _error("bad_topics", '"topics" must be a list of topic names')
            try:
                topics = parse_topics(names)
            except UnknownTopics as exc:
                return _error("bad_topics", str(exc))
            new = self.topics | topics if op == "subscribe" else self.topics - topics
            self.broadcaster.set_topics(self, new)
            return {"type": "topics", "topics": sorted(new)}
        return _error("unknown_op", f"unknown op '{op}'; use ping, subscribe or unsubscribe")


def _error(code: str, detail: str) -> dict[str, Any]:
    return {"type": "error", "error": {"code": code, "detail": detail}}
