"""The socket under a WebSocket connection, made safe to write to.

simple-websocket 1.1.0 sends with a single `socket.send()` (the tail of a partial write is
lost) and blocks forever on a peer that stopped reading, so before the handshake the socket
is wrapped in `SafeSocket`: every frame, ours or the library's pings and closes, goes out
whole with `sendall`, under a lock and a write deadline. Compression is not negotiated, so
one frame serves every client.
"""
from __future__ import annotations

import select
import socket
import threading
import time
from typing import Any

from ..bus import gevent_active
from ..offload import gevent_timeout


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
        if not gevent_timeout(self.timeout, self.raw.sendall, data):
            raise WriteTimeout(f"write stuck for {self.timeout:.0f} s")

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
