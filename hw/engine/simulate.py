"""Run a profile on virtual time: `d:KEY u:KEY t:MS` scripts or KeySteps in, timed output out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ScriptError
from . import keys
from .actions import CompiledProfile
from .engine import Engine
from .pointer import AXES, SHORT
from .steps import CONTROL_FIELDS, ControlStep, VirtualStep, parse_event, parse_token

MAX_STEPS = 10_000
MAX_TIME_MS = 86_400_000
MAX_TIMERS = 100_000
_VALUES = {"press": 1, "release": 0, "repeat": 2}
_TOKENS = {"d": 1, "u": 0, "r": 2}


@dataclass(frozen=True, slots=True)
class Step:
    """One input event at an absolute virtual time."""

    at_ms: float
    code: int
    value: int


AnyStep = Step | ControlStep | VirtualStep


def parse_script(script: str) -> list[AnyStep]:
    """Steps of `d:KEY` (press), `u:KEY` (release), `r:KEY` (autorepeat), `t:MS` (time passes),
    and the `f:`, `L:`, `V:` tokens of `steps`."""
    steps: list[AnyStep] = []
    problems: list[str] = []
    now = 0.0
    tokens = script.split()
    if len(tokens) > MAX_STEPS:
        raise ScriptError({"script": [f"at most {MAX_STEPS} tokens"]})
    for i, token in enumerate(tokens, 1):
        kind, _, arg = token.partition(":")
        where = f"token {i} '{token}'"
        if kind == "t" and arg:
            try:
                ms = float(arg)
            except ValueError:
                ms = math.nan
            if not math.isfinite(ms) or ms < 0:
                problems.append(f"{where}: the time must be a non-negative number of ms")
            elif now + ms > MAX_TIME_MS:
                problems.append(f"{where}: a script lasts at most {MAX_TIME_MS} ms")
            else:
                now += ms
        elif kind in ("f", "L", "V") and arg:
            parsed = parse_token(kind, arg, now)
            if isinstance(parsed, str):
                problems.append(f"{where}: {parsed}")
            else:
                steps += parsed
        elif kind in _TOKENS and arg:
            if keys.is_key(arg):
                steps.append(Step(now, keys.code_of(arg), _TOKENS[kind]))
            else:
                problems.append(f"{where}: {keys.key_problem(arg)}")
        else:
            problems.append(f"{where}: expected d:KEY, u:KEY, r:KEY or t:MS")
    if problems:
        raise ScriptError({"script": problems[:20]})
    return steps


def parse_events(events: Sequence[Mapping[str, Any]], path: str = "events") -> list[AnyStep]:
    """Steps from KeySteps `{"key", "action": press|release|tap|repeat, "at_ms"}` (absolute),
    and the focus, layer and virtual key steps of `steps`."""
    errors: dict[str, list[str]] = {}
    steps: list[AnyStep] = []
    last = 0.0
    if len(events) > MAX_STEPS:
        raise ScriptError({path: [f"at most {MAX_STEPS} events"]})
    for i, event in enumerate(events):
        here = f"{path}.{i}"
        if not isinstance(event, Mapping):
            errors[here] = ["must be an object with key, action and at_ms"]
            continue
        if "key" not in event and any(f in event for f in CONTROL_FIELDS):
            at = event.get("at_ms", last)
            if isinstance(at, bool) or not isinstance(at, (int, float)) or not last <= at <= MAX_TIME_MS:
                errors[f"{here}.at_ms"] = [f"must be a number from the previous event's to {MAX_TIME_MS}"]
                continue
            last = float(at)
            steps += parse_event(event, here, last, errors)
            continue
        for extra in sorted(set(event) - {"key", "action", "at_ms"}, key=str):
            errors[f"{here}.{extra}"] = ["unknown field"]
        name, action, at = event.get("key"), event.get("action"), event.get("at_ms", last)
        if not isinstance(name, str) or not keys.is_key(name):
            errors[f"{here}.key"] = [keys.key_problem(str(name)) if isinstance(name, str)
                                     else "required: a key name"]
        if action not in ("press", "release", "tap", "repeat"):
            errors[f"{here}.action"] = ["must be one of press, release, tap, repeat"]
        if isinstance(at, bool) or not isinstance(at, (int, float)) or \
                not 0 <= at <= MAX_TIME_MS:
            errors[f"{here}.at_ms"] = [f"must be a number from 0 to {MAX_TIME_MS}"]
        elif at < last:
            errors[f"{here}.at_ms"] = ["must not be earlier than the previous event"]
        if any(p.startswith(here) for p in errors):
            continue
        last = float(at)
        code = keys.code_of(name)  # type: ignore[arg-type]
        if action == "tap":
            steps += [Step(last, code, 1), Step(last, code, 0)]
        else:
            steps.append(Step(last, code, _VALUES[str(action)]))
    if errors:
        raise ScriptError(errors)
    return steps


def _ms(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 3)


class Simulation:
    """An engine on virtual time that records each output with the time it fired."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        self.engine = Engine(profile)
        self.output: list[dict[str, Any]] = []
        self._timers = 0
        self._last = 0.0

    def _emit(self, out: list[tuple[int, int]], at: float) -> None:
        self.output.extend({"rel": AXES[c], "value": v, "at_ms": _ms(at)} if c in AXES else
                           {"key": keys.name_of(c), "action": keys.ACTIONS[v], "at_ms": _ms(at)}
                           for c, v in out)

    def run_timers(self, until: float, *, motion: bool = True) -> None:
        """Fire the engine's timers up to `until`, deadline by deadline (bounded); without
        `motion`, stop at a deadline that is only a held wheel or move key's next step."""
        while self._timers < MAX_TIMERS:
            deadline = self.engine.next_deadline()
            if deadline is None or deadline > until:
                return
            if not motion and deadline == self.engine.motion.due:
                return
            self._timers += 1
            self._emit(self.engine.advance(deadline), deadline)

    def step(self, step: AnyStep) -> None:
        """Feed one input event at its time, after the timers due before it."""
        self.run_timers(step.at_ms)
        self._last = step.at_ms
        if type(step) is ControlStep:
            self._emit(self.engine.control(step.control, step.at_ms), step.at_ms)
            return
        if type(step) is VirtualStep:
            profile = self.engine.keymap.profile
            code = profile.virtual_keys.get(step.name) if profile is not None else None
            if code is None:
                raise ScriptError({"script": [f"the profile has no virtual key '{step.name}'"]})
            step = Step(step.at_ms, code, step.value)
        assert isinstance(step, Step)
        self._emit(self.engine.feed(step.code, step.value, step.at_ms), step.at_ms)

    def set_profile(self, profile: CompiledProfile | None, at_ms: float) -> None:
        """Switch profiles at `at_ms`, as the live loop does."""
        self.run_timers(at_ms)
        self._emit(self.engine.set_profile(profile, at_ms), at_ms)

    def finish(self) -> list[dict[str, Any]]:
        """Run the remaining timers out so that pending things resolve; the whole output.

        Keys still held after the script's last event stop there: a held wheel or move key
        does not run on for ever."""
        self.run_timers(self._last)
        self.run_timers(math.inf, motion=False)
        return self.output


def simulate(profile: CompiledProfile | None, steps: Sequence[AnyStep]) -> list[dict[str, Any]]:
    """The output `[{"key", "action", "at_ms"}]`, each at the virtual time it was emitted."""
    sim = Simulation(profile)
    for step in steps:
        sim.step(step)
    return sim.finish()


def format_output(output: Sequence[Mapping[str, Any]], *, times: bool = False) -> str:
    """Output in script form (`d:esc u:esc`), with `t:MS` gaps when `times`."""
    tokens: list[str] = []
    now: float = 0
    for item in output:
        if times and item["at_ms"] > now:
            tokens.append(f"t:{_ms(item['at_ms'] - now)}")
            now = item["at_ms"]
        if "rel" in item:
            tokens.append(f"{SHORT[item['rel']]}:{item['value']:+d}")
            continue
        kind = {"press": "d", "release": "u", "repeat": "r"}[item["action"]]
        tokens.append(f"{kind}:{item['key']}")
    return " ".join(tokens)
