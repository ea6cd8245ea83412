"""The database schema, its migrations and how a connection is opened."""
from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 4

MIGRATIONS: list[str] = [
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
    # 2: a profile's hands and leader sequences (profile language round 2)
    """
    ALTER TABLE profiles ADD COLUMN hands TEXT NOT NULL DEFAULT 'null';
    ALTER TABLE profiles ADD COLUMN sequences TEXT NOT NULL DEFAULT '[]';
    """,
    # 3: profile fields beyond those, as one JSON object (PROFILE_EXTRA)
    """
    ALTER TABLE profiles ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'
    """,
    # 4: what a device is (keyboard, consumer, pointer, other), so a device not seen this run
    # still says it; NULL for devices recorded before
    """
    ALTER TABLE devices ADD COLUMN kind TEXT
    """,
]

PROFILE_EXTRA = ("apps", "virtual_keys")  # stored together in the `extra` column, when given
PROFILE_BODY = ("description", "settings", "layers", "combos", "hands", "sequences", *PROFILE_EXTRA)
DEVICE_INFO = ("name", "path", "bus", "vendor", "product", "phys", "uniq")
# the device columns a PATCH may set; update_device builds its SET clause from these names only
DEVICE_SETTINGS = ("label", "enabled", "profile")


def connect(path: str, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, fully synced."""
    if read_only:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                             check_same_thread=False, timeout=10.0)
        db.row_factory = sqlite3.Row
        return db
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    db.row_factory = sqlite3.Row
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # set once, a write
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a 2xx must survive power loss too
    return db


def needs_migration(db: sqlite3.Connection, path: str) -> bool:
    """Whether the schema is older than SCHEMA_VERSION (RuntimeError if newer)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database {path} has schema {version}, newer than this "
                           f"KeyRx ({SCHEMA_VERSION}); upgrade KeyRx")
    return bool(version < SCHEMA_VERSION)


def migrate(db: sqlite3.Connection, path: str) -> None:
    """Bring the schema up to SCHEMA_VERSION (inside the caller's transaction)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database {path} has schema {version}, newer than this "
                           f"KeyRx ({SCHEMA_VERSION}); upgrade KeyRx")
    for step in range(version, SCHEMA_VERSION):
        for stmt in MIGRATIONS[step].split(";"):  # the migrations hold no ';' inside a statement
            if stmt.strip():
                db.execute(stmt)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
