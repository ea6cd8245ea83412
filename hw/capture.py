"""Picking a physical key: the loop's one pending capture, its deadline and its answer.

A capture takes the next new press on a grabbed keyboard (the one named, or any): that keyboard
consumes the press, its repeats and its release (`Keyboard.capturing`), so the engine never sees
them, nothing is typed and no `key` event is published. A key held when the capture starts only
repeats, so it does not count. One capture at a time. It ends with the key, with nothing at its
deadline (the loop's own timer), or with `NotGrabbed` when no keyboard it listens to stays grabbed
(disabled, unplugged, the panic combo, the loop stopping). Used by the loop thread only.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Busy, HwError, NotGrabbed, UnknownDevice

if TYPE_CHECKING:
    from .keyboard import Keyboard


@dataclass(frozen=True)
class Captured:
    """The key picked, as the keyboard read it; both None when nothing was pressed in time."""

    device: str | None
    code: int | None


CaptureDone = Callable[[Captured | None, BaseException | None], None]
"""Called once by the loop: with what was captured, or with the hw error that ended it."""


class Capture:
    """The pending capture, if any: whom to answer, which keyboard(s), until when (monotonic ms)."""

    def __init__(self) -> None:
        self._done: CaptureDone | None = None
        self.device: str | None = None
        self.deadline: float | None = None

    def begin(self, device: str | None, deadline: float, done: CaptureDone,
              keyboards: Mapping[str, Keyboard]) -> None:
        """Arm the keyboards, or answer at once with the error that prevents it."""
        try:
            if device is not None and device not in keyboards:
                raise UnknownDevice(device)
            if self._done is not None:
                raise Busy("a capture is already waiting for a key; only one runs at a time")
            targets = [keyboards[device]] if device is not None else list(keyboards.values())
            if not any(kb.grabbed for kb in targets):
                raise NotGrabbed(f"device {device} is not grabbed (it is disabled, or released after a panic)"
                                 if device is not None else "no keyboard is grabbed: nothing to capture from")
        except HwError as exc:
            done(None, exc)
            return
        self._done, self.device, self.deadline = done, device, deadline
        for kb in targets:
            kb.capturing = True

    def sooner(self, other: float | None) -> float | None:
        """The earlier of the capture's deadline and `other` (None: no deadline)."""
        if self.deadline is None or (other is not None and other < self.deadline):
            return other
        return self.deadline

    def arm(self, kb: Keyboard) -> None:
        """A keyboard that came while a capture for any keyboard runs listens too."""
        if self._done is not None and self.device is None:
            kb.capturing = True

    def took(self, kb: Keyboard, keyboards: Mapping[str, Keyboard]) -> None:
        """After the keyboard read or ran its input: answer if it captured a key."""
        if kb.captured is not None:
            code, kb.captured = kb.captured, None
            self._end(Captured(kb.info.id, code), None, keyboards)

    def expire(self, now: float, keyboards: Mapping[str, Keyboard]) -> None:
        """At the deadline: answer that nothing was pressed."""
        if self.deadline is not None and self.deadline <= now:
            self._end(Captured(None, None), None, keyboards)

    def slept(self, keyboards: Mapping[str, Keyboard]) -> None:
        """The machine slept: a pending capture ends as if it timed out (nobody was there)."""
        if self._done is not None:
            self._end(Captured(None, None), None, keyboards)

    def check(self, why: str, keyboards: Mapping[str, Keyboard]) -> None:
        """After keyboards were released or went away: end if none it listens to is grabbed."""
        if self._done is not None and not any(kb.capturing and kb.grabbed for kb in keyboards.values()):
            self._end(None, NotGrabbed(f"capture cancelled: {why}; no keyboard is grabbed"), keyboards)

    def _end(self, result: Captured | None, error: BaseException | None,
             keyboards: Mapping[str, Keyboard]) -> None:
        done, self._done, self.device, self.deadline = self._done, None, None, None
        for kb in keyboards.values():
            kb.capturing = False
        if done is not None:
            done(result, error)


__all__ = ["Capture", "CaptureDone", "Captured"]
