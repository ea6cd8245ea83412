"""FrameSink: a frame goes to the uinput fd as packed input_events and SYN_REPORT in one write."""
from __future__ import annotations

import os
from typing import Any

from hw.adapter import INPUT_EVENT, FrameSink
from hw.ecodes import EV_KEY, EV_REL, EV_SYN
from hw.engine.pointer import REL_BASE, REL_X, REL_Y
from hw.output import Output


class PipeDevice:
    """Stands in for evdev.UInput: a `fd` to write to (a pipe, read back by the test)."""

    def __init__(self) -> None:
        self.r, self.fd = os.pipe()
        os.set_blocking(self.r, False)
        self.closed = False

    def fileno(self) -> int:
        return self.fd

    def read(self) -> list[Any]:
        return []

    def close(self) -> None:
        self.closed = True
        os.close(self.fd)


def writes(dev: PipeDevice) -> list[tuple[int, int, int]]:
    data = os.read(dev.r, 65536)
    assert len(data) % INPUT_EVENT.size == 0
    return [ev[2:] for ev in INPUT_EVENT.iter_unpack(data)]


def test_a_frame_is_its_events_then_syn_report() -> None:
    dev = PipeDevice()
    sink = FrameSink(dev)
    sink.write(EV_KEY, 30, 1)
    sink.write(EV_KEY, 48, 1)
    assert sink.fileno() == dev.fd
    try:
        os.read(dev.r, 1)
        raise AssertionError("events went out before the frame ended")
    except BlockingIOError:
        pass  # nothing written before syn
    sink.syn()
    assert writes(dev) == [(EV_KEY, 30, 1), (EV_KEY, 48, 1), (EV_SYN, 0, 0)]
    sink.syn()  # the next frame starts empty
    assert writes(dev) == [(EV_SYN, 0, 0)]


def test_output_releases_held_keys_through_a_frame_sink_on_close() -> None:
    dev = PipeDevice()
    out = Output(FrameSink(dev))
    out.key(30, 1)
    out.key(48, 1)
    out.syn()
    assert writes(dev) == [(EV_KEY, 30, 1), (EV_KEY, 48, 1), (EV_SYN, 0, 0)]
    out.close()
    assert dev.closed
    assert writes(dev) == [(EV_KEY, 48, 0), (EV_KEY, 30, 0), (EV_SYN, 0, 0)]
    os.close(dev.r)


class Frames:
    """A sink that records each frame it was sent."""

    def __init__(self) -> None:
        self.frames: list[list[tuple[int, int, int]]] = []
        self.frame: list[tuple[int, int, int]] = []

    def write(self, etype: int, code: int, value: int) -> None:
        self.frame.append((etype, code, value))

    def syn(self) -> None:
        self.frames.append(self.frame)
        self.frame = []

    def fileno(self) -> int:
        return -1

    def read(self) -> list[Any]:
        return []

    def close(self) -> None:
        pass


def test_a_gap_paces_key_events_but_never_pointer_motion() -> None:
    sink = Frames()
    out = Output(sink, gap=20.0)
    move = [(REL_BASE + REL_X, 3), (REL_BASE + REL_Y, 4)]
    for step in range(5):  # a held diagonal move key: two motion items every 10 ms
        out.keys(move, step * 10.0)
        out.syn()
    assert not out.paced and out.due() is None
    assert sink.frames == [[(EV_REL, REL_X, 3), (EV_REL, REL_Y, 4)]] * 5
    out.keys([(30, 1), (30, 0)], 100.0)  # key events still go one per frame, the gap apart
    assert out.due() == 120.0 and list(out.paced) == [(30, 0)]
