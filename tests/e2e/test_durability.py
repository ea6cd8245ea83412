"""kill -9 while writers are busy: every acknowledged write survives, no rejected one appears."""
from __future__ import annotations

import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import TOKEN, Daemon

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WRITERS = 4
ACKED_BEFORE_KILL = 25  # per writer
ABSENT = "absent"
STALE = {"If-Match": '"0"'}  # no revision is 0: a 412


@dataclass
class Ledger:
    """What one writer was told: the acknowledged state of each key, the op in flight, and the
    states that writes answered with an error would have left (none may be stored)."""

    acked: dict[str, Any] = field(default_factory=dict)
    pending: tuple[str, Any, Any] | None = None  # (key, state before, state after)
    rejected: list[tuple[str, Any]] = field(default_factory=list)
    count: int = 0
    error: str | None = None


class Writer:
    """One client writing profiles (and its own device) until the daemon dies under it."""

    def __init__(self, url: str, n: int, device: str, ledger: Ledger, enough: threading.Event) -> None:
        self.url, self.n, self.device, self.ledger, self.enough = url, n, device, ledger, enough
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {TOKEN}"

    def _send(self, method: str, path: str, **kw: Any) -> requests.Response | None:
        try:
            return self.http.request(method, self.url + path, timeout=10, **kw)
        except requests.RequestException:
            return None  # the daemon died mid-request

    def op(self, key: str, before: Any, after: Any, method: str, path: str, ok: int, **kw: Any) -> bool:
        """A write that must succeed; False once the daemon is gone (the op stays pending)."""
        self.ledger.pending = (key, before, after)
        r = self._send(method, path, **kw)
        if r is None:
            return False
        if r.status_code != ok:
            self.ledger.error = f"{method} {path}: {r.status_code} {r.text}"
            return False
        self.ledger.acked[key] = after
        self.ledger.pending = None
        self.ledger.count += 1
        if self.ledger.count >= ACKED_BEFORE_KILL:
            self.enough.set()
        return True

    def reject(self, key: str, state: Any, method: str, path: str, code: int, **kw: Any) -> bool:
        """A write that must fail with `code`, so `state` must never be stored."""
        r = self._send(method, path, **kw)
        if r is None:
            return False
        if r.status_code != code:
            self.ledger.error = f"{method} {path}: {r.status_code}, expected {code}: {r.text}"
            return False
        self.ledger.rejected.append((key, state))
        return True

    def run(self) -> None:
        i = 0
        while self.iteration(i):
            i += 1

    def iteration(self, i: int) -> bool:
        """Create, update, delete (every third), relabel the device, each with rejected writes."""
        name, dev = f"w{self.n}-{i}", f"/api/devices/{self.device}"
        one, two = {"base": {"a": "b"}}, {"base": {"a": "c" if i % 2 else "d", "b": f"f{i % 12 + 1}"}}
        bad = {"base": {"a": f"f{i % 12 + 13}"}}  # never acknowledged anywhere
        label = self.ledger.acked.get(self.device, {"label": None, "enabled": True})
        new_label = {"label": f"{name} label", "enabled": i % 2 == 0}
        steps: list[Callable[[], bool]] = [
            lambda: self.op(name, ABSENT, one, "POST", "/api/profiles", 201, json={"name": name, "layers": one}),
            lambda: self.reject(name, bad, "POST", "/api/profiles", 409, json={"name": name, "layers": bad}),
            lambda: self.op(name, one, two, "PUT", f"/api/profiles/{name}", 200, json={"layers": two}),
            lambda: self.reject(name, bad, "PUT", f"/api/profiles/{name}", 412, json={"layers": bad},
                                headers=STALE),
            lambda: self.reject(f"x{name}", {"base": {"a": "capslok"}}, "POST", "/api/profiles", 422,
                                json={"name": f"x{name}", "layers": {"base": {"a": "capslok"}}}),
            lambda: self.op(self.device, label, new_label, "PATCH", dev, 200, json=new_label),
            lambda: self.reject(self.device, {"label": "rejected", "enabled": new_label["enabled"]},
                                "PATCH", dev, 412, json={"label": "rejected"}, headers=STALE),
            lambda: self.reject(self.device, {**new_label, "label": "bad enabled"}, "PATCH", dev, 422,
                                json={"label": "bad enabled", "enabled": "yes"}),
        ]
        if i % 3 == 0:
            steps.append(lambda: self.op(name, two, ABSENT, "DELETE", f"/api/profiles/{name}", 204))
        return all(step() for step in steps)


def stored(daemon: Daemon, key: str, devices: list[str]) -> Any:
    """A profile's layers (or ABSENT), or a device's label and enabled."""
    if key in devices:
        body = daemon.get(f"/api/devices/{key}").json()
        return {"label": body["label"], "enabled": body["enabled"]}
    r = daemon.get(f"/api/profiles/{key}")
    if r.status_code == 404:
        return ABSENT
    assert r.status_code == 200, r.text
    return r.json()["layers"]


@pytest.fixture
def busy(tmp_path: Path) -> Iterator[Daemon]:
    d = Daemon(tmp_path, KEYRX_VIRTUAL_KEYBOARDS=str(WRITERS))
    d.start()
    try:
        yield d
    finally:
        d.stop()


@pytest.mark.parametrize("round_", range(3))
def test_kill_during_writes(busy: Daemon, round_: int, figure: Callable[[str], None]) -> None:
    devices = [d["id"] for d in busy.get("/api/devices").json()["devices"]]
    assert len(devices) == WRITERS
    ledgers = [Ledger() for _ in range(WRITERS)]
    enough = [threading.Event() for _ in range(WRITERS)]
    threads = [threading.Thread(target=Writer(busy.url, n, devices[n], ledgers[n], enough[n]).run)
               for n in range(WRITERS)]
    for t in threads:
        t.start()
    try:
        for e, ledger in zip(enough, ledgers, strict=True):
            assert e.wait(90) or ledger.error, "writers made no progress"
    finally:  # kill -9 while they write
        busy.stop(signal.SIGKILL)
        for t in threads:
            t.join(30)
    assert not [ledger.error for ledger in ledgers if ledger.error]
    db = sqlite3.connect(busy.data_dir / "keyrx.db")
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    assert integrity == "ok"
    busy.start()
    checked = rejected = 0
    for ledger in ledgers:
        assert ledger.count >= ACKED_BEFORE_KILL
        in_flight = ledger.pending[0] if ledger.pending else None
        for key, state in ledger.acked.items():
            if key != in_flight:
                assert stored(busy, key, devices) == state, key
                checked += 1
        if ledger.pending:
            key, before, after = ledger.pending
            assert stored(busy, key, devices) in (before, after), key
        for key, state in ledger.rejected:
            assert stored(busy, key, devices) != state, f"{key}: a rejected write was stored"
            rejected += 1
    names = {p["name"] for p in busy.get("/api/profiles").json()["profiles"]}
    expected = {k for ledger in ledgers for k, s in ledger.acked.items() if s != ABSENT and k not in devices}
    in_flight_names = {ledger.pending[0] for ledger in ledgers if ledger.pending}
    assert names - in_flight_names == expected - in_flight_names
    figure(f"round {round_}: {sum(ledger.count for ledger in ledgers)} acknowledged writes "
           f"(profiles and devices), {checked} keys found as acknowledged after kill -9, "
           f"{rejected} rejected writes absent, "
           f"integrity_check {integrity}")
