"""The replay ring: the last events as their clients got them, bounded in count and in bytes."""
from __future__ import annotations

import collections
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One event in the ring: its encoded bytes and where the JSON starts in them."""

    seq: int
    topic: str
    frame: bytes
    start: int

    @property
    def payload(self) -> memoryview:
        return memoryview(self.frame)[self.start:]


class Ring:
    """Entries in seq order, the oldest dropped beyond `size` entries or `max_bytes` (one is kept)."""

    def __init__(self, size: int, max_bytes: int) -> None:
        self._entries: collections.deque[Entry] = collections.deque()
        self.size = max(1, size)
        self.max_bytes = max_bytes
        self.used = 0  # bytes held

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def append(self, entry: Entry) -> None:
        self._entries.append(entry)
        self.used += len(entry.frame)
        while len(self._entries) > self.size or (self.used > self.max_bytes and len(self._entries) > 1):
            self.used -= len(self._entries.popleft().frame)

    def oldest(self) -> int | None:
        """The oldest seq held; None when empty."""
        return self._entries[0].seq if self._entries else None

    def after(self, since: int) -> list[Entry]:
        """The entries after `since` (which the caller checked is within the ring)."""
        entries = self._entries
        if not entries:
            return []
        return [entries[i] for i in range(since - entries[0].seq + 1, len(entries))]
