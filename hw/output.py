"""An output device as the loop drives it: frames of events, and a record of the keys it holds."""
from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from typing import Any, Protocol

EV_SYN, EV_KEY = 0, 1
SYN_REPORT = 0
# struct input_event: a zero timeval (uinput stamps the event itself), type, code, value
INPUT_EVENT = struct.Struct("@llHHi")
SYN_FRAME = INPUT_EVENT.pack(0, 0, EV_SYN, SYN_REPORT, 0)


class Sink(Protocol):
    """The subset of `evdev.UInput` the loop uses."""

    def write(self, etype: int, code: int, value: int) -> None: ...
    def syn(self) -> None: ...
    def close(self) -> None: ...


class FrameSink:
    """A uinput device written a frame at a time: its events and SYN_REPORT in one write(2).

    `evdev.UInput.write` checks the fd's flags with fcntl before every event; each of those
    syscalls lets go of the GIL, and getting it back can wait behind the server. One os.write
    per frame is one syscall, and the kernel timestamps the frame inside it.
    """

    def __init__(self, device: Any) -> None:
        self.device = device  # the evdev.UInput (its `device` node, `read` for the LEDs)
        self._fd: int = device.fd
        self._frame = bytearray()

    def write(self, etype: int, code: int, value: int) -> None:
        """Add an event to the frame."""
        self._frame += INPUT_EVENT.pack(0, 0, etype, code, value)

    def syn(self) -> None:
        """Write the frame and its SYN_REPORT."""
        frame, self._frame = self._frame + SYN_FRAME, bytearray()
        view = memoryview(frame)
        while view:  # uinput takes whole events; a short count only follows an error
            view = view[os.write(self._fd, view):]

    def fileno(self) -> int:
        return self._fd

    def read(self) -> Iterable[Any]:
        """What the desktop wrote to the device (LEDs)."""
        return self.device.read()  # type: ignore[no-any-return]

    def close(self) -> None:
        self.device.close()


class Output:
    """Wraps a sink: knows which keys it left down, so none can stay down on any path out."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.down: dict[int, None] = {}  # insertion-ordered: released latest first
        self._dirty = False

    def key(self, code: int, value: int) -> None:
        """Write a key event; a repeat or release of a key not down is dropped."""
        if value == 1:
            self.down[code] = None
        elif code not in self.down:
            return  # never release (or repeat) what this device did not press
        elif value == 0:
            del self.down[code]
        self.sink.write(EV_KEY, code, value)
        self._dirty = True

    def write(self, etype: int, code: int, value: int) -> None:
        """Write a non-key event as it came."""
        self.sink.write(etype, code, value)
        self._dirty = True

    def syn(self) -> None:
        """End the frame, if anything was written since the last one."""
        if self._dirty:
            self._dirty = False
            self.sink.syn()

    def release_held(self) -> list[int]:
        """Release every key still down (latest first) and end the frame; returns their codes."""
        codes = list(reversed(self.down))
        for code in codes:
            self.key(code, 0)
        self.syn()
        return codes

    def close(self) -> None:
        """Release what is held, then close the device, whatever happens in between."""
        try:
            self.release_held()
        finally:
            self.sink.close()


__all__ = ["FrameSink", "Output", "Sink"]
