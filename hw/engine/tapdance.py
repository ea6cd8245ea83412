"""Deciding a tap dance: how many taps of its key came before it is decided.

Pure: `decide_dance` reads the waiting input and says whether the dance is decided; the
count and the place of the latest tap are kept on the pending record, with the scan position.
"""

from __future__ import annotations

from .actions import TapDanceAct
from .taphold import Waiting


class DanceWait:
    """An undecided tap dance: `k` taps so far, the latest at waiting index `latest` (-1: the first)."""

    __slots__ = ("act", "code", "deadline", "idx", "k", "latest", "t", "via")

    def __init__(self, code: int, act: TapDanceAct, t: float, via: int = -1) -> None:
        self.code, self.act, self.t, self.deadline = code, act, t, t + act.timeout
        self.k, self.latest, self.idx = 1, -1, 0
        self.via = via  # the layer it was found in (-1: the bottom layer)


def decide_dance(p: DanceWait, queue: Waiting, now: float) -> int | None:
    """The number of taps once the dance is decided, else None. It is decided at the first of:
    the k-th press when k is the number of elements; an event `timeout` or more after the latest
    press (the time is up); another key's press (decided just before it). Releases and repeats of
    any key do not decide it."""
    i, last = p.idx, len(p.act.elements)
    while i < len(queue):
        code, value, t = queue[i]
        if t >= p.deadline:
            p.idx = i
            return p.k
        if value == 1:
            if code != p.code:
                p.idx = i
                return p.k
            p.k, p.latest, p.deadline = p.k + 1, i, t + p.act.timeout
            if p.k == last:
                p.idx = i + 1
                return p.k
        i += 1
    p.idx = i
    return p.k if now >= p.deadline else None
