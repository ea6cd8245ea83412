"""Inside the VM: key latency through the kernel, for a bare evdev loop and for the daemon.

Run by bench/latency_bench.py as `python -m bench.vm_latency`. Latency is the time from just
before the test writes a key into a uinput keyboard to the kernel timestamp of the key on the
output device (both CLOCK_REALTIME), for each press and release.
"""
from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import evdev
import requests
from evdev import UInput
from evdev import ecodes as e

from tests.vm.kernel import find, keyboard

ROOT = Path(__file__).resolve().parents[1]
KEYS = int(os.environ.get("BENCH_KEYS", "300"))
CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "100"))
RATE = float(os.environ.get("BENCH_EVENT_RATE", "200"))
PRODUCERS = 4  # concurrent HTTP writers sharing the rate
TOKEN = "bench-token-0123456789abcdef"
PORT = 9868
KEY_EVENTS_FLAG = "/tmp/keyrx-bench-key-events"  # read by bench/vm_wsgi.py
REPORT_FLAG = "/tmp/keyrx-bench-report"  # asks bench/vm_wsgi.py's GIL probe (BENCH_PROBE) to print
# the daemon configurations, run in this order in one boot (repeat one to alternate A/B):
# "tuned", "plain", "siX" (tuned with an X ms switch interval), "nogive" (tuned, but the server
# never gives way to an unread key: hw/priority.py), "everyN" (tuned, giving way every N clients);
# "a+b" combines them; rows that measure alternatives (bench/vm_options.py): "dynS_L", "niceN", "pin",
# "hold", "gsw", "prep"; "stamps" splits each key's time (bench/key_stamps.py), "stamps+boost" also
# lifts a preempted hub while the loop waits for the lock (bench/pollstamp.c)
ROWS = os.environ.get("BENCH_ROWS", "tuned,plain").split(",")
OPTIONS = {"pin": "BENCH_PIN", "hold": "BENCH_HOLD_WRITE", "gsw": "BENCH_SWITCH_GIVE", "prep": "BENCH_POLL_GIVE",
           "stamps": "BENCH_STAMPS", "boost": "BENCH_BOOST"}


def measure(pairs: list[tuple[UInput, evdev.InputDevice]], n: int = KEYS) -> list[list[float]]:
    """Latencies in ms of n presses and n releases through each (source, output) pair.

    The pairs take turns key by key, so a noisy moment of the (shared, emulated) machine hits
    every pair alike and their figures stay comparable.
    """
    lat: list[list[float]] = [[] for _ in pairs]
    codes = (e.KEY_X, e.KEY_Z)
    for i in range(n):
        code = codes[i % 2]
        for j, (src, out) in enumerate(pairs):
            for value in (1, 0):
                t0 = time.clock_gettime(time.CLOCK_REALTIME)
                src.write(e.EV_KEY, code, value)
                src.syn()
                lat[j].append((_arrival(out, code, value) - t0) * 1000.0)
            time.sleep(0.001)  # paced like a fast typist; a benchmark, not a test
    return lat


def _arrival(out: evdev.InputDevice, code: int, value: int) -> float:
    while True:
        if not select.select([out.fd], [], [], 5.0)[0]:
            raise RuntimeError(f"key {code}/{value} never came out")
        try:
            for ev in out.read():
                if ev.type == e.EV_KEY and ev.code == code and ev.value == value:
                    return float(ev.timestamp())
        except BlockingIOError:
            continue


def floor_loop(path: str) -> None:
    """The bare python-evdev loop (the floor for Python): read, write, syn, nothing else."""
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(20))  # as the daemon's loop thread
    dev = evdev.InputDevice(path)
    dev.grab()
    # named like the daemon's outputs, so a running daemon leaves it alone
    ui = UInput.from_device(dev, name="KeyRx: floor", phys="keyrx/floor")
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while True:
        select.select([dev.fd], [], [])
        for ev in dev.read():
            ui.write(ev.type, ev.code, ev.value)


def stats(name: str, lat: list[float]) -> dict[str, float]:
    s = sorted(lat)
    row = {"p50": s[len(s) // 2], "p99": s[int(len(s) * 0.99) - 1], "max": s[-1]}
    press, release = sorted(lat[0::2]), sorted(lat[1::2])  # measure() alternates them
    print(f"  {name:<22} n={len(s):4d}  p50 {row['p50']:6.2f} ms  p99 {row['p99']:6.2f} ms  "
          f"max {row['max']:6.2f} ms  (p50 press {press[len(press) // 2]:.2f}, release "
          f"{release[len(release) // 2]:.2f})", flush=True)
    return row


def row_env(label: str) -> dict[str, str]:
    """What bench/vm_wsgi.py is told for a row of ROWS ("a+b": both)."""
    env = {"BENCH_PLAIN": ""}
    for part in label.split("+"):
        if part.startswith("si"):
            env["BENCH_SWITCH_MS"] = part[2:]
        elif part == "nogive":
            env["BENCH_NO_GIVE_WAY"] = "1"
        elif part.startswith("every"):
            env["BENCH_GIVE_WAY_EVERY"] = part[5:]
        elif part.startswith("dyn"):
            env["BENCH_DYN_SI"] = part[3:].replace("_", ",")
        elif part.startswith("nice"):
            env["BENCH_HUB_NICE"] = part[4:]
        elif part in OPTIONS:
            env[OPTIONS[part]] = "1"
        elif part == "plain":
            env["BENCH_PLAIN"] = "1"
        elif part != "tuned":
            raise SystemExit(f"unknown row {part!r} in BENCH_ROWS")
    return env


def server(label: str, n: int) -> subprocess.Popen[bytes]:
    """gunicorn with the gevent worker and the evdev backend, as deployed."""
    env = {**os.environ, "KEYRX_PORT": str(PORT), "KEYRX_HOST": "127.0.0.1", "KEYRX_TOKEN": TOKEN,
           "KEYRX_DATA_DIR": f"/tmp/keyrx-bench-{n}", "KEYRX_HW_BACKEND": "evdev",
           "KEYRX_LOG_LEVEL": "warning", "HOME": "/tmp", "BENCH_LABEL": label, **row_env(label)}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "-c", "config/gunicorn.conf.py", "bench.vm_wsgi:app"],
                            cwd=ROOT, env=env, start_new_session=True)
    for _ in range(1200):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/api/health", timeout=2).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.05)  # the worker is still importing (slow under emulation)
    raise RuntimeError("the daemon did not come up")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load_process(device_id: str) -> None:
    """CLIENTS WebSocket clients receiving every key event, plus device updates sent at up to RATE/s.

    Prints "ready" once every client is connected, and the counts when it gets SIGTERM.
    """
    import websockets

    counts = {"connected": 0, "received": 0, "sent": 0}
    stopping = threading.Event()

    def produce() -> None:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {TOKEN}"
        next_at = time.monotonic()
        while not stopping.is_set():
            http.patch(f"http://127.0.0.1:{PORT}/api/devices/{device_id}",
                       json={"label": f"bench {counts['sent'] % 1000}"}, timeout=10)
            counts["sent"] += 1
            next_at += PRODUCERS / RATE
            time.sleep(max(0.0, next_at - time.monotonic()))

    async def client() -> None:
        async with websockets.connect(f"ws://127.0.0.1:{PORT}/ws?topics=key,device", open_timeout=120,
                                      additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
            counts["connected"] += 1
            if counts["connected"] == CLIENTS:
                for _ in range(PRODUCERS):
                    threading.Thread(target=produce, daemon=True).start()
                print("ready", flush=True)
            async for _ in ws:
                counts["received"] += 1

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_signal_handler(signal.SIGTERM, done.set_result, None)
        tasks = [asyncio.create_task(client()) for _ in range(CLIENTS)]
        await done
        stopping.set()
        print(f"{counts['sent']} {counts['received']}", flush=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def api(method: str, path: str, **kw: Any) -> Any:
    r = requests.request(method, f"http://127.0.0.1:{PORT}/api{path}", timeout=30,
                         headers={"Authorization": f"Bearer {TOKEN}"}, **kw)
    r.raise_for_status()
    return r.json()


def device_id(name: str) -> str:
    return next(d["id"] for d in api("GET", "/devices")["devices"] if d["name"] == name)


def run(daemon_src: UInput, floor_src: UInput, label: str, n: int) -> dict[str, dict[str, float]]:
    """The daemon and the bare loop side by side, idle and then under load."""
    proc = server(label, n)
    rows: dict[str, dict[str, float]] = {}
    floor = None
    try:
        out = find("KeyRx: Bench Keyboard", timeout=60)
        Path(KEY_EVENTS_FLAG).unlink(missing_ok=True)
        api("PATCH", f"/devices/{device_id('Floor Keyboard')}", json={"enabled": False})
        floor = subprocess.Popen([sys.executable, "-m", "bench.vm_latency", "floor",
                                  floor_src.device.path], cwd=ROOT)
        floor_out = find("KeyRx: floor", timeout=30)
        pairs = [(daemon_src, out), (floor_src, floor_out)]
        d, f = measure(pairs)
        rows["idle"], rows["floor idle"] = stats(f"{label}: daemon, idle", d), stats(f"{label}: floor, idle", f)
        Path(KEY_EVENTS_FLAG).touch()  # the busy part: key events on, fanned out to every client
        api("PATCH", f"/devices/{device_id('Floor Keyboard')}", json={"enabled": False})
        gen = subprocess.Popen([sys.executable, "-m", "bench.vm_latency", "load", device_id("Bench Keyboard")],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert gen.stdout is not None and gen.stdout.readline().strip() == "ready"
            worker = int(Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()[0])
            spy = _spy(worker) if os.environ.get("BENCH_PYSPY") else None
            traced = None
            if os.environ.get("BENCH_FTRACE"):
                from bench import ftrace_gil
                from bench.vm_options import loop_thread
                loop = loop_thread(worker)
                assert loop is not None, "the daemon's loop thread runs SCHED_FIFO in the guest"
                traced = (worker, loop)
                ftrace_gil.start(loop)
            t0 = time.monotonic()
            d, f = measure(pairs, 100 if traced else KEYS)
            if traced:
                ftrace_gil.stop_and_report(*traced)
            took = time.monotonic() - t0
            if spy is not None:
                _spy_report(spy)
        finally:
            gen.terminate()
            tail = gen.communicate(timeout=60)[0].split()
        Path(REPORT_FLAG).touch()
        rows["busy"], rows["floor busy"] = stats(f"{label}: daemon, busy", d), stats(f"{label}: floor, busy", f)
        sent, received = (int(x) for x in tail[-2:])
        print(f"    load: {CLIENTS} WS clients subscribed to key events ({2 * KEYS / took:.0f} daemon "
              f"keys/s), ~{sent / took:.0f} device updates/s over HTTP, ~{received / took:.0f} WS "
              "messages/s delivered", flush=True)
        time.sleep(1.0)  # the probe, if any, prints its figures
        Path(REPORT_FLAG).unlink(missing_ok=True)
        return rows
    finally:
        if floor is not None:
            floor.terminate()
            floor.wait()
        stop(proc)


def _spy(worker: int) -> subprocess.Popen[bytes] | None:
    """BENCH_PYSPY: sample the worker for 6 s of the busy part with py-spy (pip install py-spy),
    by default only the thread holding the interpreter lock (`--gil`): who holds it, doing what."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        print("  py-spy: not installed in this environment", flush=True)
        return None
    return subprocess.Popen([str(spy), "record", "-p", str(worker), "-d", "6", "-r", "2000", "--nonblocking",
                             "--threads", os.environ.get("BENCH_PYSPY_MODE", "--gil"), "--format", "raw",
                             "-o", "/tmp/spy.txt"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _spy_report(spy: subprocess.Popen[bytes]) -> None:
    """The share of samples per thread and per innermost three frames."""
    import collections
    spy.wait(timeout=120)
    threads: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    total = 0
    for line in Path("/tmp/spy.txt").read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        total += n
        threads[frames[0]] += n
        leaves[" < ".join(f.split(" (")[0] + ":" + f.rsplit(":", 1)[-1].rstrip(")")
                          for f in reversed(frames[-3:]))] += n
    print(f"  py-spy: {total} samples", flush=True)
    for t, n in threads.most_common(6):
        print(f"    {100 * n / total:5.1f}%  {t}", flush=True)
    for leaf, n in leaves.most_common(20):
        print(f"    {100 * n / total:5.1f}%  {leaf}", flush=True)


def main() -> int:
    print(f"kernel {os.uname().release}, {os.cpu_count()} vCPU, TCG emulation: absolute numbers are "
          "several times those of real hardware; compare the rows with each other", flush=True)
    with keyboard("Bench Keyboard", "bench/kbd/input0") as daemon_src, \
            keyboard("Floor Keyboard", "bench/floor/input0") as floor_src:
        for n, label in enumerate(ROWS):
            r = run(daemon_src, floor_src, label, n)
            print(f"  {label}: daemon/floor p50 idle "
                  f"{r['idle']['p50'] / r['floor idle']['p50']:.2f}x (target <= 1.2x); "
                  f"busy/idle p99 daemon {r['busy']['p99'] / r['idle']['p99']:.2f}x (target <= 2x), "
                  f"floor {r['floor busy']['p99'] / r['floor idle']['p99']:.2f}x", flush=True)
    print("  tuned = 0.5 ms GIL switch interval + SCHED_FIFO remap thread + the server gives way to "
          "unread keys; plain = CPython's 5 ms, normal priority, no giving way; siX = tuned with an X ms "
          "interval; nogive = tuned without giving way; everyN = giving way every N clients (default 4); "
          "dynS_L, niceN, hold, gsw, prep, pin = alternatives not adopted (bench/vm_options.py); "
          "stamps = each key's wake / lock wait / read (bench/key_stamps.py)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["floor"]:
        floor_loop(sys.argv[2])
    elif sys.argv[1:2] == ["load"]:
        load_process(sys.argv[2])
    else:
        sys.exit(main())
