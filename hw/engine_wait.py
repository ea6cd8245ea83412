"""The engine's waiting machinery: undecided tap-holds, possible combos, macros in a delay."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque

from .actions import DELAY, PERMISSIVE, PRESS, Combo, CompiledProfile, Plain, TapHoldAct
from .engine_state import INF, Group, HeldState, Out, Record

MAX_WAITING = 1024  # input events held behind an undecided key or a running macro


class TapHold:
    """An undecided tap-hold key; `idx` and `seen` carry the scan of waiting events."""

    __slots__ = ("act", "code", "deadline", "idx", "seen", "t")

    def __init__(self, code: int, act: TapHoldAct, t: float) -> None:
        self.code, self.act, self.t, self.deadline = code, act, t, t + act.timeout
        self.idx = 0
        self.seen: set[int] = set()


class ComboWait:
    """Keys that may still complete a combo: pressed so far, combos still possible."""

    __slots__ = ("best", "deadline", "idx", "keys", "t", "viable")

    def __init__(self, code: int, t: float, viable: list[Combo]) -> None:
        self.t, self.keys, self.viable, self.idx = t, [code], viable, 0
        self.deadline = t + max(c.timeout for c in viable)
        self.best: tuple[Combo, int] | None = None


class MacroRun:
    """A macro waiting out a delay: resume at `ops[pos]` at time `deadline`."""

    __slots__ = ("deadline", "ops", "pos")

    def __init__(self, ops: tuple[tuple[int, int], ...], at: float) -> None:
        self.ops, self.pos, self.deadline = ops, 0, at


Pending = TapHold | ComboWait | MacroRun


class Waiting(HeldState, ABC):
    """Input held back while a key is undecided or a macro runs, replayed in order once decided."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        super().__init__(profile)
        self._down: dict[int, Record] = {}   # input code -> what its press did
        self._queue: deque[tuple[int, int, float]] = deque()
        self._pending: Pending | None = None
        self._nocombo: set[int] = set()      # keys that fell back from a combo, replaying

    @abstractmethod
    def _process(self, code: int, value: int, t: float, now: float, out: Out) -> None:
        """Run one event that nothing is waiting in front of (the Engine defines it)."""

    @abstractmethod
    def _press(self, act: Plain, t: float, now: float, out: Out) -> Record:
        """Do what pressing `act` does; return the record its release undoes (the Engine defines it)."""

    def next_deadline(self) -> float | None:
        """When advance() must next be called, on the caller's clock; None when no timer."""
        if self._pending is not None:
            return self._pending.deadline
        if self._shots:
            deadline = min(s.deadline for s in self._shots)
            return deadline if deadline < INF else None
        return None

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
        if type(pending) is TapHold:
            assert isinstance(pending, TapHold)
            return self._decide_tap_hold(pending, now, out)
        if type(pending) is ComboWait:
            assert isinstance(pending, ComboWait)
            return self._decide_combo(pending, now, out)
        assert isinstance(pending, MacroRun)
        while pending.deadline <= now:
            if self._macro_run(pending, out):
                self._pending = None
                return True
        return False

    def _macro_run(self, macro: MacroRun, out: Out) -> bool:
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

    def _decide_tap_hold(self, p: TapHold, now: float, out: Out) -> bool:
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

    def _decide_combo(self, p: ComboWait, now: float, out: Out) -> bool:
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

    def _combo_fail(self, p: ComboWait, now: float, out: Out) -> bool:
        """No combo: fire the best complete one, or let each key act alone, in order."""
        if p.best is not None:
            return self._combo_fire(p, p.best[0], p.best[1], now, out)
        self._pending = None
        self._nocombo.update(p.keys)
        self._queue.appendleft((p.keys[0], 1, p.t))
        return True

    def _combo_fire(self, p: ComboWait, combo: Combo, last: int, now: float, out: Out) -> bool:
        """The combo happened at waiting event `last`; earlier others replay before it."""
        self._pending = None
        members = combo.keys
        t = p.t
        for _ in range(last + 1):
            code, value, t = self._queue.popleft()
            if not (value == 1 and code in members):
                self._process(code, value, t, now, out)
        group = Group(self._press(combo.action, t, now, out))
        for code in members:
            self._down[code] = group
        return True
