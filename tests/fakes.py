"""Fakes of the evdev objects hw uses, injected through constructors (evdev is never patched)."""
from __future__ import annotations

import errno
import fcntl
import os
import queue
import select
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, ClassVar

from hw.ecodes import EV_KEY, EV_LED, EV_SYN, SYN_REPORT

# struct input_event as the kernel has it (spelled out here, not taken from hw, to check hw's)
INPUT_EVENT = struct.Struct("@llHHi")
LETTERS = [30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20, 22,
           47, 17, 45, 21, 44]  # KEY_A .. KEY_Z


@dataclass(frozen=True)
class FakeEvent:
    """An input event."""

    type: int
    code: int
    value: int


@dataclass(frozen=True)
class FakeInfo:
    """`InputDevice.info`."""

    bustype: int = 0x03
    vendor: int = 0x046D
    product: int = 0xC31C
    version: int = 0x0111


class FakeInputDevice:
    """An input node: `push` queues events; its fd is readable while any are queued."""

    grabs: ClassVar[dict[str, FakeInputDevice]] = {}  # path -> holder, shared like the kernel's grab

    def __init__(self, path: str, name: str = "Fake Keyboard", *, phys: str = "usb-0000:00:14.0-2/input0",
                 uniq: str = "", info: FakeInfo | None = None, keys: list[int] | None = None,
                 extra: dict[int, list[int]] | None = None) -> None:
        self.path, self.name, self.phys, self.uniq = path, name, phys, uniq
        self.info = info or FakeInfo()
        self._caps = {EV_KEY: list(LETTERS if keys is None else keys), **(extra or {})}
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)
        self._queue: deque[FakeEvent] = deque()
        self.down: set[int] = set()  # the kernel's key state (EVIOCGKEY)
        self.written: list[tuple[int, int, int]] = []  # events written into the node
        self.gone = False
        self.closed = False

    # -- the test's side -------------------------------------------------------------
    def push(self, *events: tuple[int, int, int], report: bool = True) -> None:
        """Queue events (and a SYN_REPORT) as one batch; key state follows key events."""
        for etype, code, value in events:
            self._queue.append(FakeEvent(etype, code, value))
            if etype == EV_KEY:
                (self.down.add if value else self.down.discard)(code)
        if report:
            self._queue.append(FakeEvent(EV_SYN, SYN_REPORT, 0))
        os.write(self._w, b"x")

    def keys(self, *pairs: tuple[int, int]) -> None:
        """Queue key events, one report each, in one batch."""
        for code, value in pairs:
            self.push((EV_KEY, code, value), report=True)

    def unplug(self) -> None:
        """The device goes away: reads fail with ENODEV."""
        self.gone = True
        FakeInputDevice.grabs.pop(self.path, None)
        os.write(self._w, b"x")

    @property
    def grabbed(self) -> bool:
        """Whether this object holds the grab."""
        return FakeInputDevice.grabs.get(self.path) is self

    # -- the InputDevice subset ------------------------------------------------------
    def fileno(self) -> int:
        return self._r

    def capabilities(self, absinfo: bool = True) -> dict[int, list[int]]:
        return {k: list(v) for k, v in self._caps.items()}

    def input_props(self) -> list[int]:
        return []

    def read(self) -> list[FakeEvent]:
        try:
            os.read(self._r, 4096)
        except BlockingIOError:
            pass  # nothing signalled
        if self.gone:
            raise OSError(errno.ENODEV, "No such device")
        if not self._queue:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        out = list(self._queue)
        self._queue.clear()
        return out

    def grab(self) -> None:
        holder = FakeInputDevice.grabs.get(self.path)
        if holder is not None:
            raise OSError(errno.EBUSY, "Device or resource busy")
        FakeInputDevice.grabs[self.path] = self

    def ungrab(self) -> None:
        if FakeInputDevice.grabs.get(self.path) is not self:
            raise OSError(errno.EINVAL, "Invalid argument")
        del FakeInputDevice.grabs[self.path]

    def active_keys(self) -> list[int]:
        if self.gone:
            raise OSError(errno.ENODEV, "No such device")
        return sorted(self.down)

    def write(self, etype: int, code: int, value: int) -> None:
        self.written.append((etype, code, value))
        if etype == EV_KEY and value == 0:
            self.down.discard(code)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.grabbed:
                del FakeInputDevice.grabs[self.path]
            os.close(self._r)
            os.close(self._w)


class FakeUInput:
    """A uinput device: its `fd` takes packed input_events, recorded as frames ended by SYN_REPORT.

    The real device reads the desktop's LED writes on the same fd; here `fileno()` (what select
    watches) is a second pipe, fed by `set_led`.
    """

    def __init__(self, events: Any = None, **kw: Any) -> None:
        self.caps, self.kw = events, kw
        self.name: str = kw.get("name", "")
        self.closed = False
        self.device = None
        self._frames_r, self.fd = os.pipe()  # what is written to the device, read back here
        os.set_blocking(self._frames_r, False)
        fcntl.fcntl(self.fd, fcntl.F_SETPIPE_SZ, 1 << 20)  # room for ~20k frames between reads
        self._leds_r, self._leds_w = os.pipe()  # what the desktop writes (set_led), read by `read`
        os.set_blocking(self._leds_r, False)
        self._lock = threading.Lock()
        self._frames: list[list[tuple[int, int, int]]] = []
        self._frame: list[tuple[int, int, int]] = []
        self._pending = b""

    @property
    def frames(self) -> list[list[tuple[int, int, int]]]:
        """Every complete frame written so far."""
        with self._lock:
            self._collect()
            return list(self._frames)

    def wait_frames(self, count: int, timeout: float = 10.0) -> list[list[tuple[int, int, int]]]:
        """The frames once `count` were written (or the timeout passed), waiting on the device's fd."""
        end = time.monotonic() + timeout
        while len(frames := self.frames) < count and (left := end - time.monotonic()) > 0:
            select.select([self._frames_r], [], [], left)
        return frames

    def _collect(self) -> None:
        if self.closed:
            return
        while True:
            try:
                chunk = os.read(self._frames_r, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                break
            self._pending += chunk
        whole = len(self._pending) - len(self._pending) % INPUT_EVENT.size
        for _, _, etype, code, value in INPUT_EVENT.iter_unpack(self._pending[:whole]):
            if etype == EV_SYN and code == SYN_REPORT:
                self._frames.append(self._frame)
                self._frame = []
            else:
                self._frame.append((etype, code, value))
        self._pending = self._pending[whole:]

    def set_led(self, code: int, value: int) -> None:
        """What a desktop does on Caps Lock: write an LED state to the device."""
        os.write(self._leds_w, INPUT_EVENT.pack(0, 0, EV_LED, code, value))

    def fileno(self) -> int:
        return self._leds_r

    def read(self) -> list[FakeEvent]:
        try:
            data = os.read(self._leds_r, 65536)
        except BlockingIOError:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable") from None
        return [FakeEvent(t, c, v) for _, _, t, c, v in INPUT_EVENT.iter_unpack(data)]

    def write(self, etype: int, code: int, value: int) -> None:
        assert not self.closed, "write after close"
        os.write(self.fd, INPUT_EVENT.pack(0, 0, etype, code, value))

    def syn(self) -> None:
        self.write(EV_SYN, SYN_REPORT, 0)

    def close(self) -> None:
        with self._lock:
            if not self.closed:
                self._collect()
                self.closed = True
                for fd in (self._frames_r, self.fd, self._leds_r, self._leds_w):
                    os.close(fd)

    def keys(self) -> list[tuple[int, int]]:
        """(code, value) of every key event written, in order."""
        return [(c, v) for f in self.frames for t, c, v in f if t == EV_KEY]

    def held(self) -> set[int]:
        """Keys this output leaves down."""
        down: set[int] = set()
        for code, value in self.keys():
            if value == 1:
                down.add(code)
            elif value == 0:
                down.discard(code)
        return down


class EventLog:
    """Collects what the loop publishes (from its thread); `wait` takes matching events in order."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[str, dict[str, Any]]] = queue.SimpleQueue()
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        self._queue.put((event, data))

    def taken(self, event: str) -> list[dict[str, Any]]:
        """Every event of that name received so far and not taken yet, taking them."""
        while True:
            try:
                self.seen.append(self._queue.get_nowait())
            except queue.Empty:
                break
        found = [data for name, data in self.seen if name == event]
        self.seen = [(name, data) for name, data in self.seen if name != event]
        return found

    def wait(self, event: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """The first event of that name whose device fields (or data) match, not taken yet."""
        for i, (name, data) in enumerate(self.seen):
            if name == event and _matches(data, match):
                del self.seen[i]
                return data
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            assert left > 0, f"no {event} {match} within {timeout} s; saw {self.seen}"
            try:
                name, data = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if name == event and _matches(data, match):
                return data
            self.seen.append((name, data))


def _matches(data: dict[str, Any], match: dict[str, Any]) -> bool:
    device = data.get("device")
    fields = device if isinstance(device, dict) else {}
    return all(fields.get(k, data.get(k)) == v for k, v in match.items())
