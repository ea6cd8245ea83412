"""The pure remapping engine: input events and a caller's clock in, output events out."""

from __future__ import annotations

from .actions import (
    CompiledProfile,
    KeyAct,
    LayerAct,
    MacroAct,
    OneShotAct,
    Plain,
    SwitchAct,
    TapHoldAct,
    ToggleAct,
    key_act,
)
from .engine_state import INF, Group, Out, Record, Shot
from .engine_wait import MAX_WAITING, ComboWait, MacroRun, TapHold, Waiting


class Engine(Waiting):
    """One keyboard's remapping state machine; time is whatever clock the caller passes (ms)."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        super().__init__(profile)
        self._maps = profile.layers if profile else ()
        self._combos = profile.combos_by_key if profile else {}
        self._passthru: dict[int, KeyAct] = {}

    # --- the interface the loop and the simulator use ---------------------------------

    def feed(self, code: int, value: int, now_ms: float) -> Out:
        """Process one input event (1 press, 0 release, 2 autorepeat); return the output."""
        out: Out = []
        if self._pending is not None or self._shots:
            deadline = self.next_deadline()
            if deadline is not None and deadline <= now_ms:
                self._advance(now_ms, out)
            if self._pending is not None:
                self._queue.append((code, value, now_ms))
                if len(self._queue) > MAX_WAITING:
                    # Bound the memory and the replay: decide now, as if the time were up.
                    self._pending.deadline = -INF
                self._run(now_ms, out)
                return out
        if value == 1 and code not in self._combos and code not in self._down and \
                not self._stack:
            act = self._maps[self._bottom].get(code) if self._maps else None
            if act is None:
                act = self._passthru.get(code) or self._pass(code)
            if type(act) is KeyAct:  # the hot path: a plain key or chord
                count = self._count
                for c in act.codes:
                    n = count.get(c, 0)
                    count[c] = n + 1
                    if not n:
                        out.append((c, 1))
                self._down[code] = act
                if self._shots:
                    self._after_press(out)
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


    def set_profile(self, profile: CompiledProfile | None, now_ms: float) -> Out:
        """Release what the old mapping pressed, forget pending input, then use `profile`."""
        out = self.release_all(now_ms)
        self._profile = profile
        self._maps = profile.layers if profile else ()
        self._combos = profile.combos_by_key if profile else {}
        self._passthru.clear()
        return out

    def release_all(self, now_ms: float) -> Out:
        """Release every output held (latest first) and drop pending input and layer state."""
        out: Out = [(c, 0) for c in reversed(self._count)]
        self._count.clear()
        self._down.clear()
        self._queue.clear()
        self._pending = None
        self._shots.clear()
        self._stack.clear()
        self._nocombo.clear()
        self._bottom = 0
        return out

    def layers(self) -> list[str]:
        """The active layer stack by name, bottom (base or the switched-to layer) first."""
        if self._profile is None:
            return ["base"]
        names = self._profile.layer_names
        return [names[self._bottom]] + [names[i] for i in self._stack]

    def held(self) -> frozenset[int]:
        """Output codes currently down."""
        return frozenset(self._count)

    # --- event processing ------------------------------------------------------------

    def _pass(self, code: int) -> KeyAct:
        act = self._passthru[code] = key_act((code,))
        return act

    def _lookup(self, code: int) -> Plain | TapHoldAct:
        maps = self._maps
        if maps:
            for layer in reversed(self._stack):
                act = maps[layer].get(code)
                if act is not None:
                    return act
            act = maps[self._bottom].get(code)
            if act is not None:
                return act
        return self._passthru.get(code) or self._pass(code)

    def _process(self, code: int, value: int, t: float, now: float, out: Out) -> None:
        """Run one event that nothing is waiting in front of."""
        if value == 1:
            if code in self._down:
                return
            if code in self._nocombo:
                self._nocombo.discard(code)
            elif code in self._combos:
                top = self._stack[-1] if self._stack else self._bottom
                viable = [c for c in self._combos[code] if c.layers is None or top in c.layers]
                if viable:
                    self._pending = ComboWait(code, t, viable)
                    return
            act = self._lookup(code)
            if type(act) is TapHoldAct:
                self._pending = TapHold(code, act, t)
                return
            assert not isinstance(act, TapHoldAct)
            self._down[code] = self._press(act, t, now, out)
        elif value == 0:
            rec = self._down.pop(code, None)
            if rec is not None:
                self._release(rec, t, out)
        elif value == 2:
            self._repeat(self._down.get(code), out)

    def _press(self, act: Plain, t: float, now: float, out: Out) -> Record:
        """Do what pressing `act` does; return the record its release undoes."""
        tp = type(act)
        if tp is KeyAct:
            assert isinstance(act, KeyAct)
            for c in act.codes:
                self._out_down(c, out)
        elif tp is MacroAct:
            assert isinstance(act, MacroAct)
            macro = MacroRun(act.ops, now)
            if not self._macro_run(macro, out):
                self._pending = macro
        elif tp is LayerAct:
            assert isinstance(act, LayerAct)
            self._stack.append(act.layer)
            return act
        elif tp is ToggleAct:
            assert isinstance(act, ToggleAct)
            if not self._drop_layer(act.layer):
                self._stack.append(act.layer)
            return act
        elif tp is SwitchAct:
            assert isinstance(act, SwitchAct)
            self._bottom = act.layer
            return act
        elif tp is OneShotAct:
            assert isinstance(act, OneShotAct) and self._profile is not None
            shot = Shot(act, t + self._profile.oneshot_ms)
            if act.layer >= 0:
                self._stack.append(act.layer)
            for c in act.codes:
                self._out_down(c, out)
            self._shots.append(shot)
            return shot
        if self._shots:
            self._after_press(out)
        return act

    def _release(self, rec: Record, t: float, out: Out) -> None:
        tp = type(rec)
        if tp is KeyAct:
            assert isinstance(rec, KeyAct)
            for c in rec.rcodes:
                self._out_up(c, out)
        elif tp is LayerAct:
            assert isinstance(rec, LayerAct)
            self._drop_layer(rec.layer)
        elif tp is Group:
            assert isinstance(rec, Group)
            if not rec.done:
                rec.done = True
                self._release(rec.rec, t, out)
        elif tp is Shot:
            assert isinstance(rec, Shot) and self._profile is not None
            rec.held = False
            if rec.used:
                self._end_shot(rec, out)
            else:  # a tap: armed for the next key, for oneshot_ms from now
                rec.deadline = t + self._profile.oneshot_ms

    def _repeat(self, rec: Record | None, out: Out) -> None:
        if type(rec) is Group:
            assert isinstance(rec, Group)
            rec = None if rec.done else rec.rec
        if type(rec) is KeyAct:
            assert isinstance(rec, KeyAct)
            if rec.rep >= 0 and rec.rep in self._count:
                out.append((rec.rep, 2))
