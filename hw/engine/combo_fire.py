"""A combo that fired: its keys consumed, the other input before it replayed, its action pressed."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .combos import ComboWait, Fire
from .handlers import Group, press_action
from .keymap import BOTTOM
from .state import Out
from .tapping import press

if TYPE_CHECKING:
    from .engine import Engine


def fire_combo(e: Engine, p: ComboWait, fire: Fire, now: float, out: Out) -> None:
    """The combo happened at waiting event `fire.last`; earlier others replay before it."""
    members = fire.combo.keys
    t = p.t
    for _ in range(fire.last + 1):
        code, value, t = e.waiting.popleft()
        if not (value == 1 and code in members):
            e._process(code, value, t, now, out)
        else:
            e.active.last_input = code
    action = fire.combo.action
    e.key, e.via = -1, BOTTOM
    e.tapping.prev = (-1, t)  # a combo: another key for quick tap and eager dances
    group = Group(press(e, action, t, now, out) if e.slow else press_action(e, action, t, now, out))
    for code in members:
        e.down[code] = group
