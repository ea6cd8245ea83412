"""Process-wide tuning for a loop that drives real keyboards, applied only when asked for.

Whoever builds the `Loop` decides (`realtime=True` for the evdev backend); the loop applies it
when its thread starts. Both settings outlive the loop: they belong to the process and thread.
"""
from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("keyrx.hw")

# The loop shares the GIL with the server: at CPython's default 5 ms switch interval a busy hub
# can keep a woken remap thread waiting that long per key. 0.5 ms bounds that wait.
SWITCH_INTERVAL = 0.0005
# Like keyd: the loop thread runs SCHED_FIFO (when permitted), so a busy server or any other
# process can't keep a key waiting for a CPU. It only ever blocks in select between keys.
RT_PRIORITY = 20


def shorten_switch_interval(interval: float | None) -> None:
    """Lower the interpreter's GIL switch interval to `interval` (whole process); None: leave it."""
    if interval is not None and sys.getswitchinterval() > interval:
        sys.setswitchinterval(interval)


def run_realtime(priority: int | None) -> None:
    """Run the calling thread SCHED_FIFO at `priority`, when permitted; None: leave it."""
    if priority is None:
        return
    try:  # pid 0: this thread only
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(priority))
    except OSError as exc:  # not root / no CAP_SYS_NICE: normal priority still works
        log.info("remap thread at normal priority: %s", exc.strerror or exc)


__all__ = ["RT_PRIORITY", "SWITCH_INTERVAL", "run_realtime", "shorten_switch_interval"]
