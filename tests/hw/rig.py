"""The evdev provider and its loop over fake nodes in a real directory, shared by tests/hw."""
from __future__ import annotations

import os
import queue
from pathlib import Path
from typing import Any

from hw import Config, DeviceConfig, Natives, compile_profile
from hw.devices import EvdevProvider
from hw.engine import Engine
from hw.loop import Loop
from tests.fakes import EventLog, FakeInputDevice, FakeUInput

KEY_A, KEY_B, KEY_X, KEY_ESC, KEY_BACKSPACE, KEY_ENTER, KEY_CAPSLOCK = 30, 48, 45, 1, 14, 28, 58
REMAP = compile_profile({"layers": {"base": {"capslock": "esc", "a": "b"}}})


class Rig:
    """A provider over fake nodes in a real directory (so inotify is real), and its loop."""

    def __init__(self, root: Path, grab_wait_ms: float = 5000, natives: Natives | None = None,
                 provider: type[EvdevProvider] = EvdevProvider) -> None:
        self.root = root
        self.nodes: dict[str, FakeInputDevice] = {}
        self.denied: dict[str, int] = {}  # path -> how many more opens fail with EACCES
        self.outputs: list[FakeUInput] = []
        self.provider = provider(str(root), opener=self.open, uinput=self.uinput, sys_dir=str(root / "sys"))
        self.loop = Loop(self.provider, Engine, grab_wait_ms=grab_wait_ms, realtime=True, natives=natives)
        self.log = EventLog()

    def plug(self, n: int, name: str = "Fake Keyboard", **kw: Any) -> FakeInputDevice:
        path = str(self.root / f"event{n}")
        dev = self.nodes[path] = FakeInputDevice(path, name, **kw)
        Path(path).touch()
        return dev

    def grabbed(self) -> FakeInputDevice:
        """One keyboard, plugged in, running REMAP and grabbed."""
        kbd = self.plug(0)
        self.start()
        self.log.wait("device.grabbed")
        return kbd

    def unplug(self, dev: FakeInputDevice) -> None:
        dev.unplug()
        os.unlink(dev.path)

    def open(self, path: str) -> FakeInputDevice:
        if self.denied.get(path, 0) > 0:
            self.denied[path] -= 1
            raise PermissionError(13, "Permission denied", path)
        if path not in self.nodes or self.nodes[path].closed:
            raise FileNotFoundError(2, "No such file or directory", path)
        return self.nodes[path]

    def uinput(self, caps: Any, **kw: Any) -> FakeUInput:
        out = FakeUInput(caps, **kw)
        self.outputs.append(out)
        return out

    def start(self, profile: Any = REMAP, **devices: DeviceConfig) -> None:
        self.loop.start(self.log, Config(default_profile=profile, devices=devices))

    def apply(self, config: Config) -> None:
        done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        self.loop.apply(config, done.put)
        assert done.get(timeout=10) is None

    def out(self, name: str = "Fake Keyboard") -> FakeUInput:
        return next(o for o in self.outputs if o.name == f"KeyRx: {name}")

    def sync(self) -> None:
        """Return once the loop has handled all input pushed so far.

        A command is handled before the reads of the same wake-up, so the second of two
        round trips starts only after every fd readable at the first was read.
        """
        for _ in range(2):  # a no-op command: injecting into no device
            done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
            self.loop.inject("no-such-device", [], done.put)
            assert done.get(timeout=10) is not None
