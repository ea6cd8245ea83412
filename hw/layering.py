"""The loop's commands on keyboards' layers: the focused window, layer operations, virtual keys.

The loop hands each such command here with its keyboards; the focus is kept so that a keyboard
that attaches later starts with the app layers of the window in focus.
"""
from __future__ import annotations

from .engine.apps import Focus
from .engine.layerops import FocusChange
from .errors import UnknownDevice
from .inbox import LayerCommand, SetFocus, VirtualKey
from .keyboard import Keyboard


class Layering:
    """Runs SetFocus, LayerCommand and VirtualKey on the loop's keyboards (loop thread only)."""

    def __init__(self) -> None:
        self.focus: Focus | None = None

    def run(self, cmd: SetFocus | LayerCommand | VirtualKey, keyboards: dict[str, Keyboard]) -> None:
        """Do what the command says; UnknownDevice for a keyboard that is not attached."""
        if isinstance(cmd, SetFocus):
            self.focus = cmd.focus
            for kb in keyboards.values():
                kb.control(FocusChange(cmd.focus), "focus")
        elif isinstance(cmd, LayerCommand):
            if cmd.device_id is None:
                for kb in keyboards.values():
                    kb.control(cmd.op, "api")
            else:
                self._keyboard(cmd.device_id, keyboards).control(cmd.op, "api")
        else:
            kb = self._keyboard(cmd.device_id, keyboards)
            down = kb.virtual_down(cmd.name)
            if cmd.op == "tap":
                kb.virtual_key(cmd.name, 1)
                kb.virtual_key(cmd.name, 0)
            elif cmd.op in ("press", "release", "toggle"):
                press = cmd.op == "press" or (cmd.op == "toggle" and not down)
                kb.virtual_key(cmd.name, 1 if press else 0)
            cmd.down.append(kb.virtual_down(cmd.name))

    def attached(self, kb: Keyboard) -> None:
        """A keyboard came: it follows the window in focus."""
        if self.focus is not None:
            kb.control(FocusChange(self.focus), "focus")

    @staticmethod
    def _keyboard(device_id: str, keyboards: dict[str, Keyboard]) -> Keyboard:
        kb = keyboards.get(device_id)
        if kb is None:
            raise UnknownDevice(device_id)
        return kb


__all__ = ["Layering"]
