"""Every error the hardware side raises, in one tree.

    HwError                      anything hw/ raises on purpose
    ├── UnknownDevice            no device has that id
    ├── NotSupported             the operation does not apply to this device or backend
    ├── DeviceGone               a device vanished or failed under us (unplugged, I/O error)
    ├── Busy                     another one-at-a-time operation (a key capture) is under way
    ├── NotGrabbed               the operation needs a grabbed keyboard, and none is
    ├── ProfileError (+ValueError)  a profile that does not validate; `.errors` by dotted path
    └── ScriptError  (+ValueError)  bad simulation input; `.errors` by dotted path

`ProfileError` and `ScriptError` are also `ValueError`s, so callers that catch bad input as
`ValueError` keep working. OSError and friends are translated into these at the I/O boundary;
nothing above hw/ should see a raw OSError. This module imports nothing.
"""

from __future__ import annotations


class HwError(Exception):
    """An error of the hardware side, translated from OSError and friends."""


class UnknownDevice(HwError):
    """No device has that id."""


class NotSupported(HwError):
    """The operation does not apply to this device or backend."""


class DeviceGone(HwError):
    """A device vanished or failed while in use (unplugged, or its reads/writes fail)."""


class Busy(HwError):
    """Another operation of the kind that runs one at a time (a key capture) is under way."""


class NotGrabbed(HwError):
    """The operation needs a grabbed keyboard, and none (or not the one named) is grabbed."""


class ProfileError(HwError, ValueError):
    """A profile that does not validate; `errors` maps dotted paths to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{p}: {', '.join(m)}" for p, m in sorted(errors.items())))
        self.errors = errors


class ScriptError(HwError, ValueError):
    """Bad simulation input; `errors` maps dotted paths to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{p}: {', '.join(m)}" for p, m in errors.items()))
        self.errors = errors
