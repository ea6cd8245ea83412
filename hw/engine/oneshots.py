"""One-shot modifiers and layers in flight, over the output and the layers they hold."""

from __future__ import annotations

from .actions import OneShotAct
from .layers import ONESHOT, Activation, Layers
from .state import INF, HeldOutput, Out


class Shot:
    """A one-shot in flight; it is also the record of the key that pressed it.

    `layer` is the activation of a one-shot layer (None for one-shot modifiers).
    """

    __slots__ = ("act", "deadline", "held", "layer", "used")

    def __init__(self, act: OneShotAct, deadline: float) -> None:
        self.act, self.deadline, self.held, self.used = act, deadline, True, False
        self.layer: Activation | None = None


class OneShots:
    """One-shot modifiers and layers in flight.

    A one-shot held while another key is pressed acts as a plain held one ("used"); tapped, it
    is armed for the next key press until its deadline. A one-shot layer's `mods` are held by its
    activation for as long as the one-shot lasts.
    """

    __slots__ = ("held", "layers", "live")

    def __init__(self, held: HeldOutput, layers: Layers) -> None:
        self.held, self.layers = held, layers
        self.live: list[Shot] = []

    def begin(self, shot: Shot, out: Out) -> None:
        """Start a one-shot: its layer's activation (holding `mods`) or its modifiers."""
        act = shot.act
        if act.layer >= 0:
            shot.layer = self.layers.start(Activation(act.layer, ONESHOT, act.mods), out)
        for c in act.codes:
            self.held.press(c, out)
        self.live.append(shot)

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
        elif shot in self.live:  # a tap: armed for the next key until then
            shot.deadline = armed_until

    def end(self, shot: Shot, out: Out) -> None:
        if shot not in self.live:
            return
        self.live.remove(shot)
        if shot.layer is not None:
            self.layers.end(shot.layer, out)
        for c in reversed(shot.act.codes):
            self.held.release(c, out)

    def clear_armed(self, out: Out) -> None:
        """End every armed one-shot (those whose key is no longer held)."""
        for shot in [s for s in self.live if not s.held]:
            self.end(shot, out)

    def expire(self, now: float, out: Out) -> None:
        for shot in list(self.live):
            if shot.deadline <= now:
                if shot.held:  # held past its time: a plain held modifier or layer
                    shot.used, shot.deadline = True, INF
                else:
                    self.end(shot, out)
