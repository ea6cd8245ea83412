"""What an engine holds between events: output press counts, the layer stack, one-shots."""

from __future__ import annotations

from .actions import OneShotAct, Plain

Out = list[tuple[int, int]]
"""Output events (code, value) in the order they are to be written."""
INF = float("inf")


class HeldOutput:
    """Output codes that are down, each with how many presses hold it; dict order is press order.

    Two actions may hold the same code (a remap and a chord with it): the code goes up only when
    the last one lets go. Releasing everything goes in reverse press order.
    """

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count: dict[int, int] = {}

    def press(self, code: int, out: Out) -> None:
        n = self.count.get(code, 0)
        self.count[code] = n + 1
        if not n:
            out.append((code, 1))

    def release(self, code: int, out: Out) -> None:
        n = self.count.get(code)
        if n == 1:
            del self.count[code]
            out.append((code, 0))
        elif n:
            self.count[code] = n - 1

    def release_all(self) -> Out:
        """Let go of everything, latest first."""
        out = [(c, 0) for c in reversed(self.count)]
        self.count.clear()
        return out

    def codes(self) -> frozenset[int]:
        return frozenset(self.count)


class Layers:
    """The active layers: `bottom` (base, or the layer switched to), the app layers (`apps`, from the
    focused window, bottom first) directly above it, and the `stack` of key-held, toggled and
    one-shot layers above those. `toggled` lists the stack's entries that are toggled on."""

    __slots__ = ("apps", "bottom", "stack", "toggled")

    def __init__(self) -> None:
        self.bottom = 0
        self.apps: list[int] = []
        self.stack: list[int] = []
        self.toggled: list[int] = []

    def drop(self, layer: int) -> bool:
        """Remove the topmost entry of `layer` from the stack; whether there was one."""
        stack = self.stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] == layer:
                del stack[i]
                return True
        return False

    def toggle(self, layer: int) -> None:
        if self.drop(layer):
            if layer in self.toggled:
                self.toggled.remove(layer)
        else:
            self.stack.append(layer)
            self.toggled.append(layer)

    def names(self, layer_names: tuple[str, ...]) -> list[str]:
        return [layer_names[self.bottom]] + [layer_names[i] for i in self.apps] + \
            [layer_names[i] for i in self.stack]

    def reset(self) -> None:
        self.bottom = 0
        self.stack.clear()
        self.toggled.clear()


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
"""What a key's press did, kept until its release undoes it."""


class OneShots:
    """One-shot modifiers and layers in flight, over the output and the layers they hold.

    A one-shot held while another key is pressed acts as a plain held one ("used"); tapped, it
    is armed for the next key press until its deadline.
    """

    __slots__ = ("held", "layers", "live")

    def __init__(self, held: HeldOutput, layers: Layers) -> None:
        self.held, self.layers = held, layers
        self.live: list[Shot] = []

    def start(self, act: OneShotAct, deadline: float, out: Out) -> Shot:
        shot = Shot(act, deadline)
        if act.layer >= 0:
            self.layers.stack.append(act.layer)
        for c in act.codes:
            self.held.press(c, out)
        self.live.append(shot)
        return shot

    def deadline(self) -> float | None:
        deadline = min(s.deadline for s in self.live)
        return deadline if deadline < INF else None

    def after_press(self, out: Out) -> None:
        """A key was pressed: held one-shots become plain held ones, armed ones end."""
        for shot in list(self.live):
            if shot.held:
                shot.used, shot.deadline = True, INF
            else:
                self.end(shot, out)

    def release(self, shot: Shot, armed_until: float, out: Out) -> None:
        """The key of `shot` went up: it ends if it was used, else it stays armed a while."""
        shot.held = False
        if shot.used:
            self.end(shot, out)
        else:  # a tap: armed for the next key until then
            shot.deadline = armed_until

    def end(self, shot: Shot, out: Out) -> None:
        self.live.remove(shot)
        if shot.act.layer >= 0:
            self.layers.drop(shot.act.layer)
        for c in reversed(shot.act.codes):
            self.held.release(c, out)

    def expire(self, now: float, out: Out) -> None:
        for shot in list(self.live):
            if shot.deadline <= now:
                if shot.held:  # held past its time: a plain held modifier or layer
                    shot.used, shot.deadline = True, INF
                else:
                    self.end(shot, out)
