"""The remapping engine: input events and a caller's clock in, output events out.

`Engine` holds its parts (keymap, held output, layers, one-shots) and the input waiting behind
an undecided key; the pure tap-hold and combo deciders say what to do, the engine does it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from .actions import (
    CompiledProfile,
    KeyAct,
    LayerAct,
    MacroAct,
    NullAct,
    OneShotAct,
    SwitchAct,
    TapHoldAct,
    ToggleAct,
)
from .cancel import cancel
from .combos import ComboWait, Fire, decide_combo
from .keymap import Keymap
from .macros import MacroRun, run_macro
from .state import INF, Group, HeldOutput, Layers, OneShots, Out, Record, Shot
from .taphold import HOLD, TapHold, Waiting, decide_tap_hold

MAX_WAITING = 1024  # input events held behind an undecided key or a running macro

Pending = TapHold | ComboWait | MacroRun
"""What the waiting input is held behind: an undecided key, or a macro in a delay."""


class Engine:
    """One keyboard's remapping state machine; time is whatever clock the caller passes (ms)."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        self._keymap = Keymap(profile)
        self._output = HeldOutput()
        self._layers = Layers()
        self._oneshots = OneShots(self._output, self._layers)
        self._down: dict[int, Record] = {}  # input code -> what its press did
        self._waiting: Waiting = deque()    # input held behind `_pending`, in order
        self._pending: Pending | None = None
        self._nocombo: set[int] = set()     # keys that fell back from a combo, replaying
        # The same objects as the parts' own, bound here for the hot path.
        self._count, self._stack, self._shots = self._output.count, self._layers.stack, self._oneshots.live

    # --- the interface the loop and the simulator use ---------------------------------

    def feed(self, code: int, value: int, now_ms: float) -> Out:
        """Process one input event (1 press, 0 release, 2 autorepeat); return the output."""
        out: Out = []
        if self._pending is not None or self._shots:
            deadline = self.next_deadline()
            if deadline is not None and deadline <= now_ms:
                self._advance(now_ms, out)
            if self._pending is not None:
                self._waiting.append((code, value, now_ms))
                if len(self._waiting) > MAX_WAITING:
                    # Bound the memory and the replay: decide now, as if the time were up.
                    self._pending.deadline = -INF
                self._run(now_ms, out)
                return out
        keymap = self._keymap
        if value == 1 and code not in keymap.combos and code not in self._down and \
                not self._stack:
            act = keymap.maps[self._layers.bottom].get(code)
            if act is None:
                act = keymap.passthru.get(code) or keymap.plain(code)
            if type(act) is KeyAct:  # the hot path: a plain key or chord
                count = self._count
                for c in act.codes:
                    n = count.get(c, 0)
                    count[c] = n + 1
                    if not n:
                        out.append((c, 1))
                self._down[code] = act
                if self._shots:
                    self._oneshots.after_press(out)
                return out
        elif value == 0:  # a release never starts a wait
            rec = self._down.pop(code, None)
            if rec is not None:
                _RELEASE[type(rec)](self, rec, now_ms, out)
            return out
        self._process(code, value, now_ms, now_ms, out)
        if self._pending is not None:
            self._run(now_ms, out)
        return out

    def advance(self, now_ms: float) -> Out:
        """Fire every timer due at or before now_ms, each at its own time, in order."""
        out: Out = []
        self._advance(now_ms, out)
        return out

    def next_deadline(self) -> float | None:
        """When advance() must next be called, on the caller's clock; None when no timer."""
        if self._pending is not None:
            return self._pending.deadline
        return self._oneshots.deadline() if self._shots else None

    def set_profile(self, profile: CompiledProfile | None, now_ms: float) -> Out:
        """Release what the old mapping pressed, forget pending input, then use `profile`."""
        out = self.release_all(now_ms)
        self._keymap = Keymap(profile)
        return out

    def release_all(self, now_ms: float) -> Out:
        """Release every output held (latest first) and drop pending input and layer state."""
        out = self._output.release_all()
        self._down.clear()
        self._waiting.clear()
        self._pending = None
        self._shots.clear()
        self._layers.reset()
        self._nocombo.clear()
        return out

    cancel = cancel  # (now_ms) -> Out: every key up at once, pending input dropped, toggles stay

    def layers(self) -> list[str]:
        """The active layer stack by name, bottom (base or the switched-to layer) first."""
        return self._keymap.layer_names(self._layers)

    def held(self) -> frozenset[int]:
        """Output codes currently down."""
        return self._output.codes()

    # --- events nothing waits in front of ----------------------------------------------

    def _process(self, code: int, value: int, t: float, now: float, out: Out) -> None:
        """Run one event that nothing is waiting in front of."""
        if value == 1:
            if code in self._down:
                return
            if code in self._nocombo:
                self._nocombo.discard(code)
            elif code in self._keymap.combos:
                viable = self._keymap.combos_for(code, self._layers)
                if viable:
                    self._pending = ComboWait(code, t, viable)
                    return
            act = self._keymap.lookup(code, self._layers)
            if type(act) is TapHoldAct:
                self._pending = TapHold(code, act, t)
                return
            self._down[code] = _PRESS[type(act)](self, act, t, now, out)
        elif value == 0:
            rec = self._down.pop(code, None)
            if rec is not None:
                _RELEASE[type(rec)](self, rec, t, out)
        elif value == 2:
            rec = self._down.get(code)
            if type(rec) is Group:
                rec = None if rec.done else rec.rec
            if type(rec) is KeyAct and rec.rep >= 0 and rec.rep in self._count:
                out.append((rec.rep, 2))

    def _press_key(self, act: KeyAct, t: float, now: float, out: Out) -> Record:
        press = self._output.press
        for c in act.codes:
            press(c, out)
        if self._shots:
            self._oneshots.after_press(out)
        return act

    def _press_macro(self, act: MacroAct, t: float, now: float, out: Out) -> Record:
        macro = MacroRun(act.ops, now)
        if not run_macro(macro, self._output, out):
            self._pending = macro
        if self._shots:
            self._oneshots.after_press(out)
        return act

    def _press_null(self, act: NullAct, t: float, now: float, out: Out) -> Record:
        if self._shots:
            self._oneshots.after_press(out)
        return act

    def _press_layer(self, act: LayerAct, t: float, now: float, out: Out) -> Record:
        self._stack.append(act.layer)
        return act

    def _press_toggle(self, act: ToggleAct, t: float, now: float, out: Out) -> Record:
        self._layers.toggle(act.layer)
        return act

    def _press_switch(self, act: SwitchAct, t: float, now: float, out: Out) -> Record:
        self._layers.bottom = act.layer
        return act

    def _press_oneshot(self, act: OneShotAct, t: float, now: float, out: Out) -> Record:
        return self._oneshots.start(act, t + self._keymap.oneshot_ms(), out)

    def _release_key(self, rec: KeyAct, t: float, out: Out) -> None:
        release = self._output.release
        for c in rec.rcodes:
            release(c, out)

    def _release_layer(self, rec: LayerAct, t: float, out: Out) -> None:
        self._layers.drop(rec.layer)

    def _release_group(self, rec: Group, t: float, out: Out) -> None:
        if not rec.done:
            rec.done = True
            _RELEASE[type(rec.rec)](self, rec.rec, t, out)

    def _release_shot(self, rec: Shot, t: float, out: Out) -> None:
        self._oneshots.release(rec, t + self._keymap.oneshot_ms(), out)

    def _release_nothing(self, rec: Record, t: float, out: Out) -> None:
        """Releasing a null, toggle, switch or macro key does nothing."""

    # --- input waiting behind an undecided key or a macro ------------------------------

    def _advance(self, now: float, out: Out) -> None:
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            if self._pending is not None:
                self._run(deadline, out)
            else:
                self._oneshots.expire(deadline, out)

    def _run(self, now: float, out: Out) -> None:
        """Decide what can be decided at `now`, replaying waiting events in input order."""
        waiting = self._waiting
        while True:
            pending = self._pending
            if pending is not None:
                if not self._decide(pending, now, out):
                    return
                continue
            if not waiting:
                break
            code, value, t = waiting.popleft()
            if self._shots:
                self._oneshots.expire(t, out)
            self._process(code, value, t, now, out)
        if self._shots:
            self._oneshots.expire(now, out)

    def _decide(self, pending: Pending, now: float, out: Out) -> bool:
        """Apply what can be decided about `pending` at `now`; whether it was."""
        if type(pending) is TapHold:
            decision = decide_tap_hold(pending, self._waiting, now)
            if decision is None:
                return False
            self._pending = None
            act = pending.act.hold if decision is HOLD else pending.act.tap
            self._down[pending.code] = _PRESS[type(act)](self, act, pending.t, now, out)
            return True
        if type(pending) is ComboWait:
            verdict = decide_combo(pending, self._waiting, now)
            if verdict is None:
                return False
            self._pending = None
            if type(verdict) is Fire:
                self._fire(pending, verdict, now, out)
            else:  # each key acts alone, the first one now, without looking for a combo
                self._nocombo.update(pending.keys)
                self._waiting.appendleft((pending.keys[0], 1, pending.t))
            return True
        assert isinstance(pending, MacroRun)
        while pending.deadline <= now:
            if run_macro(pending, self._output, out):
                self._pending = None
                return True
        return False

    def _fire(self, p: ComboWait, fire: Fire, now: float, out: Out) -> None:
        """The combo happened at waiting event `fire.last`; earlier others replay before it."""
        members = fire.combo.keys
        t = p.t
        for _ in range(fire.last + 1):
            code, value, t = self._waiting.popleft()
            if not (value == 1 and code in members):
                self._process(code, value, t, now, out)
        action = fire.combo.action
        group = Group(_PRESS[type(action)](self, action, t, now, out))
        for code in members:
            self._down[code] = group


_PRESS: dict[type, Callable[[Engine, Any, float, float, Out], Record]] = {
    KeyAct: Engine._press_key, MacroAct: Engine._press_macro, NullAct: Engine._press_null,
    LayerAct: Engine._press_layer, ToggleAct: Engine._press_toggle,
    SwitchAct: Engine._press_switch, OneShotAct: Engine._press_oneshot,
}
"""What pressing each kind of action does, by its type (one dict look-up, no ladder)."""

_RELEASE: dict[type, Callable[[Engine, Any, float, Out], None]] = {
    KeyAct: Engine._release_key, LayerAct: Engine._release_layer, Group: Engine._release_group,
    Shot: Engine._release_shot, MacroAct: Engine._release_nothing, NullAct: Engine._release_nothing,
    ToggleAct: Engine._release_nothing, SwitchAct: Engine._release_nothing,
}
"""What releasing a key does, by the type of the record its press left."""
