"""The boundary: evdev objects come out as hw ports whose only errors are hw errors; shared codes."""
from __future__ import annotations

from pathlib import Path

import pytest

from hw import DeviceGone, HwError, code_of
from hw.adapter import EvdevSource, FrameSink
from hw.ecodes import ACTIONS, PANIC_KEYS, PANIC_NAMES, action_name
from tests.fakes import FakeInputDevice, FakeUInput


def test_panic_keys_are_the_named_keys() -> None:
    assert PANIC_KEYS == frozenset(code_of(name) for name in PANIC_NAMES)


def test_value_names() -> None:
    assert [action_name(v) for v in (0, 1, 2, 7)] == ["release", "press", "repeat", "repeat"]
    assert ACTIONS == {0: "release", 1: "press", 2: "repeat"}


def test_a_source_reads_nothing_as_empty_and_a_gone_node_as_device_gone(tmp_path: Path) -> None:
    dev = FakeInputDevice(str(tmp_path / "event0"))
    source = EvdevSource(dev)
    try:
        assert source.read() == []  # EAGAIN
        dev.keys((30, 1))
        assert [(e.type, e.code, e.value) for e in source.read()] == [(1, 30, 1), (0, 0, 0)]
        dev.unplug()
        with pytest.raises(DeviceGone):
            source.read()
        with pytest.raises(DeviceGone):
            source.active_keys()
    finally:
        source.close()


def test_a_busy_grab_is_an_hw_error_not_a_gone_device(tmp_path: Path) -> None:
    path = str(tmp_path / "event0")
    first, second = EvdevSource(FakeInputDevice(path)), EvdevSource(FakeInputDevice(path))
    try:
        first.grab()
        with pytest.raises(HwError) as caught:
            second.grab()
        assert not isinstance(caught.value, DeviceGone)
        with pytest.raises(HwError):
            second.ungrab()  # never held
        first.ungrab()
    finally:
        first.close()
        second.close()


def test_a_frame_sink_reads_leds_and_nothing_as_empty() -> None:
    ui = FakeUInput(name="out")
    sink = FrameSink(ui)
    try:
        assert sink.read() == []
        ui.set_led(1, 1)
        assert [(e.type, e.code, e.value) for e in sink.read()] == [(0x11, 1, 1)]
        sink.write(1, 30, 1)
        sink.syn()
        assert ui.frames == [[(1, 30, 1)]]
    finally:
        sink.close()
    assert ui.closed
