"""Native-thread building blocks of the loop: its clock, a self-pipe wake-up and a one-shot event."""
from __future__ import annotations

import os
import time

from .types import Natives


def now_ms() -> float:
    """The monotonic clock in ms, as the engine and the loop count time."""
    return time.monotonic() * 1000.0


class Wake:
    """A self-pipe: any thread writes a byte, the loop's select() wakes."""

    def __init__(self) -> None:
        self.r, self.w = os.pipe()
        os.set_blocking(self.r, False)
        os.set_blocking(self.w, False)

    def poke(self) -> None:
        """Wake the loop (from any thread, never blocks)."""
        try:
            os.write(self.w, b"\0")
        except BlockingIOError:
            pass  # the pipe is already full of wake-ups: the loop will wake anyway

    def drain(self) -> None:
        """Empty the pipe (in the loop)."""
        try:
            while os.read(self.r, 4096):
                pass
        except BlockingIOError:
            pass  # drained

    def close(self) -> None:
        """Close both ends."""
        os.close(self.r)
        os.close(self.w)


class NativeEvent:
    """A one-shot event on a native lock (a patched threading.Event is a greenlet primitive)."""

    def __init__(self, natives: Natives) -> None:
        self._lock = natives.allocate_lock()
        self._lock.acquire()

    def set(self) -> None:
        """Set it (idempotent)."""
        if self._lock.locked():
            self._lock.release()

    def wait(self, timeout: float) -> bool:
        """Wait until set or the timeout passes; True when set."""
        got = bool(self._lock.acquire(True, timeout))
        if got:
            self._lock.release()
        return got
