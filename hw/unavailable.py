"""The provider used when there is no hardware to drive: it says why and stops."""
from __future__ import annotations

from typing import Any

from .slot import FixedDevices
from .types import DeviceInfo, HwError


class UnavailableProvider(FixedDevices):
    """Opening it fails with the reason, which becomes `hw.state: unavailable`."""

    injectable = False

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def open(self) -> None:
        raise HwError(self.reason)

    def scan(self) -> list[tuple[DeviceInfo, Any]]:
        return []

    def make_sink(self, info: DeviceInfo, source: Any) -> Any:
        raise HwError(self.reason)

    def close(self) -> None:
        """Nothing to close."""
