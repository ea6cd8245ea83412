"""The loop's commands on keyboards' layers: the focused window, layer operations, virtual keys.

The loop hands each such command here with its keyboards; the focus is kept so that a keyboard
that attaches later starts with the app layers of the window in focus.
"""
from __future__ import annotations

from .engine.apps import Focus
from .engine.layerops import Control, FocusChange
from .errors import UnknownDevice
from .inbox import LayerCommand, SetFocus, VirtualKey
from .keyboard import Keyboard
from .native import now_ms


class Layering:
    """Runs SetFocus, LayerCommand and VirtualKey on the loop's keyboards (loop thread only)."""

    def __init__(self) -> None:
        self.focus: Focus | None = None

    def run(self, cmd: SetFocus | LayerCommand | VirtualKey, keyboards: dict[str, Keyboard]) -> None:
        """Do what the command says; UnknownDevice for a keyboard that is not attached."""
        if isinstance(cmd, SetFocus):
            self.focus = cmd.focus
            for kb in keyboards.values():
                self._control(kb, FocusChange(cmd.focus), "focus")
        elif isinstance(cmd, LayerCommand):
            if cmd.device_id is None:
                for kb in keyboards.values():
                    self._control(kb, cmd.op, "api")
            else:
                self._control(self._keyboard(cmd.device_id, keyboards), cmd.op, "api")
        else:
            kb = self._keyboard(cmd.device_id, keyboards)
            code = kb.profile.virtual_keys.get(cmd.name) if kb.profile is not None else None
            if code is None:
                cmd.down.append(False)
                return
            values = {"tap": [1, 0], "press": [1], "release": [0], "toggle": [0 if code in kb.down else 1]}
            for value in values.get(cmd.op, []):
                if (value == 1) != (code in kb.down):  # pressing a held key, releasing a free one: nothing
                    kb.key(code, value, now_ms(), cmd.name, "api")  # remapped as a physical key is
                    Layering._syn(kb)  # a tap is two frames, as typed
            cmd.down.append(code in kb.down)

    def attached(self, kb: Keyboard) -> None:
        """A keyboard came: it follows the window in focus."""
        if self.focus is not None:
            self._control(kb, FocusChange(self.focus), "focus")

    @staticmethod
    def _control(kb: Keyboard, ctl: Control, source: str) -> None:
        kb.emit(kb.engine.control(ctl, now_ms()))  # in order with the input (hw/engine/layerops.py)
        kb.layers_changed(source)
        Layering._syn(kb)  # whatever it wrote goes out as one frame

    @staticmethod
    def _syn(kb: Keyboard) -> None:
        if kb.out is not None:
            kb.out.syn()

    @staticmethod
    def _keyboard(device_id: str, keyboards: dict[str, Keyboard]) -> Keyboard:
        kb = keyboards.get(device_id)
        if kb is None:
            raise UnknownDevice(device_id)
        return kb


__all__ = ["Layering"]
