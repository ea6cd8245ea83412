"""The SQLite store: durability, revisions, concurrent writers."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from app.store import SCHEMA_VERSION, Conflict, NotFound, StaleRevision, Store, Unavailable
from app.store.schema import MIGRATIONS

BODY = {"description": "", "settings": {}, "layers": {"base": {}}, "combos": []}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "k.db")


def test_schema_and_wal(store: Store, tmp_path: Path) -> None:
    assert store.schema_version() == SCHEMA_VERSION
    db = sqlite3.connect(tmp_path / "k.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_schema_is_migrated_keeping_every_row(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "k.db")
    for step in MIGRATIONS[:3]:  # a database written by a KeyRx of schema 3
        db.executescript(step)
    db.execute("PRAGMA user_version=3")
    db.execute("INSERT INTO devices (id, name, label) VALUES ('usb-1', 'Desk', 'mine')")
    db.execute("INSERT INTO profiles (name, layers, created_at, updated_at) VALUES ('p', '{\"base\": {}}', 't', 't')")
    db.commit()
    db.close()
    store = Store(tmp_path / "k.db")
    assert store.schema_version() == SCHEMA_VERSION
    (device,) = store.list_devices()
    assert (device["id"], device["label"], device["kind"]) == ("usb-1", "mine", None)
    assert store.get_profile("p")["layers"] == {"base": {}}
    store.close()


def test_newer_schema_refused(tmp_path: Path) -> None:
    Store(tmp_path / "k.db").close()
    db = sqlite3.connect(tmp_path / "k.db")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store(tmp_path / "k.db")


def test_committed_writes_survive_reopen(store: Store, tmp_path: Path) -> None:
    store.create_profile("a", BODY)
    store.set_active_profile("a")
    store.record_seen([{"id": "usb-1-2-abc", "name": "K", "path": "/dev/input/event3"}])
    store.update_device("usb-1-2-abc", None, {"label": "Desk"})
    # a second connection (another process after a crash) sees every committed write
    other = Store(tmp_path / "k.db")
    assert other.get_profile("a")["active"] is True
    assert other.get_device("usb-1-2-abc")["label"] == "Desk"


def test_create_conflict_and_not_found(store: Store) -> None:
    store.create_profile("a", BODY)
    with pytest.raises(Conflict):
        store.create_profile("a", BODY)
    with pytest.raises(NotFound):
        store.get_profile("b")
    with pytest.raises(NotFound):
        store.set_active_profile("b")


def test_update_checks_revision_and_rolls_back(store: Store) -> None:
    store.create_profile("a", BODY)
    with pytest.raises(StaleRevision) as exc:
        store.update_profile("a", 5, lambda cur: ("a", BODY))
    assert exc.value.current == 1

    def boom(cur: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        raise ValueError("invalid")

    with pytest.raises(ValueError):
        store.update_profile("a", None, boom)
    assert store.get_profile("a")["revision"] == 1


def test_concurrent_patches_lose_nothing(store: Store) -> None:
    store.create_profile("a", {**BODY, "layers": {"base": {}}})
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                def add(cur: dict[str, Any], key: str = f"f{n}_{i}") -> tuple[str, dict[str, Any]]:
                    layers = {"base": {**cur["layers"]["base"], key: "a"}}
                    return "a", {**BODY, "layers": layers}
                store.update_profile("a", None, add)
        except Exception as exc:  # noqa: BLE001  (re-raised by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    p = store.get_profile("a")
    assert len(p["layers"]["base"]) == 100 and p["revision"] == 101


def test_delete_rules(store: Store) -> None:
    store.create_profile("a", BODY)
    store.set_active_profile("a")
    with pytest.raises(Conflict):
        store.delete_profile("a", None)
    store.set_active_profile(None)
    store.record_seen([{"id": "d1", "name": "K"}])
    store.update_device("d1", None, {"profile": "a"})
    with pytest.raises(Conflict, match="d1"):
        store.delete_profile("a", None)
    store.update_device("d1", None, {"profile": None})
    store.delete_profile("a", None)
    with pytest.raises(NotFound):
        store.get_profile("a")


def test_device_settings_survive_reconnect(store: Store) -> None:
    store.record_seen([{"id": "d1", "name": "Old", "path": "/dev/input/event3"}])
    store.update_device("d1", None, {"enabled": False, "label": "Desk"})
    store.record_seen([{"id": "d1", "name": "New", "path": "/dev/input/event7"}])
    d = store.get_device("d1")
    assert d["enabled"] is False and d["label"] == "Desk" and d["path"] == "/dev/input/event7"
    assert d["revision"] == 2
    with pytest.raises(NotFound):
        store.update_device("d1", None, {"profile": "missing"})
    store.forget_device("d1", None)
    with pytest.raises(NotFound):
        store.get_device("d1")


# -- faults and lost data: never a new, empty store in place of one that had data --------
def filled(path: Path) -> None:
    store = Store(path)
    store.create_profile("a", BODY)
    store.set_active_profile("a")
    store.close()  # takes the backup put off by the second write


def test_a_backup_is_kept_beside_the_database(tmp_path: Path) -> None:
    filled(tmp_path / "k.db")
    bak = sqlite3.connect(tmp_path / "k.db.bak")
    assert bak.execute("SELECT name FROM profiles").fetchall() == [("a",)]
    assert bak.execute("SELECT value FROM settings").fetchall() == [("a",)]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_a_database_that_lost_its_data_is_restored_from_the_backup(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "k.db"
    filled(path)
    if damage == "delete":
        path.unlink()
    else:
        path.write_bytes(b"" if damage == "truncate" else b"not a database" * 100)
    store = Store(path)
    try:
        assert [p["name"] for p in store.list_profiles()] == ["a"] and store.active_profile() == "a"
        (problem,) = store.problems()
        assert "restored it from" in problem["detail"] and str(path) + ".bak" in problem["detail"]
        if damage != "delete":
            assert list(tmp_path.glob("k.db.damaged-*")), "the damaged file is kept"
        store.create_profile("b", BODY)  # and it takes writes
    finally:
        store.close()


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_database_that_lost_its_data_without_a_backup_is_refused(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "k.db"
    filled(path)
    (tmp_path / "k.db.bak").unlink()
    path.write_bytes(b"" if damage == "truncate" else b"not a database" * 100)
    store = Store(path)
    try:
        (problem,) = store.problems()
        assert problem["file"] == str(path) and str(path) in problem["fix"]
        with pytest.raises(Unavailable):
            store.list_profiles()
        with pytest.raises(Unavailable):
            store.create_profile("b", BODY)
    finally:
        store.close()
    assert path.read_bytes()[:3] != b"SQL", "nothing was written over it"


def test_a_new_database_is_new(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    assert store.problems() == [] and store.list_profiles() == []
    store.close()
