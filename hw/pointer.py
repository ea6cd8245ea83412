"""The pointer output: one `KeyRx pointer` device per loop, and each output's share of it.

The engine puts mouse buttons (`btn_left` .. `btn_task`) and motion (`REL_BASE + axis`) in its
output like keys. An `Output` hands those to its `PointerShare`, the ledger of the buttons that
output holds, so every way out that releases an output's keys releases its buttons too. The shared
`PointerDevice` is made by the provider the first time a profile needs it (in the loop thread),
counts each button's holders across keyboards (a button goes up when the last one lets go) and
writes the wheel with its hi-res events. Imports: hw's own modules and the engine's pointer codes.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from .ecodes import EV_KEY, EV_REL
from .engine.pointer import AXES, REL_BASE, REL_HWHEEL, REL_WHEEL
from .errors import HwError
from .ports import Sink
from .types import Config

log = logging.getLogger("keyrx.hw")

REL_WHEEL_HI_RES, REL_HWHEEL_HI_RES = 0x0B, 0x0C
HI_RES = {REL_WHEEL: REL_WHEEL_HI_RES, REL_HWHEEL: REL_HWHEEL_HI_RES}
HI_RES_PER_NOTCH = 120


def write_rel(sink: Sink, code: int, value: int) -> None:
    """A motion code from the engine as EV_REL events: wheels with their hi-res twin."""
    axis = code - REL_BASE
    sink.write(EV_REL, axis, value)
    hi = HI_RES.get(axis)
    if hi is not None:
        sink.write(EV_REL, hi, value * HI_RES_PER_NOTCH)


class PointerDevice:
    """The loop's pointer device, made on first need; each button's holders counted."""

    def __init__(self, make: Callable[[], Sink] | None) -> None:
        self._make = make
        self.sink: Sink | None = None
        self.count: dict[int, int] = {}
        self._failed = False

    def ensure(self) -> bool:
        """Make the device if there is none yet; whether there is one (a failure is logged once)."""
        if self.sink is None and self._make is not None and not self._failed:
            try:
                self.sink = self._make()
            except HwError as exc:
                self._failed = True
                log.warning("no pointer device, mouse buttons and motion are dropped: %s", exc)
        return self.sink is not None

    def ensure_for(self, config: Config) -> None:
        """Make the device once a profile of the configuration outputs buttons or motion (before
        any key needs it, so the desktop has opened it by then)."""
        profiles = [config.default_profile, *(dc.profile for dc in config.devices.values())]
        if any(p is not None and p.pointer for p in profiles):
            self.ensure()

    def button(self, code: int, value: int) -> bool:
        """A holder presses (1) or lets go (0) of a button; whether an event was written."""
        if not self.ensure():
            return False
        assert self.sink is not None
        n = self.count.get(code, 0)
        if value:
            self.count[code] = n + 1
            if n:
                return False
        elif n > 1:
            self.count[code] = n - 1
            return False
        else:
            self.count.pop(code, None)
        self.sink.write(EV_KEY, code, value)
        return True

    def rel(self, code: int, value: int) -> bool:
        if not self.ensure():
            return False
        assert self.sink is not None
        write_rel(self.sink, code, value)
        return True

    def syn(self) -> None:
        if self.sink is not None:
            try:
                self.sink.syn()
            except HwError as exc:
                log.warning("pointer device: %s", exc)

    def close(self) -> None:
        """Let go of every button still counted, then close the device (at the loop's end)."""
        if self.sink is None:
            return
        try:
            for code in reversed(list(self.count)):
                self.sink.write(EV_KEY, code, 0)
            self.count.clear()
            self.sink.syn()
        except HwError as exc:
            log.warning("pointer device: %s", exc)
        finally:
            sink, self.sink = self.sink, None
            try:
                sink.close()
            except HwError as exc:
                log.info("closing the pointer device: %s", exc)


class PointerShare:
    """The buttons one output holds on the pointer device: its part of that output's ledger."""

    def __init__(self, device: PointerDevice) -> None:
        self.device = device
        self.down: dict[int, None] = {}  # insertion-ordered: released latest first
        self.dirty = False

    def key(self, code: int, value: int) -> None:
        """A button (1 press, 0 release; repeats are dropped) or a motion code from the engine."""
        if code in AXES:
            self.dirty |= self.device.rel(code, value)
        elif value == 1 and code not in self.down:
            self.down[code] = None
            self.dirty |= self.device.button(code, 1)
        elif value == 0 and code in self.down:
            del self.down[code]
            self.dirty |= self.device.button(code, 0)

    def syn(self) -> None:
        if self.dirty:
            self.dirty = False
            self.device.syn()

    def release_held(self) -> list[int]:
        """Let go of every button this output holds (latest first) and end the frame."""
        codes = list(reversed(self.down))
        self.down.clear()
        for code in codes:
            self.dirty |= self.device.button(code, 0)
        self.syn()
        return codes


__all__ = ["HI_RES_PER_NOTCH", "PointerDevice", "PointerShare", "write_rel"]
