"""The engine's held state: output press counts, the layer stack and one-shots in flight."""

from __future__ import annotations

from .actions import CompiledProfile, OneShotAct, Plain

Out = list[tuple[int, int]]
INF = float("inf")


class Shot:
    """A one-shot in flight; it is also the record of the key that pressed it."""

    __slots__ = ("act", "deadline", "held", "used")

    def __init__(self, act: OneShotAct, deadline: float) -> None:
        self.act, self.deadline, self.held, self.used = act, deadline, True, False


class Group:
    """The shared record of a combo's keys: the first release undoes the action."""

    __slots__ = ("done", "rec")

    def __init__(self, rec: Record) -> None:
        self.rec, self.done = rec, False


Record = Plain | Shot | Group


class HeldState:
    """What is down on the output, which layers are active, and the one-shots in flight."""

    def __init__(self, profile: CompiledProfile | None) -> None:
        self._profile = profile
        self._bottom = 0
        self._stack: list[int] = []
        self._count: dict[int, int] = {}     # output code -> how many presses hold it down
        self._shots: list[Shot] = []

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

    def _end_shot(self, shot: Shot, out: Out) -> None:
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
