"""Plain data types shared by the hw backends and their callers."""
from __future__ import annotations

import _thread
import queue
import select
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal

from .identity import phys_stem

if TYPE_CHECKING:
    from .engine import CompiledProfile


Publish = Callable[[str, dict[str, Any]], None]
"""Called (from the hw thread) with an event name and its data; must not block."""

State = Literal["starting", "running", "unavailable", "failed", "panic", "suspended", "stopped"]
Kind = Literal["keyboard", "consumer", "pointer", "other"]


@dataclass(frozen=True)
class DeviceInfo:
    """What the hardware side knows about one input node with keys. `kind`: what its keys make
    it; `skip_reason`: why it is left alone unless enabled (another remapper's output)."""

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
    kind: Kind = "keyboard"
    skip_reason: str | None = None

    @property
    def default_enabled(self) -> bool:
        """Taken when nothing says otherwise: keyboards that are not another remapper's output."""
        return self.kind == "keyboard" and self.skip_reason is None

    def as_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return {
            "id": self.id, "name": self.name, "path": self.path, "bus": self.bus,
            "vendor": self.vendor, "product": self.product, "phys": self.phys,
            "uniq": self.uniq, "connected": self.connected, "grabbed": self.grabbed,
            "kind": self.kind, "skip_reason": self.skip_reason, "default_enabled": self.default_enabled,
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

    def enabled_for(self, info: DeviceInfo) -> bool:
        """Whether to take the device: as configured, else its default (keyboards only)."""
        dc = self.devices.get(info.id)
        return info.default_enabled if dc is None else dc.enabled

    def profile_for(self, device_id: str) -> CompiledProfile | None:
        """The compiled profile the device runs."""
        dc = self.for_device(device_id)
        return dc.profile if dc.has_profile else self.default_profile

    def profile_of(self, info: DeviceInfo, others: list[DeviceInfo]) -> CompiledProfile | None:
        """The profile `info` runs: a node that is not a keyboard (media keys) and has no profile
        of its own follows the keyboard of the same device (the same phys stem)."""
        if info.kind != "keyboard" and not self.for_device(info.id).has_profile and phys_stem(info.phys):
            for other in others:
                if other.kind == "keyboard" and phys_stem(other.phys) == phys_stem(info.phys):
                    return self.profile_for(other.id)
        return self.profile_for(info.id)


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
    epoll: Callable[[], Any] = lambda: select.epoll()  # KeyPriority's (hw/priority.py)
    asleep_ms: Callable[[], float] = lambda: slept_ms()  # grows by the time the machine slept


    @classmethod
    def stdlib(cls) -> "Natives":
        """The primitives as the stdlib has them now (right when nothing is patched)."""
        return cls(_thread.start_new_thread, _thread.allocate_lock, queue.SimpleQueue, select.select)


def slept_ms() -> float:
    """CLOCK_BOOTTIME - CLOCK_MONOTONIC in ms: the monotonic clock stops in suspend, boot time doesn't."""
    return (time.clock_gettime(time.CLOCK_BOOTTIME) - time.clock_gettime(time.CLOCK_MONOTONIC)) * 1000.0
