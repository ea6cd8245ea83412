"""The broadcaster: takes events off the bus, gives them seq, keeps the replay ring, fans out.

One supervised greenlet (a real thread without gevent). Each event is serialized once, by
`encode` (the ws side passes its framing), into bytes shared by every client. Assigning a
seq, appending to the ring and queueing to clients happen in one step that never yields, and
so does attaching a client (hello, replay, registration): replay and live can neither overlap
nor leave a gap. `enrich` completes an hw event before it is sequenced; it must only read
(it runs on this greenlet, which must never stall). Who wants to know which topics clients
follow passes `on_topics`. The remap loop shares the interpreter lock: a fan-out stops every few
clients to `give_way` to a key the loop has not read yet (hw/priority.py; bounded, never yields).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from ..clock import now_iso
from ..vocab import topic_of
from .bus import Bus
from .ring import Entry, Ring

log = logging.getLogger("keyrx.events")

BATCH, MAX_BACKOFF_S = 64, 5.0  # events per step before other greenlets get a turn; restart delay
Enrich = Callable[[str, dict[str, Any]], dict[str, Any]]
Encode = Callable[[bytes], bytes]  # JSON -> the bytes clients get; they end with the JSON
OnTopics = Callable[[set[str], set[str]], None]  # (topics a client joined, topics it left)
GiveWay = Callable[[], bool]  # the remap loop's hand-over (hw/priority.py): True if it waited
GIVE_WAY_EVERY = 4  # clients written to between two give-ways in a fan-out


def _plain(payload: bytes) -> bytes:
    return payload


def _ignore(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return data


def _never() -> bool:
    return False


class WsClient(Protocol):
    """What the broadcaster needs of a WebSocket client."""

    topics: set[str]

    def offer(self, frame: bytes, replay: bool = False, direct: bool = False) -> bool: ...
    def shutdown(self, code: int, reason: str) -> None: ...


class CursorError(Exception):
    """A cursor that cannot be served in full: the client must resync (reason in args[0])."""


class Broadcaster:
    """Owns seq, epoch, the ring and the set of clients."""

    def __init__(self, bus: Bus, epoch: str, *, enrich: Enrich = _ignore, encode: Encode = _plain,
                 ring_size: int = 4096, ring_bytes: int = 256 << 20, wait_timeout: float = 2.0,
                 on_topics: OnTopics | None = None, give_way: GiveWay = _never) -> None:
        self.bus = bus
        self.epoch = epoch
        self.head = 0
        self.ring = Ring(ring_size, ring_bytes)
        self._enrich = enrich
        self._encode = encode
        self._wait_timeout = wait_timeout
        self._lock = threading.Lock()  # a gevent lock under gevent; never held across a yield
        self.clients: set[WsClient] = set()
        self._on_topics = on_topics
        self.give_way = give_way  # called between pieces of fan-out work, so keys go first
        self.give_way_every = GIVE_WAY_EVERY
        self.last_loss = -1  # cursors at or before it may have missed a lost event
        self.loss_reason = ""
        self.state = "stopped"
        self.restarts = 0
        self.last_error: str | None = None
        self.slow_disconnects = 0
        self._running = False
        self._thread: Any = None
        self._inflight: list[Any] = []

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
                self.give_way()
                data = self._enrich(event, data)  # reads only
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
        payload = json.dumps(envelope, separators=(",", ":")).encode()
        frame = self._encode(payload)
        topic = topic_of(event)
        self.head = seq  # only once it is serialized: a failure leaves no gap
        self.ring.append(Entry(seq, topic, frame, len(frame) - len(payload)))
        n = 0
        for client in self.clients:
            if topic in client.topics:
                n += 1
                if n % self.give_way_every == 0:
                    self.give_way()  # never yields to a greenlet: this step stays atomic
                if not client.offer(frame, direct=direct):
                    self.slow_disconnects += 1

    def _lose(self, reason: str) -> None:
        self.last_loss, self.loss_reason = self.head, reason
        frame = self._control(self.resync(reason))
        for client in self.clients:
            client.offer(frame)

    def _control(self, obj: dict[str, Any]) -> bytes:  # hello, resync_required
        return self._encode(json.dumps(obj, separators=(",", ":")).encode())

    # -- cursors, replay, clients --------------------------------------------------------------
    @property
    def oldest(self) -> int:
        oldest = self.ring.oldest()
        return self.head + 1 if oldest is None else oldest

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
        return self.ring.after(since)

    def since(self, since: int | None, epoch: str | None = None) -> list[Entry]:
        """The events after `since`, all of them, or CursorError; None: the whole ring."""
        with self._lock:
            return list(self.ring) if since is None else self._since(since, epoch)

    def attach(self, client: WsClient, since: int | None, epoch: str | None,
               heartbeat_s: float) -> dict[str, Any]:
        """Queue hello (+ replay or resync_required) to a new client and register it, atomically."""
        self.revive()
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
            client.offer(self._control(hello), replay=True)
            if reason:
                client.offer(self._control(self.resync(reason)), replay=True)
            for entry in chosen:
                client.offer(entry.frame, replay=True)
            self.clients.add(client)
        self._topics_changed(set(client.topics), set())
        return hello

    def detach(self, client: WsClient) -> None:
        """Forget a client."""
        with self._lock:
            known = client in self.clients
            self.clients.discard(client)
        if known:
            self._topics_changed(set(), set(client.topics))

    def set_topics(self, client: WsClient, topics: set[str]) -> None:
        """Change what a client receives from the next event on."""
        with self._lock:
            known = client in self.clients
            before, client.topics = client.topics, topics
        if known:
            self._topics_changed(topics - before, before - topics)

    def _topics_changed(self, joined: set[str], left: set[str]) -> None:
        if self._on_topics is not None and (joined or left):
            self._on_topics(joined, left)

    # -- publishing ------------------------------------------------------------------------------
    def publish(self, event: str, data: dict[str, Any]) -> bool:
        """Publish from the hub side; return once the event has its seq (never waits for delivery)."""
        if not self._running:
            return self.bus.publish(event, data)
        self.revive()
        done = threading.Event()
        if not self.bus.publish(event, data, done):
            return False
        if not done.wait(self._wait_timeout):
            log.warning("event %s did not get its seq within %.1f s", event, self._wait_timeout)
        return True

    def status(self) -> dict[str, Any]:
        """The broadcaster's part of /api/status."""
        return {"state": self.state, "restarts": self.restarts, "last_error": self.last_error,
                "head_seq": self.head, "oldest_seq": self.oldest, "ring": len(self.ring),
                "slow_disconnects": self.slow_disconnects}


__all__ = ["Broadcaster", "CursorError", "Entry", "WsClient"]
