"""Devices: the stored settings merged with what the hardware reports, and their changes."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import hw

from ..clock import now_iso
from ..events.bus import Waiter
from ..store import DEVICE_INFO, NotFound, Store, Unavailable
from .errors import NotApplied, WrongState

log = logging.getLogger("keyrx")

Row = dict[str, Any]
Steps = list[tuple[float, int, int]]  # (at_ms, code, value) as the loop's `inject` takes them
Publish = Callable[[str, Row], object]
HW_DEVICE_EVENTS = ("device.connected", "device.disconnected", "device.grabbed", "device.released")
SEEN_EVENTS = ("device.connected", "device.disconnected")
CAPTURE_GRACE_S = 5.0  # how much longer than its timeout a capture may take to be answered
VIEW = ("id", "name", "label", "path", "bus", "vendor", "product", "phys", "uniq", "kind", "skip_reason",
        "connected", "grabbed", "enabled", "profile", "last_seen", "revision")
SAME_DEVICE = ("bus", "vendor", "product", "name")  # a device that moved to another port still matches
ADOPTED = ("label", "enabled", "profile")


def device_view(stored: Row, live: Row | None, seen: bool = False) -> Row:
    """The API's Device: stored settings merged with what the hardware reports now (`seen`:
    the hardware reported it this moment, connected or not)."""
    view = dict(stored)
    view["connected"] = bool(live and live.get("connected"))
    view["grabbed"] = bool(live and live.get("grabbed"))
    if live:
        for key in ("name", "path", "phys", "kind", "skip_reason"):
            view[key] = live.get(key, view.get(key))
        if view["connected"] or seen:
            view["last_seen"] = now_iso()
    return {k: view.get(k) for k in VIEW}


def first_record(info: Row) -> Row:
    """The record the store makes for a device it has not seen before."""
    return {"id": info["id"], **{k: info.get(k, "") for k in DEVICE_INFO}, "label": None,
            "enabled": bool(info.get("default_enabled", True)), "profile": None, "last_seen": None,
            "revision": 1}


class Devices:
    """List, read, change, forget and inject; the one policy for recording what the hardware
    reports: a device is recorded when it connects (and refreshed when it leaves), in the
    background; until then reads show it with the settings a new record gets, and a change
    to it records it first."""

    def __init__(self, store: Store, loop: hw.Loop, publish: Publish,
                 apply: Callable[[], bool], cursor: Callable[[], tuple[int, str]]) -> None:
        self._store = store
        self._loop = loop
        self._publish = publish
        self._apply = apply
        self._cursor = cursor

    def _live(self) -> dict[str, Row]:
        return {d.id: d.as_dict() for d in self._loop.devices()}

    def _stored(self, device_id: str, live: dict[str, Row]) -> Row:
        try:
            return self._store.get_device(device_id)
        except NotFound:
            if device_id not in live:
                raise
            return first_record(live[device_id])  # connected a moment ago, recorded soon

    # -- reads ---------------------------------------------------------------------------
    def list(self) -> list[Row]:
        """Every known device, sorted by id."""
        live = self._live()
        stored = self._store.list_devices()
        known = {d["id"] for d in stored}
        new = [first_record(info) for dev_id, info in live.items() if dev_id not in known]
        if new:  # connected a moment ago: their record is being written
            stored = sorted(stored + new, key=lambda d: str(d["id"]))
        return [device_view(d, live.get(d["id"])) for d in stored]

    def snapshot(self) -> Row:
        """GET /api/devices: every device and the seq the list reflects."""
        seq, epoch = self._cursor()  # before the read: every event up to it is in the state
        return {"devices": self.list(), "seq": seq, "epoch": epoch}

    def get(self, device_id: str) -> Row:
        """One device; NotFound if unknown."""
        live = self._live()
        return device_view(self._stored(device_id, live), live.get(device_id))

    def enrich(self, event: str, data: Row) -> Row:
        """Complete an hw device event with the stored settings. Reads only (it runs on the
        broadcaster); connects and disconnects are recorded in the background."""
        if event not in HW_DEVICE_EVENTS or "device" not in data:
            return data
        info = data["device"]
        try:
            stored = self._store.get_device(info["id"])
        except (NotFound, Unavailable):
            stored = first_record(info)
        if event in SEEN_EVENTS:
            threading.Thread(target=self._record, args=(info, event == "device.connected"),
                             name="keyrx-record-seen", daemon=True).start()
        return {**data, "device": device_view(stored, info, seen=event in SEEN_EVENTS)}

    def _record(self, info: Row, insert: bool) -> None:
        # a disconnect only refreshes a known record: it never brings back a forgotten device
        try:
            new = insert and not self._store_has(info["id"])
            self._store.record_seen([info], insert=insert)
            if new:
                self._adopt(info)
        except Exception:  # the store is closed or failing: the next request records it
            log.warning("could not record device %s", info.get("id"), exc_info=True)

    def _store_has(self, device_id: str) -> bool:
        try:
            self._store.get_device(device_id)
        except NotFound:
            return False
        return True

    def _adopt(self, info: Row) -> None:
        """A new device that matches exactly one unplugged known device, and no connected one, by
        (bus, vendor, product, name) is that device on another port: it takes its label, enabled
        and profile, and the old record goes."""
        live = self._live()
        same = [d for d in self._store.list_devices()
                if d["id"] != info["id"] and all(d.get(k) == info.get(k) for k in SAME_DEVICE)]
        if len(same) != 1 or (live.get(same[0]["id"]) or {}).get("connected"):
            return
        old = same[0]
        _, after = self._store.update_device(info["id"], None, {k: old[k] for k in ADOPTED})
        self._store.forget_device(old["id"], None)
        self._publish("device.forgotten", {"id": old["id"]})
        self._apply()
        log.info("device %s is %s on another port: its settings moved over", info["id"], old["id"])
        self._publish("device.updated", {"device": device_view(after, self._live().get(info["id"])),
                                         "changed": ["path", "phys"]})

    # -- writes --------------------------------------------------------------------------
    def update(self, device_id: str, expect: int | None, changes: Row) -> Row:
        """Change label/enabled/profile; waits (bounded) until the loop runs the change."""
        try:
            before, after = self._store.update_device(device_id, expect, changes)
        except NotFound as exc:
            live = self._live()
            if exc.kind != "device" or device_id not in live:
                raise
            self._store.record_seen([live[device_id]])  # connected a moment ago: record it now
            before, after = self._store.update_device(device_id, expect, changes)
        if "enabled" in changes or "profile" in changes:
            self._apply()
        device = device_view(after, self._live().get(device_id))
        changed = sorted(f for f in changes if before.get(f) != changes[f])
        self._publish("device.updated", {"device": device, "changed": changed})
        return device

    def forget(self, device_id: str, expect: int | None) -> None:
        """Remove an unplugged device's record."""
        if device_id in self._live():
            raise WrongState(f"device '{device_id}' is connected; unplug it before forgetting it")
        self._store.forget_device(device_id, expect)
        self._publish("device.forgotten", {"id": device_id})

    def inject(self, device_id: str, events: Sequence[Row]) -> int:
        """Queue KeySteps as input of a connected virtual keyboard; returns how many."""
        if device_id not in self._live():
            self._store.get_device(device_id)  # NotFound for an unknown id
            raise WrongState(f"device '{device_id}' is not connected")
        steps: Steps = []
        for step in events:
            code = hw.code_of(step["key"])
            if step["action"] in ("press", "tap"):
                steps.append((step["at_ms"], code, 1))
            if step["action"] in ("release", "tap"):
                steps.append((step["at_ms"], code, 0))
        if self._loop.provider.injectable is False:
            raise WrongState(f"device '{device_id}' is a real keyboard; only virtual ones take "
                             "injected input")
        self._loop.inject(device_id, steps)
        return len(events)

    def capture(self, device_id: str | None, timeout_ms: int) -> Row:
        """POST /api/capture: the next new press on a grabbed keyboard (that one, or any),
        consumed by the loop; device and key None when nothing was pressed in time."""
        if device_id is not None and device_id not in self._live():
            self._store.get_device(device_id)  # NotFound for an unknown id
            raise WrongState(f"device '{device_id}' is not connected, so it is not grabbed")
        state = self._loop.state()
        if state.state != "running":
            raise WrongState(f"no keyboard is grabbed: the remap loop is {state.state} ({state.detail})")
        waiter, answer = Waiter(), []

        def done(result: hw.Captured | None, error: BaseException | None) -> None:  # in the hw thread
            answer.append(result)
            waiter.set(error)

        self._loop.capture(device_id, timeout_ms, done)
        if not waiter.wait(timeout_ms / 1000 + CAPTURE_GRACE_S):
            raise NotApplied("the remap loop did not answer the capture in time")
        if isinstance(waiter.error, hw.UnknownDevice):  # unplugged a moment ago
            raise WrongState(f"device '{device_id}' is not connected, so it is not grabbed")
        if waiter.error is not None:
            raise WrongState(str(waiter.error))
        got = answer[0]
        if got is None or got.code is None:
            return {"device": None, "key": None}
        return {"device": got.device, "key": hw.name_of(got.code), "code": got.code}
