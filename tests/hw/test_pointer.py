"""The pointer device: made when a profile needs it, buttons and motion on it, and the ledger:
every way out (release, profile switch, disable, panic, unplug, stop) lets go of the buttons."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hw import Config, DeviceConfig, compile_profile
from hw.ecodes import EV_KEY, EV_REL
from tests.fakes import FakeUInput
from tests.hw.test_evdev_loop import KEY_A, KEY_BACKSPACE, KEY_ENTER, KEY_ESC, Rig

KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5 = 59, 60, 61, 62, 63
BTN_LEFT, BTN_RIGHT = 0x110, 0x111
KEY_LEFTCTRL = 29
REL_X, REL_Y, REL_WHEEL, REL_WHEEL_HI_RES = 0, 1, 8, 11
MOUSE = compile_profile({"layers": {"base": {
    "f1": "btn_left", "f2": "ctrl+btn_left", "f3": {"wheel": "down", "repeat_ms": 0},
    "f4": {"move": "right", "speed": 1000, "start_speed": 1000}, "f5": "btn_right"}}})
PLAIN = compile_profile({"layers": {"base": {"a": "b"}}})


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path)
    yield r
    r.loop.stop()


def pointer(rig: Rig) -> FakeUInput:
    return next(o for o in rig.outputs if o.name == "KeyRx pointer")


def test_made_only_once_a_profile_needs_it(rig: Rig) -> None:
    rig.plug(0)
    rig.start(PLAIN)
    rig.log.wait("device.grabbed")
    rig.sync()
    assert [o.name for o in rig.outputs] == ["KeyRx: Fake Keyboard"]
    rig.apply(Config(default_profile=MOUSE))
    dev = pointer(rig)
    assert dev.kw["phys"] == "keyrx/pointer"
    assert dev.caps[EV_KEY] == list(range(0x110, 0x118))
    assert set(dev.caps[EV_REL]) == {0, 1, 6, 8, 11, 12}
    rig.apply(Config(default_profile=PLAIN))
    rig.apply(Config(default_profile=MOUSE))
    assert [o.name for o in rig.outputs].count("KeyRx pointer") == 1


def test_a_device_profile_needs_it_too(rig: Rig) -> None:
    rig.plug(0)
    rig.start(PLAIN, other=DeviceConfig(profile=MOUSE, has_profile=True))
    rig.log.wait("device.grabbed")
    assert pointer(rig).kw["name"] == "KeyRx pointer"


def test_buttons_wheel_and_motion_reach_the_pointer_device(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(MOUSE)
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_F1, 1), (KEY_F1, 0), (KEY_F3, 1), (KEY_F3, 0), (KEY_F4, 1), (KEY_F4, 0))
    rig.sync()
    frames = pointer(rig).frames
    assert frames[:3] == [[(EV_KEY, BTN_LEFT, 1)], [(EV_KEY, BTN_LEFT, 0)],
                          [(EV_REL, REL_WHEEL, -1), (EV_REL, REL_WHEEL_HI_RES, -120)]]
    assert frames[3][0] == (EV_REL, REL_X, 10)
    assert rig.out().keys() == []  # nothing of it on the keyboard's output


def test_ctrl_click_is_ctrl_first_on_the_keyboard_then_the_button(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(MOUSE)
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_F2, 1), (KEY_F2, 0))
    rig.sync()
    assert rig.out().keys() == [(KEY_LEFTCTRL, 1), (KEY_LEFTCTRL, 0)]
    assert pointer(rig).keys() == [(BTN_LEFT, 1), (BTN_LEFT, 0)]


def test_two_keyboards_share_a_button_until_the_last_lets_go(rig: Rig) -> None:
    kbd, other = rig.plug(0), rig.plug(1, "Other", phys="usb-0000:00:14.0-3/input0")
    rig.start(MOUSE)
    rig.log.wait("device.grabbed", name="Other")
    rig.log.wait("device.grabbed", name="Fake Keyboard")
    kbd.keys((KEY_F1, 1))
    other.keys((KEY_F1, 1))
    rig.sync()
    kbd.keys((KEY_F1, 0))
    rig.sync()
    assert pointer(rig).held() == {BTN_LEFT}
    other.keys((KEY_F1, 0))
    rig.sync()
    assert pointer(rig).keys() == [(BTN_LEFT, 1), (BTN_LEFT, 0)]


def held_then(rig: Rig) -> object:
    kbd = rig.plug(0)
    rig.start(MOUSE)
    dev = rig.log.wait("device.grabbed")["device"]
    kbd.keys((KEY_F1, 1), (KEY_F5, 1))
    rig.sync()
    assert pointer(rig).held() == {BTN_LEFT, BTN_RIGHT}
    return kbd, dev


def test_release_lets_go(rig: Rig) -> None:
    kbd, _ = held_then(rig)  # type: ignore[misc]
    kbd.keys((KEY_F5, 0), (KEY_F1, 0))
    rig.sync()
    assert pointer(rig).held() == set()


def test_profile_switch_lets_go(rig: Rig) -> None:
    held_then(rig)
    rig.apply(Config(default_profile=PLAIN))
    assert pointer(rig).keys()[-2:] == [(BTN_RIGHT, 0), (BTN_LEFT, 0)]


def test_disable_lets_go(rig: Rig) -> None:
    _, dev = held_then(rig)  # type: ignore[misc]
    rig.apply(Config(default_profile=MOUSE, devices={dev["id"]: DeviceConfig(enabled=False)}))
    assert pointer(rig).held() == set()


def test_panic_lets_go(rig: Rig) -> None:
    kbd, _ = held_then(rig)  # type: ignore[misc]
    kbd.keys((KEY_BACKSPACE, 1), (KEY_ESC, 1), (KEY_ENTER, 1))
    rig.log.wait("hw.state", state="panic")
    rig.sync()
    assert pointer(rig).held() == set()


def test_unplug_lets_go(rig: Rig) -> None:
    kbd, _ = held_then(rig)  # type: ignore[misc]
    rig.unplug(kbd)
    rig.log.wait("device.disconnected")
    rig.sync()
    assert pointer(rig).held() == set()


def test_stop_lets_go_and_closes_it(rig: Rig) -> None:
    held_then(rig)
    dev = pointer(rig)
    rig.loop.stop()
    assert dev.held() == set() and dev.closed


def test_motion_stops_on_every_way_out(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(MOUSE)
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_F4, 1))
    rig.sync()
    rig.apply(Config(default_profile=PLAIN))
    rig.sync()
    moved = len(pointer(rig).frames)
    kbd.keys((KEY_A, 1), (KEY_A, 0))
    rig.sync()
    end = time.monotonic() + 0.1  # ten motion ticks' worth of loop round trips: none moves
    while time.monotonic() < end:
        rig.sync()
    assert len(pointer(rig).frames) == moved


def test_our_pointer_device_is_never_taken_as_an_input(rig: Rig) -> None:
    rig.plug(0)
    rig.plug(1, "KeyRx pointer", phys="keyrx/pointer", keys=list(range(0x110, 0x118)))
    rig.start(MOUSE)
    rig.log.wait("device.grabbed")
    assert [d.name for d in rig.loop.devices()] == ["Fake Keyboard"]


def test_a_held_move_key_steps_on_the_loop_timers(rig: Rig) -> None:
    kbd = rig.plug(0)
    rig.start(MOUSE)
    rig.log.wait("device.grabbed")
    kbd.keys((KEY_F4, 1))
    end = time.monotonic() + 10
    while len(pointer(rig).frames) < 5:  # one frame per 10 ms, from the loop's own timers
        assert time.monotonic() < end, pointer(rig).frames
        rig.sync()
    kbd.keys((KEY_F4, 0))
    rig.sync()
    assert all(frame == [(EV_REL, REL_X, 10)] for frame in pointer(rig).frames)


def test_key_events_show_motion_and_the_virtual_pointer_gets_it() -> None:
    from hw import create_backend
    from tests.fakes import EventLog

    log = EventLog()
    loop = create_backend("virtual", virtual_keyboards=1)
    loop.start(log, Config(default_profile=MOUSE))
    try:
        (dev,) = loop.devices()
        loop.inject(dev.id, [(0.0, KEY_F3, 1), (0.0, KEY_F3, 0)])
        event = log.wait("key", input={"key": "f3", "action": "press"})
        assert event["output"] == [{"rel": "wheel", "value": -1}]
        written = list(loop.provider.pointer.written)  # type: ignore[attr-defined]
        assert written == [(EV_REL, REL_WHEEL, -1), (EV_REL, REL_WHEEL_HI_RES, -120)]
    finally:
        loop.stop()
