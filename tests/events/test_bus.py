"""The bus on real threads: bounded, drops visibly after the put timeout, loses nothing otherwise."""
from __future__ import annotations

import threading
import time

from app.events.bus import Bus


def test_full_bus_waits_then_drops_and_counts() -> None:
    bus = Bus(capacity=2, put_timeout=0.05)
    assert bus.publish("a", {}) and bus.publish("b", {})
    started = time.monotonic()
    assert bus.publish("c", {}) is False
    assert time.monotonic() - started >= 0.05  # it waited for room first
    assert bus.stats() == {"depth": 2, "capacity": 2, "published": 2, "dropped": 1}
    assert bus.take_losses() == ["c"]
    assert [item[0] for item in bus.take(10, timeout=0)] == ["a", "b"]
    assert bus.stats() == {"depth": 0, "capacity": 2, "published": 2, "dropped": 1}
    assert bus.take_losses() == []


def test_publisher_gets_room_when_the_consumer_drains() -> None:
    bus = Bus(capacity=1, put_timeout=10)
    bus.publish("a", {})
    result: list[bool] = []
    t = threading.Thread(target=lambda: result.append(bus.publish("b", {})))
    t.start()
    assert [i[0] for i in bus.take(1, timeout=5)] == ["a"]
    t.join(10)
    assert result == [True]
    assert [i[0] for i in bus.take(1, timeout=5)] == ["b"]


def test_high_water_is_reported_once_per_episode() -> None:
    bus = Bus(capacity=10, put_timeout=0)
    for i in range(9):
        bus.publish(str(i), {})
    assert bus.take_high_water() is True
    assert bus.take_high_water() is False  # still high: not again
    bus.take(2, timeout=0)
    bus.publish("x", {})
    assert bus.take_high_water() is False
    bus.take(100, timeout=0)
    assert bus.take_high_water() is False  # re-armed below 50 %
    for i in range(8):
        bus.publish(str(i), {})
    assert bus.take_high_water() is True


def test_many_threads_publishing_at_once_lose_and_reorder_nothing() -> None:
    bus = Bus(capacity=50, put_timeout=30)
    producers, per = 6, 3000
    got: dict[int, list[int]] = {p: [] for p in range(producers)}
    done = threading.Event()

    def consume() -> None:
        n = 0
        while n < producers * per:
            for _, data, _ in bus.take(64, timeout=1):
                got[data["p"]].append(data["i"])
                n += 1
        done.set()

    def produce(p: int) -> None:
        for i in range(per):
            assert bus.publish("e", {"p": p, "i": i})

    threading.Thread(target=consume, daemon=True).start()
    threads = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert done.wait(60)
    assert all(got[p] == list(range(per)) for p in range(producers))
    assert bus.stats()["published"] == producers * per and bus.stats()["dropped"] == 0
    assert bus.stats()["depth"] == 0


def test_the_native_thread_waits_for_a_draining_consumer_but_not_a_stalled_one() -> None:
    bus = Bus(capacity=2, put_timeout=30, is_native=lambda: True)
    bus.publish("a", {})
    bus.publish("b", {})
    started = time.monotonic()
    assert bus.publish("c", {}) is False  # nobody drains: dropped after the stall limit
    assert time.monotonic() - started < 10  # not the 30 s put timeout
    started = time.monotonic()
    assert bus.publish("d", {}) is False  # still stalled: dropped at once
    assert time.monotonic() - started < 0.04
    assert bus.take_losses() == ["c", "d"]

    stop = threading.Event()
    got: list[str] = []

    def slow_consumer() -> None:  # takes one event at a time, steadily
        while not stop.is_set():
            got.extend(item[0] for item in bus.take(1, timeout=0.01))

    t = threading.Thread(target=slow_consumer)
    t.start()
    for i in range(200):
        assert bus.publish(str(i), {})  # the consumer progresses: no drop
    deadline = time.monotonic() + 30
    while len(got) < 202 and time.monotonic() < deadline:
        stop.wait(0.01)
    stop.set()
    t.join(10)
    assert got == ["a", "b", *map(str, range(200))]
