"""A mouse click as "another key" for the keyboard engines it does not go through.

A click on a mouse KeyRx reads settles what another key's press would: `click_down` (before the
click goes out) decides an undecided `press` or `permissive` tap-hold as its hold, so a home-row
Shift held while clicking gives a shift-click without waiting for the timeout; `click_done` (after
it went out) ends armed one-shots and turns held ones into plain held modifiers, as a key would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import PERMISSIVE, PRESS
from .state import Out
from .taphold import HOLD, TapHold

if TYPE_CHECKING:
    from .engine import Engine


def click_down(e: Engine, now: float) -> Out:
    """A mouse button went down: an undecided press/permissive tap-hold becomes its hold.

    A nested tap-hold that the hold starts, and a tap-hold pressed before the click that waited
    behind this one, see the click too; each hold is pressed as the engine presses any decision,
    through caps word and the tap family's press history on its slow path."""
    out: Out = []
    pending = e.pending
    while type(pending) is TapHold and pending.act.mode in (PRESS, PERMISSIVE):
        e.pending = None
        e.settle(pending, HOLD, now, out)
        e._run(now, out)  # the input that waited behind it, in order
        pending = e.pending  # pressed before the click, so the click comes after it too
    return out


def click_done(e: Engine, now: float) -> Out:
    """The click went out: one-shots treat it as the next key."""
    out: Out = []
    if e.shots:
        e.oneshots.after_press(out)
    return out


__all__ = ["click_down", "click_done"]
