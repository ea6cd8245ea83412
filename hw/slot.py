"""What the loop holds per keyboard, and the protocols of the parts it drives."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .output import Output, Sink
from .types import DeviceInfo

log = logging.getLogger("keyrx.hw")

EV_SYN, EV_KEY = 0, 1
SYN_REPORT = 0


class Source(Protocol):
    """The subset of `evdev.InputDevice` the loop uses."""

    def fileno(self) -> int: ...
    def read(self) -> Iterable[Any]: ...
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def close(self) -> None: ...
    def active_keys(self) -> list[int]: ...


class Provider(Protocol):
    """Finds keyboards and makes their output devices."""

    name: str
    injectable: bool  # devices take input from `inject` (the virtual backend)

    def open(self) -> None: ...
    def scan(self) -> list[tuple[DeviceInfo, Source]]: ...
    def hotplug_fd(self) -> int | None: ...
    def hotplug(self) -> tuple[list[tuple[DeviceInfo, Source]], list[str]]: ...
    def hotplug_due(self) -> float | None: ...  # monotonic ms of the next retry, if any
    def make_sink(self, info: DeviceInfo, source: Source) -> Sink: ...
    def close(self) -> None: ...


class FixedDevices:
    """Provider methods for a backend whose device set never changes (no hotplug)."""

    def hotplug_fd(self) -> int | None:
        return None

    def hotplug(self) -> tuple[list[tuple[DeviceInfo, Source]], list[str]]:
        return [], []

    def hotplug_due(self) -> float | None:
        return None


@dataclass
class Slot:
    """One keyboard as the loop holds it."""

    info: DeviceInfo
    source: Source
    engine: Any
    profile: Any = None
    out: Output | None = None
    grabbed: bool = False
    grab_at: float | None = None  # a grab waiting for held keys: grab anyway at this time
    dropping: bool = False  # after SYN_DROPPED, until the next SYN_REPORT
    layers: list[str] | None = None  # as last published
    down: set[int] = field(default_factory=set)  # raw input keys held, as the loop saw them
    pending: list[tuple[float, int, int]] = field(default_factory=list)  # injected input


def now_ms() -> float:
    """The monotonic clock in ms, as the engine and the loop count time."""
    return time.monotonic() * 1000.0


def action_name(value: int) -> str:
    return {0: "release", 1: "press"}.get(value, "repeat")


def fileno_of(obj: object) -> int | None:
    """The object's fd, or None when it has none (virtual devices, fakes) or it is closed."""
    fileno = getattr(obj, "fileno", None)
    if fileno is None:
        return None
    try:
        return int(fileno())
    except (OSError, ValueError):
        return None


def active_keys(source: Source) -> list[int]:
    try:
        return list(source.active_keys())
    except OSError as exc:  # a node going away: its read will report it
        log.info("active_keys: %s", exc)
        return []


def release_on(source: Source, codes: list[int]) -> None:
    """Write releases into the source itself, so every reader (the desktop) sees the keys go up."""
    write = getattr(source, "write", None)
    if write is None:
        return
    try:
        for code in codes:
            write(EV_KEY, code, 0)
        write(EV_SYN, SYN_REPORT, 0)
    except OSError as exc:
        log.warning("could not release held keys on the device: %s", exc)


__all__ = ["Provider", "Slot", "Source", "action_name", "active_keys", "fileno_of", "now_ms",
           "release_on"]
