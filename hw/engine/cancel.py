"""Cancelling what an engine holds, short of its layer toggles: for when the machine slept.

After a suspend every key is up and no timer means anything any more, but a toggled or
switched layer is a choice the user made and stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .state import Out

if TYPE_CHECKING:
    from .engine import Engine


def cancel(engine: Engine, now_ms: float) -> Out:
    """Drop pending input and a running macro, release every held key as its release would
    (held layers end), end every one-shot, then release whatever output is still down."""
    from .engine import _RELEASE  # the engine's own release of each record kind

    e = engine
    e._pending = None
    e._waiting.clear()
    e._nocombo.clear()
    out: Out = []
    while e._down:
        rec = e._down.pop(next(iter(e._down)))
        _RELEASE[type(rec)](e, rec, now_ms, out)
    for shot in list(e._shots):
        e._oneshots.end(shot, out)
    return out + e._output.release_all()


__all__ = ["cancel"]
