"""SQLite persistence: profiles, device settings, the active profile. A return means committed."""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..clock import now_iso
from .database import Database, Later, timer_later
from .errors import Conflict, MissingReference, NotFound, check_revision
from .schema import DEVICE_INFO, DEVICE_SETTINGS, PROFILE_EXTRA, SCHEMA_VERSION

T = TypeVar("T")
P = ParamSpec("P")
Offload = Callable[..., Any]
Row = dict[str, Any]
Change = Callable[[Row], tuple[str, Row]]


def transaction(fn: Callable[Concatenate[Store, sqlite3.Connection, P], T]) -> Callable[Concatenate[Store, P], T]:
    """A write: `fn(self, db, ...)` runs in one committed transaction, through `offload`."""
    def write(self: Store, /, *args: P.args, **kwargs: P.kwargs) -> T:
        def run() -> T:
            with self._tx() as db:
                return fn(self, db, *args, **kwargs)
        return self._offload(run, ())  # type: ignore[no-any-return]
    write.__name__, write.__doc__ = fn.__name__, fn.__doc__
    return write


class Store:
    """One SQLite database in WAL mode; every write is one committed transaction.

    Writes (and their fsync, up to tens of ms) run through `offload`: under gevent the
    server passes its threadpool, so a commit never stalls the hub, `write_lock` is then
    a native lock (the writes run in real threads) and `later` starts native threads. Reads
    use their own connection and a lock of the caller's kind; WAL readers don't wait for the
    writer. Every write returns the rows it wrote.
    """

    def __init__(self, path: Path | str, offload: Offload | None = None,
                 write_lock: Any = None, later: Later | None = None) -> None:
        self.path = str(path)
        self._offload: Offload = offload or (lambda fn, args=(), kwargs=None: fn(*args, **(kwargs or {})))
        self._db = Database(Path(self.path), self._offload, write_lock or threading.RLock(),
                            later or timer_later)

    def problems(self) -> list[dict[str, str]]:
        """What is wrong with the database now (empty when nothing), for /api/status."""
        return self._db.problems()

    def close(self) -> None:
        """Close the connections (taking a backup that was put off)."""
        self._db.close()

    def flush_backup(self) -> None:
        """Bring the backup beside the database up to date now (e.g. before stopping)."""
        self._offload(self._db.flush_backup, ())

    def _tx(self) -> Any:
        return self._db.transaction()

    def _read(self) -> Any:
        return self._db.reading()

    def schema_version(self) -> int:
        """The schema version of the database."""
        with self._read() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    # -- profiles ----------------------------------------------------------------------
    @staticmethod
    def _profile(row: sqlite3.Row, active: str | None) -> Row:
        profile = {
            "name": row["name"], "description": row["description"],
            "settings": json.loads(row["settings"]), "layers": json.loads(row["layers"]),
            "combos": json.loads(row["combos"]), **json.loads(row["extra"]),
            "active": row["name"] == active,
            "revision": row["revision"], "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        for optional in ("hands", "sequences"):  # shown only when the profile has them
            value = json.loads(row[optional])
            if value:
                profile[optional] = value
        return profile

    def list_profiles(self) -> list[Row]:
        """Every profile, sorted by name."""
        with self._read() as db:
            active = self._active(db)
            return [self._profile(r, active) for r in db.execute("SELECT * FROM profiles ORDER BY name")]

    def get_profile(self, name: str) -> Row:
        """One profile; NotFound if missing."""
        with self._read() as db:
            return self._get_profile(db, name)

    def _get_profile(self, db: sqlite3.Connection, name: str) -> Row:
        row = db.execute("SELECT * FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound("profile", name)
        return self._profile(row, self._active(db))

    @staticmethod
    def _body_values(body: Row) -> tuple[str, str, str, str, str, str, str]:
        return (body.get("description", ""), json.dumps(body.get("settings", {})),
                json.dumps(body["layers"]), json.dumps(body.get("combos", [])),
                json.dumps(body.get("hands")), json.dumps(body.get("sequences", [])),
                json.dumps({k: body[k] for k in PROFILE_EXTRA if k in body}))

    @transaction
    def create_profile(self, db: sqlite3.Connection, name: str, body: Row) -> Row:
        """Insert a new profile; Conflict if the name is taken."""
        ts = now_iso()
        try:
            db.execute("INSERT INTO profiles (name, description, settings, layers, combos, hands, sequences,"
                       " extra, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                       (name, *self._body_values(body), ts, ts))
        except sqlite3.IntegrityError:
            raise Conflict(f"a profile named '{name}' exists already") from None
        return self._get_profile(db, name)

    @transaction
    def update_profile(self, db: sqlite3.Connection, name: str, expect: int | None,
                       change: Change) -> tuple[Row, Row]:
        """Apply `change(current) -> (new_name, new_body)` atomically; returns (before, after).

        `expect` is the revision the caller saw (If-Match), or None. `change` runs inside the
        transaction, so two writers never lose each other's update.
        """
        before = self._get_profile(db, name)
        check_revision(expect, before["revision"])
        new_name, body = change(before)
        if new_name != name and db.execute("SELECT 1 FROM profiles WHERE name = ?",
                                           (new_name,)).fetchone():
            raise Conflict(f"a profile named '{new_name}' exists already")
        db.execute("UPDATE profiles SET name = ?, description = ?, settings = ?, layers = ?, combos = ?,"
                   " hands = ?, sequences = ?, extra = ?, revision = revision + 1, updated_at = ? WHERE name = ?",
                   (new_name, *self._body_values(body), now_iso(), name))
        if new_name != name:
            db.execute("UPDATE devices SET profile = ?, revision = revision + 1 WHERE profile = ?",
                       (new_name, name))
            if self._active(db) == name:
                self._set_active(db, new_name)
        return before, self._get_profile(db, new_name)

    @transaction
    def delete_profile(self, db: sqlite3.Connection, name: str, expect: int | None) -> Row:
        """Delete a profile; Conflict while it is active or used by a device. Returns it."""
        current = self._get_profile(db, name)
        check_revision(expect, current["revision"])
        if current["active"]:
            raise Conflict(f"profile '{name}' is active; activate another or deactivate it first")
        users = [r[0] for r in db.execute("SELECT id FROM devices WHERE profile = ? ORDER BY id", (name,))]
        if users:
            raise Conflict(f"profile '{name}' is used by device(s) {', '.join(users)}")
        db.execute("DELETE FROM profiles WHERE name = ?", (name,))
        return current

    def profile_in_use(self, name: str) -> bool:
        """Whether the loop runs this profile: it is active, or a device's override."""
        with self._read() as db:
            return self._active(db) == name or db.execute(
                "SELECT 1 FROM devices WHERE profile = ?", (name,)).fetchone() is not None

    # -- the active profile ------------------------------------------------------------
    @staticmethod
    def _active(db: sqlite3.Connection) -> str | None:
        row = db.execute("SELECT value FROM settings WHERE key = 'active_profile'").fetchone()
        return None if row is None else str(row[0]) if row[0] is not None else None

    @staticmethod
    def _set_active(db: sqlite3.Connection, name: str | None) -> None:
        db.execute("INSERT INTO settings (key, value) VALUES ('active_profile', ?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (name,))

    def active_profile(self) -> str | None:
        """The active profile's name, or None (pass-through)."""
        with self._read() as db:
            return self._active(db)

    @transaction
    def set_active_profile(self, db: sqlite3.Connection, name: str | None) -> str | None:
        """Make `name` active (None: pass-through); returns the previous one."""
        if name is not None:
            self._get_profile(db, name)
        previous = self._active(db)
        self._set_active(db, name)
        return previous

    # -- devices -----------------------------------------------------------------------
    @staticmethod
    def _device(row: sqlite3.Row) -> Row:
        d = {k: row[k] for k in ("id", *DEVICE_INFO, "kind", "label", "profile", "last_seen", "revision")}
        d["enabled"] = bool(row["enabled"])
        return d

    def _get_device(self, db: sqlite3.Connection, device_id: str) -> Row:
        row = db.execute("SELECT * FROM devices WHERE id = ?", (device_id,)).fetchone()
        if row is None:
            raise NotFound("device", device_id)
        return self._device(row)

    def list_devices(self) -> list[Row]:
        """Every known device's stored record, sorted by id."""
        with self._read() as db:
            return [self._device(r) for r in db.execute("SELECT * FROM devices ORDER BY id")]

    def get_device(self, device_id: str) -> Row:
        """One device's stored record; NotFound if unknown."""
        with self._read() as db:
            return self._get_device(db, device_id)

    @transaction
    def record_seen(self, db: sqlite3.Connection, infos: list[Row], insert: bool = True) -> list[Row]:
        """Record devices the hardware reports (a new one enabled when its `default_enabled`
        says so), refreshing name/path/phys and last_seen; `insert=False` only refreshes devices
        already known. Returns the rows."""
        ts = now_iso()
        rows = []
        for info in infos:
            if insert:
                db.execute(
                    "INSERT INTO devices (id, name, path, bus, vendor, product, phys, uniq, last_seen, enabled, kind)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    " name = excluded.name, path = excluded.path, phys = excluded.phys,"
                    " last_seen = excluded.last_seen, kind = COALESCE(excluded.kind, kind)",
                    (info["id"], *(info.get(k, "") for k in DEVICE_INFO), ts, int(info.get("default_enabled", True)),
                     info.get("kind")))
            else:
                db.execute("UPDATE devices SET name = ?, path = ?, phys = ?, last_seen = ?, kind = COALESCE(?, kind)"
                           " WHERE id = ?",
                           (*(info.get(k, "") for k in ("name", "path", "phys")), ts, info.get("kind"), info["id"]))
            row = db.execute("SELECT * FROM devices WHERE id = ?", (info["id"],)).fetchone()
            if row is not None:
                rows.append(self._device(row))
        return rows

    @transaction
    def update_device(self, db: sqlite3.Connection, device_id: str, expect: int | None,
                      changes: Row) -> tuple[Row, Row]:
        """Change label/enabled/profile; returns (before, after). An unknown profile is a
        MissingReference."""
        before = self._get_device(db, device_id)
        check_revision(expect, before["revision"])
        if changes.get("profile") is not None:
            try:
                self._get_profile(db, changes["profile"])
            except NotFound:
                raise MissingReference("profile", "profile", changes["profile"]) from None
        fields = [k for k in DEVICE_SETTINGS if k in changes]  # never a name from the caller
        sets = ", ".join(f"{k} = ?" for k in fields)
        db.execute(f"UPDATE devices SET {sets}, revision = revision + 1 WHERE id = ?",
                   (*(int(changes[k]) if k == "enabled" else changes[k] for k in fields), device_id))
        return before, self._get_device(db, device_id)

    @transaction
    def forget_device(self, db: sqlite3.Connection, device_id: str, expect: int | None) -> Row:
        """Remove a device's record; returns it."""
        current = self._get_device(db, device_id)
        check_revision(expect, current["revision"])
        db.execute("DELETE FROM devices WHERE id = ?", (device_id,))
        return current


__all__ = ["SCHEMA_VERSION", "Store"]
