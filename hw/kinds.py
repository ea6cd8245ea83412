"""What an input node is, from its capabilities and identity: no I/O, no evdev.

`kind_of` sorts nodes with keys into keyboards, consumer-control (media keys) nodes, pointers
and the rest; `remapper_output` recognises the virtual keyboards other remappers create, which
KeyRx leaves alone unless told otherwise (remapping their output would remap keys twice).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .types import Kind

EV_KEY, EV_REL, EV_ABS = 0x01, 0x02, 0x03
LETTERS = frozenset((30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20,
                     22, 47, 17, 45, 21, 44))  # KEY_A .. KEY_Z
MIN_LETTERS = 20  # a keyboard has (nearly) all letters; media keys, power buttons, mice don't
BTN_MOUSE, BTN_JOYSTICK, BTN_TOUCH = 0x110, 0x120, 0x14A
# volume, mute, play/pause, next/previous, stop, media, mail, home page, calculator ...
CONSUMER = frozenset((113, 114, 115, 163, 164, 165, 166, 171, 172, 140, 155, 226))
KEYD_VENDOR = 0x0FAC


def kind_of(caps: Mapping[int, Sequence[Any]]) -> Kind | None:
    """The kind of a node from `capabilities()`; None when it has no keys at all."""
    keys = {k for k in caps.get(EV_KEY, []) if isinstance(k, int)}
    if not keys:
        return None
    if len(LETTERS & keys) >= MIN_LETTERS:
        return "keyboard"
    if any(BTN_MOUSE <= k < BTN_JOYSTICK for k in keys) or BTN_TOUCH in keys or \
            (EV_REL in caps and not keys - set(range(BTN_MOUSE, BTN_JOYSTICK))):
        return "pointer"
    if keys & CONSUMER:
        return "consumer"
    return "other"


def remapper_output(vendor: int, name: str, phys: str) -> str | None:
    """Why this node looks like another remapper's virtual keyboard, or None."""
    if vendor == KEYD_VENDOR:
        who = "keyd"
    elif name == "kanata":
        who = "kanata"
    elif name == "KMonad simulated keyboard":
        who = "KMonad"
    elif name.startswith("xremap"):
        who = "xremap"
    elif name.startswith("input-remapper") or phys.startswith("input-remapper"):
        who = "input-remapper"
    else:
        return None
    return (f"the output of another remapper ({who}): left alone so keys are not remapped twice; "
            "enable it to remap it anyway")


__all__ = ["BTN_JOYSTICK", "BTN_MOUSE", "kind_of", "remapper_output"]
