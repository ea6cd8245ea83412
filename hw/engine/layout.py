"""Typing characters through the desktop's layout: `text`, `unicode` and their settings.

A layout reaches the engine as a plain table, character -> (evdev code, level 0..3), levels being
nothing, `leftshift`, `rightalt` (AltGr) and both. Who makes it is injected (`Resolver`): the hw side
compiles it with libxkbcommon (`hw/xkb.py`); without one, the in-repo tables of `layout_data`
serve, so `compile_profile(profile)` works as before (US). Pure: no I/O here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .layout_data import CODES, NAMES, TABLES

if TYPE_CHECKING:
    from .compile import ProfileCompiler

LayoutTable = Mapping[str, tuple[int, int]]
"""character -> (evdev code, level: 0 none, 1 Shift, 2 AltGr, 3 Shift+AltGr)."""

MAIN_BLOCK = frozenset([*range(2, 14), *range(15, 29), *range(30, 42), *range(43, 54), 57])
KEY_102ND = 86
TAB, ENTER = 15, 28
LEFTSHIFT, RIGHTALT, LEFTCTRL, SPACE = 42, 100, 29, 57
METHODS = ("none", "ctrl_shift_u")
TERMINATORS = {"space": SPACE, "enter": ENTER}
FALLBACK_NAMES: dict[str, tuple[str, list[tuple[str, str]]]] = NAMES
MAX_PROBLEMS = 20
TEXT_SETTINGS = frozenset({"host_layout", "unicode_method", "unicode_terminator"})


@dataclass(frozen=True)
class Resolver:
    """Where layouts come from: `table(layout, variant)` (None: unknown) and the known `names()`."""

    table: Callable[[str, str], LayoutTable | None]
    names: Callable[[], list[str]]


def best_keys(found: Iterable[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    """For each character, its key by the choice rule: lowest level, then lowest code, among the
    main block; `102nd` only for characters no main-block key has."""
    best: dict[str, tuple[int, int]] = {}
    extra: dict[str, tuple[int, int]] = {}
    for char, code, level in found:
        if code in MAIN_BLOCK:
            if char not in best or (level, code) < (best[char][1], best[char][0]):
                best[char] = (code, level)
        elif code == KEY_102ND and (char not in extra or level < extra[char][1]):
            extra[char] = (code, level)
    for char, where in extra.items():
        best.setdefault(char, where)
    best["\n"], best["\t"] = (ENTER, 0), (TAB, 0)
    return best


def grid(layout: str, variant: str = "") -> Iterable[tuple[str, int, int]] | None:
    """(character, code, level) of an in-repo table; None when there is none."""
    levels = TABLES.get(f"{layout}({variant})" if variant else layout)
    if levels is None:
        return None
    return [(ch, code, level) for level, row in enumerate(levels)
            for code, ch in zip(CODES, row, strict=True) if ch != "\0"]


def fallback_table(layout: str, variant: str = "") -> LayoutTable | None:
    """An in-repo layout table, for when libxkbcommon or the xkb data is missing."""
    found = grid(layout, variant)
    return None if found is None else best_keys(found)


def fallback_names() -> list[str]:
    return list(FALLBACK_NAMES)


FALLBACK = Resolver(fallback_table, fallback_names)
US: LayoutTable = fallback_table("us") or {}


@dataclass(frozen=True)
class Typist:
    """Types characters as keys of one layout, with Ctrl+Shift+U for the rest when asked to."""

    table: LayoutTable
    layout: str = "us"
    method: str = "none"
    terminator: int = SPACE

    def char_ops(self, char: str) -> list[tuple[int, int]] | None:
        """Press/release ops that type `char` on the layout, or via the unicode method; None if neither."""
        found = self.table.get(char)
        if found is not None:
            return self._key(*found)
        if self.method != "ctrl_shift_u" or "u" not in self.table:
            return None
        ops = [(LEFTCTRL, 1), (LEFTSHIFT, 1), (self.table["u"][0], 1), (self.table["u"][0], 0),
               (LEFTSHIFT, 0), (LEFTCTRL, 0)]
        for digit in f"{ord(char):x}":
            if digit not in self.table:
                return None
            ops += self._key(*self.table[digit])
        return ops + [(self.terminator, 1), (self.terminator, 0)]

    def _key(self, code: int, level: int) -> list[tuple[int, int]]:
        mods = [m for m, bit in ((LEFTSHIFT, 1), (RIGHTALT, 2)) if level & bit]
        return [(m, 1) for m in mods] + [(code, 1), (code, 0)] + [(m, 0) for m in reversed(mods)]

    def text_ops(self, text: str) -> tuple[list[tuple[int, int]], list[str]]:
        """The ops that type `text`, and one problem per character that cannot be typed."""
        ops: list[tuple[int, int]] = []
        problems: list[str] = []
        for i, char in enumerate(text):
            typed = self.char_ops(char)
            if typed is None:
                if len(problems) < MAX_PROBLEMS:
                    problems.append(f"character {char!r} at {i} cannot be typed on host layout "
                                    f"'{self.layout}'" + ("" if self.method != "none" else
                                    " (set settings.unicode_method to 'ctrl_shift_u' to type it by code point)"))
            else:
                ops += typed
        return ops, problems


US_TYPIST = Typist(US)


def compile_text_settings(c: ProfileCompiler, settings: Mapping[str, Any], resolver: Resolver) -> Typist:
    """`host_layout`, `unicode_method`, `unicode_terminator`: the Typist a profile's text uses."""
    method, terminator, label = "none", SPACE, "us"
    table: LayoutTable = US
    if "unicode_method" in settings:
        if settings["unicode_method"] in METHODS:
            method = settings["unicode_method"]
        else:
            c.error("settings.unicode_method", "must be one of " + ", ".join(METHODS))
    if "unicode_terminator" in settings:
        if settings["unicode_terminator"] in TERMINATORS:
            terminator = TERMINATORS[settings["unicode_terminator"]]
        else:
            c.error("settings.unicode_terminator", "must be one of " + ", ".join(TERMINATORS))
    if "host_layout" in settings:
        hl = settings["host_layout"]
        if not isinstance(hl, Mapping):
            c.error("settings.host_layout", 'must be an object {"layout": "de", "variant": ""}')
        else:
            c.fields("settings.host_layout", hl, {"layout", "variant"})
            layout, variant = hl.get("layout", "us"), hl.get("variant", "")
            if not isinstance(layout, str) or not layout:
                c.error("settings.host_layout.layout", "must be a layout name such as 'us' or 'de'")
            elif not isinstance(variant, str):
                c.error("settings.host_layout.variant", "must be a string ('' for the layout's default)")
            else:
                found = resolver.table(layout, variant)
                label = f"{layout}({variant})" if variant else layout
                if found is not None:
                    table = found
                elif layout in resolver.names():
                    c.error("settings.host_layout.variant", f"unknown variant '{variant}' of layout '{layout}'")
                else:
                    close = difflib.get_close_matches(layout, resolver.names(), n=1, cutoff=0.6)
                    hint = close[0] if close else None
                    c.error("settings.host_layout.layout", f"unknown layout '{layout}'"
                            + (f" (did you mean '{hint}'?)" if hint else ""))
    return Typist(table, label, method, terminator)


def parse_unicode(value: object) -> str | None:
    """One code point from "é" or "U+00E9"; None when it is neither."""
    if not isinstance(value, str):
        return None
    if len(value) == 1:
        return value
    if value[:2] in ("U+", "u+") and 4 <= len(value) <= 8:
        try:
            cp = int(value[2:], 16)
        except ValueError:
            return None
        if 0x20 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF:
            return chr(cp)
    return None


__all__ = ["FALLBACK", "LayoutTable", "Resolver", "Typist", "US_TYPIST", "best_keys", "compile_text_settings",
           "fallback_table", "parse_unicode"]
