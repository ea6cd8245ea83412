"""The one place where the native hw thread meets the gevent hub.

`Bus` takes events from greenlets and from native threads alike; `Waiter` lets a greenlet
wait for something a native thread finishes; `natives()` gives the hw loop the unpatched
primitives it needs to stay a real OS thread.

Under gevent the hub-side primitives are the (patched) `threading` ones; a native thread
never touches them: it appends to a deque (atomic under the GIL) and pokes a libev async
watcher, whose callback runs in the hub. No greenlet ever blocks on a native lock.
"""
from __future__ import annotations

import _thread
import collections
import threading
import time
from collections.abc import Callable
from typing import Any

from hw import Natives

Item = tuple[str, dict[str, Any], Any]  # (event, data, done: threading.Event | None)
NATIVE_POLL_S = 0.002  # how often a native publisher re-checks a full bus
NATIVE_STALL_S = 0.05  # a native publisher stops waiting once the consumer stalls this long
HIGH_WATER = 0.8
LOW_WATER = 0.5


def gevent_active() -> bool:
    """True when gevent has patched threading (we run in a gevent worker)."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("threading"))


def natives() -> Natives:
    """Native-thread primitives for the hw loop, unpatched even under gevent."""
    if not gevent_active():
        return Natives.stdlib()
    import gevent.select  # noqa: F401  (records the original select)
    from gevent import monkey
    return Natives(
        start_thread=monkey.get_original("_thread", "start_new_thread"),
        allocate_lock=monkey.get_original("_thread", "allocate_lock"),
        simple_queue=monkey.get_original("queue", "SimpleQueue"),
        select=monkey.get_original("select", "select"),
        epoll=monkey.get_original("select", "epoll"),
    )


def greenlet_count() -> int:
    """Live greenlets in this process (0 without gevent); a leak shows here first."""
    if not gevent_active():
        return 0
    import gc

    from greenlet import greenlet
    return sum(1 for obj in gc.get_objects() if isinstance(obj, greenlet) and not obj.dead)


def native_ident() -> Callable[[], int]:
    """The OS thread id function (gevent patches `get_ident` to name greenlets)."""
    if not gevent_active():
        return _thread.get_ident
    from gevent import monkey
    return monkey.get_original("_thread", "get_ident")  # type: ignore[no-any-return]


def native_sleep() -> Callable[[float], None]:
    """`time.sleep` that blocks only the calling OS thread."""
    if not gevent_active():
        return time.sleep
    from gevent import monkey
    return monkey.get_original("time", "sleep")  # type: ignore[no-any-return]


class Waiter:
    """A one-shot result set from any thread and awaited by a greenlet (or a thread)."""

    def __init__(self) -> None:
        self._done = False
        self.error: BaseException | None = None
        if gevent_active():
            import gevent
            self._hub = gevent.get_hub()
            self._watcher: Any = self._hub.loop.async_()
            self._event: Any = None
        else:
            self._watcher = None
            self._event = threading.Event()

    def set(self, error: BaseException | None = None) -> None:
        """Mark done (callable from any thread, never blocks)."""
        self.error = error
        self._done = True
        if self._watcher is not None:
            self._watcher.send()
        else:
            self._event.set()

    def wait(self, timeout: float) -> bool:
        """Wait until set or the timeout passes; True when set."""
        if self._event is not None:
            return bool(self._event.wait(timeout))
        import gevent
        deadline = time.monotonic() + timeout
        try:
            while not self._done:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                with gevent.Timeout(left, False):
                    self._hub.wait(self._watcher)
            return True
        finally:
            self._watcher.close()


class Bus:
    """Bounded event queue from publishers (API greenlets, the hw thread) to one consumer.

    Publishing never waits for delivery. On a full bus a publisher waits at most
    `put_timeout` for room, then the event is dropped and counted; the consumer reports
    drops (`take_losses`) so that the loss reaches clients. A native thread (the remap loop)
    waits only while the consumer makes progress. Native threads may overshoot the capacity
    by one each (there is no lock to share with the hub).
    """

    def __init__(self, capacity: int = 1000, put_timeout: float = 1.0,
                 is_native: Callable[[], bool] | None = None) -> None:
        self.capacity = max(1, capacity)
        self.put_timeout = put_timeout
        self._items: collections.deque[Item] = collections.deque()
        self._taken = 0          # consumer-owned
        self._lost: collections.deque[str] = collections.deque()  # names of dropped events
        self._lost_taken = 0     # consumer-owned
        self.high_water = False  # set by publishers, reported and re-armed by the consumer
        self._warned = False     # consumer-owned
        self._ready = threading.Event()  # items queued (consumer waits on it)
        self._space = threading.Event()  # room made (hub-side publishers wait on it)
        self._gevent = gevent_active()
        self._ident = native_ident()
        self._sleep = native_sleep()
        self._hub_thread = self._ident()
        self._is_native = is_native or (lambda: self._gevent and self._ident() != self._hub_thread)
        self._stalled_at = -1    # native side: the consumer's count when it was seen stalled
        self._async: Any = None
        if self._gevent:
            import gevent
            self._async = gevent.get_hub().loop.async_()
            self._async.start(self._ready.set)  # runs in the hub when a native thread pokes

    # -- publishers (any thread, any greenlet) ------------------------------------------
    def publish(self, event: str, data: dict[str, Any], done: Any = None) -> bool:
        """Queue an event; never waits for delivery. False when it had to be dropped.

        `done` (a hub-side `threading.Event`) is set once the consumer has taken it.
        """
        native = self._is_native()
        if len(self._items) >= self.capacity and not self._wait_for_room(native):
            self._lost.append(event)
            self._wake(native)
            return False
        self._items.append((event, data, done))
        if len(self._items) >= HIGH_WATER * self.capacity:
            self.high_water = True
        self._wake(native)
        return True

    def _wait_for_room(self, native: bool) -> bool:
        deadline = time.monotonic() + self.put_timeout
        taken, progress = self._taken, time.monotonic()
        if native and taken == self._stalled_at:
            return False  # still stalled since the last drop: the remap loop must not wait again
        while len(self._items) >= self.capacity:
            now = time.monotonic()
            left = deadline - now
            if left <= 0:
                return False
            if native:
                # the keyboard thread waits only while the consumer drains (a burst), never
                # for a stalled one: typing must not depend on the event stream
                if self._taken != taken:
                    taken, progress = self._taken, now
                elif now - progress > NATIVE_STALL_S:
                    self._stalled_at = taken
                    return False
                self._sleep(min(NATIVE_POLL_S, left))
            else:
                self._space.clear()
                if len(self._items) >= self.capacity:
                    self._space.wait(left)
        return True

    def _wake(self, native: bool) -> None:
        if native and self._async is not None:
            self._async.send()  # thread-safe; the hub sets _ready
        else:
            self._ready.set()

    # -- the consumer ---------------------------------------------------------------------
    def take(self, limit: int, timeout: float | None = None) -> list[Item]:
        """Wait (up to `timeout`) for events and take at most `limit` of them, oldest first."""
        self._ready.clear()
        if not self._items and not self._lost:
            self._ready.wait(timeout)
        out: list[Item] = []
        while self._items and len(out) < limit:
            out.append(self._items.popleft())
        self._taken += len(out)
        if out:
            self._space.set()
        return out

    def take_losses(self) -> list[str]:
        """The names of events dropped since the last call."""
        names = []
        while self._lost:
            names.append(self._lost.popleft())
        self._lost_taken += len(names)
        return names

    def take_high_water(self) -> bool:
        """True once per episode of the depth reaching 80 % (re-armed once below 50 %)."""
        if self._warned:
            if len(self._items) < LOW_WATER * self.capacity:
                self._warned = self.high_water = False
            return False
        if self.high_water:
            self._warned = True
            return True
        return False

    def __len__(self) -> int:
        return len(self._items)

    def wake(self) -> None:
        """Wake the consumer (e.g. to stop it)."""
        self._ready.set()

    def close(self) -> None:
        """Stop the watcher (the bus is not used afterwards)."""
        if self._async is not None:
            self._async.stop()
            self._async.close()
            self._async = None

    def stats(self) -> dict[str, int]:
        """Depth, capacity, published and dropped."""
        depth = len(self._items)
        return {"depth": depth, "capacity": self.capacity,
                "published": self._taken + depth,
                "dropped": self._lost_taken + len(self._lost)}
