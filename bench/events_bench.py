"""Event delivery: REST change -> WebSocket event latency, and fan-out CPU, side by side with a
minimal asyncio `websockets` broadcast server under the same load and the same clients.

Run: `make bench` (or `python -m bench events`). Prints figures; asserts nothing.
Both servers run as separate processes on this machine; the clients (asyncio `websockets`)
share one process with the publisher, so their cost is the same for both servers.
"""
from __future__ import annotations

import asyncio
import functools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

import requests
import websockets

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-0123456789abcdef"
CLIENT_COUNTS = (1, 10, 100)
LATENCY_EVENTS = int(os.environ.get("BENCH_LATENCY_EVENTS", "200"))
BURST = 1000  # events back to back for the CPU figure
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """user+sys CPU of a process and its children (gunicorn master and worker)."""
    total = 0.0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass  # no children file: the process alone
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)  # the server is still starting
    raise RuntimeError(f"{url} did not answer")


# -- the two servers ---------------------------------------------------------------------
class Server:
    """A server under test: how to start it, trigger one change, and burst N events."""

    name = ""
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.port = free_port()
        self.http = requests.Session()
        self.proc: subprocess.Popen[bytes] | None = None
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid


class KeyRxServer(Server):
    name = "keyrx (gunicorn+gevent)"
    headers: ClassVar[dict[str, str]] = {"Authorization": f"Bearer {TOKEN}"}

    def start(self) -> None:
        data = tempfile.mkdtemp(prefix="keyrx-bench-")
        env = {**os.environ, "KEYRX_PORT": str(self.port), "KEYRX_DATA_DIR": data,
               "KEYRX_TOKEN": TOKEN, "KEYRX_HW_BACKEND": "virtual", "KEYRX_LOG_LEVEL": "warning"}
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen([gunicorn, "-c", "config/gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{self.port}"
        wait_http(f"{url}/api/health", self.proc)
        self.url = url
        self.http.headers.update(self.headers)
        self.device = self.http.get(f"{url}/api/devices").json()["devices"][0]["id"]
        self.ws_url += "?topics=device,key"

    def change(self, marker: str) -> None:
        r = self.http.patch(f"{self.url}/api/devices/{self.device}", json={"label": marker})
        r.raise_for_status()

    def key(self) -> None:
        tap = [{"key": "a", "action": "tap", "at_ms": 0}]
        self.http.post(f"{self.url}/api/devices/{self.device}/inject", json={"events": tap}).raise_for_status()

    def burst(self, n: int) -> None:
        taps = [{"key": "b", "action": "tap", "at_ms": 0}] * (n // 2)
        self.http.post(f"{self.url}/api/devices/{self.device}/inject", json={"events": taps}).raise_for_status()

    @staticmethod
    def marker(msg: dict[str, Any]) -> str | None:
        if msg.get("event") == "device.updated":
            return str(msg["data"]["device"]["label"])
        if msg.get("event") == "key":
            return "burst" if msg["data"]["input"]["key"] == "b" else f"key-{msg['data']['input']['action']}"
        return None


class AsyncioServer(Server):
    name = "asyncio websockets (baseline)"

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.events_bench", "--baseline",
                                      str(self.port)], cwd=ROOT)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_http(f"{self.url}/health", self.proc)

    def change(self, marker: str) -> None:
        self.http.get(f"{self.url}/publish?label={marker}").raise_for_status()

    def burst(self, n: int) -> None:
        self.http.get(f"{self.url}/publish?n={n}").raise_for_status()

    def key(self) -> None:
        self.http.get(f"{self.url}/publish?key=a").raise_for_status()

    marker = staticmethod(KeyRxServer.marker)


def baseline_main(port: int) -> None:
    """A minimal broadcast server: websockets.broadcast of one JSON string per event."""
    clients: set[Any] = set()
    seq = 0
    device = {"id": "virtual-0000-0001-001125ed", "name": "KeyRx Virtual Keyboard 1", "label": None,
              "path": "virtual://kbd1", "bus": "virtual", "vendor": "0000", "product": "0001",
              "phys": "keyrx-virtual/kbd1/input0", "uniq": "", "connected": True, "grabbed": True,
              "enabled": True, "profile": None, "last_seen": "2026-11-25T20:26:09.642Z", "revision": 1}

    def event(name: str, data: dict[str, Any]) -> str:
        nonlocal seq
        seq += 1
        return json.dumps({"type": "event", "seq": seq, "epoch": "0badcafe", "ts": "2026-11-25T20:26:09.642Z",
                           "event": name, "data": data}, separators=(",", ":"))

    async def handler(ws: Any) -> None:
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    def process_request(conn: Any, request: Any) -> Any:
        url = urlsplit(request.path)
        if url.path == "/health":
            return conn.respond(200, "ok\n")
        if url.path == "/publish":
            args = parse_qs(url.query)
            if "label" in args:
                data = {"device": {**device, "label": args["label"][0]}, "changed": ["label"]}
                websockets.broadcast(clients, event("device.updated", data))
            name, count = (args["key"][0], 2) if "key" in args else ("b", int(args.get("n", ["0"])[0]))
            for i in range(count):
                action = "press" if i % 2 == 0 else "release"
                key = {"device": device["id"], "input": {"key": name, "action": action},
                       "output": [{"key": name, "action": action}]}
                websockets.broadcast(clients, event("key", key))
            return conn.respond(200, "ok\n")
        return None

    async def serve() -> None:
        async with websockets.serve(handler, "127.0.0.1", port, process_request=process_request,
                                    compression=None, max_queue=None):
            await asyncio.Future()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass  # stopped by the benchmark


# -- measuring ----------------------------------------------------------------------------------
class Fleet:
    """N connected clients that record when each marked event arrives."""

    def __init__(self, server: Server, n: int) -> None:
        self.server = server
        self.n = n
        self.arrivals: dict[str, list[float]] = {}
        self.waiters: dict[str, tuple[int, asyncio.Event]] = {}
        self.tasks: list[asyncio.Task[None]] = []

    async def _client(self, ready: asyncio.Semaphore) -> None:
        async with websockets.connect(self.server.ws_url, additional_headers=self.server.headers,
                                      max_size=None, ping_interval=None, open_timeout=60,
                                      compression=None) as ws:
            ready.release()
            async for raw in ws:
                now = time.monotonic()
                mark = self.server.marker(json.loads(raw))
                if mark is None:
                    continue
                self.arrivals.setdefault(mark, []).append(now)
                want, done = self.waiters.get(mark, (0, None))
                if done is not None and len(self.arrivals[mark]) >= want:
                    done.set()

    async def __aenter__(self) -> Self:
        ready = asyncio.Semaphore(0)
        self.tasks = [asyncio.create_task(self._client(ready)) for _ in range(self.n)]
        for _ in range(self.n):
            await asyncio.wait_for(ready.acquire(), 60)
        await asyncio.sleep(0.3)  # let the servers register every client before measuring
        return self

    async def __aexit__(self, *exc: object) -> None:
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def expect(self, mark: str, count: int, trigger: Callable[[], Awaitable[None]]) -> None:
        done = asyncio.Event()
        self.waiters[mark] = (count, done)
        await trigger()
        await asyncio.wait_for(done.wait(), 120)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def latency(server: Server, clients: int, events: int, durable: bool) -> list[float]:
    """One change at a time; every client's arrival time minus the moment the request was sent."""
    samples: list[float] = []
    async with Fleet(server, clients) as fleet:
        for i in range(events):
            mark = f"m{clients}-{i}" if durable else "key-press"
            sent = time.monotonic()
            trigger = functools.partial(asyncio.to_thread, server.change, mark) if durable else \
                functools.partial(asyncio.to_thread, server.key)
            await fleet.expect(mark, clients, trigger)
            samples += [t - sent for t in fleet.arrivals.pop(mark)]
            fleet.arrivals.pop("key-release", None)
    return samples


async def fanout_cpu(server: Server, clients: int) -> float:
    """CPU seconds the server spends on one burst of BURST events with `clients` connected."""
    async with Fleet(server, clients) as fleet:
        before = cpu_seconds(server.pid)
        if clients:
            await fleet.expect("burst", clients * BURST, lambda: asyncio.to_thread(server.burst, BURST))
        else:
            await asyncio.to_thread(server.burst, BURST)
        await asyncio.sleep(0.5)  # let the server finish (with no clients there is nothing to await)
        return cpu_seconds(server.pid) - before


def request_alone(server: Server, durable: bool, n: int = 50) -> float:
    """p50 of the triggering request by itself (no clients), in ms: the floor under the latency."""
    times = []
    for i in range(n):
        start = time.monotonic()
        server.change(f"alone-{i}") if durable else server.key()
        times.append(time.monotonic() - start)
    return 1000 * pct(times, 50)


def run(server: Server) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for durable in (False, True):
        what = "device PATCH (durable)" if durable and isinstance(server, KeyRxServer) else \
            "device change" if durable else "key (no disk)"
        print(f"  {server.name:30s} {what:22s} the request alone: p50 {request_alone(server, durable):.2f} ms",
              flush=True)
        for n in CLIENT_COUNTS:
            samples = asyncio.run(latency(server, n, LATENCY_EVENTS if n < 100 else LATENCY_EVENTS // 2,
                                          durable))
            out[durable, n] = {p: 1000 * pct(samples, p) for p in (50, 95, 99)}
            print(f"  {server.name:30s} {what:22s} {n:3d} client(s): p50 {out[durable, n][50]:6.2f} ms  "
                  f"p95 {out[durable, n][95]:6.2f} ms  p99 {out[durable, n][99]:6.2f} ms  "
                  f"({len(samples)} deliveries)", flush=True)
    idle = min(asyncio.run(fanout_cpu(server, 0)) for _ in range(2))
    busy = min(asyncio.run(fanout_cpu(server, 100)) for _ in range(2))
    out["cpu_us"] = max(busy - idle, 0.0) / (BURST * 100) * 1e6
    print(f"  {server.name:32s} fan-out CPU: {out['cpu_us']:.2f} us per event x client "
          f"({BURST} events x 100 clients: {busy:.2f} s, without clients {idle:.2f} s)", flush=True)
    return out


def main() -> None:
    print(f"REST change -> event latency ({LATENCY_EVENTS} changes, one at a time) and fan-out CPU "
          f"({BURST} events back to back), {os.cpu_count()} CPUs shared with the clients")
    results = {}
    for cls in (KeyRxServer, AsyncioServer):
        server = cls()
        server.start()
        try:
            results[cls] = run(server)
        finally:
            server.stop()
    ours, base = results[KeyRxServer], results[AsyncioServer]
    print("ratios keyrx / asyncio baseline (<= 1.0: keyrx as fast or faster):")
    for durable in (False, True):
        what = "durable device PATCH vs in-memory change" if durable else "key event, same work"
        for n in CLIENT_COUNTS:
            a, b = ours[durable, n], base[durable, n]
            print(f"  {what:40s} {n:3d} client(s): p50 {a[50] / b[50]:.2f}  p95 {a[95] / b[95]:.2f}  "
                  f"p99 {a[99] / b[99]:.2f}")
    print(f"  fan-out CPU per event x client: {ours['cpu_us'] / max(base['cpu_us'], 1e-9):.2f}")
    print(f"targets at 100 clients: p95 < 100 ms -> {ours[True, 100][95]:.2f} ms (durable PATCH), "
          f"{ours[False, 100][95]:.2f} ms (key); p99 < 10 ms -> {ours[True, 100][99]:.2f} ms (durable PATCH), "
          f"{ours[False, 100][99]:.2f} ms (key); <= 10 us CPU per event x client -> {ours['cpu_us']:.2f} us")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--baseline":
        baseline_main(int(sys.argv[2]))
    else:
        main()
