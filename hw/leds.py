"""A keyboard's lights: the desktop's LED writes handed on to it, and the layer LED (profile
`layer_led`) that shows a layer above base is active.

The desktop sets LEDs (Caps Lock) on our output device; they are written into the keyboard so its
lights work. The desktop's own LED state is remembered, so the layer light goes back to what the
desktop wants when the layer ends, the profile changes or the keyboard is released; while the
layer light is on, the desktop's writes to that LED wait.
"""
from __future__ import annotations

import logging

from .ecodes import EV_LED, EV_SYN, SYN_REPORT
from .errors import HwError
from .ports import Sink, Source

log = logging.getLogger("keyrx.hw")


class Leds:
    """One keyboard's lights, written into its source."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self.code: int | None = None  # the LED that shows layers; None: off
        self.lit = False
        self.host: dict[int, int] = {}  # LED code -> what the desktop last set

    def use(self, code: int | None) -> None:
        """Show layers on another LED (or none): the old one goes back to the desktop's state."""
        if code != self.code:
            self.show(False)
            self.code = code

    def show(self, on: bool) -> None:
        """Light the LED (a layer is active) or give it back to the desktop."""
        if self.code is None or on == self.lit:
            return
        self.lit = on
        self._write([(self.code, 1 if on else self.host.get(self.code, 0))])

    def from_host(self, code: int, value: int) -> bool:
        """The desktop set an LED: whether to pass it to the keyboard now."""
        self.host[code] = value
        return not (self.lit and code == self.code)

    def from_output(self, sink: Sink) -> None:
        """Hand the LED changes the desktop wrote to our output device on to the keyboard."""
        try:
            leds = [(ev.code, ev.value) for ev in sink.read()
                    if ev.type == EV_LED and self.from_host(ev.code, ev.value)]
        except HwError as exc:  # the output is going away
            log.info("LEDs: %s", exc)
            return
        self._write(leds)

    def _write(self, leds: list[tuple[int, int]]) -> None:
        if not leds:
            return
        try:
            for code, value in leds:
                self._source.write(EV_LED, code, value)
            self._source.write(EV_SYN, SYN_REPORT, 0)
        except HwError as exc:  # the keyboard is going away; its read will say so
            log.info("LEDs: %s", exc)


__all__ = ["Leds"]
