"""Bringing a keyboard back in line with the kernel's key state, when what it read is no longer
the whole story: after SYN_DROPPED (the kernel lost events) and after the machine slept.

Used by the loop thread only, on a `Keyboard`'s own methods.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .keyboard import Keyboard

log = logging.getLogger("keyrx.hw")


def resync(kb: Keyboard, now: float) -> None:
    """After SYN_DROPPED: release what went up and press what went down meanwhile, as input."""
    actual = set(kb.active_keys())
    log.warning("device %s dropped events; resynchronising", kb.info.id)
    for code in sorted(kb.down - actual):
        kb.key(code, 0, now)
    for code in sorted(actual - kb.down):
        kb.key(code, 1, now)


def after_sleep(kb: Keyboard, now: float) -> None:
    """The machine slept: drop what the engine holds or waits for (toggles stay, with the modifiers
    they hold), release the output, and take the kernel's key state as what is held now (their releases do nothing)."""
    kb.pending.clear()
    kb.dropping = False
    kb.emit(kb.engine.cancel(now))
    if kb.out is not None:
        kb.out.release_held()
        kb.emit([(code, 1) for code in kb.engine.held()])  # the modifiers toggled layers hold
        kb.out.syn()
    kb.layers_changed()
    kb.down = set(kb.active_keys()) if kb.grabbed else set()


__all__ = ["after_sleep", "resync"]
