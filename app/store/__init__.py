"""The SQLite store: profiles, device settings and the active profile, one transaction a write.

Lives here: `Store` (store.py), its connections and what a fault does to them
(database.py), recovery and the backup beside the file (files.py), the schema and its
migrations (schema.py) and the errors a
store operation raises, each carrying its kind (errors.py). May import the standard library
and `app.clock` only: no Flask, no gevent, no `hw`. Whoever calls it maps the errors
(app/errors.py turns them into problem+json).
"""
from __future__ import annotations

from .errors import Conflict, MissingReference, NotFound, StaleRevision, StoreError, Unavailable
from .schema import DEVICE_INFO, PROFILE_BODY, SCHEMA_VERSION
from .store import Store

__all__ = ["DEVICE_INFO", "PROFILE_BODY", "SCHEMA_VERSION", "Conflict", "MissingReference",
           "NotFound", "StaleRevision", "Store", "StoreError", "Unavailable"]
