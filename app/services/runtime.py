"""The running daemon: the store, the hw loop, the event stream and the two services on them."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import hw

from .. import doctor
from ..events.broadcaster import Broadcaster, Encode
from ..events.bus import Bus, Waiter, greenlet_count, natives
from ..store import Store, Unavailable
from .devices import Devices
from .focus import Focus
from .layers import Layers
from .profiles import Profiles, Validate

log = logging.getLogger("keyrx")

HW_APPLY_TIMEOUT = 5.0


class KeySubscribers:
    """Counts clients subscribed to `key`; calls `on_change(True/False)` when the first joins
    and when the last leaves (the broadcaster's `on_topics`)."""

    def __init__(self, on_change: Callable[[bool], None]) -> None:
        self._on_change = on_change
        self._count = 0
        self._lock = threading.Lock()

    def __call__(self, joined: set[str], left: set[str]) -> None:
        with self._lock:
            before = self._count
            self._count += ("key" in joined) - ("key" in left)
            flipped = (before == 0) != (self._count == 0)
        if flipped:
            self._on_change(self._count > 0)


class Runtime:
    """Starts and stops the broadcaster and the hw thread and hands the loop its
    configuration; `devices`, `profiles` and `events` (the Broadcaster) are what views use."""

    def __init__(self, *, store: Store, loop: hw.Loop, bus: Bus, version: str, validate: Validate,
                 encode: Encode, ring_size: int = 4096) -> None:
        self.store = store
        self.loop = loop
        self.bus = bus
        self.version = version
        self.devices = Devices(store, loop, self.publish, self.apply, self._cursor)
        self.profiles = Profiles(store, self.publish, self.apply, self._cursor, validate,
                                 device=self.devices.get)
        self.focus = Focus(loop, self.devices, self.profiles, self.publish)
        self.layers = Layers(loop, self.devices, self.profiles, self._cursor)
        self.events = Broadcaster(bus, secrets.token_hex(4), enrich=self.devices.enrich,
                                  encode=encode, ring_size=ring_size,
                                  on_topics=KeySubscribers(self._key_interest),
                                  give_way=loop.give_way)
        self.key_events = False  # the loop publishes keystrokes only while someone listens
        self.apply_timeout = HW_APPLY_TIMEOUT  # how long a change waits for the loop to take it
        self.started_at = time.monotonic()
        self.started = False

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the broadcaster and the hw thread (once per process)."""
        if self.started:
            return
        self.started = True
        self.events.start()
        self.loop.start(self._from_hw, self.hw_config())

    def stop(self) -> None:
        """Release the keyboards, stop the hw thread, close the event stream."""
        if self.started:
            self.started = False
            self.loop.stop()
            self.events.stop()
            try:
                self.store.flush_backup()
            except Exception:  # stopping goes on; the backup is taken again at the next start
                log.warning("could not bring the database backup up to date", exc_info=True)

    # -- events ------------------------------------------------------------------------
    def _cursor(self) -> tuple[int, str]:
        return self.events.head, self.events.epoch

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """Publish an event from the API side; returns once it has its seq, never waits
        for delivery to clients."""
        self.events.publish(event, data)

    def _from_hw(self, event: str, data: dict[str, Any]) -> None:
        # called in the hw thread: hand over and return at once (the broadcaster completes it)
        self.bus.publish(event, data)

    def _key_interest(self, wanted: bool) -> None:
        # the first client subscribed to `key`, or the last left: tell the loop
        self.key_events = wanted
        self.loop.set_key_events(wanted)

    # -- the configuration the hw loop runs --------------------------------------------
    def hw_config(self) -> hw.Config:
        """The whole configuration for the loop, from the store (pass-through on every
        keyboard while the store is unavailable)."""
        devices = {}
        try:
            stored, active = self.store.list_devices(), self.store.active_profile()
        except Unavailable:
            return hw.Config(default_profile=None, devices={})
        for d in stored:
            override = d["profile"]
            devices[d["id"]] = hw.DeviceConfig(enabled=d["enabled"],
                                               profile=self.profiles.for_loop(override),
                                               has_profile=override is not None)
        return hw.Config(default_profile=self.profiles.for_loop(active), devices=devices)

    def apply(self, *, wait: bool = True) -> bool:
        """Hand the loop the current configuration; with `wait`, return once it runs it."""
        config = self.hw_config()
        if not self.started or self.loop.state().state not in ("running", "starting"):
            self.loop.apply(config)
            return True
        if not wait:
            self.loop.apply(config)
            return True
        waiter = Waiter()
        self.loop.apply(config, waiter.set)
        ok = waiter.wait(self.apply_timeout)
        if not ok:
            log.error("the remap loop did not take the new configuration within %.1f s",
                      self.apply_timeout)
        return ok

    def status(self, *, greenlets: bool = False) -> dict[str, Any]:
        """GET /api/status."""
        seq = self.events.head  # before the read: every event up to it is in the state read below
        try:
            devices, active = self.devices.list(), self.profiles.active()
        except Unavailable:  # the store says why in `problems`; the hardware still answers
            devices, active = [d.as_dict() for d in self.loop.devices()], None
        return {
            "version": self.version,
            "uptime_s": round(time.monotonic() - self.started_at, 3),
            "epoch": self.events.epoch, "seq": seq,
            "active_profile": active,
            "hw": self.loop.state().as_dict(),
            "devices": {"known": len(devices),
                        "connected": sum(d["connected"] for d in devices),
                        "grabbed": sum(d["grabbed"] for d in devices)},
            "bus": self.bus.stats(),
            "clients": len(self.events.clients),
            "events": self.events.status(),
            "problems": self.store.problems() + self.profiles.problems() + self._hardware_problems(),
            **({"greenlets": greenlet_count()} if greenlets else {}),
        }

    def _hardware_problems(self) -> list[dict[str, Any]]:
        # only when the keyboards cannot be driven, and not when no hardware was asked for
        state = self.loop.state()
        if state.state not in ("unavailable", "failed") or state.detail.startswith("no hardware backend"):
            return []
        return doctor.hardware_problems()


def build(config: dict[str, Any], loop: hw.Loop | None, store: Store, version: str, *,
          validate: Validate, encode: Encode) -> Runtime:
    """Make the parts from the Flask config (`loop`: a ready backend, else one from config)."""
    if loop is None:
        loop = hw.create_backend(str(config["HW_BACKEND"]),
                                 virtual_keyboards=int(config["VIRTUAL_KEYBOARDS"]),
                                 natives=natives())
    bus = Bus(int(config["BUS_CAPACITY"]), float(config["BUS_PUT_TIMEOUT"]))
    return Runtime(store=store, loop=loop, bus=bus, version=version, validate=validate,
                   encode=encode, ring_size=int(config["RING_SIZE"]))
