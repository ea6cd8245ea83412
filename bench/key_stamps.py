"""Where a key's time goes inside the daemon, for the latency benchmark's `stamps` rows.

Each key the loop reads is split into three parts: `wake` (the key's kernel timestamp → the
loop's poll returned, in C), `gil` (→ the loop thread holds the interpreter lock again) and
`read` (→ the keyboard's events are read). The loop's select is replaced by a poll through
bench/pollstamp.c, which stamps the time before ctypes takes the lock back. For presses that
waited over 0.2 ms for the lock it also counts how many of the server's give-way checks
(hw/priority.py) ran during the wait. Its own cost (ctypes) slows every key by about 0.25 ms
in the emulated guest: compare stamps rows with each other only. BENCH_BOOST (row `boost`, with
`stamps`): priority inheritance by hand, see bench/pollstamp.c.
"""
from __future__ import annotations

import bisect
import collections
import ctypes
import dataclasses
import math
import os
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / ".vmcache" / "pollstamp.so"
KEY_EVENTS_FLAG = "/tmp/keyrx-bench-key-events"
REPORT_FLAG = "/tmp/keyrx-bench-report"
SLOW_S = 0.0002


def build() -> None:
    """Compile bench/pollstamp.c (on the host, before the guest boots; needs a C compiler)."""
    LIBRARY.parent.mkdir(exist_ok=True)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(LIBRARY), str(ROOT / "bench" / "pollstamp.c")],
                   check=True)


class _PollFd(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]


def install(keyrx: Any, start_thread: Any, sleep: Any) -> None:
    """Stamp the loop's keys (in the worker, before any key); print the parts on the report flag."""
    import hw.adapter

    lib = ctypes.CDLL(str(LIBRARY))
    lib.poll_stamp.argtypes = [ctypes.POINTER(_PollFd), ctypes.c_ulong, ctypes.c_int,
                               ctypes.POINTER(ctypes.c_double), ctypes.c_int]
    hub = os.getpid() if os.environ.get("BENCH_BOOST") else 0  # this thread, the hub: boosted on input
    normal = os.sched_param(0)
    parts: dict[tuple[bool, int, str], list[float]] = collections.defaultdict(list)
    checks: collections.deque[float] = collections.deque(maxlen=20000)  # give-way checks, realtime
    during: list[int] = []  # checks during each slow press's wait for the lock
    woke, last = ctypes.c_double(), [0.0, 0.0]  # poll returned, lock held (realtime)

    def select(r: list[int], w: Any, x: Any, timeout: float | None = None) -> tuple[list[int], list[int], list[int]]:
        fds = (_PollFd * len(r))(*[_PollFd(fd, 1, 0) for fd in r])
        ready = lib.poll_stamp(fds, len(r), -1 if timeout is None else math.ceil(timeout * 1000.0),
                               ctypes.byref(woke), hub)
        last[:] = [woke.value, time.time()]
        if hub and ready > 0:
            os.sched_setscheduler(hub, os.SCHED_OTHER, normal)  # the lock is ours: the hub back to normal
        return [p.fd for p in fds if p.revents], [], []

    read_events = hw.adapter.read_events

    def read(device: Any, what: str) -> Any:
        events = read_events(device, what)
        keys: list[Any] = [ev for ev in events if ev.type == 1]  # evdev's InputEvent
        if keys and what != "output device":
            busy, value = os.path.exists(KEY_EVENTS_FLAG), keys[0].value
            if busy and value == 1 and last[1] - last[0] > SLOW_S:
                times = list(checks)
                during.append(bisect.bisect_right(times, last[1]) - bisect.bisect_left(times, last[0]))
            for part, s in (("wake", last[0] - keys[0].timestamp()), ("gil", last[1] - last[0]),
                            ("read", time.time() - last[1])):
                parts[(busy, value, part)].append(s * 1000.0)
        return events

    priority = keyrx.loop.priority
    unread = priority._unread

    def counted_unread() -> bool:
        checks.append(time.time())
        return bool(unread())

    def report() -> None:
        while not os.path.exists(REPORT_FLAG):
            sleep(0.2)
        for (busy, value, part), ms in sorted(parts.items()):
            s = sorted(ms)
            print(f"  stamps {'busy' if busy else 'idle'} {'press' if value else 'release'} {part:4}: "
                  f"n={len(s)} p50 {s[len(s) // 2]:.3f} p90 {s[int(len(s) * .9)]:.3f} ms", flush=True)
        print(f"  stamps: {len(during)} busy presses waited > {SLOW_S * 1000:.1f} ms for the lock; "
              f"give-way checks during the wait (checks: presses) {collections.Counter(during).most_common(6)}",
              flush=True)

    keyrx.loop._natives = dataclasses.replace(keyrx.loop._natives, select=select)
    hw.adapter.read_events = read
    priority._unread = counted_unread
    start_thread(report, ())
