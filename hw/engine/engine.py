"""The remapping engine: input events and a caller's clock in, output events out.

`Engine` holds its parts (keymap, held output, layers, one-shots) and the input waiting behind
an undecided key; the pure tap-hold and combo deciders say what to do, the engine does it, through
the per-action press and release handlers of `handlers`. Its attributes are read and changed by
those handlers; nothing outside this package touches them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from .actions import CompiledProfile, KeyAct, MacroAct, TapHoldAct
from .apps import Focus
from .cancel import cancel
from .combo_fire import fire_combo
from .combos import ComboWait, Fire, decide_combo
from .handlers import RELEASE, Record, press_action, press_key, remember_keys, repeat_key
from .keymap import BOTTOM, Keymap
from .layerops import CONTROL, Control, apply_control, control, layer_state, refresh_apps
from .layers import Layers
from .leader import LeaderRead, decide_leader
from .macros import MacroRun, run_macro
from .oneshots import OneShots
from .pointer import Motion
from .state import INF, HeldOutput, Out
from .tapdance import DanceWait, decide_dance
from .taphold import HOLD, Hold, Tap, TapHold, Waiting, decide_tap_hold
from .tapping import Tapping, press_input, settle_dance, settle_leader, settle_tap_hold

SETTLE: dict[type, tuple[Callable[[Any, Waiting, float], int | None],
                         Callable[[Engine, Any, int, float, Out], None]]] = {}
"""Pending kinds decided by a pure decider and settled by the tap family: type -> (decide, settle)."""

MAX_WAITING = 1024  # input events held behind an undecided key or a running macro

Pending = TapHold | ComboWait | MacroRun | DanceWait | LeaderRead
"""What the waiting input is held behind: an undecided key, a macro in a delay, a leader reading."""


class Engine:
    """One keyboard's remapping state machine; time is whatever clock the caller passes (ms)."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        self.keymap: Keymap  # set by _use, with the profile's other settings
        self.output = HeldOutput()
        self.active = Layers(self.output)
        self.oneshots = OneShots(self.output, self.active)
        self.key = -1       # the input key of the press being handled (-1: decided by a combo or tap-hold)
        self.via = BOTTOM   # the layer that press was resolved through
        self.last: KeyAct | MacroAct | None = None  # what repeat_last types
        self.recording = False                       # whether presses record for repeat_last
        self.tapping = Tapping()                     # press history for the tap family, caps word
        self.slow = False                            # every press through hw.engine.tapping
        self._use(profile)
        self.down: dict[int, Record] = {}  # input code -> what its press did
        self.waiting: Waiting = deque()    # input held behind `pending`, in order
        self.pending: Pending | None = None
        self.nocombo: set[int] = set()     # keys that fell back from a combo, replaying
        self.focus: Focus | None = None    # the latest focused window (app layers follow it)
        self.controls: deque[Control] = deque()  # controls waiting, one per CONTROL entry
        self.motion = Motion()             # wheel and move keys held, on their own timers
        # The same objects as the parts' own, bound here for the hot path.
        self.count, self.stack, self.shots = self.output.count, self.active.stack, self.oneshots.live
        self.apps = self.active.apps

    def _use(self, profile: CompiledProfile | None) -> None:
        self.keymap = Keymap(profile)
        self.active.guard = profile.modifier_guard if profile else -1
        self.recording = bool(profile and profile.repeats)
        self.last = None
        self.slow = self.tapping.reset(profile)

    # --- the interface the loop and the simulator use ---------------------------------

    def feed(self, code: int, value: int, now_ms: float) -> Out:
        """Process one input event (1 press, 0 release, 2 autorepeat); return the output."""
        out: Out = []
        if self.pending is not None or self.shots:
            deadline = self.next_deadline()
            if deadline is not None and deadline <= now_ms:
                self._advance(now_ms, out)
            if self.pending is not None:
                self.waiting.append((code, value, now_ms))
                if len(self.waiting) > MAX_WAITING:
                    # Bound the memory and the replay: decide now, as if the time were up.
                    self.pending.deadline = -INF
                self._run(now_ms, out)
                return out
        keymap = self.keymap
        if value == 1 and code not in keymap.combos and code not in self.down and \
                not self.stack and not self.slow and not self.apps:
            act = keymap.maps[self.active.bottom].get(code)
            if act is None:
                act = keymap.passthru.get(code) or keymap.plain(code)
            if type(act) is KeyAct:  # the hot path: a plain key or chord
                count = self.count
                for c in act.codes:
                    n = count.get(c, 0)
                    count[c] = n + 1
                    if not n:
                        out.append((c, 1))
                self.down[code] = act
                if self.recording:
                    remember_keys(self, act)
                if self.shots:
                    self.oneshots.after_press(out)
                return out
            if type(act) is TapHoldAct:  # undecided: with nothing behind it, only its timeout could tell
                self.active.last_input = code
                self.pending = TapHold(code, act, now_ms)
                if act.timeout <= 0:
                    self._run(now_ms, out)
                return out
        elif value == 0:  # a release never starts a wait
            rec = self.down.pop(code, None)
            if rec is not None:
                RELEASE[type(rec)](self, rec, now_ms, out)
            return out
        self._process(code, value, now_ms, now_ms, out)
        if self.pending is not None:
            self._run(now_ms, out)
        return out

    def advance(self, now_ms: float) -> Out:
        """Fire every timer due at or before now_ms, each at its own time, in order."""
        out: Out = []
        self._advance(now_ms, out)
        return out

    def next_deadline(self) -> float | None:
        """When advance() must next be called, on the caller's clock; None when no timer."""
        if self.pending is not None:
            first: float | None = self.pending.deadline
        else:
            first = self.oneshots.deadline() if self.shots else None
        due = self.motion.due
        return due if due is not None and (first is None or due < first) else first

    def set_profile(self, profile: CompiledProfile | None, now_ms: float) -> Out:
        """Release what the old mapping pressed, forget pending input, then use `profile`."""
        out = self.release_all(now_ms)
        self._use(profile)
        refresh_apps(self, self.focus)
        return out

    def release_all(self, now_ms: float) -> Out:
        """Release every output held (latest first) and drop pending input and layer state."""
        out = self.output.release_all()
        self.down.clear()
        self.waiting.clear()
        self.pending = None
        self.shots.clear()
        self.active.reset()
        self.nocombo.clear()
        self.controls.clear()
        refresh_apps(self, self.focus)
        self.slow = self.tapping.reset(self.keymap.profile)
        self.motion.clear()
        return out

    cancel = cancel  # (now_ms) -> Out: every key up at once, pending input dropped, toggles stay
    control = control  # (ctl, now_ms) -> Out: a focus change or layer operation, in input order
    layer_state = layer_state  # () -> the layers by part: base, toggled, momentary, one-shot, app

    def layers(self) -> list[str]:
        """The active layer stack by name, bottom (base or the switched-to layer) first."""
        return self.keymap.layer_names(self.active)

    def held(self) -> frozenset[int]:
        """Output codes currently down."""
        return self.output.codes()

    # --- events nothing waits in front of ----------------------------------------------

    def _process(self, code: int, value: int, t: float, now: float, out: Out) -> None:
        """Run one event that nothing is waiting in front of."""
        if value == 1:
            if code in self.down:
                return
            active = self.active
            active.last_input = code
            if code in self.nocombo:
                self.nocombo.discard(code)
            elif code in self.keymap.combos:
                viable = self.keymap.combos_for(code, active)
                if viable:
                    self.pending = ComboWait(code, t, viable)
                    return
            keymap = self.keymap
            if active.stack or active.apps or keymap.composites:
                act, self.via = keymap.resolve(code, active)
            else:  # only the bottom layer is active: what `resolve` finds, without its call and walk
                act, self.via = keymap.maps[active.bottom].get(code) or keymap.plain(code), BOTTOM
            self.key = code
            if self.slow:
                press_input(self, code, act, t, now, out)
            elif type(act) is TapHoldAct:
                self.pending = TapHold(code, act, t, via=self.via)
            else:
                self.down[code] = press_action(self, act, t, now, out)
        elif value == 0:
            rec = self.down.pop(code, None)
            if rec is not None:
                RELEASE[type(rec)](self, rec, t, out)
        elif value == 2:
            repeat_key(self, self.down.get(code), out)
        elif value == CONTROL:  # last: key events never pay for it
            apply_control(self, self.controls.popleft(), out)

    # --- input waiting behind an undecided key or a macro ------------------------------

    def _advance(self, now: float, out: Out) -> None:
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            if deadline == self.motion.due:
                self.motion.tick(deadline, out)
            elif self.pending is not None:
                self._run(deadline, out)
            else:
                self.oneshots.expire(deadline, out)

    def _run(self, now: float, out: Out) -> None:
        """Decide what can be decided at `now`, replaying waiting events in input order."""
        waiting = self.waiting
        while True:
            pending = self.pending
            if pending is not None:
                if not self._decide(pending, now, out):
                    return
                continue
            if not waiting:
                break
            code, value, t = waiting.popleft()
            if self.shots:
                self.oneshots.expire(t, out)
            self._process(code, value, t, now, out)
        if self.shots:
            self.oneshots.expire(now, out)

    def _decide(self, pending: Pending, now: float, out: Out) -> bool:
        """Apply what can be decided about `pending` at `now`; whether it was."""
        if type(pending) is TapHold:
            decision = decide_tap_hold(pending, self.waiting, now)
            if decision is None:
                return False
            self.pending = None
            self.settle(pending, decision, now, out)
            return True
        if type(pending) is ComboWait:
            verdict = decide_combo(pending, self.waiting, now)
            if verdict is None:
                return False
            self.pending = None
            if type(verdict) is Fire:
                fire_combo(self, pending, verdict, now, out)
            else:  # each key acts alone, the first one now, without looking for a combo
                self.nocombo.update(pending.keys)
                self.waiting.appendleft((pending.keys[0], 1, pending.t))
            return True
        if not isinstance(pending, MacroRun):  # a tap dance or a leader: decide, then settle
            decide, settle = SETTLE[type(pending)]
            ended = decide(pending, self.waiting, now)
            if ended is None:
                return False
            self.pending = None
            settle(self, pending, ended, now, out)
            return True
        while pending.deadline <= now:
            if run_macro(pending, self.output, out):
                self.pending = None
                for then in pending.after:
                    then(out)
                return True
        return False

    def settle(self, pending: TapHold, decision: Tap | Hold, now: float, out: Out) -> None:
        """Press what a decided tap-hold (no longer pending) decided on, at its key's press,
        as found in the layer the tap-hold was found in."""
        act = pending.act.hold if decision is HOLD else pending.act.tap
        self.key, self.via = -1, pending.via
        if self.slow or type(act) is TapHoldAct:
            settle_tap_hold(self, pending, decision, now, out)
        elif type(act) is KeyAct and not self.active.modded:  # press_action's own first choice
            self.down[pending.code] = press_key(self, act, pending.t, now, out)
        else:
            self.down[pending.code] = press_action(self, act, pending.t, now, out)


SETTLE.update({DanceWait: (decide_dance, settle_dance), LeaderRead: (decide_leader, settle_leader)})
