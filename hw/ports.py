"""The seams of the loop: what it asks of input devices, outputs, backends and the engine.

Every I/O object the loop drives is one of these Protocols. Implementations translate their own
errors: a `Source` or `Sink` never raises `OSError`, only `HwError` (`DeviceGone` when the node
went away), so the loop and the keyboard catch hw errors alone.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .types import DeviceInfo

if TYPE_CHECKING:
    from .engine import CompiledProfile
    from .engine.layerops import Control

Out = list[tuple[int, int]]
"""(code, value) key events, in order."""


class Event(Protocol):
    """An input event as a source reads it."""

    @property
    def type(self) -> int: ...
    @property
    def code(self) -> int: ...
    @property
    def value(self) -> int: ...


class Source(Protocol):
    """An input device: readable fd, events, exclusive grab, key state, and writes back (LEDs)."""

    def fileno(self) -> int | None: ...  # None: nothing to select on (input is injected)
    def read(self) -> Sequence[Event]: ...  # [] when nothing is queued; DeviceGone when it is gone
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def close(self) -> None: ...
    def active_keys(self) -> list[int]: ...
    def write(self, etype: int, code: int, value: int) -> None: ...


class Sink(Protocol):
    """An output device, written a frame at a time; it may be read for what the desktop set (LEDs)."""

    def write(self, etype: int, code: int, value: int) -> None: ...
    def syn(self) -> None: ...
    def fileno(self) -> int | None: ...
    def read(self) -> Sequence[Event]: ...
    def close(self) -> None: ...


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
    def make_pointer(self) -> Sink: ...  # the one `KeyRx pointer` device (buttons, motion, wheels)
    def rescan(self) -> None: ...  # the next hotplug() compares with every node there now
    def retry(self, dev_id: str, after_ms: float) -> None: ...  # a failed keyboard: hotplug() again later
    def close(self) -> None: ...


class Remapper(Protocol):
    """What the keyboard asks of the engine: key events in, key events out, on its clock (ms)."""

    def feed(self, code: int, value: int, now_ms: float) -> Out: ...
    def advance(self, now_ms: float) -> Out: ...
    def set_profile(self, profile: CompiledProfile | None, now_ms: float) -> Out: ...
    def release_all(self, now_ms: float) -> Out: ...
    def cancel(self, now_ms: float) -> Out: ...  # after sleep: like release_all, but toggles stay
    def layers(self) -> list[str]: ...
    def held(self) -> frozenset[int]: ...  # output codes the engine holds down
    def next_deadline(self) -> float | None: ...
    def control(self, ctl: Control, now_ms: float) -> Out: ...  # focus change or layer op, in order
    def layer_state(self) -> dict[str, Any]: ...


EngineFactory = Callable[["CompiledProfile | None"], Remapper]


class FixedDevices:
    """Provider methods for a backend whose device set never changes (no hotplug)."""

    def hotplug_fd(self) -> int | None:
        return None

    def hotplug(self) -> tuple[list[tuple[DeviceInfo, Source]], list[str]]:
        return [], []

    def hotplug_due(self) -> float | None:
        return None

    def rescan(self) -> None:
        """Nothing to look for."""

    def retry(self, dev_id: str, after_ms: float) -> None:
        """Nothing to open again: these devices don't fail."""


__all__ = ["EngineFactory", "Event", "FixedDevices", "Out", "Provider", "Remapper", "Sink", "Source"]
