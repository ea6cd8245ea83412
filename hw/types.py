"""Plain data types shared by the hw backends and their callers."""
from __future__ import annotations

import _thread
import queue
import select
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal

if TYPE_CHECKING:
    from .actions import CompiledProfile

Publish = Callable[[str, dict[str, Any]], None]
"""Called (from the hw thread) with an event name and its data; must not block."""

State = Literal["starting", "running", "unavailable", "failed", "panic", "stopped"]


@dataclass(frozen=True)
class DeviceInfo:
    """What the hardware side knows about one keyboard."""

    id: str
    name: str
    path: str
    bus: str
    vendor: str
    product: str
    phys: str
    uniq: str
    connected: bool = True
    grabbed: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return {
            "id": self.id, "name": self.name, "path": self.path, "bus": self.bus,
            "vendor": self.vendor, "product": self.product, "phys": self.phys,
            "uniq": self.uniq, "connected": self.connected, "grabbed": self.grabbed,
        }


@dataclass(frozen=True)
class HwState:
    """The backend's state and a sentence explaining it."""

    backend: str
    state: State
    detail: str

    def as_dict(self) -> dict[str, str]:
        """The fields as a JSON-ready dict."""
        return {"backend": self.backend, "state": self.state, "detail": self.detail}


@dataclass(frozen=True)
class DeviceConfig:
    """How one device should be handled: grabbed or not, and its own profile if any."""

    enabled: bool = True
    profile: CompiledProfile | None = None  # None: pass-through when `has_profile`, else the default
    has_profile: bool = False  # True when `profile` is an override (even a pass-through one)


@dataclass(frozen=True)
class Config:
    """The whole desired configuration handed to the loop in one piece."""

    default_profile: CompiledProfile | None = None  # the active profile; None = pass-through
    devices: dict[str, DeviceConfig] = field(default_factory=dict)

    def for_device(self, device_id: str) -> DeviceConfig:
        """The device's config; unknown keyboards are enabled and follow the default."""
        return self.devices.get(device_id, DeviceConfig())

    def profile_for(self, device_id: str) -> CompiledProfile | None:
        """The compiled profile the device runs."""
        dc = self.for_device(device_id)
        return dc.profile if dc.has_profile else self.default_profile


class HwError(Exception):
    """An error of the hardware side, translated from OSError and friends."""


class DeviceGone(HwError):
    """The device went away (unplugged, or its node failed): it is detached, not retried."""


class UnknownDevice(HwError):
    """No device has that id."""


class NotSupported(HwError):
    """The operation does not apply to this device or backend."""


class Busy(HwError):
    """Another operation of the kind that runs one at a time (a key capture) is under way."""


class NotGrabbed(HwError):
    """The operation needs a grabbed keyboard, and none (or not the one named) is grabbed."""


@dataclass(frozen=True)
class Natives:
    """Native-thread primitives for the loop.

    Under gevent's monkey-patching the stdlib names are greenlet primitives; the server
    hands in the originals, so the loop stays a real OS thread that never touches the hub.
    """

    start_thread: Callable[..., Any]
    allocate_lock: Callable[[], Any]
    simple_queue: Callable[[], Any]
    select: Callable[..., Any]

    @classmethod
    def stdlib(cls) -> "Natives":
        """The primitives as the stdlib has them now (right when nothing is patched)."""
        return cls(_thread.start_new_thread, _thread.allocate_lock, queue.SimpleQueue, select.select)
