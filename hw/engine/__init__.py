"""The profile language, pure: key names, compiling a profile, and the engine that runs it.

What lives here, in the order data flows:
    keys, keycodes   key names <-> Linux input codes; US-layout text; "did you mean"
    compile          a profile (JSON-shaped) -> errors by dotted path, or a CompiledProfile
    compile_actions  compiling one action, one function per kind, dispatched by its JSON field
    actions          the compiled, immutable action records and CompiledProfile
    engine           Engine: (input event, now) -> output events, for one keyboard
    handlers         what pressing and releasing each kind of action does, by its type
    keymap, state    what an Engine holds: Keymap (the profile by code, composites first), HeldOutput
    layers           the bottom layer and the stack of activations, the modifiers they hold and lift,
                     the modifier guard
    oneshots         one-shot modifiers and layers in flight
    taphold, combos  pure deciders over the input waiting behind an undecided key
    macros           compiling macro steps into ops, and running them
    options          settings the loop applies around the engine (output_gap_ms, layer_led, pause_chord)
    cancel           letting go of what an engine holds after sleep, toggles kept
    simulate         the engine on virtual time, for /api/simulate and the tests

Nothing here does I/O, reads a clock or starts a thread: time is whatever the caller
passes. Modules here import only the standard library, each other and `hw.errors`; the
loop (hw/) and the app use this package, never the other way round.
"""

from ..errors import ProfileError, ScriptError
from .actions import CompiledProfile
from .compile import SETTINGS, ProfileCompiler, compile_profile, validate_profile
from .engine import Engine
from .keys import all_names, code_of, is_key, name_of, suggest, us_key
from .options import OPTIONS
from .simulate import Step, parse_events, parse_script, simulate

__all__ = ["OPTIONS", "SETTINGS", "CompiledProfile", "Engine", "ProfileCompiler", "ProfileError", "ScriptError",
           "Step", "all_names", "code_of", "compile_profile", "is_key", "name_of", "parse_events", "parse_script",
           "simulate", "suggest", "us_key", "validate_profile"]
