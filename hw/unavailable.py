"""The provider used when there is no hardware to drive: it says why and stops."""
from __future__ import annotations

from .errors import HwError
from .ports import FixedDevices, Sink, Source
from .types import DeviceInfo


class UnavailableProvider(FixedDevices):
    """Opening it fails with the reason, which becomes `hw.state: unavailable`."""

    injectable = False

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def open(self) -> None:
        raise HwError(self.reason)

    def scan(self) -> list[tuple[DeviceInfo, Source]]:
        return []

    def make_sink(self, info: DeviceInfo, source: Source) -> Sink:
        raise HwError(self.reason)

    def make_pointer(self) -> Sink:
        raise HwError(self.reason)

    def close(self) -> None:
        """Nothing to close."""
