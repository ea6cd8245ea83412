"""The words the daemon, the CLI and the web UI share, defined once.

Standard library only, and no imports at all: the CLI imports this without loading the server,
and the UI reads the same values from `GET /api/meta`. Settings defaults and key names belong to
the profile language, so they come from `hw` (the meta view asks it at request time).
"""
from __future__ import annotations

# Topics are event-name prefixes; a client that names none gets DEFAULT_TOPICS.
# `key` (keystrokes) and `focus` (window titles) are private: only for clients that name them.
TOPICS: tuple[str, ...] = ("device", "profile", "layer", "hw", "key", "focus")
PRIVATE_TOPICS: tuple[str, ...] = ("key", "focus")
DEFAULT_TOPICS: tuple[str, ...] = tuple(t for t in TOPICS if t not in PRIVATE_TOPICS)

EVENTS: tuple[str, ...] = (
    "device.connected", "device.disconnected", "device.updated", "device.grabbed", "device.released",
    "device.forgotten",
    "profile.created", "profile.updated", "profile.deleted", "profile.activated", "profile.deactivated",
    "layer.changed",
    "hw.state",
    "key",
    "focus.changed",
)

# fields the server sets on a profile: dropped from bodies a client sends back
PROFILE_READ_ONLY: tuple[str, ...] = ("active", "revision", "created_at", "updated_at")


def topic_of(event: str) -> str:
    """The topic an event belongs to: "device.updated" -> "device"."""
    return event.split(".", 1)[0]


__all__ = ["DEFAULT_TOPICS", "EVENTS", "PRIVATE_TOPICS", "PROFILE_READ_ONLY", "TOPICS", "topic_of"]
