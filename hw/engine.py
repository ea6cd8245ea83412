"""The pure remapping engine: input events and a caller's clock in, output events out."""

from __future__ import annotations

from collections import deque

from .actions import (
    DELAY,
    PERMISSIVE,
    PRESS,
    Combo,
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

Out = list[tuple[int, int]]
INF = float("inf")
MAX_WAITING = 1024  # input events held behind an undecided key or a running macro


class _Shot:
    """A one-shot in flight; it is also the record of the key that pressed it."""

    __slots__ = ("act", "deadline", "held", "used")

    def __init__(self, act: OneShotAct, deadline: float) -> None:
        self.act, self.deadline, self.held, self.used = act, deadline, True, False


class _Group:
    """The shared record of a combo's keys: the first release undoes the action."""

    __slots__ = ("done", "rec")

    def __init__(self, rec: Record) -> None:
        self.rec, self.done = rec, False


Record = Plain | _Shot | _Group


class _TapHold:
    """An undecided tap-hold key; `idx` and `seen` carry the scan of waiting events."""

    __slots__ = ("act", "code", "deadline", "idx", "seen", "t")

    def __init__(self, code: int, act: TapHoldAct, t: float) -> None:
        self.code, self.act, self.t, self.deadline = code, act, t, t + act.timeout
        self.idx = 0
        self.seen: set[int] = set()


class _ComboWait:
    """Keys that may still complete a combo: pressed so far, combos still possible."""

    __slots__ = ("best", "deadline", "idx", "keys", "t", "viable")

    def __init__(self, code: int, t: float, viable: list[Combo]) -> None:
        self.t, self.keys, self.viable, self.idx = t, [code], viable, 0
        self.deadline = t + max(c.timeout for c in viable)
        self.best: tuple[Combo, int] | None = None


class _Macro:
    """A macro waiting out a delay: resume at `ops[pos]` at time `deadline`."""

    __slots__ = ("deadline", "ops", "pos")

    def __init__(self, ops: tuple[tuple[int, int], ...], at: float) -> None:
        self.ops, self.pos, self.deadline = ops, 0, at


Pending = _TapHold | _ComboWait | _Macro


class Engine:
    """One keyboard's remapping state machine; time is whatever clock the caller passes (ms)."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        self._profile = profile
        self._maps = profile.layers if profile else ()
        self._combos = profile.combos_by_key if profile else {}
        self._bottom = 0
        self._stack: list[int] = []
        self._count: dict[int, int] = {}     # output code -> how many presses hold it down
        self._down: dict[int, Record] = {}   # input code -> what its press did
        self._queue: deque[tuple[int, int, float]] = deque()
        self._pending: Pending | None = None
        self._shots: list[_Shot] = []
        self._nocombo: set[int] = set()      # keys that fell back from a combo, replaying
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

    def next_deadline(self) -> float | None:
        """When advance() must next be called, on the caller's clock; None when no timer."""
        if self._pending is not None:
            return self._pending.deadline
        if self._shots:
            deadline = min(s.deadline for s in self._shots)
            return deadline if deadline < INF else None
        return None

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
                    self._pending = _ComboWait(code, t, viable)
                    return
            act = self._lookup(code)
            if type(act) is TapHoldAct:
                self._pending = _TapHold(code, act, t)
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
            macro = _Macro(act.ops, now)
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
            shot = _Shot(act, t + self._profile.oneshot_ms)
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
        elif tp is _Group:
            assert isinstance(rec, _Group)
            if not rec.done:
                rec.done = True
                self._release(rec.rec, t, out)
        elif tp is _Shot:
            assert isinstance(rec, _Shot) and self._profile is not None
            rec.held = False
            if rec.used:
                self._end_shot(rec, out)
            else:  # a tap: armed for the next key, for oneshot_ms from now
                rec.deadline = t + self._profile.oneshot_ms

    def _repeat(self, rec: Record | None, out: Out) -> None:
        if type(rec) is _Group:
            assert isinstance(rec, _Group)
            rec = None if rec.done else rec.rec
        if type(rec) is KeyAct:
            assert isinstance(rec, KeyAct)
            if rec.rep >= 0 and rec.rep in self._count:
                out.append((rec.rep, 2))

    def _out_down(self, code: int, out: Out) -> None:
        n = self._count.get(code, 0)
        self._count[code] = n + 1
        if not n:
            out.append((code, 1))

    def _out_up(self, code: int, out: Out) -> None:
        n = self._count.get(code)
        if n == 1:
            del self._count[code]
            out.append((code, 0))
        elif n:
            self._count[code] = n - 1

    def _drop_layer(self, layer: int) -> bool:
        """Remove the topmost entry of `layer` from the stack; whether there was one."""
        stack = self._stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] == layer:
                del stack[i]
                return True
        return False

    # --- one-shots ----------------------------------------------------------------------

    def _after_press(self, out: Out) -> None:
        """A key was pressed: held one-shots become plain held ones, armed ones end."""
        for shot in list(self._shots):
            if shot.held:
                shot.used, shot.deadline = True, INF
            else:
                self._end_shot(shot, out)

    def _end_shot(self, shot: _Shot, out: Out) -> None:
        self._shots.remove(shot)
        if shot.act.layer >= 0:
            self._drop_layer(shot.act.layer)
        for c in reversed(shot.act.codes):
            self._out_up(c, out)

    def _expire_shots(self, now: float, out: Out) -> None:
        for shot in list(self._shots):
            if shot.deadline <= now:
                if shot.held:  # held past its time: a plain held modifier or layer
                    shot.used, shot.deadline = True, INF
                else:
                    self._end_shot(shot, out)

    # --- waiting: tap-hold, combos, macros ----------------------------------------------

    def _advance(self, now: float, out: Out) -> None:
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            if self._pending is not None:
                self._run(deadline, out)
            else:
                self._expire_shots(deadline, out)

    def _run(self, now: float, out: Out) -> None:
        """Decide what can be decided at `now`, replaying waiting events in input order."""
        queue = self._queue
        while True:
            pending = self._pending
            if pending is not None:
                if not self._decide(pending, now, out):
                    return
                continue
            if not queue:
                break
            code, value, t = queue.popleft()
            if self._shots:
                self._expire_shots(t, out)
            self._process(code, value, t, now, out)
        if self._shots:
            self._expire_shots(now, out)

    def _decide(self, pending: Pending, now: float, out: Out) -> bool:
        if type(pending) is _TapHold:
            assert isinstance(pending, _TapHold)
            return self._decide_tap_hold(pending, now, out)
        if type(pending) is _ComboWait:
            assert isinstance(pending, _ComboWait)
            return self._decide_combo(pending, now, out)
        assert isinstance(pending, _Macro)
        while pending.deadline <= now:
            if self._macro_run(pending, out):
                self._pending = None
                return True
        return False

    def _macro_run(self, macro: _Macro, out: Out) -> bool:
        """Run a macro's ops up to its next delay; whether it finished."""
        ops, i = macro.ops, macro.pos
        while i < len(ops):
            code, value = ops[i]
            i += 1
            if value == DELAY:
                macro.pos, macro.deadline = i, macro.deadline + code
                return False
            if value:
                self._out_down(code, out)
            else:
                self._out_up(code, out)
        return True

    def _decide_tap_hold(self, p: _TapHold, now: float, out: Out) -> bool:
        queue, act, i = self._queue, p.act, p.idx
        hold: bool | None = None
        while i < len(queue):
            code, value, t = queue[i]
            i += 1
            if t >= p.deadline:
                hold = True
            elif code == p.code:
                if value == 0:
                    hold = False
            elif value == 1:
                if act.mode == PRESS:
                    hold = True
                elif act.mode == PERMISSIVE:
                    p.seen.add(code)
            elif value == 0 and code in p.seen:
                hold = True
            if hold is not None:
                break
        p.idx = i
        if hold is None:
            if now < p.deadline:
                return False
            hold = True
        self._pending = None
        self._down[p.code] = self._press(act.hold if hold else act.tap, p.t, now, out)
        return True

    def _decide_combo(self, p: _ComboWait, now: float, out: Out) -> bool:
        queue, i = self._queue, p.idx
        while i < len(queue):
            code, value, t = queue[i]
            viable = [c for c in p.viable if t < p.t + c.timeout]
            if not viable:
                return self._combo_fail(p, now, out)
            if value == 1:
                viable = [c for c in viable if code in c.keys]
                if not viable:
                    return self._combo_fail(p, now, out)
                p.keys.append(code)
                full = [c for c in viable if len(c.keys) == len(p.keys)]
                if full and len(full) == len(viable):
                    return self._combo_fire(p, full[0], i, now, out)
                if full:  # a bigger combo may still complete; keep this one in hand
                    p.best = (full[0], i)
                p.deadline = p.t + max(c.timeout for c in viable)
            elif value == 0 and code in p.keys:
                return self._combo_fail(p, now, out)
            p.viable = viable
            i += 1
        p.idx = i
        if now < p.deadline:
            return False
        return self._combo_fail(p, now, out)

    def _combo_fail(self, p: _ComboWait, now: float, out: Out) -> bool:
        """No combo: fire the best complete one, or let each key act alone, in order."""
        if p.best is not None:
            return self._combo_fire(p, p.best[0], p.best[1], now, out)
        self._pending = None
        self._nocombo.update(p.keys)
        self._queue.appendleft((p.keys[0], 1, p.t))
        return True

    def _combo_fire(self, p: _ComboWait, combo: Combo, last: int, now: float, out: Out) -> bool:
        """The combo happened at waiting event `last`; earlier others replay before it."""
        self._pending = None
        members = combo.keys
        t = p.t
        for _ in range(last + 1):
            code, value, t = self._queue.popleft()
            if not (value == 1 and code in members):
                self._process(code, value, t, now, out)
        group = _Group(self._press(combo.action, t, now, out))
        for code in members:
            self._down[code] = group
        return True
