"""Layer state and control per keyboard, and virtual keys: what `/api/.../layers` and
`/api/devices/{id}/virtual-keys/{name}` do. The state is the loop's last published one, read
without a round trip; operations run on the loop and return once it ran them."""
from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import hw

from ..store import NotFound
from .devices import Devices
from .errors import Invalid, Missing, WrongState
from .focus import profile_of
from .loopcall import run_on_loop
from .profiles import Profiles

Row = dict[str, Any]


def _unknown_layer(layer: str, known: list[str]) -> Invalid:
    if "+" in layer:  # a composite (round 2) is only a map: active while each of its layers is
        problem = f"'{layer}' is a composite layer: turn on its layers instead"
        return Invalid(problem, {"layer": [problem]})
    close = difflib.get_close_matches(layer, [k for k in known if "+" not in k], n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Invalid(f"unknown layer '{layer}'", {"layer": [f"unknown layer '{layer}'{hint}"]})


def _operable(layer: str, layers: Row) -> bool:
    """A layer of the profile that operations apply to (a composite is only a map)."""
    return layer in layers and "+" not in layer


class Layers:
    """GET/POST /api/devices/{id}/layers, POST /api/layers, virtual keys."""

    def __init__(self, loop: hw.Loop, devices: Devices, profiles: Profiles,
                 cursor: Callable[[], tuple[int, str]]) -> None:
        self._loop = loop
        self._devices = devices
        self._profiles = profiles
        self._cursor = cursor

    def _remapping(self, device_id: str) -> tuple[str, Row]:
        """The profile name and document the device runs; 404 unknown, 409 not remapping."""
        device = self._devices.get(device_id)
        name = profile_of(device, self._profiles.active())
        if not device["connected"]:
            raise WrongState(f"device '{device_id}' is not connected")
        if not device["enabled"] or not device["grabbed"]:
            raise WrongState(f"device '{device_id}' is not remapping (disabled, or released by a panic)")
        if name is None:
            raise WrongState(f"device '{device_id}' runs no profile: its keys pass through")
        return name, self._profiles.get(name)

    def _state(self, device_id: str, profile: str) -> Row:
        state = self._loop.layer_state(device_id) or {}
        return {"device": device_id, "profile": profile, **state}

    def get(self, device_id: str) -> Row:
        """The device's layer state and the event cursor it reflects."""
        seq, epoch = self._cursor()  # before the read: every event up to it is in the state
        name, _ = self._remapping(device_id)
        return {**self._state(device_id, name), "seq": seq, "epoch": epoch}

    def operate(self, device_id: str, op: str, layer: str | None) -> Row:
        """on/off/toggle/switch/clear on one keyboard; its state after."""
        name, profile = self._remapping(device_id)
        if layer is not None and not _operable(layer, profile["layers"]):
            raise _unknown_layer(layer, list(profile["layers"]))
        cmd = hw.LayerOp(op, layer)
        run_on_loop(self._loop, lambda done: self._loop.control(hw.LayerCommand(device_id, cmd, done)))
        return self.get(device_id)

    def operate_all(self, op: str, layer: str | None) -> Row:
        """The operation on every remapping keyboard whose profile has that layer."""
        targets: dict[str, str] = {}
        known: set[str] = set()
        for device in self._devices.list():
            try:
                name, profile = self._remapping(device["id"])
            except (WrongState, NotFound):
                continue
            known |= set(profile["layers"])
            if layer is None or _operable(layer, profile["layers"]):
                targets[device["id"]] = name
        if layer is not None and not targets:
            raise _unknown_layer(layer, sorted(known))
        cmd = hw.LayerOp(op, layer)
        for device_id in targets:
            run_on_loop(self._loop, lambda done, d=device_id: self._loop.control(  # type: ignore[misc]
                hw.LayerCommand(d, cmd, done)))
        seq, epoch = self._cursor()
        return {"devices": {d: self._state(d, n) for d, n in targets.items()}, "seq": seq, "epoch": epoch}

    def virtual_key(self, device_id: str, key: str, op: str) -> Row:
        """press/release/tap/toggle a virtual key of the device's profile; whether it is down."""
        _, profile = self._remapping(device_id)
        if key not in (profile.get("virtual_keys") or {}):
            raise Missing(f"the profile of device '{device_id}' has no virtual key '{key}'")
        cmd = hw.VirtualKey(device_id, key, op, None)
        run_on_loop(self._loop, lambda done: self._loop.control(
            hw.VirtualKey(device_id, key, op, done, cmd.down)))
        return {"down": bool(cmd.down and cmd.down[-1])}
