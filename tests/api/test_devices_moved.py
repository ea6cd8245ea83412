"""Devices the hardware reports: a keyboard moved to another port keeps its settings; nodes that
are not keyboards (or are another remapper's output) are recorded disabled."""
from __future__ import annotations

import queue
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.services.devices import Devices
from app.store import Store
from hw import DeviceInfo

OLD = DeviceInfo(id="usb-046d-c31c-aaaaaaaa", name="Logitech USB Keyboard", path="/dev/input/event3",
                 bus="usb", vendor="046d", product="c31c", phys="usb-0000:00:14.0-2/input0", uniq="")
MOVED = replace(OLD, id="usb-046d-c31c-bbbbbbbb", path="/dev/input/event7", phys="usb-0000:00:14.0-4/input0")


class FakeLoop:
    """What Devices asks of the loop: the devices seen this run."""

    def __init__(self, *infos: DeviceInfo) -> None:
        self.infos = list(infos)

    def devices(self) -> list[DeviceInfo]:
        return self.infos


class Rig:
    def __init__(self, tmp_path: Path, *live: DeviceInfo) -> None:
        self.store = Store(tmp_path / "k.db")
        self.loop = FakeLoop(*live)
        self.events: queue.SimpleQueue[tuple[str, dict[str, Any]]] = queue.SimpleQueue()
        self.applied = 0
        self.devices = Devices(self.store, self.loop, self.publish, self.apply, lambda: (0, "e"))  # type: ignore[arg-type]

    def publish(self, event: str, data: dict[str, Any]) -> None:
        self.events.put((event, data))

    def apply(self) -> bool:
        self.applied += 1
        return True

    def connect(self, info: DeviceInfo) -> None:
        """The hardware reports a device; it is recorded in the background."""
        self.loop.infos.append(info)
        self.devices.enrich("device.connected", {"device": info.as_dict()})

    def next_event(self) -> tuple[str, dict[str, Any]]:
        return self.events.get(timeout=10)


def settle() -> None:
    """Wait for the background recording of what connected."""
    for thread in threading.enumerate():
        if thread.name == "keyrx-record-seen":
            thread.join(10)


def known(rig: Rig, info: DeviceInfo, **settings: Any) -> None:
    rig.store.record_seen([info.as_dict()])
    rig.store.create_profile("work", {"layers": {"base": {}}})
    rig.store.update_device(info.id, None, settings)


def test_a_keyboard_on_another_port_adopts_the_settings_of_the_unplugged_one(tmp_path: Path) -> None:
    rig = Rig(tmp_path, replace(OLD, connected=False))
    known(rig, OLD, label="desk", enabled=False, profile="work")
    rig.connect(MOVED)
    assert rig.next_event() == ("device.forgotten", {"id": OLD.id})
    event, data = rig.next_event()
    assert event == "device.updated" and data["changed"] == ["path", "phys"]
    dev = data["device"]
    assert (dev["id"], dev["label"], dev["enabled"], dev["profile"]) == (MOVED.id, "desk", False, "work")
    assert (dev["path"], dev["phys"]) == (MOVED.path, MOVED.phys) and rig.applied == 1
    assert [d["id"] for d in rig.store.list_devices()] == [MOVED.id]


def test_no_adoption_while_the_known_one_is_connected_or_when_two_match(tmp_path: Path) -> None:
    rig = Rig(tmp_path, OLD)  # still plugged in: a second keyboard of the same model
    known(rig, OLD, label="desk")
    rig.connect(MOVED)
    settle()
    third = replace(MOVED, id="usb-046d-c31c-cccccccc", phys="usb-0000:00:14.0-5/input0")
    rig.loop.infos = [replace(OLD, connected=False), replace(MOVED, connected=False)]
    rig.connect(third)  # two unplugged ones match: which one moved is unknown
    rig.devices.enrich("device.connected", {"device": OLD.as_dict()})  # a known id: nothing to adopt
    settle()
    assert [rig.store.get_device(info.id)["label"] for info in (MOVED, third)] == [None, None]
    assert rig.events.empty() and rig.applied == 0
    assert rig.store.get_device(OLD.id)["label"] == "desk"


def test_consumer_nodes_and_other_remappers_are_recorded_disabled(tmp_path: Path) -> None:
    rig = Rig(tmp_path)
    media = replace(OLD, id="usb-046d-c31c-dddddddd", name="Logitech USB Keyboard Consumer Control",
                    kind="consumer")
    keyd = replace(OLD, id="usb-0fac-0ade-eeeeeeee", name="keyd virtual keyboard", vendor="0fac",
                   skip_reason="the output of another remapper (keyd)")
    for info in (media, keyd):
        data = rig.devices.enrich("device.connected", {"device": info.as_dict()})
        assert data["device"]["enabled"] is False and data["device"]["kind"] == info.kind
        assert data["device"]["skip_reason"] == info.skip_reason
    rig.store.record_seen([media.as_dict(), keyd.as_dict()])
    assert [d["enabled"] for d in rig.store.list_devices()] == [False, False]
