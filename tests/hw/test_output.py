"""FrameSink: a frame goes to the uinput fd as packed input_events and SYN_REPORT in one write."""
from __future__ import annotations

import os
from typing import Any

from hw.adapter import INPUT_EVENT, FrameSink
from hw.ecodes import EV_KEY, EV_SYN
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
