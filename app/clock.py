"""Wall-clock helpers shared by the store and the event stream (no imports from app)."""
from __future__ import annotations

from datetime import datetime, timezone


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
