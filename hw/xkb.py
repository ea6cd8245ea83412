"""The desktop's keyboard layouts, from libxkbcommon and the system's xkb data, bound with ctypes.

No build step and no headers: `libxkbcommon.so.0` (Debian `libxkbcommon0`) is opened at run time
and the layout list is read from `rules/evdev.lst` of the xkb data (`xkb-data`). Either missing,
the engine's in-repo tables (`hw/engine/layout_data.py`) stand in for the common layouts, so the
daemon works without them. A compiled layout becomes the plain table the pure engine takes:
character -> (evdev code, level 0..3), walked over keycodes 8..255 x the four levels (none, Shift,
AltGr, Shift+AltGr) by pressing those modifier keys in an xkb state, as KeyRx will on the output.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections.abc import Iterator

from .engine.layout import FALLBACK_NAMES, LayoutTable, Resolver, best_keys, fallback_table

XKB_DIRS = ("/usr/share/X11/xkb", "/usr/local/share/X11/xkb")
LEFTSHIFT, RIGHTALT = 42, 100  # evdev codes; xkb keycodes are evdev + 8
LEVEL_KEYS = ((), (LEFTSHIFT,), (RIGHTALT,), (LEFTSHIFT, RIGHTALT))
XKB_KEY_DOWN = 1
XKB_LOG_LEVEL_CRITICAL = 10


class _RuleNames(ctypes.Structure):
    _fields_ = [("rules", ctypes.c_char_p), ("model", ctypes.c_char_p), ("layout", ctypes.c_char_p),
                ("variant", ctypes.c_char_p), ("options", ctypes.c_char_p)]


def _load() -> ctypes.CDLL | None:
    """libxkbcommon with the few functions used here typed, or None when it is not installed."""
    name = ctypes.util.find_library("xkbcommon") or "libxkbcommon.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    vp = ctypes.c_void_p
    for fn, args, res in (
            ("xkb_context_new", [ctypes.c_int], vp),
            ("xkb_context_unref", [vp], None),
            ("xkb_context_set_log_level", [vp, ctypes.c_int], None),
            ("xkb_keymap_new_from_names", [vp, ctypes.POINTER(_RuleNames), ctypes.c_int], vp),
            ("xkb_keymap_unref", [vp], None),
            ("xkb_state_new", [vp], vp),
            ("xkb_state_unref", [vp], None),
            ("xkb_state_update_key", [vp, ctypes.c_uint32, ctypes.c_int], ctypes.c_int),
            ("xkb_state_key_get_utf32", [vp, ctypes.c_uint32], ctypes.c_uint32)):
        func = getattr(lib, fn)
        func.argtypes, func.restype = args, res
    return lib


def xkb_table(lib: ctypes.CDLL, layout: str, variant: str = "") -> LayoutTable | None:
    """The layout compiled by libxkbcommon as char -> (code, level); None when xkb does not know it."""
    ctx = lib.xkb_context_new(0)
    if not ctx:
        return None
    try:
        lib.xkb_context_set_log_level(ctx, XKB_LOG_LEVEL_CRITICAL)
        names = _RuleNames(b"evdev", b"pc105", layout.encode(), variant.encode(), None)
        keymap = lib.xkb_keymap_new_from_names(ctx, ctypes.byref(names), 0)
        if not keymap:
            return None
        try:
            return best_keys(_walk(lib, keymap))
        finally:
            lib.xkb_keymap_unref(keymap)
    finally:
        lib.xkb_context_unref(ctx)


def _walk(lib: ctypes.CDLL, keymap: int) -> Iterator[tuple[str, int, int]]:
    """(character, evdev code, level) for every key and level that types a character."""
    for level, mods in enumerate(LEVEL_KEYS):
        state = lib.xkb_state_new(keymap)
        try:
            for code in mods:
                lib.xkb_state_update_key(state, code + 8, XKB_KEY_DOWN)
            for keycode in range(8, 256):
                cp = lib.xkb_state_key_get_utf32(state, keycode)
                if cp >= 0x20 and cp != 0x7F:
                    yield chr(cp), keycode - 8, level
        finally:
            lib.xkb_state_unref(state)


def read_layout_list(path: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(name, description, [(variant, description)]) from an xkb `evdev.lst`."""
    layouts: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    section = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("!"):
                section = line[1:].strip()
                continue
            name, _, rest = line.strip().partition(" ")
            if not name:
                continue
            if section == "layout":
                layouts[name] = (rest.strip(), [])
            elif section == "variant":
                parent, _, description = rest.strip().partition(": ")
                if parent in layouts:
                    layouts[parent][1].append((name, description))
    return [(n, d, v) for n, (d, v) in layouts.items()]


class HostLayouts:
    """Layout tables by (layout, variant), from xkb when it can, else the in-repo tables; cached."""

    def __init__(self, lib: ctypes.CDLL | None | bool = True, xkb_dirs: tuple[str, ...] = XKB_DIRS) -> None:
        self._lib = _load() if lib is True else (lib or None)
        self._dir = next((d for d in xkb_dirs if os.path.isdir(os.path.join(d, "symbols"))), None)
        self._cache: dict[tuple[str, str], LayoutTable | None] = {}
        self._lock = threading.Lock()
        self._list: list[tuple[str, str, list[tuple[str, str]]]] | None = None

    @property
    def source(self) -> str:
        """Where tables come from: "xkbcommon", or "fallback" (no library or no xkb data)."""
        return "xkbcommon" if self._lib is not None and self._dir is not None else "fallback"

    def table(self, layout: str, variant: str = "") -> LayoutTable | None:
        """The char -> (code, level) table of a layout; None when it is unknown."""
        key = (layout, variant)
        with self._lock:
            if key not in self._cache:
                found = None
                if self.source == "xkbcommon" and layout in self.names():
                    found = xkb_table(self._lib, layout, variant)  # type: ignore[arg-type]
                self._cache[key] = found if found is not None else fallback_table(layout, variant)
            return self._cache[key]

    def listing(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """Every known layout: (name, description, [(variant, description)])."""
        if self._list is None:
            found: list[tuple[str, str, list[tuple[str, str]]]] = []
            if self._dir is not None:
                try:
                    found = read_layout_list(os.path.join(self._dir, "rules", "evdev.lst"))
                except OSError:
                    found = []
            self._list = found or [(n, d, list(v)) for n, (d, v) in FALLBACK_NAMES.items()]
        return self._list

    def names(self) -> list[str]:
        """The known layout names."""
        return [name for name, _, _ in self.listing()]

    def resolver(self) -> Resolver:
        """What the profile compiler takes: (layout, variant) -> table or None, and the names."""
        return Resolver(self.table, self.names)


_HOST: HostLayouts | None = None


def host_layouts() -> HostLayouts:
    """The process's layouts (xkb loaded once, on first use)."""
    global _HOST
    if _HOST is None:
        _HOST = HostLayouts()
    return _HOST


__all__ = ["HostLayouts", "host_layouts", "read_layout_list", "xkb_table"]
