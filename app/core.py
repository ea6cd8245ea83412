"""The daemon's parts wired together: store, hw backend, bus. One instance per app."""
from __future__ import annotations

import logging
import secrets
import time
from typing import Any

import hw

from .broadcaster import Broadcaster
from .bus import Bus, Waiter, greenlet_count, natives
from .store import NotFound, Store, now_iso

log = logging.getLogger("keyrx")

HW_APPLY_TIMEOUT = 5.0
HW_DEVICE_EVENTS = ("device.connected", "device.disconnected", "device.grabbed", "device.released")


class KeyRx:
    """Holds the parts and the few operations that span them."""

    def __init__(self, *, store: Store, backend: hw.Loop, bus: Bus, version: str,
                 ring_size: int = 4096) -> None:
        self.store = store
        self.hw = backend
        self.bus = bus
        self.version = version
        self.events = Broadcaster(bus, secrets.token_hex(4), enrich=self.enrich, ring_size=ring_size,
                                  on_key_interest=self._key_interest)
        self.key_events = False  # the loop publishes keystrokes only while someone listens
        self.started_at = time.monotonic()
        self.started = False
        self._compiled: dict[tuple[str, int], Any] = {}

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the broadcaster and the hw thread (once per process; later calls only
        revive a broadcaster that died)."""
        if self.started:
            self.events.revive()
            return
        self.started = True
        self.events.start()
        self.hw.start(self._from_hw, self.hw_config())

    def stop(self) -> None:
        """Release the keyboards, stop the hw thread, close the event stream."""
        if self.started:
            self.started = False
            self.hw.stop()
            self.events.stop()

    # -- events ------------------------------------------------------------------------
    @property
    def epoch(self) -> str:
        """This run's event epoch."""
        return self.events.epoch

    @property
    def seq(self) -> int:
        """The seq of the last event (a snapshot's cursor; see app/api/events.py)."""
        return self.events.head

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """Publish an event from the API side; returns once it has its seq, never waits
        for delivery to clients."""
        self.events.publish(event, data)

    def _from_hw(self, event: str, data: dict[str, Any]) -> None:
        # called in the hw thread: hand over and return at once (the hub enriches it)
        self.bus.publish(event, data)

    def _key_interest(self, wanted: bool) -> None:
        # a client (un)subscribed to `key`: tell the loop whether to publish keystrokes
        self.key_events = wanted
        if self.started:
            self.apply_hw(wait=False)

    def enrich(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Complete an hw event in the hub: store new devices, add their stored settings."""
        if event in HW_DEVICE_EVENTS and "device" in data:
            info = data["device"]
            self.store.saw_devices([info])
            data = {**data, "device": self.device_view(self.store.get_device(info["id"]), info)}
        return data

    # -- devices -----------------------------------------------------------------------
    @staticmethod
    def device_view(stored: dict[str, Any], live: dict[str, Any] | None) -> dict[str, Any]:
        """The API's Device: stored settings merged with what the hardware reports now."""
        view = dict(stored)
        view["connected"] = bool(live and live.get("connected"))
        view["grabbed"] = bool(live and live.get("grabbed"))
        if live:
            for key in ("name", "path", "phys"):
                view[key] = live.get(key, view.get(key))
            if view["connected"]:
                view["last_seen"] = now_iso()
        order = ("id", "name", "label", "path", "bus", "vendor", "product", "phys", "uniq",
                 "connected", "grabbed", "enabled", "profile", "last_seen", "revision")
        return {k: view.get(k) for k in order}

    def live_devices(self) -> dict[str, dict[str, Any]]:
        """What the hardware reports, by id; new devices are recorded in the store."""
        live = {d.id: d.as_dict() for d in self.hw.devices()}
        known = {d["id"] for d in self.store.list_devices()}
        new = [info for dev_id, info in live.items() if dev_id not in known]
        if new:
            self.store.saw_devices(new)
        return live

    def devices(self) -> list[dict[str, Any]]:
        """Every known device, sorted by id."""
        live = self.live_devices()
        return [self.device_view(d, live.get(d["id"])) for d in self.store.list_devices()]

    def device(self, device_id: str) -> dict[str, Any]:
        """One device; NotFound if unknown."""
        live = self.live_devices()
        return self.device_view(self.store.get_device(device_id), live.get(device_id))

    # -- the configuration the hw loop runs --------------------------------------------
    def compiled(self, name: str | None) -> Any:
        """The compiled profile of that name (None: pass-through), cached by revision."""
        if name is None:
            return None
        try:
            profile = self.store.get_profile(name)
        except NotFound:
            log.warning("profile %s vanished; using pass-through", name)
            return None
        key = (name, profile["revision"])
        if key not in self._compiled:
            self._compiled = {k: v for k, v in self._compiled.items() if k[0] != name}
            self._compiled[key] = hw.compile_profile(profile)
        return self._compiled[key]

    def hw_config(self) -> hw.Config:
        """The whole configuration for the loop, from the store."""
        devices = {}
        for d in self.store.list_devices():
            override = d["profile"]
            devices[d["id"]] = hw.DeviceConfig(enabled=d["enabled"], profile=self.compiled(override),
                                               has_profile=override is not None)
        return hw.Config(default_profile=self.compiled(self.store.active_profile()), devices=devices,
                         key_events=self.key_events)

    def apply_hw(self, *, wait: bool = True) -> bool:
        """Hand the loop the current configuration; with `wait`, return once it runs it."""
        config = self.hw_config()
        if not self.started or self.hw.state().state not in ("running", "starting"):
            self.hw.apply(config)
            return True
        waiter = Waiter()
        self.hw.apply(config, waiter.set)
        if not wait:
            return True
        ok = waiter.wait(HW_APPLY_TIMEOUT)
        if not ok:
            log.error("the remap loop did not take the new configuration within %.0f s",
                      HW_APPLY_TIMEOUT)
        return ok

    def status(self, *, greenlets: bool = False) -> dict[str, Any]:
        """GET /api/status."""
        seq = self.seq  # before the read: every event up to it is in the state read below
        devices = self.devices()
        return {
            "version": self.version,
            "uptime_s": round(time.monotonic() - self.started_at, 3),
            "epoch": self.epoch, "seq": seq,
            "active_profile": self.store.active_profile(),
            "hw": self.hw.state().as_dict(),
            "devices": {"known": len(devices),
                        "connected": sum(d["connected"] for d in devices),
                        "grabbed": sum(d["grabbed"] for d in devices)},
            "bus": self.bus.stats(),
            "clients": len(self.events.clients),
            "events": self.events.status(),
            **({"greenlets": greenlet_count()} if greenlets else {}),
        }


def build(config: dict[str, Any], backend: hw.Loop | None, store: Store, version: str) -> KeyRx:
    """Make the parts from the Flask config."""
    if backend is None:
        backend = hw.create_backend(str(config["HW_BACKEND"]),
                                    virtual_keyboards=int(config["VIRTUAL_KEYBOARDS"]),
                                    natives=natives())
    bus = Bus(int(config["BUS_CAPACITY"]), float(config["BUS_PUT_TIMEOUT"]))
    return KeyRx(store=store, backend=backend, bus=bus, version=version,
                 ring_size=int(config["RING_SIZE"]))
