"""GET /ws: the live event stream (API.md §4), on flask-sock.

Each connection has a bounded frame queue and one writer (a greenlet under gevent); the
route's own greenlet reads client ops. simple-websocket 1.1.0 sends with a single
`socket.send()` (the tail of a partial write is lost) and blocks forever on a peer that
stopped reading, so before the handshake the socket is wrapped in `SafeSocket`: every
frame, ours or the library's pings and closes, goes out whole with `sendall`, under a lock
and a write deadline. Compression is not negotiated, so one frame serves every client.
"""
from __future__ import annotations

import collections
import json
import logging
import select
import socket
import threading
import time
from typing import Any

from flask import Blueprint, current_app, g, request
from flask_sock import Sock
from simple_websocket import ConnectionClosed

from .broadcaster import Broadcaster, control
from .bus import gevent_active
from .errors import ApiError
from .store import now_iso
from .vocab import DEFAULT_TOPICS, TOPICS

log = logging.getLogger("keyrx.ws")

bp = Blueprint("ws", __name__)
sock = Sock()
BATCH_BYTES = 256 * 1024  # frames joined into one write
CLOSE_SLOW = 4008


class WriteTimeout(OSError):
    """A write made no progress before its deadline."""


class SafeSocket:
    """A socket whose `send` writes everything or fails within the deadline (see module doc)."""

    def __init__(self, raw: Any, timeout: float) -> None:
        self.raw = raw
        self.timeout = timeout
        self._lock = threading.Lock()
        self._gevent = gevent_active()
        self._pending = b""  # the unsent tail of a frame that try_send started
        # under gevent the real, non-blocking socket inside gevent's lets the broadcaster
        # write without a greenlet switch (see try_send)
        self._direct = getattr(raw, "_sock", None) if self._gevent else None
        try:  # events are small and must leave at once, not wait for an ACK (Nagle)
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # not TCP (a Unix socket): nothing to tune

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)

    @property
    def pending(self) -> bool:
        """Part of a frame is still to be written (by the next `send`)."""
        return bool(self._pending)

    def try_send(self, data: bytes) -> bool:
        """Write now without blocking if nothing else is in flight; False: queue it instead.

        A partial write keeps the rest as pending: every later `send` writes it first, so no
        other frame can land inside this one.
        """
        if self._direct is None or self._pending or not self._lock.acquire(blocking=False):
            return False
        try:
            n = self._direct.send(data)
        except OSError:  # full (BlockingIOError) or broken: the writer takes over
            return False
        finally:
            self._lock.release()
        if n < len(data):
            self._pending = data[n:]
        return True

    def send(self, data: bytes) -> int:
        if not self._lock.acquire(timeout=self.timeout):
            raise WriteTimeout("another write is stuck")
        try:
            if self._pending:
                data, self._pending = self._pending + data, b""
            if self._gevent:
                self._send_gevent(data)
            else:
                self._send_threads(data)
        finally:
            self._lock.release()
        return len(data)

    def _send_gevent(self, data: bytes) -> None:
        import gevent
        try:
            with gevent.Timeout(self.timeout):
                self.raw.sendall(data)
        except gevent.Timeout:
            raise WriteTimeout(f"write stuck for {self.timeout:.0f} s") from None

    def _send_threads(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + self.timeout
        while view:
            try:
                view = view[self.raw.send(view, socket.MSG_DONTWAIT):]
                continue
            except BlockingIOError:
                pass  # buffer full: wait below
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self.raw], [], left)[1]:
                raise WriteTimeout(f"write stuck for {self.timeout:.0f} s")

    def abort(self) -> None:
        """Cut the connection now; wakes its reader and writer."""
        try:
            self.raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already gone


class Client:
    """One connection: its topics, its bounded queue and its writer."""

    def __init__(self, ws: Any, safe: SafeSocket, topics: set[str], hub: Broadcaster,
                 config: Any) -> None:
        self.ws = ws
        self.sock = safe
        self.topics = topics
        self.hub = hub
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
                    self.frames.append(control({"type": "heartbeat", "epoch": self.hub.epoch,
                                                "head_seq": self.hub.head, "ts": now_iso()}))
                self._write(self._batch())
        except WriteTimeout as exc:
            self.hub.slow_disconnects += 1
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
            topics = msg.get("topics")
            if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
                return _error("bad_topics", '"topics" must be a list of topic names')
            unknown = sorted(set(topics) - set(TOPICS))
            if unknown:
                return _error("bad_topics", f"unknown topic(s) {', '.join(unknown)}; "
                              f"known: {', '.join(TOPICS)}")
            new = self.topics | set(topics) if op == "subscribe" else self.topics - set(topics)
            self.hub.set_topics(self, new)
            return {"type": "topics", "topics": sorted(new)}
        return _error("unknown_op", f"unknown op '{op}'; use ping, subscribe or unsubscribe")


def _error(code: str, detail: str) -> dict[str, Any]:
    return {"type": "error", "error": {"code": code, "detail": detail}}


def _query() -> tuple[int | None, str | None, set[str]]:
    """since, epoch and topics from the query string, or a 400 before the handshake."""
    args = request.args
    since: int | None = None
    if args.get("since") not in (None, ""):
        try:
            since = int(args["since"])
        except ValueError:
            since = -1
        if since < 0:
            raise ApiError(400, "since must be a non-negative integer (an event seq)")
        if not args.get("epoch"):
            raise ApiError(400, "send epoch with since (both come from hello, an event or a "
                           "collection GET)")
    topics = set(DEFAULT_TOPICS)
    if args.get("topics"):
        topics = {t.strip() for t in args["topics"].split(",") if t.strip()}
        unknown = sorted(topics - set(TOPICS))
        if unknown:
            raise ApiError(400, f"unknown topic(s) {', '.join(unknown)}; known: {', '.join(TOPICS)}")
    return since, args.get("epoch") or None, topics


@bp.before_app_request
def _prepare() -> None:
    # before flask-sock's handshake: validate, wrap the socket, decline compression
    if request.path != "/ws" or request.environ.get("HTTP_UPGRADE", "").lower() != "websocket":
        return
    g.keyrx_ws = _query()
    env = request.environ
    env.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
    timeout = float(current_app.config["WRITE_TIMEOUT_S"])
    for key in ("gunicorn.socket", "werkzeug.socket"):
        if key in env and not isinstance(env[key], SafeSocket):
            env[key] = SafeSocket(env[key], timeout)
            g.keyrx_sock = env[key]
            return
    raise ApiError(500, "this server does not expose its sockets; run the daemon with gunicorn")


@sock.route("/ws", bp=bp)  # type: ignore[untyped-decorator]
def events_ws(ws: Any) -> None:
    """One client, from hello to close."""
    k = current_app.extensions["keyrx"]
    since, epoch, topics = g.keyrx_ws
    client = Client(ws, g.keyrx_sock, topics, k.events, current_app.config)
    writer = threading.Thread(target=client.write_loop, name="keyrx-ws-writer", daemon=True)
    k.events.attach(client, since, epoch, client.heartbeat_shown)
    writer.start()
    try:
        client.read_loop()
    finally:
        k.events.detach(client)
        client.shutdown(1000, "bye")
        writer.join(client.sock.timeout + 1)
        client.sock.abort()
