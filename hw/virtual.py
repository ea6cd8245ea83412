"""The virtual backend: simulated keyboards (and mice) that take input from the API."""
from __future__ import annotations

from collections import deque

from .identity import device_id
from .ports import Event, FixedDevices, Source
from .types import DeviceInfo


class VirtualKeyboard:
    """A source with no file descriptor: its input is injected through the loop."""

    def __init__(self) -> None:
        self.grabbed = False
        self.closed = False

    def fileno(self) -> int | None:
        return None  # nothing to select on

    def read(self) -> list[Event]:
        return []

    def grab(self) -> None:
        self.grabbed = True

    def ungrab(self) -> None:
        self.grabbed = False

    def close(self) -> None:
        self.closed = True

    def active_keys(self) -> list[int]:
        return []

    def write(self, etype: int, code: int, value: int) -> None:
        """No LEDs, no other readers: nothing to write to."""


class VirtualOutput:
    """A sink that keeps the last writes (its output is published as `key` events)."""

    def __init__(self, keep: int = 1024) -> None:
        self.written: deque[tuple[int, int, int]] = deque(maxlen=keep)
        self.closed = False

    def write(self, etype: int, code: int, value: int) -> None:
        self.written.append((etype, code, value))

    def syn(self) -> None:
        """Nothing to flush."""

    def fileno(self) -> int | None:
        return None  # the desktop sets no LEDs here

    def read(self) -> list[Event]:
        return []

    def close(self) -> None:
        self.closed = True


class VirtualProvider(FixedDevices):
    """`count` keyboards and `mice` mice (`pointer` nodes: listed disabled), always connected."""

    name = "virtual"
    injectable = True

    def __init__(self, count: int = 2, mice: int = 0) -> None:
        self.count = count
        self.mice = mice
        self.pointer: VirtualOutput | None = None

    def open(self) -> None:
        """Nothing to open."""

    def scan(self) -> list[tuple[DeviceInfo, Source]]:
        """The simulated keyboards."""
        found: list[tuple[DeviceInfo, Source]] = []
        for i in range(1, self.count + 1):
            phys = f"keyrx-virtual/kbd{i}/input0"
            product = f"{i:04x}"
            info = DeviceInfo(
                id=device_id("virtual", "0000", product, "", phys),
                name=f"KeyRx Virtual Keyboard {i}", path=f"virtual://kbd{i}", bus="virtual",
                vendor="0000", product=product, phys=phys, uniq="",
            )
            found.append((info, VirtualKeyboard()))
        for i in range(1, self.mice + 1):
            phys, product = f"keyrx-virtual/mouse{i}/input0", f"{0x100 + i:04x}"
            info = DeviceInfo(id=device_id("virtual", "0000", product, "", phys, "pointer"),
                              name=f"KeyRx Virtual Mouse {i}", path=f"virtual://mouse{i}", bus="virtual",
                              vendor="0000", product=product, phys=phys, uniq="", kind="pointer")
            found.append((info, VirtualKeyboard()))
        return found

    def make_sink(self, info: DeviceInfo, source: Source) -> VirtualOutput:
        return VirtualOutput()

    def make_pointer(self) -> VirtualOutput:
        """The pointer device: kept as `pointer`, so its writes can be looked at."""
        self.pointer = VirtualOutput()
        return self.pointer

    def close(self) -> None:
        """Nothing to close."""
