"""SQLite persistence: profiles, device settings, the active profile. A return means committed."""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")
Offload = Callable[..., Any]
Change = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]

SCHEMA_VERSION = 1

_MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL DEFAULT '{}',
        layers TEXT NOT NULL,
        combos TEXT NOT NULL DEFAULT '[]',
        revision INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        bus TEXT NOT NULL DEFAULT '',
        vendor TEXT NOT NULL DEFAULT '',
        product TEXT NOT NULL DEFAULT '',
        phys TEXT NOT NULL DEFAULT '',
        uniq TEXT NOT NULL DEFAULT '',
        label TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        profile TEXT,
        last_seen TEXT,
        revision INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
    """,
]

PROFILE_BODY = ("description", "settings", "layers", "combos")
DEVICE_INFO = ("name", "path", "bus", "vendor", "product", "phys", "uniq")


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class NotFound(Exception):
    """No such row."""


class Conflict(Exception):
    """The write conflicts with what is stored (exists already, in use, ...)."""


class StaleRevision(Exception):
    """The caller's expected revision is not the stored one."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a 2xx must survive power loss too
    return db


class Store:
    """One SQLite database in WAL mode; every write is one committed transaction.

    Writes (and their fsync, up to tens of ms) run through `offload`: under gevent the
    server passes its threadpool, so a commit never stalls the hub. Reads use their own
    connection; WAL readers don't wait for the writer.
    """

    def __init__(self, path: Path | str, offload: Offload | None = None,
                 write_lock: Any = None) -> None:
        self.path = str(path)
        self._offload: Offload = offload or (lambda fn, args=(), kwargs=None: fn(*args, **(kwargs or {})))
        self._wdb = _connect(self.path)
        self._wlock = write_lock or threading.RLock()  # native when writes run in real threads
        self._db = _connect(self.path)
        self._lock = threading.RLock()
        self._write(self._migrate)

    def close(self) -> None:
        """Close the connections."""
        with self._wlock:
            self._wdb.close()
        with self._lock:
            self._db.close()

    def _write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a writing function where it can block (see the class docstring)."""
        return self._offload(fn, args)  # type: ignore[no-any-return]

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._wlock:
            self._wdb.execute("BEGIN IMMEDIATE")
            try:
                yield self._wdb
            except BaseException:
                self._wdb.execute("ROLLBACK")
                raise
            self._wdb.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"database {self.path} has schema {version}, newer than this "
                                   f"KeyRx ({SCHEMA_VERSION}); upgrade KeyRx")
            for step in range(version, SCHEMA_VERSION):
                for stmt in _MIGRATIONS[step].split(";"):
                    if stmt.strip():
                        db.execute(stmt)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def schema_version(self) -> int:
        """The schema version of the database."""
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- profiles ----------------------------------------------------------------------
    @staticmethod
    def _profile(row: sqlite3.Row, active: str | None) -> dict[str, Any]:
        return {
            "name": row["name"], "description": row["description"],
            "settings": json.loads(row["settings"]), "layers": json.loads(row["layers"]),
            "combos": json.loads(row["combos"]), "active": row["name"] == active,
            "revision": row["revision"], "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def list_profiles(self) -> list[dict[str, Any]]:
        """Every profile, sorted by name."""
        with self._lock:
            active = self._active(self._db)
            rows = self._db.execute("SELECT * FROM profiles ORDER BY name").fetchall()
            return [self._profile(r, active) for r in rows]

    def get_profile(self, name: str) -> dict[str, Any]:
        """One profile; NotFound if missing."""
        with self._lock:
            return self._get_profile(self._db, name)

    def _get_profile(self, db: sqlite3.Connection, name: str) -> dict[str, Any]:
        row = db.execute("SELECT * FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(name)
        return self._profile(row, self._active(db))

    def _create_profile_tx(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """The transaction behind `create_profile`."""
        ts = now_iso()
        with self._tx() as db:
            try:
                db.execute(
                    "INSERT INTO profiles (name, description, settings, layers, combos, revision,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                    (name, body.get("description", ""), json.dumps(body.get("settings", {})),
                     json.dumps(body["layers"]), json.dumps(body.get("combos", [])), ts, ts))
            except sqlite3.IntegrityError:
                raise Conflict(f"a profile named '{name}' exists already") from None
            return self._get_profile(db, name)

    def _update_profile_tx(self, name: str, expect: int | None,
                       change: Change) -> tuple[dict[str, Any], dict[str, Any]]:
        """The transaction behind `update_profile`."""
        with self._tx() as db:
            before = self._get_profile(db, name)
            if expect is not None and expect != before["revision"]:
                raise StaleRevision(before["revision"])
            new_name, body = change(before)
            if new_name != name and db.execute("SELECT 1 FROM profiles WHERE name = ?",
                                               (new_name,)).fetchone():
                raise Conflict(f"a profile named '{new_name}' exists already")
            db.execute(
                "UPDATE profiles SET name = ?, description = ?, settings = ?, layers = ?, combos = ?,"
                " revision = revision + 1, updated_at = ? WHERE name = ?",
                (new_name, body.get("description", ""), json.dumps(body.get("settings", {})),
                 json.dumps(body["layers"]), json.dumps(body.get("combos", [])), now_iso(), name))
            if new_name != name:
                db.execute("UPDATE devices SET profile = ?, revision = revision + 1 WHERE profile = ?",
                           (new_name, name))
                if self._active(db) == name:
                    self._set_active(db, new_name)
            return before, self._get_profile(db, new_name)

    def _delete_profile_tx(self, name: str, expect: int | None) -> None:
        """The transaction behind `delete_profile`."""
        with self._tx() as db:
            current = self._get_profile(db, name)
            if expect is not None and expect != current["revision"]:
                raise StaleRevision(current["revision"])
            if current["active"]:
                raise Conflict(f"profile '{name}' is active; activate another or deactivate it first")
            users = [r[0] for r in db.execute("SELECT id FROM devices WHERE profile = ? ORDER BY id",
                                              (name,))]
            if users:
                raise Conflict(f"profile '{name}' is used by device(s) {', '.join(users)}")
            db.execute("DELETE FROM profiles WHERE name = ?", (name,))

    # -- the active profile ------------------------------------------------------------
    @staticmethod
    def _active(db: sqlite3.Connection) -> str | None:
        row = db.execute("SELECT value FROM settings WHERE key = 'active_profile'").fetchone()
        return None if row is None else row[0]

    @staticmethod
    def _set_active(db: sqlite3.Connection, name: str | None) -> None:
        db.execute("INSERT INTO settings (key, value) VALUES ('active_profile', ?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (name,))

    def active_profile(self) -> str | None:
        """The active profile's name, or None (pass-through)."""
        with self._lock:
            return self._active(self._db)

    def _set_active_profile_tx(self, name: str | None) -> str | None:
        """The transaction behind `set_active_profile`."""
        with self._tx() as db:
            if name is not None:
                self._get_profile(db, name)
            previous = self._active(db)
            self._set_active(db, name)
            return previous

    # -- devices -----------------------------------------------------------------------
    @staticmethod
    def _device(row: sqlite3.Row) -> dict[str, Any]:
        d = {k: row[k] for k in ("id", *DEVICE_INFO, "label", "profile", "last_seen", "revision")}
        d["enabled"] = bool(row["enabled"])
        return d

    def list_devices(self) -> list[dict[str, Any]]:
        """Every known device's stored record, sorted by id."""
        with self._lock:
            return [self._device(r) for r in self._db.execute("SELECT * FROM devices ORDER BY id")]

    def get_device(self, device_id: str) -> dict[str, Any]:
        """One device's stored record; NotFound if unknown."""
        with self._lock:
            row = self._db.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
        if row is None:
            raise NotFound(device_id)
        return self._device(row)

    def _saw_devices_tx(self, infos: list[dict[str, Any]]) -> None:
        """The transaction behind `saw_devices`."""
        if not infos:
            return
        ts = now_iso()
        with self._tx() as db:
            for info in infos:
                db.execute(
                    "INSERT INTO devices (id, name, path, bus, vendor, product, phys, uniq, last_seen)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    " name = excluded.name, path = excluded.path, phys = excluded.phys,"
                    " last_seen = excluded.last_seen",
                    (info["id"], *(info.get(k, "") for k in DEVICE_INFO), ts))

    def _update_device_tx(self, device_id: str, expect: int | None,
                      changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The transaction behind `update_device`."""
        with self._tx() as db:
            row = db.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
            if row is None:
                raise NotFound(device_id)
            before = self._device(row)
            if expect is not None and expect != before["revision"]:
                raise StaleRevision(before["revision"])
            if changes.get("profile") is not None:
                self._get_profile(db, changes["profile"])
            sets = ", ".join(f"{k} = ?" for k in changes)
            db.execute(f"UPDATE devices SET {sets}, revision = revision + 1 WHERE id = ?",
                       (*(int(v) if k == "enabled" else v for k, v in changes.items()), device_id))
            after = self._device(db.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone())
            return before, after

    def _forget_device_tx(self, device_id: str, expect: int | None) -> None:
        """The transaction behind `forget_device`."""
        with self._tx() as db:
            row = db.execute("SELECT revision FROM devices WHERE id = ?", (device_id,)).fetchone()
            if row is None:
                raise NotFound(device_id)
            if expect is not None and expect != row[0]:
                raise StaleRevision(row[0])
            db.execute("DELETE FROM devices WHERE id = ?", (device_id,))

    # -- writes, each one transaction, run through `offload` -------------------------------
    def create_profile(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """Insert a new profile; Conflict if the name is taken."""
        return self._write(self._create_profile_tx, name, body)

    def update_profile(self, name: str, expect: int | None,
                       change: Change) -> tuple[dict[str, Any], dict[str, Any]]:
        """Apply `change(current) -> (new_name, new_body)` atomically; returns (before, after).

        `expect` is the revision the caller saw (If-Match), or None. `change` runs inside the
        transaction, so two writers never lose each other's update.
        """
        return self._write(self._update_profile_tx, name, expect, change)

    def delete_profile(self, name: str, expect: int | None) -> None:
        """Delete a profile; Conflict while it is active or used by a device."""
        self._write(self._delete_profile_tx, name, expect)

    def set_active_profile(self, name: str | None) -> str | None:
        """Make `name` active (None: pass-through); returns the previous one."""
        return self._write(self._set_active_profile_tx, name)

    def saw_devices(self, infos: list[dict[str, Any]]) -> None:
        """Record devices the hardware reports (new ones enabled), refreshing name/path/last_seen."""
        if infos:
            self._write(self._saw_devices_tx, infos)

    def update_device(self, device_id: str, expect: int | None,
                      changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Change label/enabled/profile; returns (before, after). Unknown profile → NotFound."""
        return self._write(self._update_device_tx, device_id, expect, changes)

    def forget_device(self, device_id: str, expect: int | None) -> None:
        """Remove a device's record."""
        self._write(self._forget_device_tx, device_id, expect)
