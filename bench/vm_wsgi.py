"""The daemon's WSGI app for the latency benchmark: key events on demand, optionally untuned.

Knobs (set per row by bench/vm_latency.py): BENCH_PLAIN (5 ms switch interval, normal priority),
BENCH_SWITCH_MS (another switch interval), BENCH_PROBE (bench/gil_probe.py: how long another
SCHED_FIFO thread waits for the interpreter lock, and what the hub was doing).
"""
from gevent import monkey

monkey.patch_all()  # first, as in wsgi.py

import os  # noqa: E402

from app import create_app  # noqa: E402

app = create_app()
keyrx = app.extensions["keyrx"]
_config = keyrx.hw_config
KEY_EVENTS_FLAG = "/tmp/keyrx-bench-key-events"
# while the flag exists every key becomes a `key` event, as with clients subscribed to `key`


def _config_and_key_events():  # type: ignore[no-untyped-def]
    keyrx.loop.set_key_events(os.path.exists(KEY_EVENTS_FLAG))
    return _config()


keyrx.hw_config = _config_and_key_events
if os.environ.get("BENCH_PLAIN"):  # the comparison row: 5 ms switch interval, normal priority
    keyrx.loop.switch_interval = None
    keyrx.loop.rt_priority = None
if os.environ.get("BENCH_SWITCH_MS"):
    keyrx.loop.switch_interval = float(os.environ["BENCH_SWITCH_MS"]) / 1000.0
    import sys  # noqa: E402

    sys.setswitchinterval(keyrx.loop.switch_interval)  # the loop only ever shortens it
if os.environ.get("BENCH_PROBE"):
    from bench.gil_probe import start  # noqa: E402

    start(os.environ.get("BENCH_LABEL", ""))
