"""The one place where the native hw thread meets the gevent hub.

`Bus` takes events from greenlets and from native threads alike; `Waiter` lets a greenlet
wait for something a native thread finishes; `natives()` gives the hw loop the unpatched
primitives it needs to stay a real OS thread.
"""
from __future__ import annotations

import collections
import logging
import time
from typing import Any, Callable

from hw import Natives

log = logging.getLogger("keyrx.bus")


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
    from gevent import monkey
    import gevent.select  # noqa: F401  (makes sure the original select is recorded)
    return Natives(
        start_thread=monkey.get_original("_thread", "start_new_thread"),
        allocate_lock=monkey.get_original("_thread", "allocate_lock"),
        simple_queue=monkey.get_original("queue", "SimpleQueue"),
        select=monkey.get_original("select", "select"),
    )


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
            import threading
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
    """Bounded, thread-safe event queue from publishers (API, hw thread) to the broadcaster."""

    def __init__(self, capacity: int = 1000, put_timeout: float = 1.0) -> None:
        self.capacity = capacity
        self.put_timeout = put_timeout
        self._items: collections.deque[tuple[str, dict[str, Any]]] = collections.deque()
        self.published = 0
        self.dropped = 0
        self._listeners: list[Callable[[], None]] = []

    def publish(self, event: str, data: dict[str, Any]) -> bool:
        """Queue an event; never waits for delivery. False when it had to be dropped."""
        if len(self._items) >= self.capacity:
            self.dropped += 1
            log.error("event bus full (%d): dropped %s", self.capacity, event)
            return False
        self._items.append((event, data))
        self.published += 1
        for wake in self._listeners:
            wake()
        return True

    def drain(self) -> list[tuple[str, dict[str, Any]]]:
        """Take every queued event (consumer side)."""
        out = []
        while self._items:
            out.append(self._items.popleft())
        return out

    def stats(self) -> dict[str, int]:
        """Depth, capacity, published and dropped."""
        return {"depth": len(self._items), "capacity": self.capacity,
                "published": self.published, "dropped": self.dropped}


def blocking_offload() -> tuple[Callable[..., Any] | None, Any]:
    """Where blocking work (SQLite commits) runs, and the native lock that serialises it.

    Under gevent: the hub's threadpool (real threads), so an fsync never stalls the hub.
    Without gevent: inline, with an ordinary lock.
    """
    if not gevent_active():
        return None, None
    import gevent
    from gevent import monkey
    return gevent.get_hub().threadpool.apply, monkey.get_original("_thread", "allocate_lock")()
