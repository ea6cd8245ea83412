"""Commands from any thread to the loop thread: a native queue and a self-pipe that wakes select."""
from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field

from .capture import CaptureDone
from .engine.apps import Focus
from .engine.layerops import LayerOp
from .errors import HwError
from .native import Wake
from .types import Config, Natives

Done = Callable[[BaseException | None], None]
"""Called by the loop once it ran the command: with None, or the hw error it raised."""
Steps = list[tuple[float, int, int]]


@dataclass(frozen=True)
class Apply:
    """Run this configuration (ends a panic)."""

    config: Config
    done: Done | None


@dataclass(frozen=True)
class Inject:
    """Feed (delay_ms, code, value) input to a virtual keyboard."""

    device_id: str
    steps: Steps
    done: Done | None


@dataclass(frozen=True)
class CaptureKey:
    """Pick the next new press on a grabbed keyboard (`device_id`, or any when None)."""

    device_id: str | None
    timeout_ms: float
    done: CaptureDone


@dataclass(frozen=True)
class KeyEvents:
    """Whether someone wants a `key` event per input key."""

    wanted: bool


@dataclass(frozen=True)
class SetFocus:
    """The focused window changed (None: nothing focused): every keyboard's app layers follow."""

    focus: Focus | None
    done: Done | None


@dataclass(frozen=True)
class LayerCommand:
    """A layer operation on one keyboard, or (device_id None) on every keyboard with that layer."""

    device_id: str | None
    op: LayerOp
    done: Done | None


@dataclass(frozen=True)
class VirtualKey:
    """press, release, tap or toggle a profile's virtual key on one keyboard; whether it is down
    afterwards is appended to `down` before `done` is called."""

    device_id: str
    name: str
    op: str
    done: Done | None
    down: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class Stop:
    """Release everything and end the thread."""


Command = Apply | CaptureKey | Inject | KeyEvents | SetFocus | LayerCommand | VirtualKey | Stop


class Inbox:
    """Any thread sends; the loop selects on `fd` and takes what was sent, in order. Once the
    loop has ended (`close`), a command is answered at once with an HwError, never queued."""

    def __init__(self, natives: Natives) -> None:
        self._queue: queue.SimpleQueue[Command] = natives.simple_queue()
        self._wake = Wake()
        self.fd = self._wake.r
        self.closed = False

    def send(self, cmd: Command) -> None:
        """Queue a command and wake the loop (never blocks)."""
        if self.closed:
            _refuse(cmd)
            return
        self._queue.put(cmd)
        self._wake.poke()
        if self.closed:  # closed meanwhile, after its last take: answer what is left
            self.close()

    def take(self) -> list[Command]:
        """Every command sent so far, up to a Stop: those behind it stay for `close` (in the loop thread)."""
        self._wake.drain()
        taken: list[Command] = []
        while not (taken and isinstance(taken[-1], Stop)):
            try:
                taken.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return taken

    def close(self) -> None:
        """The loop has ended: answer every command still queued, and every later one."""
        self.closed = True
        while True:
            try:
                _refuse(self._queue.get_nowait())
            except queue.Empty:
                return


def _refuse(cmd: Command) -> None:
    error = HwError("the remap loop is not running; see /api/status")
    if isinstance(cmd, CaptureKey):
        cmd.done(None, error)
    elif not isinstance(cmd, (KeyEvents, Stop)) and cmd.done is not None:
        cmd.done(error)


__all__ = ["Apply", "CaptureKey", "Command", "Done", "Inbox", "Inject", "KeyEvents", "LayerCommand", "SetFocus",
           "Steps", "Stop", "VirtualKey"]
