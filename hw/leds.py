"""The layer LED: a keyboard light that shows a layer above base is active (profile `layer_led`).

The desktop's own LED state (what it writes to our output device) is remembered, so the light
goes back to what the desktop wants when the layer ends, the profile changes or the keyboard is
released; while the layer light is on, the desktop's writes to that LED wait.
"""
from __future__ import annotations

import logging

from .ecodes import EV_LED, EV_SYN, SYN_REPORT
from .errors import HwError
from .ports import Source

log = logging.getLogger("keyrx.hw")


class LayerLed:
    """One keyboard's layer light, written into its source."""

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
        self._write(self.code, 1 if on else self.host.get(self.code, 0))

    def from_host(self, code: int, value: int) -> bool:
        """The desktop set an LED: whether to pass it to the keyboard now."""
        self.host[code] = value
        return not (self.lit and code == self.code)

    def _write(self, code: int, value: int) -> None:
        try:
            self._source.write(EV_LED, code, value)
            self._source.write(EV_SYN, SYN_REPORT, 0)
        except HwError as exc:  # the keyboard is going away; its read will say so
            log.info("layer LED: %s", exc)


__all__ = ["LayerLed"]
