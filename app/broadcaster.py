"""The broadcaster: takes events off the bus, gives them seq, keeps the replay ring, fans out.

One supervised greenlet (a real thread without gevent). Each event is serialized once, into
a ready-to-send WebSocket frame shared by every client. Assigning a seq, appending to the
ring and queueing to clients happen in one step that never yields, and so does attaching a
client (hello, replay, registration): replay and live can neither overlap nor leave a gap.
"""
from __future__ import annotations

import collections
import json
import logging
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .bus import Bus
from .store import now_iso

log = logging.getLogger("keyrx.events")

BATCH = 64            # events per step before other greenlets get a turn
MAX_BACKOFF_S = 5.0
Enrich = Callable[[str, dict[str, Any]], dict[str, Any]]


def text_frame(payload: bytes) -> tuple[bytes, int]:
    """An unmasked, final WebSocket text frame (server side) and its header length."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return head + payload, len(head)


def control(obj: dict[str, Any]) -> bytes:
    """A frame for a non-event message (hello, heartbeat, resync_required, pong, error)."""
    return text_frame(json.dumps(obj, separators=(",", ":")).encode())[0]


class Sink(Protocol):
    """What the broadcaster needs of a WebSocket client."""

    topics: set[str]

    def offer(self, frame: bytes, replay: bool = False, direct: bool = False) -> bool: ...
    def shutdown(self, code: int, reason: str) -> None: ...


@dataclass(frozen=True)
class Entry:
    """One event in the ring: its frame and where the JSON starts in it."""

    seq: int
    topic: str
    frame: bytes
    header: int

    @property
    def payload(self) -> memoryview:
        return memoryview(self.frame)[self.header:]


class CursorError(Exception):
    """A cursor that cannot be served in full: the client must resync (reason in args[0])."""


class Broadcaster:
    """Owns seq, epoch, the ring and the set of clients."""

    def __init__(self, bus: Bus, epoch: str, *, enrich: Enrich, ring_size: int = 4096,
                 ring_bytes: int = 256 << 20, wait_timeout: float = 2.0,
                 on_key_interest: Callable[[bool], None] | None = None) -> None:
        self.bus = bus
        self.epoch = epoch
        self.head = 0
        self.ring: collections.deque[Entry] = collections.deque()
        self.ring_size = max(1, ring_size)
        self.ring_bytes = ring_bytes
        self._ring_used = 0
        self._enrich = enrich
        self._wait_timeout = wait_timeout
        self._lock = threading.Lock()  # a gevent lock under gevent; never held across a yield
        self.clients: set[Sink] = set()
        self._key_clients = 0
        self._on_key_interest = on_key_interest
        self.last_loss = -1  # cursors at or before it may have missed a lost event
        self.loss_reason = ""
        self.state = "stopped"
        self.restarts = 0
        self.last_error: str | None = None
        self.slow_disconnects = 0
        self._running = False
        self._thread: Any = None
        self._inflight: list[Any] = []
        self._writes = 0
        self._snapshots = 0
        self._idle = threading.Condition()

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Start the supervised loop (a greenlet under gevent)."""
        if self._running:
            return
        self._running = True
        self._thread = threading.Thread(target=self._supervise, name="keyrx-broadcaster",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop and close every client with 1001."""
        if not self._running:
            return
        self._running = False
        self.bus.wake()
        self._thread.join(timeout)
        with self._lock:
            clients = list(self.clients)
        for client in clients:
            client.shutdown(1001, "daemon shutting down")

    @property
    def running(self) -> bool:
        return self._running

    def revive(self) -> None:
        """Start the loop again if it ended outside its supervisor (a killed greenlet)."""
        if self._running and self._thread is not None and not self._thread.is_alive():
            self.restarts += 1
            self.last_error = "the broadcaster ended unexpectedly"
            log.error("event broadcaster ended unexpectedly; restarting it")
            with self._lock:
                self._lose("broadcaster_restarted")
            self._running = False
            self.start()

    def _supervise(self) -> None:
        backoff = 0.05
        while self._running:
            started = time.monotonic()
            try:
                self.state = "running"
                self._serve()
            except Exception as exc:  # any bug or store error: report, resync clients, go on
                self.restarts += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                self.state = "restarting"
                log.exception("event broadcaster failed (restart %d)", self.restarts)
                self._abandon_inflight()
                with self._lock:
                    self._lose("broadcaster_restarted")
                backoff = 0.05 if time.monotonic() - started > 10 else min(backoff * 2, MAX_BACKOFF_S)
                time.sleep(backoff)
        self.state = "stopped"

    def _abandon_inflight(self) -> None:
        lost = [item[0] for item in self._inflight]
        for _, _, done in self._inflight:
            if done is not None:
                done.set()
        self._inflight = []
        if lost:
            log.error("lost %d event(s) in the failed step: %s", len(lost), ", ".join(lost[:10]))

    def _serve(self) -> None:
        while self._running:
            items = self.bus.take(BATCH, timeout=1.0)
            self._inflight = list(items)
            for i, (event, data, done) in enumerate(items):
                data = self._enrich(event, data)  # may write to the store (and yield)
                # a lone event may be written straight to idle clients; a burst is queued
                # so that each writer sends it in one go
                with self._lock:
                    self._emit(event, data, direct=i == len(items) - 1 and not len(self.bus))
                self._inflight.pop(0)
                if done is not None:
                    done.set()
            with self._lock:
                lost = self.bus.take_losses()
                if lost:
                    log.error("event bus full (capacity %d): dropped %d event(s): %s; clients "
                              "are told to resync", self.bus.capacity, len(lost), ", ".join(lost[:10]))
                    self._lose("source_overflow")
            if self.bus.take_high_water():
                log.warning("event bus is over 80%% full (%d of %d)", self.bus.stats()["depth"],
                            self.bus.capacity)
            if items:
                time.sleep(0)  # let the writers and requests run between batches

    # -- the step that never yields ----------------------------------------------------------
    def _emit(self, event: str, data: dict[str, Any], direct: bool = False) -> None:
        seq = self.head + 1
        envelope = {"type": "event", "seq": seq, "epoch": self.epoch, "ts": now_iso(),
                    "event": event, "data": data}
        frame, header = text_frame(json.dumps(envelope, separators=(",", ":")).encode())
        topic = event.split(".", 1)[0]
        self.head = seq  # only once it is serialized: a failure leaves no gap
        self.ring.append(Entry(seq, topic, frame, header))
        self._ring_used += len(frame)
        while len(self.ring) > self.ring_size or (self._ring_used > self.ring_bytes and len(self.ring) > 1):
            self._ring_used -= len(self.ring.popleft().frame)
        for client in self.clients:
            if topic in client.topics and not client.offer(frame, direct=direct):
                self.slow_disconnects += 1

    def _lose(self, reason: str) -> None:
        self.last_loss, self.loss_reason = self.head, reason
        frame = control(self.resync(reason))
        for client in self.clients:
            client.offer(frame)

    # -- cursors, replay, clients --------------------------------------------------------------
    @property
    def oldest(self) -> int:
        return self.ring[0].seq if self.ring else self.head + 1

    def resync(self, reason: str) -> dict[str, Any]:
        """The resync_required message."""
        return {"type": "resync_required", "epoch": self.epoch, "head_seq": self.head, "reason": reason}

    def _since(self, since: int, epoch: str | None) -> list[Entry]:
        if epoch is not None and epoch != self.epoch:
            raise CursorError("epoch_changed")
        if since > self.head:
            raise CursorError("cursor_ahead")
        if since < self.oldest - 1:
            raise CursorError("cursor_too_old")
        if since <= self.last_loss:
            raise CursorError(self.loss_reason)
        start = since - self.oldest + 1
        return [self.ring[i] for i in range(start, len(self.ring))]

    def since(self, since: int | None, epoch: str | None = None) -> list[Entry]:
        """The events after `since`, all of them, or CursorError; None: the whole ring."""
        with self._lock:
            return list(self.ring) if since is None else self._since(since, epoch)

    def attach(self, client: Sink, since: int | None, epoch: str | None,
               heartbeat_s: float) -> dict[str, Any]:
        """Queue hello (+ replay or resync_required) to a new client and register it, atomically."""
        with self._lock:
            replay: list[Entry] = []
            reason = None
            if since is not None:
                try:
                    replay = self._since(since, epoch)
                except CursorError as exc:
                    reason = str(exc)
            chosen = [e for e in replay if e.topic in client.topics]
            hello = {"type": "hello", "epoch": self.epoch, "head_seq": self.head,
                     "oldest_seq": self.oldest, "heartbeat_s": heartbeat_s,
                     "topics": sorted(client.topics),
                     "replay": None if since is None or reason else
                     {"from": since + 1, "to": self.head, "count": len(chosen)}}
            client.offer(control(hello), replay=True)
            if reason:
                client.offer(control(self.resync(reason)), replay=True)
            for entry in chosen:
                client.offer(entry.frame, replay=True)
            self.clients.add(client)
            change = self._count_key("key" in client.topics)
        self._key_interest(change)
        return hello

    def detach(self, client: Sink) -> None:
        """Forget a client."""
        with self._lock:
            change = None
            if client in self.clients:
                self.clients.discard(client)
                change = self._count_key(-("key" in client.topics))
        self._key_interest(change)

    def set_topics(self, client: Sink, topics: set[str]) -> None:
        """Change what a client receives from the next event on."""
        with self._lock:
            change = None
            if client in self.clients:
                change = self._count_key(("key" in topics) - ("key" in client.topics))
            client.topics = topics
        self._key_interest(change)

    def _count_key(self, delta: int) -> bool | None:
        """Count `key` subscribers; True/False when the first joined / the last left."""
        before = self._key_clients
        self._key_clients += delta
        if (before == 0) != (self._key_clients == 0):
            return self._key_clients > 0
        return None

    def _key_interest(self, change: bool | None) -> None:
        if change is not None and self._on_key_interest is not None:
            self._on_key_interest(change)

    # -- publishing and snapshot consistency --------------------------------------------------
    # A write request publishes after changing the store and returns once its event has a
    # seq. A snapshot reads the seq, then the state. So that the state holds exactly the
    # events up to that seq, a snapshot starts once no write is in flight, and writes wait
    # while a snapshot is being read. Both waits are bounded (QUIESCE_S).
    def publish(self, event: str, data: dict[str, Any]) -> bool:
        """Publish from the hub side; return once the event has its seq (never waits for delivery)."""
        if not self._running:
            return self.bus.publish(event, data)
        done = threading.Event()
        if not self.bus.publish(event, data, done):
            return False
        if not done.wait(self._wait_timeout):
            log.warning("event %s did not get its seq within %.1f s", event, self._wait_timeout)
        return True

    def begin_write(self, timeout: float) -> None:
        """A request that may change state (and publish) starts, once no snapshot is read."""
        with self._idle:
            self._idle.wait_for(lambda: self._snapshots == 0, timeout)
            self._writes += 1

    def end_write(self) -> None:
        """That request has finished; its events have their seq."""
        with self._idle:
            self._writes -= 1
            self._idle.notify_all()

    def begin_snapshot(self, timeout: float) -> bool:
        """A snapshot read starts once no write is in flight; False if it waited in vain."""
        with self._idle:
            quiet = self._idle.wait_for(lambda: self._writes == 0, timeout)
            self._snapshots += 1
            return quiet

    def end_snapshot(self) -> None:
        """That snapshot has been read."""
        with self._idle:
            self._snapshots -= 1
            self._idle.notify_all()

    def status(self) -> dict[str, Any]:
        """The broadcaster's part of /api/status."""
        return {"state": self.state, "restarts": self.restarts, "last_error": self.last_error,
                "head_seq": self.head, "oldest_seq": self.oldest, "ring": len(self.ring),
                "slow_disconnects": self.slow_disconnects}
