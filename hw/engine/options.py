"""Profile settings the loop applies around the engine: output pacing, a layer LED, a pause chord.

They are checked and compiled with the rest of the profile (errors by dotted path) and carried
on the `CompiledProfile` as one `LoopOptions`; the engine itself never reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compile import ProfileCompiler

LEDS = {"numlock": 0, "capslock": 1, "scrolllock": 2}  # name -> EV_LED code
OPTIONS: dict[str, Any] = {"layer_led": None, "pause_chord": None}  # non-numeric settings: defaults


@dataclass(frozen=True, slots=True)
class LoopOptions:
    """`output_gap_ms`: a frame and a pause between macro or chord key events (0: one frame);
    `layer_led`: the LED lit while a layer above the bottom one is active; `pause_chord`: input
    keys that, held together, release every keyboard (empty: off)."""

    output_gap_ms: float = 0.0
    layer_led: int | None = None
    pause_chord: tuple[int, ...] = ()


def compile_options(c: ProfileCompiler, settings: object) -> LoopOptions:
    """The loop's options from a profile's `settings` (their errors go to `c`)."""
    if not isinstance(settings, Mapping):
        return LoopOptions()  # absent, or already reported as not an object
    led = settings.get("layer_led")
    if led is not None and led not in LEDS:
        c.error("settings.layer_led", f"must be one of {', '.join(sorted(LEDS))}, or null")
    chord = settings.get("pause_chord")
    codes: tuple[int, ...] | None = ()
    if chord is not None and (not isinstance(chord, str) or "+" not in chord):
        c.error("settings.pause_chord", "must be a chord of at least two keys, like \"ctrl+alt+pause\", or null")
    elif chord is not None:
        codes = c.chord("settings.pause_chord", chord)
    return LoopOptions(c.settings["output_gap_ms"], LEDS.get(led) if isinstance(led, str) else None,
                       codes or ())


__all__ = ["LEDS", "OPTIONS", "LoopOptions", "compile_options"]
