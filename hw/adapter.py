"""Evdev objects as the loop's ports: an input node as a `Source`, a uinput device as a `Sink`.

Both translate `OSError` into hw errors here, at the boundary (`DeviceGone` when the node is
gone), so nothing past them catches `OSError`. They wrap the objects `hw/devices.py` opens and
import nothing of evdev themselves.
"""
from __future__ import annotations

import errno
import os
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from .ecodes import EV_SYN, SYN_REPORT
from .errors import DeviceGone, HwError
from .ports import Event

STALE_READS = 8  # reads of what a node queued before its grab, at most (a moving mouse never stops)


class EvdevSource:
    """An `evdev.InputDevice` as the loop's Source: its OSErrors come out as hw errors."""

    def __init__(self, device: Any) -> None:
        self.device = device  # the InputDevice (capabilities and ids, for the output)
        self.path: str = device.path

    def fileno(self) -> int | None:
        try:
            return int(self.device.fileno())
        except (OSError, ValueError):  # closed: nothing to watch
            return None

    def read(self) -> list[Event]:
        """The queued events; [] when there are none; DeviceGone on any failure (it is detached)."""
        return read_events(self.device, self.path)

    def grab(self) -> None:
        """Take the node; what it queued before is dropped first: the desktop had it (a click on
        the UI's Enable button, typing while it was disabled) and must not get it again."""
        for _ in range(STALE_READS):
            if not read_events(self.device, self.path):
                break
        with translated(f"{self.path}: grab"):
            self.device.grab()

    def ungrab(self) -> None:
        with translated(f"{self.path}: ungrab"):
            self.device.ungrab()

    def close(self) -> None:
        with translated(f"{self.path}: close"):
            self.device.close()

    def active_keys(self) -> list[int]:
        with translated(f"{self.path}: key state"):
            return list(self.device.active_keys())

    def write(self, etype: int, code: int, value: int) -> None:
        """Write an event into the node itself (LEDs; releases every reader sees)."""
        with translated(f"{self.path}: write"):
            self.device.write(etype, code, value)


def read_events(device: Any, what: str) -> list[Event]:
    """A device's queued events: [] on EAGAIN, DeviceGone on any other failure."""
    try:
        return list(device.read())
    except BlockingIOError:
        return []
    except OSError as exc:
        raise DeviceGone(f"{what}: read failed: {exc.strerror or exc}") from exc


@contextmanager
def translated(doing: str) -> Iterator[None]:
    """OSError becomes `DeviceGone` when the node is gone, else an `HwError` saying what failed."""
    try:
        yield
    except OSError as exc:
        kind = DeviceGone if exc.errno in (errno.ENODEV, errno.ENOENT, errno.EBADF) else HwError
        raise kind(f"{doing}: {exc.strerror or exc}") from exc


# struct input_event: a zero timeval (uinput stamps the event itself), type, code, value
INPUT_EVENT = struct.Struct("@llHHi")
SYN_FRAME = INPUT_EVENT.pack(0, 0, EV_SYN, SYN_REPORT, 0)


class UInputDevice(Protocol):
    """The subset of `evdev.UInput` a FrameSink needs: its fd, LED reads and close."""

    @property
    def fd(self) -> int: ...
    def fileno(self) -> int: ...
    def read(self) -> Sequence[Event]: ...
    def close(self) -> None: ...


class FrameSink:
    """A uinput device written a frame at a time: its events and SYN_REPORT in one write(2).

    `evdev.UInput.write` checks the fd's flags with fcntl before every event; each of those
    syscalls lets go of the GIL, and getting it back can wait behind the server. One os.write
    per frame is one syscall, and the kernel timestamps the frame inside it.
    """

    def __init__(self, device: UInputDevice) -> None:
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
        with translated("output device: write"):
            while view:  # uinput takes whole events; a short count only follows an error
                view = view[os.write(self._fd, view):]

    def fileno(self) -> int:
        """What select watches for the desktop's LED writes (for evdev.UInput: `fd` itself)."""
        return int(self.device.fileno())

    def read(self) -> Sequence[Event]:
        """What the desktop wrote to the device (LEDs); [] when nothing is queued."""
        return read_events(self.device, "output device")

    def close(self) -> None:
        self.device.close()


__all__ = ["INPUT_EVENT", "EvdevSource", "FrameSink", "UInputDevice"]
