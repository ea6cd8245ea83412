"""The output as an engine holds it: which codes are down, by how many presses."""

from __future__ import annotations

from collections.abc import Collection

Out = list[tuple[int, int]]
"""Output events (code, value) in the order they are to be written."""
INF = float("inf")


class HeldOutput:
    """Output codes that are down, each with how many presses hold it; dict order is press order.

    Two actions may hold the same code (a remap and a chord with it): the code goes up only when
    the last one lets go. Releasing everything goes in reverse press order. `last` is the code this
    object last sent a press of (the engine's fast path for plain keys does not set it: it runs
    only while no layer activation lives, and only activations read it).
    """

    __slots__ = ("count", "last")

    def __init__(self) -> None:
        self.count: dict[int, int] = {}
        self.last = -1

    def press(self, code: int, out: Out) -> None:
        n = self.count.get(code, 0)
        self.count[code] = n + 1
        if not n:
            out.append((code, 1))
            self.last = code

    def release(self, code: int, out: Out) -> None:
        n = self.count.get(code)
        if n == 1:
            del self.count[code]
            out.append((code, 0))
        elif n:
            self.count[code] = n - 1

    def press_codes(self, codes: tuple[int, ...], out: Out) -> None:
        """`press` each of `codes` in order (a key or chord: one call per key event)."""
        count = self.count
        for code in codes:
            n = count.get(code, 0)
            count[code] = n + 1
            if not n:
                out.append((code, 1))
                self.last = code

    def release_codes(self, codes: tuple[int, ...], out: Out) -> None:
        """`release` each of `codes` in order."""
        count = self.count
        for code in codes:
            n = count.get(code)
            if n == 1:
                del count[code]
                out.append((code, 0))
            elif n:
                count[code] = n - 1

    def release_all(self, keep: Collection[int] = ()) -> Out:
        """Let go of everything but `keep`, latest first."""
        out = [(c, 0) for c in reversed(self.count) if c not in keep]
        for c, _ in out:
            del self.count[c]
        return out

    def codes(self) -> frozenset[int]:
        return frozenset(self.count)
