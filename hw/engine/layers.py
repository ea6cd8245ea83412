"""The active layers: the bottom layer and a stack of activations, with the modifiers they hold.

An `Activation` is one entry on the stack, started by one action (a layer key, a toggle, a
one-shot layer, a tap-hold's or combo's layer) and ended by that action's end: a key's release
ends exactly the activation its press started. `swap` replaces one by a new one (the old one
points to it, so the key that held the old one ends the new one).

An activation may hold modifiers (`mods`) on the output while it lives. A key that emits keys and
is resolved through its layer lifts them (`lift`) until it is done (`unlift`). Releasing Alt or
Meta this way, right after the engine pressed it, taps the guard key around the release so that
the desktop does not read a lone tap of it (the modifier guard).
"""

from __future__ import annotations

from .keys import code_of
from .state import HeldOutput, Out

HELD, TOGGLED, ONESHOT = 0, 1, 2  # how an activation ends: its key's release, a toggle, one-shot rules
GUARDED = frozenset(code_of(n) for n in ("leftalt", "rightalt", "leftmeta", "rightmeta"))

Lift = list[tuple["Activation", int]]
"""The modifiers one press lifted: (activation, code), in the order they went down."""


class Activation:
    """One layer entry on the stack; `lifted` counts, per modifier, the presses lifting it."""

    __slots__ = ("key", "kind", "layer", "lifted", "live", "mods", "next")

    def __init__(self, layer: int, kind: int, mods: tuple[int, ...], key: int = -1) -> None:
        self.layer, self.kind, self.mods = layer, kind, mods
        self.key = key  # the input key of a plain `layer` action that started it; -1: another cause
        self.lifted: dict[int, int] = {}
        self.live = False
        self.next: Activation | None = None  # what a swap replaced it with

    def current(self) -> Activation:
        """This activation, or the one swaps replaced it with."""
        a = self
        while a.next is not None:
            a = a.next
        return a


class Layers:
    """The bottom layer (base, or the layer switched to), the app layers directly above it (`apps`,
    bottom first: the focused window's, no activations, no modifiers) and the `stack` of
    activations above those."""

    __slots__ = ("apps", "bottom", "guard", "last_input", "modded", "output", "stack")

    def __init__(self, output: HeldOutput) -> None:
        self.output = output
        self.bottom = 0
        self.apps: list[int] = []  # set by hw.engine.layerops from the focus; not reset here
        self.stack: list[Activation] = []
        self.modded = 0       # live activations that hold modifiers
        self.guard = -1       # the modifier guard key; -1: off
        self.last_input = -1  # the input key pressed last (for the guard's lone-tap rule)

    # --- starting and ending activations ----------------------------------------------

    def start(self, a: Activation, out: Out) -> Activation:
        """Put `a` on top of the stack and press its modifiers, in chord order."""
        self.stack.append(a)
        a.live = True
        if a.mods:
            self.modded += 1
            for c in a.mods:
                self.output.press(c, out)
        return a

    def end(self, a: Activation, out: Out) -> None:
        """Take `a` (or what replaced it) off the stack and release the modifiers it still holds."""
        a = a.current()
        if not a.live:
            return
        a.live = False
        self.stack.remove(a)
        if a.mods:
            self.modded -= 1
            lone = a.key >= 0 and a.key == self.last_input
            for c in reversed(a.mods):
                if c not in a.lifted:
                    self.release_mod(c, out, guard=not lone)

    def toggled_of(self, layer: int) -> Activation | None:
        """The layer's topmost toggled activation, if any."""
        return next((a for a in reversed(self.stack) if a.layer == layer and a.kind == TOGGLED), None)

    def toggle(self, layer: int, mods: tuple[int, ...], out: Out) -> None:
        """End the layer's toggled activation if it has one, otherwise start one."""
        toggled = self.toggled_of(layer)
        if toggled is not None:
            self.end(toggled, out)
        else:
            self.start(Activation(layer, TOGGLED, mods), out)

    def swap(self, old: Activation, layer: int, mods: tuple[int, ...], out: Out) -> None:
        """Replace `old` by an activation of `layer` of the same kind, on top of the stack."""
        new = Activation(layer, old.kind, mods)
        self.end(old, out)
        old.next = new
        self.start(new, out)

    def topmost(self, layer: int) -> Activation | None:
        for a in reversed(self.stack):
            if a.layer == layer:
                return a
        return None

    def clear_toggled(self, out: Out) -> None:
        for a in [a for a in self.stack if a.kind == TOGGLED]:
            self.end(a, out)

    def active(self) -> set[int]:
        """Every active layer: the bottom, the app layers and each layer with a live activation."""
        return {self.bottom, *self.apps, *(a.layer for a in self.stack)}

    def names(self, layer_names: tuple[str, ...]) -> list[str]:
        return [layer_names[self.bottom]] + [layer_names[i] for i in self.apps] + \
            [layer_names[a.layer] for a in self.stack]

    def reset(self) -> None:
        """Forget every activation (the caller releases the output)."""
        for a in self.stack:
            a.live = False
        self.bottom = 0
        self.stack.clear()
        self.modded = 0

    # --- lifting the modifiers of the layer a key was resolved through ----------------

    def lift(self, layers: frozenset[int], keep: tuple[int, ...], out: Out) -> Lift:
        """Take back the share of the modifiers that `layers`' activations hold, except `keep`.

        Released in reverse of the order they went down; the lift is undone by `unlift`.
        """
        order = {c: i for i, c in enumerate(self.output.count)}
        taken: Lift = sorted(((a, c) for a in self.stack if a.mods and a.layer in layers
                              for c in a.mods if c not in keep), key=lambda ac: order.get(ac[1], -1))
        for a, c in reversed(taken):
            n = a.lifted.get(c, 0)
            a.lifted[c] = n + 1
            if not n:
                self.release_mod(c, out, guard=True)
        return taken

    def unlift(self, taken: Lift, out: Out) -> None:
        """Undo a `lift`: press again, in the order they went down, what no one else lifts."""
        for a, c in taken:
            n = a.lifted[c] - 1
            if n:
                a.lifted[c] = n
            else:
                del a.lifted[c]
                if a.live:
                    self.output.press(c, out)

    def release_mod(self, code: int, out: Out, *, guard: bool) -> None:
        """Release an activation's share of a modifier, with the guard tap where it applies."""
        held = self.output
        g = self.guard
        if guard and g >= 0 and code in GUARDED and held.last == code and held.count.get(code) == 1 \
                and g not in held.count:
            held.press(g, out)
            held.release(code, out)
            held.release(g, out)
        else:
            held.release(code, out)
