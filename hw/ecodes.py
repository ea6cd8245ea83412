"""The evdev event vocabulary the loop speaks, defined once: event types, codes, key values."""
from __future__ import annotations

EV_SYN, EV_KEY, EV_REL, EV_MSC, EV_LED = 0x00, 0x01, 0x02, 0x04, 0x11
SYN_REPORT, SYN_DROPPED = 0, 3
RELEASE, PRESS, REPEAT = 0, 1, 2  # the value of an EV_KEY event

# Backspace + Escape + Enter, as keyd has it; checked on raw input. Literal codes (KEY_BACKSPACE,
# KEY_ESC, KEY_ENTER), because the key names live in the engine and the engine must not depend on
# the loop's vocabulary; tests/hw/test_ecodes.py checks them against code_of().
PANIC_KEYS = frozenset({14, 1, 28})
PANIC_NAMES = ("backspace", "esc", "enter")

ACTIONS = {RELEASE: "release", PRESS: "press", REPEAT: "repeat"}
"""The name of a key event's value, as events and simulations spell it."""


def action_name(value: int) -> str:
    """`press`, `release` or `repeat` (the kernel's autorepeat is any value above 1)."""
    return ACTIONS.get(value, "repeat")


__all__ = ["ACTIONS", "EV_KEY", "EV_LED", "EV_MSC", "EV_REL", "EV_SYN", "PANIC_KEYS", "PANIC_NAMES",
           "PRESS", "RELEASE", "REPEAT", "SYN_DROPPED", "SYN_REPORT", "action_name"]
