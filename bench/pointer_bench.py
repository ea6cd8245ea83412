"""Pointer motion at 100 Hz: the CPU a held move key adds to an idle remap loop.

Run: `make bench` (or `python -m bench pointer`). The virtual backend's loop runs in this process
with a profile whose f3 moves the pointer (a frame every 10 ms, from the loop's own timers); the
process CPU time is measured over a fixed window with nothing held, then with f3 held. Prints
both and the difference in % of one CPU; fails when motion adds more than 5 %.
"""
from __future__ import annotations

import os
import queue
import sys
import time
from typing import Any

from hw import Config, code_of, compile_profile, create_backend

WINDOW_S = float(os.environ.get("BENCH_POINTER_WINDOW_S", "3"))
LIMIT_PCT = 5.0
PROFILE = compile_profile({"layers": {"base": {"f3": {"move": "right", "speed": 1000, "start_speed": 1000}}}})


def cpu_pct(window: float) -> float:
    """This process's CPU over `window` seconds of wall time, in % of one CPU."""
    cpu0, wall0 = time.process_time(), time.monotonic()
    time.sleep(window)
    return 100.0 * (time.process_time() - cpu0) / (time.monotonic() - wall0)


def main() -> int:
    published: list[str] = []

    def publish(event: str, data: dict[str, Any]) -> None:
        published.append(event)

    loop = create_backend("virtual", virtual_keyboards=1)
    loop.start(publish, Config(default_profile=PROFILE))
    try:
        (dev,) = loop.devices()
        done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        idle = cpu_pct(WINDOW_S)
        loop.inject(dev.id, [(0.0, code_of("f3"), 1)], done.put)
        assert done.get(timeout=5) is None
        pointer = loop.provider.pointer  # type: ignore[attr-defined]
        before = len(pointer.written)
        moving = cpu_pct(WINDOW_S)
        frames = (len(pointer.written) - before) if len(pointer.written) < pointer.written.maxlen else -1
        loop.inject(dev.id, [(0.0, code_of("f3"), 0)], done.put)
        assert done.get(timeout=5) is None
    finally:
        loop.stop()
    added = moving - idle
    rate = f"{frames / WINDOW_S:.0f} frames/s" if frames >= 0 else ">= 100 frames/s"
    print(f"idle loop: {idle:.2f} % CPU; with a move key held ({rate}): {moving:.2f} % CPU")
    print(f"pointer motion adds {added:.2f} % of one CPU (limit {LIMIT_PCT:.0f} %)")
    return 0 if added <= LIMIT_PCT else 1


if __name__ == "__main__":
    sys.exit(main())
