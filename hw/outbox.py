"""What the loop tells the world: its events on their way out, and the snapshot other threads read.

The loop thread and its keyboards append `Happening`s to `Outbox.pending` while they work; the
loop flushes them once a round's output is written (a subscriber never delays a key), turning
each into the `(event, data)` of the contract. Device changes update the snapshot that
`devices()` and `state()` hand to other threads, under a native lock, before they are published.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .ecodes import action_name
from .engine.pointer import AXES
from .ports import Out
from .types import DeviceInfo, HwState, Publish, State


@dataclass(frozen=True, slots=True)
class DeviceChange:
    """A keyboard came, went, was grabbed or released: `event` is the contract's event name."""

    event: str
    info: DeviceInfo  # as it is after the change
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class KeyStroke:
    """An input key event and what the engine made of it; `code` None: output made by a timer
    (a tap-hold decided by its timeout, a macro's delayed steps, a one-shot that expired)."""

    device: str
    code: int | None
    value: int
    out: Out
    label: str | None = None  # the input's name when it is not a key code (a virtual key)


@dataclass(frozen=True, slots=True)
class LayerChange:
    """The layer state of a keyboard changed (`source`: focus, key, api, profile); `publish`
    False only records the state for `layer_states()` (a keyboard's first state)."""

    device: str
    state: dict[str, Any]
    source: str = "key"
    publish: bool = True


Happening = DeviceChange | KeyStroke | LayerChange


def _no_one(event: str, data: dict[str, Any]) -> None:
    """Publishes nothing (before start)."""


class Outbox:
    """Collects the loop's happenings and publishes them; holds the snapshot of devices and state."""

    def __init__(self, backend: str, lock: Any, key_name: Callable[[int], str] = str) -> None:
        self.pending: list[Happening] = []  # filled by the loop thread only
        self.publish: Publish = _no_one
        self._backend = backend
        self._lock = lock  # a native lock: guards the snapshot read by other threads
        self._key_name = key_name
        self._known: dict[str, DeviceInfo] = {}
        self._layers: dict[str, dict[str, Any]] = {}
        self._state = HwState(backend, "stopped", "not started")

    # -- any thread ------------------------------------------------------------------
    def devices(self) -> list[DeviceInfo]:
        """Every device seen this run, connected or not."""
        with self._lock:
            return list(self._known.values())

    def state(self) -> HwState:
        """The current state."""
        with self._lock:
            return self._state

    def layer_state(self, device_id: str) -> dict[str, Any] | None:
        """A keyboard's layer state as last published (None: never attached)."""
        with self._lock:
            return self._layers.get(device_id)

    # -- the loop thread -------------------------------------------------------------
    def set_state(self, state: State, detail: str, *, publish: bool = True) -> None:
        """Change the state; what happened before it is published first."""
        with self._lock:
            self._state = HwState(self._backend, state, detail)
        if publish:
            self.flush()
            self.publish("hw.state", self._state.as_dict())

    def flush(self) -> None:
        """Publish what is pending, in order."""
        pending = self.pending.copy()
        self.pending.clear()  # in place: the keyboards hold this very list
        for item in pending:
            if isinstance(item, KeyStroke):
                self.publish("key", self._key(item))
            elif isinstance(item, LayerChange):
                with self._lock:
                    self._layers[item.device] = item.state
                if item.publish:
                    self.publish("layer.changed", {"device": item.device, "layers": item.state["layers"],
                                                   "app_layers": item.state["app_layers"],
                                                   "source": item.source})
            else:
                with self._lock:
                    self._known[item.info.id] = item.info
                data: dict[str, Any] = {"device": item.info.as_dict()}
                if item.reason is not None:
                    data["reason"] = item.reason
                self.publish(item.event, data)

    def _key(self, key: KeyStroke) -> dict[str, Any]:
        name = self._key_name
        return {
            "device": key.device,
            "input": None if key.code is None else {"key": key.label or name(key.code),
                                                    "action": action_name(key.value)},
            "output": [{"rel": AXES[c], "value": v} if c in AXES else {"key": name(c), "action": action_name(v)}
                       for c, v in key.out],
        }


__all__ = ["DeviceChange", "Happening", "KeyStroke", "LayerChange", "Outbox"]
