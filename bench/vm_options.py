"""Alternatives to the daemon's tuning, measured by the latency benchmark and not adopted.

Each is switched on by a BENCH_* variable that bench/vm_latency.py sets for a row; the figures
and why each was left out are in docs/HARDWARE.md (Latency).

- BENCH_DYN_SI="small,large" (row `dynS_L`, ms): the loop sets the switch interval to `small`
  while it waits in select and to `large` while it runs, so a woken loop asks for the lock
  soon and a running one is not asked to give it up.
- BENCH_HOLD_WRITE (row `hold`): an output frame is written without letting go of the lock
  (libc write through ctypes.PyDLL), so the loop keeps it for its whole round.
- BENCH_HUB_NICE=N (row `niceN`): the server's thread runs at nice N.
- BENCH_SWITCH_GIVE (row `gsw`): the server gives way at every greenlet switch too.
- BENCH_POLL_GIVE (row `prep`): the server gives way before and after each poll of its loop.
- BENCH_PIN (row `pin`): the loop thread alone on the last CPU, the server on the others.
"""
from __future__ import annotations

import ctypes
import dataclasses
import os
import sys
from typing import Any


def apply(keyrx: Any) -> None:
    """Switch on what the environment asks for (in the worker, at import)."""
    if os.environ.get("BENCH_DYN_SI"):
        _dynamic_interval(keyrx, *(float(x) / 1000.0 for x in os.environ["BENCH_DYN_SI"].split(",")))
    if os.environ.get("BENCH_HOLD_WRITE"):
        _write_holding_the_lock()
    if os.environ.get("BENCH_HUB_NICE"):
        os.setpriority(os.PRIO_PROCESS, 0, int(os.environ["BENCH_HUB_NICE"]))  # this thread: the hub
    if os.environ.get("BENCH_PIN"):
        from gevent import monkey
        monkey.get_original("_thread", "start_new_thread")(_pin, (monkey.get_original("time", "sleep"),))
    if os.environ.get("BENCH_SWITCH_GIVE"):
        import greenlet
        give_way = keyrx.loop.priority.give_way
        greenlet.settrace(lambda event, args: give_way())
    if os.environ.get("BENCH_POLL_GIVE"):
        import gevent
        loop = gevent.get_hub().loop
        for watcher in (loop.prepare(ref=False), loop.check(ref=False)):
            watcher.start(keyrx.loop.priority.give_way)


def loop_thread(pid: int) -> int | None:
    """The remap loop's thread in the daemon's worker `pid`: the SCHED_FIFO one (its hub is `pid`)."""
    tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    return next((t for t in tids if os.sched_getscheduler(t) == os.SCHED_FIFO), None)


def _pin(sleep: Any) -> None:
    """The loop thread on the last CPU, the hub (the main thread) on the others, once the loop runs."""
    cpus = sorted(os.sched_getaffinity(0))
    for _ in range(600):
        loop = loop_thread(os.getpid())
        if loop is not None:
            os.sched_setaffinity(loop, {cpus[-1]})
            os.sched_setaffinity(os.getpid(), set(cpus[:-1]))
            return
        sleep(0.05)


def _dynamic_interval(keyrx: Any, small: float, large: float) -> None:
    select = keyrx.loop._natives.select

    def timed_select(*args: Any) -> Any:
        sys.setswitchinterval(small)
        try:
            return select(*args)
        finally:
            sys.setswitchinterval(large)

    keyrx.loop._natives = dataclasses.replace(keyrx.loop._natives, select=timed_select)


def _write_holding_the_lock() -> None:
    import hw.adapter
    libc = ctypes.PyDLL(None, use_errno=True)
    libc.write.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
    libc.write.restype = ctypes.c_ssize_t

    def syn(self: Any) -> None:
        frame, self._frame = bytes(self._frame + hw.adapter.SYN_FRAME), bytearray()
        if libc.write(self._fd, frame, len(frame)) != len(frame):
            raise OSError(ctypes.get_errno(), "output device: write")

    hw.adapter.FrameSink.syn = syn  # type: ignore[method-assign]
