"""The database file: recovery before it opens, faults said with the file and the fix, and
the backup the store keeps beside it (`keyrx.db.bak`).

A database that has lost its data (truncated to 0 bytes, replaced by something that is not
a database, or gone while its backup is still there) is never started as new: the backup is
put in its place (the damaged file kept beside it) and a warning says so; with no usable
backup the store stays unavailable and says which file and what to do.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

from ..clock import now_iso
from .errors import Unavailable

log = logging.getLogger("keyrx.store")

BACKUP_SUFFIX = ".bak"
BACKUP_EVERY_S = 1.0  # at most one backup a second while writes go on; and at start and stop


def backup_path(path: Path) -> Path:
    """Where the backup of `path` lives."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def fault(exc: sqlite3.Error, path: Path) -> Unavailable:
    """What an SQLite error means for the user: which file, what is wrong, what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    where = path.parent
    if name.startswith("SQLITE_FULL") or "disk is full" in str(exc):
        return Unavailable(f"the disk holding {path} is full; changes cannot be saved",
                           f"free space in {where}; writes work again as soon as there is room",
                           str(path))
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return Unavailable(f"{path} is read-only; changes cannot be saved",
                           f"make {path}, its -wal/-shm files and {where} writable by the user "
                           "KeyRx runs as, then restart KeyRx", str(path))
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        bak = backup_path(path)
        return Unavailable(f"{path} is damaged ({exc})",
                           f"stop KeyRx and copy a good copy ({bak}, if it is one) over {path}; "
                           f"or move {path} aside to start with an empty store", str(path))
    return Unavailable(f"{path} cannot be used: {exc}",
                       f"check that the disk holding {where} is not full and works (see the "
                       f"daemon log), and that {path} and {where} are writable by the user KeyRx "
                       "runs as; writes work again once it is fixed",
                       str(path))


def probe(path: Path) -> str:
    """The state of a database file: missing, zero (0 bytes), damaged, blank (a database
    without KeyRx's schema) or ok."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    if size == 0:
        return "zero"
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "damaged"
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            return "damaged"
        return "ok"  # unreadable for another reason (permissions, I/O): opening it will say
    return "ok" if version > 0 else "blank"


def recover(path: Path) -> str | None:
    """Before the store opens `path`: put the backup in place of a database that has lost its
    data. Returns the warning to show (None: nothing happened); raises Unavailable when the
    data is lost and no backup can bring it back."""
    state = probe(path)
    if state == "ok" or (state in ("missing", "blank") and not backup_path(path).exists()):
        return None  # intact, or new
    bak = backup_path(path)
    if probe(bak) == "ok":
        kept = _move_aside(path) if state != "missing" else None
        _copy(bak, path)
        taken = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(bak.stat().st_mtime))
        warning = (f"{path} was {'missing' if state == 'missing' else state}: restored it from "
                   f"{bak} (taken {taken}); changes after that are lost"
                   + (f"; the damaged file is kept as {kept}" if kept else ""))
        log.warning("%s", warning)
        return warning
    if state == "missing":
        raise Unavailable(f"{path} is missing and its backup {bak} is not a usable database",
                          f"stop KeyRx and restore {path} from a copy of your own; or remove "
                          f"{bak} to start with an empty store", str(path))
    what = "is empty (0 bytes)" if state == "zero" else f"is {state}"
    raise Unavailable(f"{path} {what} and there is no usable backup ({bak}): KeyRx will not "
                      "treat it as a new, empty store", f"stop KeyRx and restore {path} from a "
                      f"copy of your own; or remove {path} to start with an empty store", str(path))


def _move_aside(path: Path) -> Path:
    kept = path.with_name(f"{path.name}.damaged-{now_iso().replace(':', '')}")
    os.replace(path, kept)
    for suffix in ("-wal", "-shm"):  # they belong to the damaged file, not to the backup
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + suffix))
    return kept


def _copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.restore")
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(tmp)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    _sync_replace(tmp, dst)


def _sync_replace(tmp: Path, dst: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, dst)
    dfd = os.open(dst.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


class Backups:
    """Keeps `keyrx.db.bak` a recent copy: `take` now, `after_write` at most every
    BACKUP_EVERY_S (`flush` takes one that was put off)."""

    def __init__(self, path: Path) -> None:
        self.path = backup_path(path)
        self._last = 0.0
        self._pending = False

    def take(self, db: sqlite3.Connection) -> None:
        """Copy the database (SQLite's online backup: a consistent copy while it is in use)."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            target = sqlite3.connect(tmp)
            try:
                db.backup(target)
            finally:
                target.close()
            _sync_replace(tmp, self.path)
        except (OSError, sqlite3.Error) as exc:
            log.warning("could not back up the database to %s: %s", self.path, exc)
            return
        self._last, self._pending = time.monotonic(), False

    def after_write(self, db: sqlite3.Connection) -> bool:
        """A write committed: back up now, or put it off (True) when the last backup is recent;
        the caller then calls `flush` within BACKUP_EVERY_S."""
        if time.monotonic() - self._last >= BACKUP_EVERY_S:
            self.take(db)
            return False
        self._pending = True
        return True

    def flush(self, db: sqlite3.Connection) -> None:
        """Take the backup that was put off, if any."""
        if self._pending:
            self.take(db)
