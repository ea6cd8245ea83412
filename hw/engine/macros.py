"""Macros: compiling a macro's steps into key ops and delays, and running them on output.

A compiled macro is a tuple of ops: `(code, 1)` press, `(code, 0)` release, `(ms, DELAY)` wait.
Running one writes ops until the next delay; the engine resumes it when the delay is up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .actions import DELAY, NULL, MacroAct, Ops, Plain
from .state import HeldOutput, Out

if TYPE_CHECKING:
    from .compile import ProfileCompiler
    from .engine import Engine

MAX_MACRO_STEPS = 256
MAX_MACRO_OPS = 8192
MAX_DELAY_MS = 10_000
MAX_TEXT = 1000


class MacroRun:
    """A macro waiting out a delay: resume at `ops[pos]` at time `deadline`; when it is done, the
    engine calls each of `after` (what the action does once its macro is typed)."""

    __slots__ = ("after", "deadline", "ops", "pos")

    def __init__(self, ops: tuple[tuple[int, int], ...], at: float) -> None:
        self.ops, self.pos, self.deadline = ops, 0, at
        self.after: list[Callable[[Out], object]] = []


def run_macro(macro: MacroRun, held: HeldOutput, out: Out) -> bool:
    """Run a macro's ops up to its next delay; whether it finished."""
    ops, i = macro.ops, macro.pos
    while i < len(ops):
        code, value = ops[i]
        i += 1
        if value == DELAY:
            macro.pos, macro.deadline = i, macro.deadline + code
            return False
        if value:
            held.press(code, out)
        else:
            held.release(code, out)
    return True


def type_ops(e: Engine, ops: Ops, now: float, out: Out, then: Callable[[Out], object] | None = None) -> None:
    """Type a macro's ops, then do `then`: at once, or once the macro's delays are over."""
    run = MacroRun(ops, now)
    if then is not None:
        run.after.append(then)
    if not run_macro(run, e.output, out):
        e.pending = run
    elif then is not None:
        then(out)


def compile_macro(c: ProfileCompiler, path: str, value: object) -> Plain:
    """A macro's steps (chords, `{"delay_ms"}`, `{"text"}`) as ops; errors recorded on `c`."""
    if not isinstance(value, list) or not value:
        c.error(path, "must be a non-empty list")
        return NULL
    if len(value) > MAX_MACRO_STEPS:
        c.error(path, f"a macro has at most {MAX_MACRO_STEPS} steps")
        return NULL
    ops: list[tuple[int, int]] = []
    for i, item in enumerate(value):
        here = f"{path}.{i}"
        if isinstance(item, str):
            codes = c.chord(here, item)
            if codes:
                ops += [(code, 1) for code in codes] + [(code, 0) for code in reversed(codes)]
        elif isinstance(item, Mapping) and "delay_ms" in item:
            c.fields(here, item, {"delay_ms"})
            ms = c.ms(f"{here}.delay_ms", item["delay_ms"], 0, MAX_DELAY_MS)
            if ms:
                ops.append((int(ms), DELAY))
        elif isinstance(item, Mapping) and "text" in item:
            c.fields(here, item, {"text"})
            if not isinstance(item["text"], str) or len(item["text"]) > MAX_TEXT:
                c.error(f"{here}.text", f"must be a string of at most {MAX_TEXT} characters")
            else:
                text, problems = c.typist.text_ops(item["text"])
                for problem in problems:
                    c.error(f"{here}.text", problem)
                ops += text
        else:
            c.error(here, 'must be a key, a chord, {"delay_ms": ms} or {"text": str}')
    if len(ops) > MAX_MACRO_OPS:
        c.error(path, "macro too long")
    return MacroAct(tuple(ops))

