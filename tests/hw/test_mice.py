"""Mice as input (hw/mice.py): an enabled pointer node is grabbed and remapped like a keyboard, its
motion passes through, its clicks settle the other keyboards' tap-holds first, and its held
buttons are let go of on every way out; a pointer node left disabled is never grabbed or read."""
from __future__ import annotations

import select
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hw import Config, DeviceConfig, compile_profile
from hw.devices import EvdevProvider
from hw.ecodes import EV_KEY, EV_REL
from hw.ports import Event, Sink, Source
from hw.types import DeviceInfo
from tests.fakes import FakeInfo, FakeInputDevice
from tests.hw.rig import KEY_A, KEY_B, Rig

KEY_F, KEY_F1, KEY_LEFTSHIFT = 33, 59, 42
BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE = 0x110, 0x111, 0x112, 0x113
REL_X, REL_Y, REL_WHEEL = 0, 1, 8
PROFILE = compile_profile({"layers": {"base": {
    "f": {"tap": "f", "hold": "leftshift"}, "f1": {"oneshot": "leftshift"}, "a": "b",
    "btn_right": "btn_middle", "btn_side": "ctrl+c"}}})
Frames = list[tuple[str, list[tuple[int, int, int]]]]


class Journal:
    """An output sink that also notes each frame, with its device's name, in one shared list."""

    def __init__(self, sink: Sink, name: str, frames: Frames) -> None:
        self.sink, self.name, self.frames = sink, name, frames
        self._frame: list[tuple[int, int, int]] = []

    def write(self, etype: int, code: int, value: int) -> None:
        self._frame.append((etype, code, value))
        self.sink.write(etype, code, value)

    def syn(self) -> None:
        self.frames.append((self.name, self._frame))
        self._frame = []
        self.sink.syn()

    def fileno(self) -> int | None:
        return self.sink.fileno()

    def read(self) -> list[Event]:
        return list(self.sink.read())

    def close(self) -> None:
        self.sink.close()


class JournalProvider(EvdevProvider):
    """The evdev provider, its outputs' frames noted in order across devices."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.frames: Frames = []

    def make_sink(self, info: DeviceInfo, source: Source) -> Sink:
        return Journal(super().make_sink(info, source), info.name, self.frames)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path, provider=JournalProvider)
    yield r
    r.loop.stop()


def plug_mouse(rig: Rig, n: int = 1) -> FakeInputDevice:
    return rig.plug(n, "Fake Mouse", phys="usb-0000:00:14.0-3/input0", info=FakeInfo(product=0xC077),
                    keys=[BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE], extra={EV_REL: [REL_X, REL_Y, REL_WHEEL]})


def enabled(rig: Rig) -> tuple[FakeInputDevice, FakeInputDevice, str]:
    """A keyboard and a mouse, both grabbed and running PROFILE; the mouse's id."""
    kbd, mouse = rig.plug(0), plug_mouse(rig)
    rig.start(PROFILE)
    rig.log.wait("device.grabbed", name="Fake Keyboard")
    mouse_id = rig.log.wait("device.connected", name="Fake Mouse")["device"]["id"]
    rig.apply(Config(default_profile=PROFILE, devices={mouse_id: DeviceConfig(enabled=True)}))
    rig.log.wait("device.grabbed", name="Fake Mouse")
    return kbd, mouse, mouse_id


def frames(rig: Rig) -> Frames:
    rig.sync()
    assert isinstance(rig.provider, JournalProvider)
    return [(name, frame) for name, frame in rig.provider.frames if frame]


def test_a_disabled_mouse_is_listed_but_never_grabbed_read_or_given_an_output(rig: Rig) -> None:
    rig.plug(0)
    mouse = plug_mouse(rig)
    rig.start(PROFILE)
    node = rig.log.wait("device.connected", name="Fake Mouse")["device"]
    assert (node["kind"], node["default_enabled"], node["grabbed"]) == ("pointer", False, False)
    mouse.push((EV_KEY, BTN_LEFT, 1))
    rig.sync()
    assert not mouse.grabbed and "KeyRx: Fake Mouse" not in [o.name for o in rig.outputs]
    assert select.select([mouse.fileno()], [], [], 0)[0]  # its click is still queued, unread


def test_a_click_settles_a_held_home_row_key_as_its_hold_before_the_click_goes_out(rig: Rig) -> None:
    kbd, mouse, _ = enabled(rig)
    kbd.keys((KEY_F, 1))
    rig.sync()  # each device's input in its own turn: the order they are read in is the test's
    mouse.push((EV_REL, REL_X, 2), (EV_KEY, BTN_LEFT, 1))
    mouse.push((EV_KEY, BTN_LEFT, 0))
    rig.sync()
    kbd.keys((KEY_F, 0))
    assert frames(rig) == [
        ("Fake Keyboard", [(EV_KEY, KEY_LEFTSHIFT, 1)]),  # at once, not at the timeout
        ("Fake Mouse", [(EV_REL, REL_X, 2), (EV_KEY, BTN_LEFT, 1)]),
        ("Fake Mouse", [(EV_KEY, BTN_LEFT, 0)]),
        ("Fake Keyboard", [(EV_KEY, KEY_LEFTSHIFT, 0)])]


def test_a_click_ends_an_armed_one_shot_after_it_went_out(rig: Rig) -> None:
    kbd, mouse, _ = enabled(rig)
    kbd.keys((KEY_F1, 1), (KEY_F1, 0))
    rig.sync()
    mouse.push((EV_KEY, BTN_LEFT, 1))
    rig.sync()  # a click's press and release are two reads, as a hand makes them
    mouse.push((EV_KEY, BTN_LEFT, 0))
    rig.sync()
    kbd.keys((KEY_A, 1), (KEY_A, 0))
    assert frames(rig) == [
        ("Fake Keyboard", [(EV_KEY, KEY_LEFTSHIFT, 1)]), ("Fake Mouse", [(EV_KEY, BTN_LEFT, 1)]),
        ("Fake Keyboard", [(EV_KEY, KEY_LEFTSHIFT, 0)]), ("Fake Mouse", [(EV_KEY, BTN_LEFT, 0)]),
        ("Fake Keyboard", [(EV_KEY, KEY_B, 1)]), ("Fake Keyboard", [(EV_KEY, KEY_B, 0)])]


def test_its_buttons_are_remapped_like_keys_and_its_motion_passes_through_unpublished(rig: Rig) -> None:
    _, mouse, mouse_id = enabled(rig)
    rig.loop.set_key_events(True)
    mouse.push((EV_KEY, BTN_RIGHT, 1))
    mouse.push((EV_KEY, BTN_RIGHT, 0))
    mouse.push((EV_REL, REL_X, 5), (EV_REL, REL_Y, -3), (EV_REL, REL_WHEEL, 1))
    mouse.push((EV_KEY, BTN_SIDE, 1))
    mouse.push((EV_KEY, BTN_SIDE, 0))
    assert frames(rig) == [
        ("Fake Mouse", [(EV_KEY, BTN_MIDDLE, 1)]), ("Fake Mouse", [(EV_KEY, BTN_MIDDLE, 0)]),
        ("Fake Mouse", [(EV_REL, REL_X, 5), (EV_REL, REL_Y, -3), (EV_REL, REL_WHEEL, 1)]),
        ("Fake Mouse", [(EV_KEY, 29, 1), (EV_KEY, 46, 1)]), ("Fake Mouse", [(EV_KEY, 46, 0), (EV_KEY, 29, 0)])]
    keys = [e for e in rig.log.taken("key") if e["device"] == mouse_id]
    assert [e["input"] for e in keys] == [
        {"key": str(k), "action": a} for k in (BTN_RIGHT, BTN_SIDE) for a in ("press", "release")]
    out = rig.out("Fake Mouse")  # its own output declares what it passes through and what remaps make
    assert set(out.caps[EV_REL]) >= {REL_X, REL_Y, REL_WHEEL} and set(range(0x110, 0x118)) <= set(out.caps[EV_KEY])


def test_enabling_it_does_not_replay_what_it_did_while_disabled(rig: Rig) -> None:
    rig.plug(0)
    mouse = plug_mouse(rig)
    rig.start(PROFILE)
    mouse_id = rig.log.wait("device.connected", name="Fake Mouse")["device"]["id"]
    mouse.push((EV_KEY, BTN_LEFT, 1))  # the click on the UI's Enable button
    mouse.push((EV_KEY, BTN_LEFT, 0))
    rig.sync()
    rig.apply(Config(default_profile=PROFILE, devices={mouse_id: DeviceConfig(enabled=True)}))
    rig.log.wait("device.grabbed", name="Fake Mouse")
    mouse.push((EV_KEY, BTN_RIGHT, 1))
    mouse.push((EV_KEY, BTN_RIGHT, 0))
    assert frames(rig) == [("Fake Mouse", [(EV_KEY, BTN_MIDDLE, 1)]), ("Fake Mouse", [(EV_KEY, BTN_MIDDLE, 0)])]


@pytest.mark.parametrize("way_out", ["disable", "unplug", "profile", "stop"])
def test_a_held_button_is_released_on_every_way_out(rig: Rig, way_out: str) -> None:
    _, mouse, mouse_id = enabled(rig)
    mouse.push((EV_KEY, BTN_LEFT, 1))
    rig.sync()
    out = rig.out("Fake Mouse")
    if way_out == "disable":
        rig.apply(Config(default_profile=PROFILE, devices={mouse_id: DeviceConfig(enabled=False)}))
    elif way_out == "unplug":
        rig.unplug(mouse)
        rig.log.wait("device.disconnected", name="Fake Mouse")
    elif way_out == "profile":
        other = compile_profile({"layers": {"base": {"a": "b"}}})
        rig.apply(Config(default_profile=other, devices={mouse_id: DeviceConfig(enabled=True)}))
    else:
        rig.loop.stop()
    assert out.wait_frames(2)[-1] == [(EV_KEY, BTN_LEFT, 0)] and out.held() == set()
