"""Mice as input: a `pointer` node the user enabled is a keyboard whose clicks the others see.

Such a node is taken like any keyboard (hw/keyboards.py): grabbed, its buttons remapped by its
profile like keys onto its own output (a clone that declares its buttons, motion and wheels, made
by the provider), its motion and wheel events passed through in the very frame they came in (never
paced, never published). `ClickingEngine` wraps its engine: a button press first settles every
other grabbed keyboard (`hw.engine.clicks.click_down`: an undecided press/permissive tap-hold becomes
its hold, written and framed before the click is), and `Clicks.done`, once the batch that held the
click went out, ends their armed one-shots (`click_done`). So a home-row shift held on the keyboard
and a click on the mouse give a shift-click at once. A node that is not enabled is never grabbed,
read or given an output. Imports: hw's own modules and the engine.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .engine import Engine
from .engine.clicks import click_done, click_down
from .kinds import BTN_JOYSTICK, BTN_MOUSE
from .native import now_ms
from .outbox import Happening, KeyStroke
from .ports import Out, Remapper

if TYPE_CHECKING:
    from .engine import CompiledProfile
    from .engine.layerops import Control
    from .keyboard import Keyboard



class ClickingEngine:
    """A mouse's engine: a button press is a click for the other keyboards before it is remapped."""

    def __init__(self, inner: Remapper, clicked: Callable[[float], None]) -> None:
        self.inner = inner
        self._clicked = clicked

    def feed(self, code: int, value: int, now_ms: float) -> Out:
        if value == 1 and BTN_MOUSE <= code < BTN_JOYSTICK:
            self._clicked(now_ms)
        return self.inner.feed(code, value, now_ms)

    def advance(self, now_ms: float) -> Out:
        return self.inner.advance(now_ms)

    def set_profile(self, profile: CompiledProfile | None, now_ms: float) -> Out:
        return self.inner.set_profile(profile, now_ms)

    def release_all(self, now_ms: float) -> Out:
        return self.inner.release_all(now_ms)

    def cancel(self, now_ms: float) -> Out:
        return self.inner.cancel(now_ms)

    def layers(self) -> list[str]:
        return self.inner.layers()

    def held(self) -> frozenset[int]:
        return self.inner.held()

    def next_deadline(self) -> float | None:
        return self.inner.next_deadline()

    def control(self, ctl: Control, now_ms: float) -> Out:
        return self.inner.control(ctl, now_ms)

    def layer_state(self) -> dict[str, Any]:
        return self.inner.layer_state()


def _engine(remapper: Remapper) -> Engine | None:
    """The language's engine behind a keyboard's remapper (another mouse's is wrapped)."""
    if isinstance(remapper, ClickingEngine):
        remapper = remapper.inner
    return remapper if isinstance(remapper, Engine) else None


class Clicks:
    """Hands a mouse's clicks to every other grabbed keyboard of the table, in two steps."""

    def __init__(self, by_id: dict[str, Keyboard], outbox: list[Happening]) -> None:
        self._by_id = by_id
        self._outbox = outbox
        self._waiting: dict[str, None] = {}  # keyboards that saw a click go down, until it went out

    def wrap(self, mouse_id: str, engine: Remapper) -> ClickingEngine:
        """The engine of the mouse `mouse_id`, its presses made clicks for the others."""
        return ClickingEngine(engine, lambda now: self.down(mouse_id, now))

    def down(self, mouse_id: str, now: float) -> None:
        """A button went down on the mouse: settle the others, their output framed before the click."""
        for kb in list(self._by_id.values()):
            engine = _engine(kb.engine) if kb.grabbed and kb.info.id != mouse_id else None
            if engine is not None:
                self._settle(kb, click_down(engine, now))
                self._waiting[kb.info.id] = None

    def done(self) -> None:
        """The click went out: the others' one-shots take it as their next key."""
        if not self._waiting:
            return
        now = now_ms()
        waiting, self._waiting = self._waiting, {}
        for dev_id in waiting:
            kb = self._by_id.get(dev_id)
            engine = _engine(kb.engine) if kb is not None and kb.grabbed else None
            if kb is not None and engine is not None:
                self._settle(kb, click_done(engine, now))

    def _settle(self, kb: Keyboard, out: Out) -> None:
        if out:
            kb.emit(out)
            if kb.out is not None:
                kb.out.syn()  # the keyboard's frame reaches the kernel before the mouse's
            if kb.key_events:
                self._outbox.append(KeyStroke(kb.info.id, None, 0, out))
        kb.layers_changed()


__all__ = ["ClickingEngine", "Clicks"]
