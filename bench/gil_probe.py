"""A probe for the latency benchmark: how long a woken SCHED_FIFO thread waits for the GIL.

A native thread sleeps 0.5 ms at a time, like the remap loop waiting in select, and records how
late each wake-up got the interpreter lock back; for late ones (> 1 ms) it notes where the main
thread (the gevent hub and its greenlets) was when it let go. Idle and busy are told apart by the
benchmark's key-events flag; the figures are printed when the report flag appears.
"""
from __future__ import annotations

import collections
import os
import sys
import traceback

from gevent import monkey

KEY_EVENTS_FLAG = "/tmp/keyrx-bench-key-events"
REPORT_FLAG = "/tmp/keyrx-bench-report"
_sleep = monkey.get_original("time", "sleep")
_monotonic = monkey.get_original("time", "monotonic")
_start_thread = monkey.get_original("_thread", "start_new_thread")
_get_ident = monkey.get_original("_thread", "get_ident")


def _where(frame: object) -> str:
    stack = traceback.extract_stack(frame)[-3:]  # type: ignore[arg-type]
    return " < ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(stack))


def _run(label: str, main: int) -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(20))
    except OSError:
        pass
    late: dict[bool, list[float]] = {False: [], True: []}
    where: collections.Counter[str] = collections.Counter()
    busy, n = False, 0
    while True:
        t0 = _monotonic()
        _sleep(0.0005)
        lag = (_monotonic() - t0 - 0.0005) * 1000.0
        late[busy].append(lag)
        if lag > 1.0 and busy:
            frame = sys._current_frames().get(main)
            where[_where(frame) if frame is not None else "?"] += 1
        n += 1
        if n % 200 == 0:
            busy = os.path.exists(KEY_EVENTS_FLAG)
            if busy and os.path.exists(REPORT_FLAG):
                _report(label, late, where)
                return


def _report(label: str, late: dict[bool, list[float]], where: collections.Counter[str]) -> None:
    for busy, lags in late.items():
        s = sorted(lags) or [0.0]
        q = [s[min(len(s) - 1, int(len(s) * p))] for p in (0.5, 0.9, 0.99, 0.999)]
        print(f"  probe {label} {'busy' if busy else 'idle'}: n={len(s)} wake lateness p50 {q[0]:.2f} "
              f"p90 {q[1]:.2f} p99 {q[2]:.2f} p99.9 {q[3]:.2f} max {s[-1]:.2f} ms; "
              f"> 1 ms: {sum(x > 1 for x in s)}, > 3 ms: {sum(x > 3 for x in s)}", flush=True)
    for place, count in where.most_common(12):
        print(f"  probe {label} hub at {count:4d}x: {place}", flush=True)


def start(label: str) -> None:
    """Start the probe thread (call once, in the worker)."""
    _start_thread(_run, (label, _get_ident()))
