"""The daemon's WSGI app for the latency benchmark: key events on demand, optionally untuned.

Knobs (set per row by bench/vm_latency.py): BENCH_PLAIN (5 ms switch interval, normal priority),
BENCH_SWITCH_MS (another switch interval), BENCH_NO_GIVE_WAY (the server never gives way to an
unread key, hw/priority.py), BENCH_GIVE_WAY_EVERY (clients between two give-ways), BENCH_TRACE
(how late the loop read each key and where the hub was then; its own cost slows the loop),
BENCH_PROBE (bench/gil_probe.py: how long another SCHED_FIFO thread waits for the interpreter
lock, and what the hub was doing), BENCH_STAMPS (bench/key_stamps.py: each key's wake, lock wait
and read), and the alternatives of bench/vm_options.py.
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
if os.environ.get("BENCH_PLAIN") or os.environ.get("BENCH_NO_GIVE_WAY"):
    keyrx.events.give_way = lambda: False  # the fan-out as it was before hw/priority.py
if os.environ.get("BENCH_GIVE_WAY_EVERY"):
    keyrx.events.give_way_every = int(os.environ["BENCH_GIVE_WAY_EVERY"])
if os.environ.get("BENCH_STAMPS"):  # first: the options below wrap its select
    from bench.key_stamps import install  # noqa: E402

    install(keyrx, monkey.get_original("_thread", "start_new_thread"), monkey.get_original("time", "sleep"))
from bench.vm_options import apply  # noqa: E402

apply(keyrx)
if os.environ.get("BENCH_PROBE"):
    from bench.gil_probe import start  # noqa: E402

    start(os.environ.get("BENCH_LABEL", ""))


def _report_give_way() -> None:  # how often the server gave way to the loop, once asked
    sleep = monkey.get_original("time", "sleep")
    while not os.path.exists("/tmp/keyrx-bench-report"):
        sleep(0.2)
    print(f"  give-way {os.environ.get('BENCH_LABEL', '')}: {keyrx.loop.priority.stats()}", flush=True)


monkey.get_original("_thread", "start_new_thread")(_report_give_way, ())


if os.environ.get("BENCH_TRACE"):  # how late the loop reads each key, and where the hub was then
    import collections  # noqa: E402
    import sys  # noqa: E402
    import time  # noqa: E402
    import traceback  # noqa: E402

    import hw.adapter  # noqa: E402

    _read = hw.adapter.read_events
    _hub = monkey.get_original("_thread", "get_ident")()
    _lags: dict[tuple[bool, int], list[float]] = collections.defaultdict(list)
    _where: collections.Counter[str] = collections.Counter()

    def _traced(device, what):  # type: ignore[no-untyped-def]
        events = _read(device, what)
        now = time.time()
        keys = [ev for ev in events if ev.type == 1]
        if keys:
            busy = os.path.exists(KEY_EVENTS_FLAG)
            lag = (now - keys[0].timestamp()) * 1000.0
            _lags[(busy, keys[0].value)].append(lag)
            if busy and lag > 0.5:
                frame = sys._current_frames().get(_hub)
                stack = traceback.extract_stack(frame)[-3:] if frame is not None else []
                _where[" < ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
                                  for f in reversed(stack))] += 1
        return events

    hw.adapter.read_events = _traced

    def _report_trace() -> None:
        sleep = monkey.get_original("time", "sleep")
        while not os.path.exists("/tmp/keyrx-bench-report"):
            sleep(0.2)
        for (busy, value), lags in sorted(_lags.items()):
            s = sorted(lags)
            print(f"  trace {'busy' if busy else 'idle'} {'press' if value else 'release'}: n={len(s)} read lag "
                  f"p50 {s[len(s) // 2]:.2f} p90 {s[int(len(s) * .9)]:.2f} ms", flush=True)
        for place, count in _where.most_common(10):
            print(f"  trace hub at {count:4d}x: {place}", flush=True)

    monkey.get_original("_thread", "start_new_thread")(_report_trace, ())
