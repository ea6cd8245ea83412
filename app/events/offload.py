"""Where the server runs blocking work and timed calls, with gevent or without it.

Under gevent the stdlib's threads and timers are greenlets of whichever thread starts them; the
store's commits and deferred backup must run on real threads, and a socket write needs a
greenlet timeout. Like `bus.py`, this module knows gevent; nothing else in the server does.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .bus import gevent_active, native_sleep, natives


def blocking_offload() -> tuple[Callable[..., Any] | None, Any]:
    """Where blocking work (SQLite commits) runs, and the native lock that serialises it.

    Under gevent: the hub's threadpool (real threads), so an fsync never stalls the hub.
    Without gevent: inline, with an ordinary lock.
    """
    if not gevent_active():
        return None, None
    import gevent
    pool = gevent.get_hub().threadpool

    def offload(fn: Callable[..., Any], args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None) -> Any:
        # An exception raised in a pool thread is printed with its traceback by gevent before it
        # reaches the caller; a refused write (404, 409, 412) is no incident, so it comes back as a
        # value and is raised here, in the caller's greenlet.
        def guarded() -> tuple[bool, Any]:
            try:
                return True, fn(*args, **(kwargs or {}))
            except Exception as exc:  # noqa: BLE001  (re-raised below, in the caller)
                return False, exc

        ok, value = pool.apply(guarded)
        if ok:
            return value
        raise value

    return offload, natives().allocate_lock()


def native_later() -> Callable[[float, Callable[[], None]], None] | None:
    """Under gevent: run a function after a delay on a native thread of its own (the store's
    deferred backup); None without gevent (the store's own threading.Timer is native then)."""
    if not gevent_active():
        return None
    start, sleep = natives().start_thread, native_sleep()

    def later(delay: float, fn: Callable[[], None]) -> None:
        def run() -> None:
            sleep(delay)
            fn()

        start(run, ())

    return later


def gevent_timeout(seconds: float, fn: Callable[..., Any], *args: Any) -> bool:
    """Run `fn(*args)` in this greenlet, giving up after `seconds`; False when it gave up."""
    import gevent
    try:
        with gevent.Timeout(seconds):
            fn(*args)
    except gevent.Timeout:
        return False
    return True
