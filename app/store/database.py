"""The store's two connections (a writer and a reader) and what becomes of them in a fault.

Opening never raises for a fault KeyRx can run with: a read-only file is served read-only, a
damaged or lost one (see files.py) leaves the store unavailable; either way `problems()` says
which file and what to do, and a write raises Unavailable (the API's 503) instead of an
SQLite error. A newer schema than this KeyRx knows still refuses to start (RuntimeError).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import Unavailable
from .files import BACKUP_EVERY_S, Backups, fault, recover
from .schema import connect, migrate, needs_migration

log = logging.getLogger("keyrx.store")
STARTED_FIX = "check what else may be missing; this note stays until KeyRx restarts"


Later = Callable[[float, Callable[[], None]], None]  # run it on a thread of its own after a delay


def timer_later(delay: float, fn: Callable[[], None]) -> None:
    """`Later` with a daemon `threading.Timer` (a real thread when nothing is monkey-patched)."""
    timer = threading.Timer(delay, fn)
    timer.daemon = True
    timer.start()


class Database:
    """The connections to one database file; writes run through `offload` under `write_lock`;
    a backup put off by a burst of writes is taken by `later` (a native thread under gevent:
    a patched Timer started in the threadpool would be a greenlet nobody runs)."""

    def __init__(self, path: Path, offload: Callable[..., Any], write_lock: Any, later: Later) -> None:
        self.path = path
        self._offload = offload
        self._later = later
        self._write_lock = write_lock
        self._read_lock = threading.RLock()
        self._write_db: sqlite3.Connection | None = None
        self._read_db: sqlite3.Connection | None = None
        self._backups = Backups(path)
        self.warnings: list[str] = []          # what happened at start that the user should know
        self._fault: Unavailable | None = None  # why writes (or everything) cannot work
        self._last_write: Unavailable | None = None  # the last write's fault (e.g. disk full)
        self._flush_due = False
        self._open()

    def _open(self) -> None:
        try:
            restored = recover(self.path)
            if restored:
                self.warnings.append(restored)
            self._read_db = connect(str(self.path))
            migrating = needs_migration(self._read_db, str(self.path))
            self._write_db = connect(str(self.path))
            if migrating:
                with self.transaction() as db:
                    migrate(db, str(self.path))
            self._offload(self._backup_now, ())
        except Unavailable as exc:
            self._fault = exc
        except sqlite3.Error as exc:
            self._fault = fault(exc, self.path)
            if self._read_db is None and self.path.exists():
                try:  # e.g. a read-only file: serve what it holds
                    self._read_db = connect(str(self.path), read_only=True)
                    self._read_db.execute("PRAGMA user_version").fetchone()
                except sqlite3.Error:
                    self._read_db = None
        if self._fault is not None:
            self._write_db = None
            log.error("store: %s; %s", self._fault.detail, self._fault.fix)

    def problems(self) -> list[dict[str, str]]:
        """What is wrong with the database now, for /api/status."""
        found = [{"kind": "store", "file": str(self.path), "detail": w, "fix": STARTED_FIX}
                 for w in self.warnings]
        faults = [f.as_problem() for f in (self._fault, self._last_write) if f is not None]
        return found + faults

    def close(self) -> None:
        """Close the connections (taking a backup that was put off)."""
        with self._write_lock:
            if self._write_db is not None:
                self._backups.flush(self._write_db)
                self._write_db.close()
                self._write_db = None
        with self._read_lock:
            if self._read_db is not None:
                self._read_db.close()
                self._read_db = None

    def _backup_now(self) -> None:
        with self._write_lock:
            if self._write_db is not None:
                self._backups.take(self._write_db)

    def flush_backup(self) -> None:
        """Take the backup a burst of writes put off, if any."""
        with self._write_lock:
            self._flush_due = False
            if self._write_db is not None:
                self._backups.flush(self._write_db)

    def _flush_later(self) -> None:
        try:
            self.flush_backup()
        except Exception:  # its own thread: say it, the next write arms another
            log.exception("store: the deferred backup failed")

    def _unavailable(self) -> Unavailable:
        return self._fault or Unavailable("the store is closed", "restart KeyRx", str(self.path))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One committed write transaction; an SQLite fault becomes Unavailable."""
        with self._write_lock:
            db = self._write_db
            if db is None:
                raise self._unavailable()
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.IntegrityError):
                    raise
                problem = fault(exc, self.path)
                log.error("store: %s; %s", problem.detail, problem.fix)
                self._last_write = problem  # until a write succeeds
                raise problem from exc
            self._last_write = None
            if self._backups.after_write(db) and not self._flush_due:
                self._flush_due = True  # the end of a burst of writes is backed up too
                self._later(BACKUP_EVERY_S, self._flush_later)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The reader connection; an SQLite fault becomes Unavailable."""
        with self._read_lock:
            if self._read_db is None:
                raise self._unavailable()
            try:
                yield self._read_db
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.IntegrityError):
                    raise
                raise fault(exc, self.path) from exc
