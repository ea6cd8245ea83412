"""Storage faults against a real daemon: it starts, says what is wrong, never loses data silently."""
from __future__ import annotations

import resource
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from tests.api.test_storage_faults import break_active_profile
from tests.conftest import CAPS
from tests.e2e.conftest import Daemon, running

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_an_invalid_active_profile_does_not_stop_the_daemon(tmp_path: Path) -> None:
    data = tmp_path / "data"
    break_active_profile(data)
    with running(tmp_path, KEYRX_DATA_DIR=str(data)) as d:
        status = d.get("/api/status").json()
        assert status["hw"]["state"] == "running" and status["problems"][0]["profile"] == "coding"
        assert d.put("/api/profiles/coding", json=CAPS).status_code == 200
        assert d.get("/api/status").json()["problems"] == []
    assert "not valid" in (tmp_path / "daemon.log").read_text()


def test_a_truncated_database_is_restored_from_the_backup_with_a_warning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running(tmp_path, KEYRX_DATA_DIR=str(data)) as d:
        assert d.post("/api/profiles", json={"name": "coding", **CAPS}).status_code == 201
        assert d.post("/api/profiles/coding/activate").status_code == 200
    (data / "keyrx.db").write_bytes(b"")
    with running(tmp_path, KEYRX_DATA_DIR=str(data)) as d:
        assert d.get("/api/active-profile").json() == {"name": "coding"}
        (problem,) = d.get("/api/status").json()["problems"]
        assert "restored it from" in problem["detail"]
    assert "restored it from" in (tmp_path / "daemon.log").read_text()


def test_the_end_of_a_burst_of_writes_reaches_the_backup_while_running(tmp_path: Path) -> None:
    """Writes within a second of the last backup are put off, then taken by a timer thread."""
    data = tmp_path / "data"
    with running(tmp_path, KEYRX_DATA_DIR=str(data)) as d:
        for name in ("one", "two", "three"):  # a burst: only the first is backed up at once
            assert d.post("/api/profiles", json={"name": name, **CAPS}).status_code == 201
        deadline = time.monotonic() + 15
        while True:  # polling the backup file while the daemon runs (no stop, which also flushes)
            with closing(sqlite3.connect(data / "keyrx.db.bak")) as bak:
                names = {row[0] for row in bak.execute("SELECT name FROM profiles")}
            if names >= {"one", "two", "three"}:
                break
            assert time.monotonic() < deadline, f"the backup holds only {sorted(names)}"
            time.sleep(0.05)


def test_a_truncated_database_without_backup_is_never_a_new_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running(tmp_path, KEYRX_DATA_DIR=str(data)) as d:
        assert d.post("/api/profiles", json={"name": "coding", **CAPS}).status_code == 201
    (data / "keyrx.db").write_bytes(b"")
    (data / "keyrx.db.bak").unlink()
    with running(tmp_path, KEYRX_DATA_DIR=str(data)) as d:
        (problem,) = d.get("/api/status").json()["problems"]
        assert problem["file"] == str(data / "keyrx.db") and "remove" in problem["fix"]
        r = d.post("/api/profiles", json={"name": "x", **CAPS})
        assert r.status_code == 503 and r.headers["Content-Type"] == "application/problem+json"
    assert (data / "keyrx.db").stat().st_size == 0


def test_a_full_disk_gives_503_and_keeps_serving(tmp_path: Path, figure: Callable[[str], None]) -> None:
    """The daemon's file size limit stands in for a full disk (writes fail with EFBIG)."""
    data = tmp_path / "data"
    with running(tmp_path, KEYRX_DATA_DIR=str(data)):
        pass
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    limit = max(p.stat().st_size for p in data.iterdir()) + 96 * 1024
    d = Daemon(tmp_path, KEYRX_DATA_DIR=str(data))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))  # the daemon inherits it
    try:
        d.start()
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    try:
        statuses = []
        for i in range(200):
            r = d.post("/api/profiles", json={"name": f"p{i}", "description": "x" * 1000,
                                              "layers": {"base": {k: "a" for k in "bcdefghijklmnopq"}}})
            statuses.append(r.status_code)
            if r.status_code != 201:
                break
        assert statuses[-1] == 503 and set(statuses[:-1]) == {201}, statuses
        assert r.headers["Content-Type"] == "application/problem+json"
        assert r.json()["file"] == str(data / "keyrx.db") and r.json()["fix"]
        assert d.get("/api/profiles").status_code == 200  # reads go on
        assert any(p["kind"] == "store" for p in d.get("/api/status").json()["problems"])
        figure(f"file size limit {limit // 1024} KiB: {len(statuses) - 1} writes, then 503 "
               f"({r.json()['detail'][:60]}...)")
    finally:
        d.stop()
    db = sqlite3.connect(data / "keyrx.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
