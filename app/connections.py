"""What one connection, one peer and all peers together can hold of the daemon.

- Total: gunicorn's `worker_connections` (KEYRX_MAX_CONNECTIONS), fitted under the process's
  open-file limit at start (`fit_to_fd_limit`).
- Per peer: at most KEYRX_MAX_CONNECTIONS_PER_PEER connections from one address; more are
  closed at once. Loopback peers are exempt: every local process shares that address, so a
  limit would lock the legitimate local client out together with the hostile one; for them
  the time bounds below are the protection.
- Time: request headers must arrive within gunicorn's `keepalive` (5 s); every socket read
  and write of an HTTP connection must progress within KEYRX_IO_TIMEOUT_S (5 s: a client
  that stops reading its responses is cut); a request body must arrive whole within
  KEYRX_BODY_TIMEOUT_S (`BodyDeadline`, 408 and close). A WebSocket drops the socket timeout
  at its upgrade (app/events/ws: its own pings and write deadline apply).

- Turns: a connection yields to the others after each request, so one that pipelines many
  requests gets one served per round, like everyone else; and past 90 % of the connection
  limit a connection is closed after each request, so held connections free their slots.

`Worker` is the gunicorn worker class (`app.connections.Worker`); `BodyDeadline` wraps the
WSGI app. Imports gunicorn's gevent worker (gunicorn loads it anyway) and the standard library.
"""
from __future__ import annotations

import io
import logging
import os
import resource
import threading
from collections.abc import Callable, Iterable
from typing import Any

import gevent
from gunicorn.workers.base_async import AsyncWorker  # type: ignore[import-untyped]
from gunicorn.workers.ggevent import GeventWorker  # type: ignore[import-untyped]

log = logging.getLogger("keyrx.connections")

MAX_CONNECTIONS = int(os.environ.get("KEYRX_MAX_CONNECTIONS", "4000"))
PER_PEER = int(os.environ.get("KEYRX_MAX_CONNECTIONS_PER_PEER", "256"))
IO_TIMEOUT_S = float(os.environ.get("KEYRX_IO_TIMEOUT_S", "5"))
BODY_TIMEOUT_S = float(os.environ.get("KEYRX_BODY_TIMEOUT_S", "5"))
BUSY = 0.9  # past this share of the connection limit, no keep-alive
FD_RESERVE = 256  # files besides connections: the database, input devices, uinput, logs
LOOPBACK = ("127.", "::1", "::ffff:127.")


def fit_to_fd_limit(wanted: int) -> int:
    """The number of connections the open-file limit allows (raising the soft limit to the
    hard one when needed); logs when it has to lower `wanted`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < need:
        fitted = max(64, soft - FD_RESERVE)
        log.warning("the open-file limit is %d: serving at most %d connections instead of %d "
                    "(raise LimitNOFILE / ulimit -n)", soft, fitted, wanted)
        return fitted
    return wanted


class PeerCounter:
    """Connections per peer address; `admit` refuses one past the limit (loopback exempt)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, peer: str) -> bool:
        if peer.startswith(LOOPBACK):
            return True
        with self._lock:
            if self._counts.get(peer, 0) >= self.limit:
                return False
            self._counts[peer] = self._counts.get(peer, 0) + 1
            return True

    def release(self, peer: str) -> None:
        if peer.startswith(LOOPBACK):
            return
        with self._lock:
            left = self._counts.get(peer, 0) - 1
            if left > 0:
                self._counts[peer] = left
            else:
                self._counts.pop(peer, None)


PEERS = PeerCounter(PER_PEER)


class Worker(GeventWorker):  # type: ignore[misc]
    """gunicorn's gevent worker with the per-peer limit, a deadline on every socket
    operation (gunicorn's own puts connections in blocking mode, without one), turns between
    requests, and no keep-alive while nearly full."""

    open_connections = 0

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        peer = str(addr[0]) if isinstance(addr, tuple) and addr else ""
        if not PEERS.admit(peer):
            client.close()
            return
        Worker.open_connections += 1
        try:
            client.settimeout(IO_TIMEOUT_S)
            AsyncWorker.handle(self, listener, client, addr)
        finally:
            Worker.open_connections -= 1
            PEERS.release(peer)

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> None:
        super().handle_request(listener_name, req, sock, addr)
        if Worker.open_connections >= BUSY * self.worker_connections:
            # nearly full: one request per connection, so slots free up for new clients
            # (gunicorn's connection loop closes the connection on StopIteration)
            raise StopIteration
        # take turns: a peer that pipelines requests would otherwise keep the hub (and every
        # other connection, the new ones included) until its pipeline is empty
        gevent.sleep(0)


StartResponse = Callable[..., Any]


class BodyDeadline:
    """Reads a request body (up to `max_bytes`) before the app runs, within `seconds`: a
    trickled body gets a 408 and the connection is closed. A larger declared body is left
    to the app (413, unread)."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
                 seconds: float, max_bytes: int) -> None:
        self.app = app
        self.seconds = seconds
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (0 < length <= self.max_bytes or chunked) and "gunicorn.socket" in environ:
            body = self._read(environ["wsgi.input"], length if length else self.max_bytes + 1)
            if body is None:
                start_response("408 Request Timeout", [
                    ("Content-Type", "application/problem+json"), ("Connection", "close")])
                return [b'{"type":"about:blank","title":"Request Timeout","status":408,'
                        b'"detail":"the request body did not arrive in time"}']
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _read(self, stream: Any, size: int) -> bytes | None:
        chunks: list[bytes] = []
        with gevent.Timeout(self.seconds, False):
            got = 0
            while got < size:
                chunk = stream.read(min(65536, size - got))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
            return b"".join(chunks)
        return None
