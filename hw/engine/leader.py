"""Reading a leader sequence: which of the profile's sequences the keys pressed after the leader
key spell, if any.

Pure: `decide_leader` reads the waiting input and returns a verdict; what was read, where reading
ended and the sequence's action are kept on the pending record, with the scan position.
"""

from __future__ import annotations

from collections.abc import Mapping

from .actions import Action, CompiledProfile, LeaderAct
from .taphold import Waiting

COMPLETE, CANCEL, REPLAY = 1, 2, 3


class LeaderRead:
    """Reading after the leader key `code`: the keys read, and where reading ended (`end`)."""

    __slots__ = ("action", "code", "deadline", "end", "idx", "prefixes", "read", "sequences", "timeout")

    def __init__(self, code: int, act: LeaderAct, t: float, profile: CompiledProfile | None) -> None:
        self.code, self.timeout, self.deadline = code, act.timeout, t + act.timeout
        self.sequences: Mapping[tuple[int, ...], Action] = profile.sequences if profile else {}
        self.prefixes = profile.prefixes if profile else frozenset()
        self.read: tuple[int, ...] = ()
        self.idx, self.end = 0, -1
        self.action: Action | None = None


def decide_leader(p: LeaderRead, queue: Waiting, now: float) -> int | None:
    """COMPLETE, CANCEL, REPLAY, or None while still reading.

    Scanning the waiting events in order (only presses count; releases and repeats wait):
    - an event `timeout` or more after the latest press (or the leader): REPLAY;
    - a press of the leader key: CANCEL, at that press;
    - a press that completes a sequence: COMPLETE, at that press, with its action;
    - a press no sequence expects: REPLAY.
    """
    i = p.idx
    while i < len(queue):
        code, value, t = queue[i]
        if t >= p.deadline:
            return REPLAY
        if value == 1:
            if code == p.code:
                p.end = i
                return CANCEL
            read = p.read + (code,)
            if read in p.sequences:
                p.end, p.action = i, p.sequences[read]
                return COMPLETE
            if read not in p.prefixes:
                return REPLAY
            p.read, p.deadline = read, t + p.timeout
        i += 1
    p.idx = i
    return REPLAY if now >= p.deadline else None
