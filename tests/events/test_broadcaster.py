"""The broadcaster driven on real threads with fake clients: seq, ring, cursors, losses, restarts."""
from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from app.events.broadcaster import Broadcaster, CursorError
from app.events.bus import Bus
from app.events.snapshots import SnapshotGate
from app.services.runtime import KeySubscribers
from app.vocab import DEFAULT_TOPICS


class FakeClient:
    """Records frames; can be told to refuse (a slow client)."""

    def __init__(self, topics: set[str] | None = None, refuse: bool = False) -> None:
        self.topics = set(topics or DEFAULT_TOPICS)
        self.refuse = refuse
        self.frames: queue.Queue[dict[str, Any]] = queue.Queue()
        self.closed: tuple[int, str] | None = None

    def offer(self, frame: bytes, replay: bool = False, direct: bool = False) -> bool:
        self.frames.put(json.loads(frame))  # the broadcaster's default encoding: plain JSON
        return not self.refuse

    def shutdown(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def next(self) -> dict[str, Any]:
        return self.frames.get(timeout=10)


def identity(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return data


@pytest.fixture
def hub() -> Iterator[Broadcaster]:
    b = Broadcaster(Bus(100, 1.0), "e1", enrich=identity, ring_size=8)
    b.start()
    yield b
    b.stop()


def test_events_get_consecutive_seqs_and_reach_clients(hub: Broadcaster) -> None:
    client = FakeClient()
    hello = hub.attach(client, None, None, 15)
    assert hello == {"type": "hello", "epoch": "e1", "head_seq": 0, "oldest_seq": 1, "heartbeat_s": 15,
                     "topics": sorted(DEFAULT_TOPICS), "replay": None}
    assert client.next()["type"] == "hello"
    for i in range(3):
        hub.publish("profile.created", {"i": i})
    hub.publish("key", {"i": 9})  # not in the client's topics
    msgs = [client.next() for _ in range(3)]
    assert [(m["seq"], m["data"]["i"], m["epoch"]) for m in msgs] == [(1, 0, "e1"), (2, 1, "e1"), (3, 2, "e1")]
    assert hub.head == 4 and client.frames.empty()


def test_cursors_replay_in_full_or_not_at_all(hub: Broadcaster) -> None:
    for i in range(12):
        hub.publish("device.updated", {"i": i})
    assert hub.oldest == 5 and len(hub.ring) == 8
    assert [e.seq for e in hub.since(4, "e1")] == list(range(5, 13))
    assert hub.since(12) == []
    for since, epoch, reason in ((3, "e1", "cursor_too_old"), (13, "e1", "cursor_ahead"),
                                 (6, "other", "epoch_changed")):
        with pytest.raises(CursorError, match=reason):
            hub.since(since, epoch)
        client = FakeClient()
        hello = hub.attach(client, since, epoch, 15)
        assert hello["replay"] is None
        assert client.next()["type"] == "hello"
        assert client.next() == {"type": "resync_required", "epoch": "e1", "head_seq": 12, "reason": reason}
    client = FakeClient()
    assert hub.attach(client, 9, "e1", 15)["replay"] == {"from": 10, "to": 12, "count": 3}
    client.next()
    assert [client.next()["seq"] for _ in range(3)] == [10, 11, 12]
    hub.publish("device.updated", {})
    assert client.next()["seq"] == 13  # live right after the replay


def test_loss_on_the_bus_reaches_clients_and_cursors(hub: Broadcaster) -> None:
    hub.publish("profile.created", {})
    client = FakeClient()
    hub.attach(client, None, None, 15)
    client.next()
    hub.bus.capacity = 0  # nothing fits: the next publish is dropped after the put timeout
    hub.bus.put_timeout = 0
    assert hub.bus.publish("profile.updated", {}) is False
    assert client.next() == {"type": "resync_required", "epoch": "e1", "head_seq": 1,
                             "reason": "source_overflow"}
    hub.bus.capacity = 100
    hub.publish("profile.updated", {})
    assert client.next()["seq"] == 2
    with pytest.raises(CursorError, match="source_overflow"):
        hub.since(1, "e1")
    assert [e.seq for e in hub.since(2, "e1")] == []


def test_slow_clients_are_counted(hub: Broadcaster) -> None:
    hub.attach(FakeClient(refuse=True), None, None, 15)
    hub.publish("profile.created", {})
    assert hub.slow_disconnects == 1


def test_a_failing_step_restarts_the_broadcaster_and_resyncs_clients() -> None:
    fail = threading.Event()

    def enrich(event: str, data: dict[str, Any]) -> dict[str, Any]:
        if fail.is_set():
            fail.clear()
            raise RuntimeError("store is locked")
        return data

    hub = Broadcaster(Bus(100, 1.0), "e1", enrich=enrich, wait_timeout=5)
    hub.start()
    try:
        client = FakeClient()
        hub.attach(client, None, None, 15)
        client.next()
        hub.publish("profile.created", {"n": 1})
        fail.set()
        hub.publish("profile.created", {"n": 2})  # lost in the failed step
        hub.publish("profile.created", {"n": 3})
        assert client.next()["data"] == {"n": 1}
        assert client.next() == {"type": "resync_required", "epoch": "e1", "head_seq": 1,
                                 "reason": "broadcaster_restarted"}
        msg = client.next()
        assert msg["seq"] == 2 and msg["data"] == {"n": 3}  # no gap in seq
        status = hub.status()
        assert status["restarts"] == 1 and status["state"] == "running"
        assert status["last_error"] == "RuntimeError: store is locked"
    finally:
        hub.stop()
    assert client.closed == (1001, "daemon shutting down")


def test_an_unserializable_event_does_not_leave_a_gap(hub: Broadcaster) -> None:
    client = FakeClient()
    hub.attach(client, None, None, 15)
    client.next()
    hub.publish("profile.created", {"bad": object()})
    assert client.next()["reason"] == "broadcaster_restarted"
    hub.publish("profile.created", {"ok": True})
    assert client.next()["seq"] == 1


def test_snapshots_and_writes_do_not_overlap() -> None:
    hub = SnapshotGate()
    hub.begin_write(1)
    assert hub.begin_snapshot(0.05) is False  # gave up waiting (bounded)
    hub.end_snapshot()
    threading.Timer(0.05, hub.end_write).start()
    assert hub.begin_snapshot(10) is True
    started = threading.Event()
    writer = threading.Thread(target=lambda: (hub.begin_write(10), started.set()))
    writer.start()
    assert not started.wait(0.1)  # a write waits while the snapshot is read
    hub.end_snapshot()
    assert started.wait(10)
    writer.join(10)
    hub.end_write()


def test_a_waiting_snapshot_holds_new_writes_back() -> None:
    """Writers taking turns never leave the gate idle; a waiting snapshot must still get its turn."""
    blocked = {"reader": threading.Event(), "late": threading.Event()}

    class Said(threading.Condition):
        """The gate's condition, saying which thread blocked in it."""

        def wait(self, timeout: float | None = None) -> bool:
            blocked[threading.current_thread().name].set()
            return super().wait(timeout)

    hub = SnapshotGate()
    hub._idle = Said()  # noqa: SLF001  (injected before first use)
    hub.begin_write(1)  # a write in flight
    quiet = threading.Event()
    reader = threading.Thread(target=lambda: hub.begin_snapshot(10) and quiet.set(), name="reader")
    reader.start()
    entered = threading.Event()
    late = threading.Thread(target=lambda: (hub.begin_write(10), entered.set()), name="late")
    assert blocked["reader"].wait(10)  # the snapshot waits for the write in flight
    late.start()
    assert blocked["late"].wait(10) and not entered.is_set()  # a new write waits behind it
    hub.end_write()  # the write in flight finishes: the snapshot goes first
    assert quiet.wait(10) and not entered.is_set()
    hub.end_snapshot()
    assert entered.wait(10)
    reader.join(10)
    late.join(10)
    hub.end_write()


def test_the_loop_publishes_keystrokes_only_while_someone_listens() -> None:
    calls: list[bool] = []
    hub = Broadcaster(Bus(10, 1.0), "e1", enrich=identity, on_topics=KeySubscribers(calls.append))
    a, b, plain = FakeClient({"key"}), FakeClient({"key", "device"}), FakeClient()
    hub.attach(plain, None, None, 15)
    hub.attach(a, None, None, 15)
    hub.attach(b, None, None, 15)
    assert calls == [True]
    hub.set_topics(a, {"device"})
    hub.detach(plain)
    assert calls == [True]
    hub.detach(b)
    assert calls == [True, False]
    hub.set_topics(plain, {"key"})  # not attached any more: no effect on the count
    hub.attach(FakeClient({"device"}), None, None, 15)
    assert calls == [True, False]


def test_a_fan_out_gives_way_to_the_remap_loop_every_few_clients() -> None:
    offered: list[int] = []  # events offered so far, by client
    at_give_way: list[int] = []

    class Counting(FakeClient):
        def offer(self, frame: bytes, replay: bool = False, direct: bool = False) -> bool:
            if not replay:
                offered.append(1)
            return super().offer(frame, replay, direct)

    def give_way() -> bool:
        at_give_way.append(len(offered))
        return False

    b = Broadcaster(Bus(100, 1.0), "e1", enrich=identity, give_way=give_way)
    b.give_way_every = 4
    clients = [Counting() for _ in range(10)]
    for c in clients:
        b.attach(c, None, None, 15)
    b.start()
    try:
        b.publish("profile.created", {"name": "x"})
        assert [c.next()["type"] for c in clients] == ["hello"] * 10
        assert [c.next()["event"] for c in clients] == ["profile.created"] * 10
    finally:
        b.stop()
    assert at_give_way == [0, 3, 7]  # before the event, then before the 4th and the 8th client
