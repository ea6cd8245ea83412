"""The focused window (one per daemon: one seat), reported by the user's focus agent, and what
each keyboard's profile turns on for it. Window titles are private: never logged, published
only on the `focus` topic."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import hw

from ..clock import now_iso
from .devices import Devices
from .loopcall import run_on_loop
from .profiles import Profiles

Row = dict[str, Any]
Publish = Callable[[str, Row], object]


def profile_of(device: Row, active: str | None) -> str | None:
    """The profile a device runs: its own, else the active one."""
    return device["profile"] or active


class Focus:
    """GET/PUT/DELETE /api/focus."""

    def __init__(self, loop: hw.Loop, devices: Devices, profiles: Profiles, publish: Publish) -> None:
        self._loop = loop
        self._devices = devices
        self._profiles = profiles
        self._publish = publish
        self._lock = threading.Lock()
        self._state: Row = {"app_id": None, "title": None, "source": None, "at": None}

    def current(self) -> hw.Focus | None:
        """The focused window as the engine takes it (None: nothing focused)."""
        with self._lock:
            app_id, title = self._state["app_id"], self._state["title"]
        return None if app_id is None else hw.Focus(app_id, title or "")

    def matches(self, focus: hw.Focus | None) -> dict[str, Row]:
        """For each connected, enabled keyboard with a profile: that profile and the app layers."""
        active = self._profiles.active()
        out: dict[str, Row] = {}
        for device in self._devices.list():
            name = profile_of(device, active)
            if not (device["connected"] and device["enabled"]) or name is None:
                continue
            compiled = self._profiles.for_loop(name)
            out[device["id"]] = {"profile": name, "layers": hw.matched_layers(compiled, focus),
                                 "rules": hw.matched_rules(compiled, focus)}
        return out

    def get(self) -> Row:
        """The focus and what matched."""
        with self._lock:
            state = dict(self._state)
        return {**state, "matches": self.matches(self.current())}

    def put(self, app_id: str | None, title: str | None, source: str | None) -> Row:
        """A new focus (app_id None: nothing focused); returns once the loop has it."""
        with self._lock:
            self._state = {"app_id": app_id, "title": None if app_id is None else (title or ""),
                           "source": source, "at": now_iso()}
        focus = self.current()
        run_on_loop(self._loop, lambda done: self._loop.control(hw.SetFocus(focus, done)))
        body = self.get()
        self._publish("focus.changed", body)
        return body

    def clear(self) -> None:
        """Nothing is focused: app layers off."""
        self.put(None, None, None)
