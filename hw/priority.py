"""Keys first: the server's thread gives the interpreter lock to a key waiting for the loop.

The loop thread shares the GIL with the server. A key that wakes the loop while the server's
thread runs Python (fanning an event out to a hundred clients) waits for the lock: CPython's
switch interval bounds that wait, but a thread coming back from a system call takes a free lock
before a woken one is scheduled, so the wait repeats. `KeyPriority` makes it a hand-over: at
points of its choosing (between clients of a fan-out) the server asks `give_way()`, which checks
with one `epoll_wait(0)` whether a grabbed keyboard has input the loop has not read yet, and if
so blocks (GIL released) until the loop has served that round, for at most `bound_s`.

The loop owns the watched set (`watch`, from its own select set) and calls `served()` after each
round. A give-way that ran out of time is not repeated until the loop serves a round,
so a loop busy with a long command costs the server at most one bound.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .types import Natives

BOUND_S = 0.002  # the longest the server waits for the loop in one give-way


class KeyPriority:
    """The hand-over between the server's thread and the loop (see the module doc)."""

    def __init__(self, natives: Natives, bound_s: float = BOUND_S) -> None:
        self._epoll = natives.epoll()
        self._allocate_lock = natives.allocate_lock
        self._fds: frozenset[int] = frozenset()
        self._waiter: Any = None  # the lock the server blocks on while it gives way
        self._stale = False  # the last give-way timed out: none until the loop serves a round
        self.bound_s = bound_s
        self.given = 0  # give-ways that ended with the loop's round
        self.timed_out = 0  # give-ways that ran out of time

    # -- the loop's thread ------------------------------------------------------------
    def watch(self, fds: Iterable[int]) -> None:
        """Watch exactly `fds` (the keyboards' input fds the loop selects on). Every fd is
        registered again: a keyboard replugged in one round may have its predecessor's number,
        whose registration the kernel dropped with the old file."""
        new = frozenset(fds)
        for fd in self._fds - new:
            try:
                self._epoll.unregister(fd)
            except (OSError, ValueError):
                pass  # closed already: epoll forgot it with the file
        for fd in new:
            try:
                self._epoll.register(fd, 0x001)  # EPOLLIN
            except (OSError, ValueError):  # the same open file, still registered (EEXIST), or
                pass  # not pollable (a regular file in a test): never a reason to wait
        self._fds = new

    def served(self, read: bool) -> None:
        """End of a loop round (`read`: it read a keyboard): a waiting server goes on. A round
        that read nothing (a command, a timer) began before the input it waits for."""
        if not read:
            return
        self._stale = False
        waiter = self._waiter
        self._waiter = None
        if waiter is not None:
            waiter.release()  # each give-way has its own lock: a late release meets a held one

    def close(self) -> None:
        """Stop watching (the loop ends); a waiting server goes on."""
        self.watch(())
        self.served(True)
        self._epoll.close()

    # -- any other thread -----------------------------------------------------------------
    def give_way(self) -> bool:
        """If a keyboard has unread input, wait (GIL released) until the loop has served it, at
        most `bound_s`; True if it waited."""
        if not self._fds or self._stale or self._waiter is not None or not self._unread():
            return False
        waiter = self._allocate_lock()
        waiter.acquire()
        self._waiter = waiter  # then look again: a round served during that poll releases it
        if not self._unread():
            if self._waiter is waiter:
                self._waiter = None
            return False
        if waiter.acquire(True, self.bound_s):
            self.given += 1
        else:
            self._stale = True
            self.timed_out += 1
            if self._waiter is waiter:
                self._waiter = None
        return True

    def _unread(self) -> bool:
        try:
            return bool(self._epoll.poll(0))
        except (OSError, ValueError):  # closed by a loop that ended
            return False

    @property
    def watched(self) -> frozenset[int]:
        """The fds watched (the loop's grabbed keyboards)."""
        return self._fds

    def stats(self) -> dict[str, int]:
        """How often the server gave way, and how often the loop did not come in time."""
        return {"given": self.given, "timed_out": self.timed_out}


__all__ = ["BOUND_S", "KeyPriority"]
