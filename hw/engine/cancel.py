"""Cancelling what an engine holds, short of its layer toggles: for when the machine slept.

After a suspend every key is up and no timer means anything any more, but a toggled or
switched layer is a choice the user made and stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .handlers import RELEASE
from .layerops import apply_control
from .state import Out

if TYPE_CHECKING:
    from .engine import Engine


def cancel(engine: Engine, now_ms: float) -> Out:
    """Drop pending input and a running macro, release every held key as its release would
    (held layers end, wheel and move keys stop), end every one-shot and caps word, forget the
    tap family's press history, then release whatever output is still down but the modifiers
    that toggled layers hold. Focus changes and layer operations waiting behind pending input are
    applied first: they are the desktop's state and the user's choices, not keys."""
    e = engine
    e.pending = None
    e.waiting.clear()
    e.nocombo.clear()
    out: Out = []
    while e.down:
        rec = e.down.pop(next(iter(e.down)))
        RELEASE[type(rec)](e, rec, now_ms, out)
    for shot in list(e.shots):
        e.oneshots.end(shot, out)
    e.motion.clear()
    while e.controls:  # focus changes and layer operations that waited behind a key still happen
        apply_control(e, e.controls.popleft(), out)
    e.slow = e.tapping.reset(e.keymap.profile)  # caps word ends; quick tap, prior idle, dances forget
    # What stays is toggled: those activations keep (or take back, if a dropped macro had
    # lifted them) the modifiers they hold; every other output goes up.
    keep: dict[int, int] = {}
    for a in e.active.stack:
        a.lifted.clear()
        for c in a.mods:
            keep[c] = keep.get(c, 0) + 1
    out += e.output.release_all(keep)
    for c, n in keep.items():
        if c not in e.output.count:
            e.output.press(c, out)
        e.output.count[c] = n
    return out


__all__ = ["cancel"]
