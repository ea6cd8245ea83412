"""Picking a physical key (hw/capture.py): the loop consumes the picked press, on fake evdev nodes."""
from __future__ import annotations

import dataclasses
import queue
from pathlib import Path

import pytest

from hw import Busy, Captured, Config, DeviceConfig, Natives, NotGrabbed, UnknownDevice
from tests.hw.rig import REMAP, Rig
from tests.hw.test_robust import SleepClock

KEY_A, KEY_B, KEY_X, KEY_ESC, KEY_BACKSPACE, KEY_ENTER, KEY_CAPSLOCK = 30, 48, 45, 1, 14, 28, 58
Answer = tuple[Captured | None, BaseException | None]


def capture(rig: Rig, device: str | None = None, timeout_ms: float = 10_000) -> queue.SimpleQueue[Answer]:
    """Start a capture; its answer arrives on the queue."""
    answers: queue.SimpleQueue[Answer] = queue.SimpleQueue()
    rig.loop.capture(device, timeout_ms, lambda result, error: answers.put((result, error)))
    rig.sync()  # the capture is armed once the loop has run the command
    return answers


def test_the_next_press_is_picked_and_consumed_with_its_repeats_and_release(rig: Rig) -> None:
    kbd = rig.grabbed()
    dev = rig.loop.devices()[0].id
    rig.loop.set_key_events(True)
    answers = capture(rig)
    kbd.keys((KEY_CAPSLOCK, 1), (KEY_CAPSLOCK, 2), (KEY_CAPSLOCK, 0))
    assert answers.get(timeout=10) == (Captured(dev, KEY_CAPSLOCK), None)
    rig.sync()
    assert rig.out().keys() == []  # nothing typed
    kbd.keys((KEY_CAPSLOCK, 1), (KEY_CAPSLOCK, 0))  # afterwards, remapped as usual
    rig.sync()
    assert rig.out().keys() == [(KEY_ESC, 1), (KEY_ESC, 0)]
    keys = rig.log.taken("key")  # all published: the loop flushes before it answers a command
    assert [(k["input"]["action"], k["output"]) for k in keys] == [
        ("press", [{"key": str(KEY_ESC), "action": "press"}]),
        ("release", [{"key": str(KEY_ESC), "action": "release"}])]


def test_a_key_held_when_the_capture_starts_does_not_count(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_A, 1))
    rig.sync()
    answers = capture(rig)
    kbd.keys((KEY_A, 2), (KEY_A, 0), (KEY_X, 1), (KEY_X, 0))
    assert answers.get(timeout=10)[0] == Captured(rig.loop.devices()[0].id, KEY_X)
    rig.sync()
    assert rig.out().keys() == [(KEY_B, 1), (KEY_B, 2), (KEY_B, 0)]


def test_the_panic_combo_is_checked_first_and_cancels_the_capture(rig: Rig) -> None:
    kbd = rig.grabbed()
    kbd.keys((KEY_BACKSPACE, 1), (KEY_ESC, 1))
    rig.sync()
    answers = capture(rig)
    kbd.keys((KEY_ENTER, 1))
    result, error = answers.get(timeout=10)
    assert result is None and isinstance(error, NotGrabbed) and "panic" in str(error)
    rig.log.wait("device.released", reason="panic")
    assert not kbd.grabbed and rig.out().held() == set()


def test_nothing_pressed_answers_nothing_at_the_deadline(rig: Rig) -> None:
    rig.grabbed()
    answers = capture(rig, timeout_ms=50)
    assert answers.get(timeout=10) == (Captured(None, None), None)
    assert capture(rig, timeout_ms=50).get(timeout=10) == (Captured(None, None), None)  # free again


def test_one_capture_at_a_time_a_known_device_and_a_grabbed_one(rig: Rig) -> None:
    kbd = rig.grabbed()
    dev = rig.loop.devices()[0].id
    first = capture(rig, dev)
    second = capture(rig)
    assert isinstance(second.get(timeout=10)[1], Busy)
    assert isinstance(capture(rig, "usb-nope").get(timeout=10)[1], UnknownDevice)
    kbd.keys((KEY_X, 1), (KEY_X, 0))
    assert first.get(timeout=10) == (Captured(dev, KEY_X), None)
    rig.apply(Config(default_profile=REMAP, devices={dev: DeviceConfig(enabled=False)}))
    result, error = capture(rig, dev).get(timeout=10)
    assert result is None and isinstance(error, NotGrabbed) and dev in str(error)
    result, error = capture(rig).get(timeout=10)
    assert isinstance(error, NotGrabbed) and "no keyboard is grabbed" in str(error)


@pytest.mark.parametrize("how", ["unplug", "disable"])
def test_losing_the_keyboard_cancels_the_capture(rig: Rig, how: str) -> None:
    kbd = rig.grabbed()
    dev = rig.loop.devices()[0].id
    answers = capture(rig, dev)
    if how == "unplug":
        rig.unplug(kbd)
    else:
        rig.apply(Config(default_profile=REMAP, devices={dev: DeviceConfig(enabled=False)}))
    result, error = answers.get(timeout=10)
    assert result is None and isinstance(error, NotGrabbed) and "cancelled" in str(error)


def test_a_capture_pending_when_the_machine_sleeps_ends_as_if_it_timed_out(tmp_path: Path) -> None:
    clock = SleepClock()
    rig = Rig(tmp_path, natives=dataclasses.replace(Natives.stdlib(), asleep_ms=clock))
    try:
        kbd = rig.grabbed()
        answers = capture(rig, timeout_ms=60_000)
        clock.ms += 30_000.0  # the machine slept; the next wake-up sees it
        rig.sync()
        assert answers.get(timeout=10) == (Captured(None, None), None)
        kbd.keys((KEY_CAPSLOCK, 1), (KEY_CAPSLOCK, 0))  # after the resume: typed as usual
        rig.sync()
        assert rig.out().keys()[-2:] == [(KEY_ESC, 1), (KEY_ESC, 0)]
    finally:
        rig.loop.stop()
