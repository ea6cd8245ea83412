"""The evdev event vocabulary the loop speaks, defined once: event types, codes, key values."""
from __future__ import annotations

from .engine.keys import ACTIONS, PRESS, RELEASE, REPEAT, action_name, code_of

EV_SYN, EV_KEY, EV_REL, EV_MSC, EV_LED = 0x00, 0x01, 0x02, 0x04, 0x11
SYN_REPORT, SYN_DROPPED = 0, 3

# Backspace + Escape + Enter, as keyd has it; checked on raw input
PANIC_NAMES = ("backspace", "esc", "enter")
PANIC_KEYS = frozenset(code_of(name) for name in PANIC_NAMES)

__all__ = ["ACTIONS", "EV_KEY", "EV_LED", "EV_MSC", "EV_REL", "EV_SYN", "PANIC_KEYS", "PANIC_NAMES",
           "PRESS", "RELEASE", "REPEAT", "SYN_DROPPED", "SYN_REPORT", "action_name"]
