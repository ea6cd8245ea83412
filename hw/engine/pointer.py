"""Mouse output in the engine: buttons as keys, and the timed motion of `wheel` and `move` keys.

Motion goes into the engine's output list beside key events, as `(REL_BASE + axis, amount)`:
the loop sends those and the buttons (`btn_left` .. `btn_task`) to its pointer device, the
simulator reports them as `{"rel", "value"}` items. `Motion` holds the wheel and move keys that
are down; its `due` is a deadline like the engine's others, and `tick` emits what is due then:
each wheel key's repeat on its own clock, and one frame of every held move key every `STEP_MS`
(diagonals), speeds ramping from `start` to `speed` over `accel` ms since each key's press, scaled
by the `move_scale` keys held, with the fractional pixels carried over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import MoveAct, MoveScaleAct, WheelAct
from .state import Out

if TYPE_CHECKING:
    from .compile import ProfileCompiler
    from .engine import Engine
    from .handlers import Record

BUTTONS = range(0x110, 0x118)  # btn_left .. btn_task: what the pointer device has
BUTTON_BLOCK = range(0x100, 0x160)  # every BTN_* code; only BUTTONS can be output
REL_BASE = 0x10000
REL_X, REL_Y, REL_HWHEEL, REL_WHEEL = 0, 1, 6, 8
AXES = {REL_BASE + REL_X: "x", REL_BASE + REL_Y: "y", REL_BASE + REL_WHEEL: "wheel",
        REL_BASE + REL_HWHEEL: "hwheel"}
"""Motion output codes -> the simulator's axis names."""
SHORT = {"x": "x", "y": "y", "wheel": "w", "hwheel": "hw"}
"""Axis name -> its token in the script form (`w:-1`)."""
POINTER_CODES = frozenset([*BUTTONS, *AXES])
STEP_MS = 10.0


def output_problem(c: ProfileCompiler, codes: tuple[int, ...]) -> str | None:
    """Why a chord cannot be output (a button the pointer device lacks); marks pointer use."""
    for code in codes:
        if code in BUTTONS:
            c.pointer = True
        elif code in BUTTON_BLOCK:
            return "only the mouse buttons btn_left … btn_task can be output (not joystick, pad or tablet buttons)"
    return None


class WheelRun:
    """A wheel key held: its next repeat is due `at`."""

    __slots__ = ("act", "at")

    def __init__(self, act: WheelAct, at: float) -> None:
        self.act, self.at = act, at


class Motion:
    """The wheel and move keys held on one engine, and when their next step is due."""

    __slots__ = ("carry", "due", "frame_at", "moves", "scales", "wheels")

    def __init__(self) -> None:
        self.wheels: list[WheelRun] = []
        self.moves: list[tuple[MoveAct, float]] = []  # (act, pressed at)
        self.scales: list[MoveScaleAct] = []
        self.frame_at: float | None = None
        self.carry = [0.0, 0.0]  # fractional px on x, y
        self.due: float | None = None

    def clear(self) -> None:
        """Stop everything (the keys' releases were dropped with the engine's records)."""
        self.wheels.clear()
        self.moves.clear()
        self.scales.clear()
        self.frame_at, self.carry, self.due = None, [0.0, 0.0], None

    def _due(self) -> None:
        first = self.frame_at
        for run in self.wheels:
            if first is None or run.at < first:
                first = run.at
        self.due = first

    def _scale(self) -> float:
        scale = 1.0
        for s in self.scales:
            scale *= s.scale
        return scale

    def _step(self, moves: list[tuple[MoveAct, float]], at: float, out: Out) -> None:
        """One STEP_MS frame of `moves` at time `at`: x then y, whole px, the rest carried."""
        scale = self._scale()
        delta = [0.0, 0.0]
        for act, pressed in moves:
            ramp = 1.0 if act.accel <= 0 else min(1.0, (at - pressed) / act.accel)
            speed = act.start + (act.speed - act.start) * ramp
            delta[act.code - REL_BASE] += act.sign * speed * scale * STEP_MS / 1000.0
        for axis in (REL_X, REL_Y):
            total = delta[axis] + self.carry[axis]
            whole = int(total + (1e-9 if total > 0 else -1e-9))  # 7.9999999 is 8 px
            self.carry[axis] = total - whole
            if whole:
                out.append((REL_BASE + axis, whole))

    def tick(self, now: float, out: Out) -> None:
        """Emit every step due at `now`."""
        for run in self.wheels:
            if run.at <= now:
                out.append((run.act.code, run.act.amount))
                run.at += run.act.repeat
        if self.frame_at is not None and self.frame_at <= now:
            self._step(self.moves, self.frame_at, out)
            self.frame_at += STEP_MS
        self._due()


def press_wheel(e: Engine, act: WheelAct, t: float, now: float, out: Out) -> Record:
    out.append((act.code, act.amount))
    if act.repeat:
        e.motion.wheels.append(WheelRun(act, now + act.repeat))
        e.motion._due()
    if e.shots:
        e.oneshots.after_press(out)
    return act


def release_wheel(e: Engine, rec: WheelAct, t: float, out: Out) -> None:
    m = e.motion
    for i, run in enumerate(m.wheels):
        if run.act is rec:
            del m.wheels[i]
            break
    m._due()


def press_move(e: Engine, act: MoveAct, t: float, now: float, out: Out) -> Record:
    m = e.motion
    m.moves.append((act, now))
    m._step([(act, now)], now, out)  # its first step at once; then in the shared frames
    if m.frame_at is None:
        m.frame_at = now + STEP_MS
    m._due()
    if e.shots:
        e.oneshots.after_press(out)
    return act


def release_move(e: Engine, rec: MoveAct, t: float, out: Out) -> None:
    m = e.motion
    m.moves = [run for run in m.moves if run[0] is not rec]
    if not m.moves:
        m.frame_at, m.carry = None, [0.0, 0.0]
    m._due()


def press_scale(e: Engine, act: MoveScaleAct, t: float, now: float, out: Out) -> Record:
    e.motion.scales.append(act)
    return act


def release_scale(e: Engine, rec: MoveScaleAct, t: float, out: Out) -> None:
    if rec in e.motion.scales:
        e.motion.scales.remove(rec)


__all__ = ["AXES", "BUTTONS", "POINTER_CODES", "REL_BASE", "SHORT", "STEP_MS", "Motion", "output_problem"]
