"""Running a command on the remap loop and waiting (bounded) until it ran it."""
from __future__ import annotations

import logging
from collections.abc import Callable

import hw

from ..events.bus import Waiter
from .errors import NotApplied

log = logging.getLogger("keyrx")

LOOP_TIMEOUT = 5.0


def run_on_loop(loop: hw.Loop, send: Callable[[hw.Done], None]) -> None:
    """`send(done)` a command; return once the loop called `done` (raising the hw error it
    reports). A loop that is not running only queues it; NotApplied when it takes too long."""
    if loop.state().state not in ("running", "starting"):
        send(lambda error: None)
        return
    waiter = Waiter()
    send(waiter.set)
    if not waiter.wait(LOOP_TIMEOUT):
        log.error("the remap loop did not run a command within %.0f s", LOOP_TIMEOUT)
        raise NotApplied("the remap loop did not answer in time")
    if waiter.error is not None:
        raise waiter.error
