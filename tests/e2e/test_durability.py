"""kill -9 while writers are busy: every acknowledged write survives, nothing else appears."""
from __future__ import annotations

import signal
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.e2e.conftest import TOKEN, Daemon

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WRITERS = 4
ACKED_BEFORE_KILL = 15  # per writer
ABSENT = "absent"


@dataclass
class Ledger:
    """What one writer was told: the acknowledged state of each name, and the op in flight."""

    acked: dict[str, Any] = field(default_factory=dict)
    pending: tuple[str, Any, Any] | None = None  # (name, state before, state after)
    count: int = 0


def writer(url: str, n: int, ledger: Ledger, enough: threading.Event, stop: threading.Event) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {TOKEN}"

    def op(name: str, before: Any, after: Any, method: str, path: str, ok: int, **kw: Any) -> bool:
        ledger.pending = (name, before, after)
        try:
            r = http.request(method, url + path, timeout=10, **kw)
        except requests.RequestException:
            return False  # the daemon died mid-request: this op stays pending
        if r.status_code != ok:
            raise AssertionError(f"{method} {path}: {r.status_code} {r.text}")
        ledger.acked[name] = after
        ledger.pending = None
        ledger.count += 1
        if ledger.count >= ACKED_BEFORE_KILL:
            enough.set()
        return True

    i = 0
    while not stop.is_set():
        name = f"w{n}-{i}"
        one, two = {"base": {"a": "b"}}, {"base": {"a": "c" if i % 2 else "d", "b": f"f{i % 12 + 1}"}}
        if not op(name, ABSENT, one, "POST", "/api/profiles", 201, json={"name": name, "layers": one}):
            return
        if not op(name, one, two, "PUT", f"/api/profiles/{name}", 200, json={"layers": two}):
            return
        if i % 3 == 0 and not op(name, two, ABSENT, "DELETE", f"/api/profiles/{name}", 204):
            return
        i += 1


def stored(daemon: Daemon, name: str) -> Any:
    r = daemon.get(f"/api/profiles/{name}")
    if r.status_code == 404:
        return ABSENT
    assert r.status_code == 200, r.text
    return r.json()["layers"]


@pytest.mark.parametrize("round_", range(3))
def test_kill_during_writes(daemon: Daemon, round_: int) -> None:
    ledgers = [Ledger() for _ in range(WRITERS)]
    enough = [threading.Event() for _ in range(WRITERS)]
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(daemon.url, n, ledgers[n], enough[n], stop))
               for n in range(WRITERS)]
    for t in threads:
        t.start()
    try:
        for e in enough:
            assert e.wait(60), "writers made no progress"
        daemon.stop(signal.SIGKILL)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    db = sqlite3.connect(daemon.data_dir / "keyrx.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    daemon.start()
    checked = 0
    for ledger in ledgers:
        assert ledger.count >= ACKED_BEFORE_KILL
        for name, state in ledger.acked.items():
            if ledger.pending and ledger.pending[0] == name:
                continue
            assert stored(daemon, name) == state, name
            checked += 1
        if ledger.pending:
            name, before, after = ledger.pending
            assert stored(daemon, name) in (before, after), name
    names = {p["name"] for p in daemon.get("/api/profiles").json()["profiles"]}
    expected = {n for ledger in ledgers for n, s in ledger.acked.items() if s != ABSENT}
    in_flight = {ledger.pending[0] for ledger in ledgers if ledger.pending}
    assert names - in_flight == expected - in_flight
    print(f"round {round_}: {sum(ledger.count for ledger in ledgers)} acknowledged writes, "
          f"{checked} checked after kill -9, integrity ok")
