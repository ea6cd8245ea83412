"""Compiled, immutable profile structures that the engine runs (code-indexed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .apps import AppRule

from .options import LoopOptions

# Tap-hold modes.
TIMEOUT, PRESS, PERMISSIVE, ALONE = 0, 1, 2, 3
MODES = {"timeout": TIMEOUT, "press": PRESS, "permissive": PERMISSIVE, "alone": ALONE}

# Macro op value meaning "wait this many ms" (the op's code holds the delay).
DELAY = -1


@dataclass(frozen=True, slots=True)
class KeyAct:
    """A key or chord: `codes` pressed in order, released in reverse; `rep` repeats (-1: none)."""

    codes: tuple[int, ...]
    rcodes: tuple[int, ...]
    rep: int


@dataclass(frozen=True, slots=True)
class NullAct:
    """A key that does nothing."""


Ops = tuple[tuple[int, int], ...]
"""A compiled macro: (code, 1 | 0) key ops and (ms, DELAY) waits, in order."""


@dataclass(frozen=True, slots=True)
class LayerAct:
    """Layer active while held, holding `mods` on the output; `macro` typed first."""

    layer: int
    mods: tuple[int, ...] = ()
    macro: Ops = ()


@dataclass(frozen=True, slots=True)
class ToggleAct:
    """Layer on/off on press (its toggled activation holds `mods`); `macro` typed first."""

    layer: int
    mods: tuple[int, ...] = ()
    macro: Ops = ()


@dataclass(frozen=True, slots=True)
class SwitchAct:
    """Replace the bottom layer; `macro` typed first."""

    layer: int
    macro: Ops = ()


@dataclass(frozen=True, slots=True)
class SwapAct:
    """Replace the activation that gave this key its binding with one of `layer`; then `macro`."""

    layer: int
    mods: tuple[int, ...] = ()
    macro: Ops = ()


@dataclass(frozen=True, slots=True)
class ClearAct:
    """End every toggled activation and armed one-shot; then type `macro`."""

    macro: Ops = ()


@dataclass(frozen=True, slots=True)
class RepeatAct:
    """Type again the last key or chord, or run the last macro."""


@dataclass(frozen=True, slots=True)
class OneShotAct:
    """One-shot modifier keys (`codes`) or one-shot layer (`layer` >= 0) holding `mods`.

    The layer form may also act as `key` (pressed while its key is held) and type `macro` first.
    """

    codes: tuple[int, ...]
    layer: int
    mods: tuple[int, ...] = ()
    key: tuple[int, ...] = ()
    macro: Ops = ()


@dataclass(frozen=True, slots=True)
class MacroAct:
    """(code, 1 | 0) key ops and (ms, DELAY) waits, run in order on press."""

    ops: Ops


@dataclass(frozen=True, slots=True)
class CapsWordAct:
    """Caps word on (or refreshed; off with `toggle`): `shifted` keys get shift, `cont` pass."""

    timeout: float
    shifted: frozenset[int]
    cont: frozenset[int]
    toggle: bool = False


@dataclass(frozen=True, slots=True)
class LeaderAct:
    """Read the next keys as one of the profile's sequences, within `timeout` ms of each."""

    timeout: float = 1000.0


@dataclass(frozen=True, slots=True)
class TapDanceAct:
    """n taps of the key, each within `timeout` ms of the previous one, select `elements[n-1]`."""

    elements: tuple[Action, ...]
    timeout: float = 200.0
    eager: bool = False


@dataclass(frozen=True, slots=True)
class WheelAct:
    """A wheel key: `amount` notches on motion code `code` at press, then every `repeat` ms (0: once)."""

    code: int
    amount: int
    repeat: float


@dataclass(frozen=True, slots=True)
class MoveAct:
    """A pointer key: `sign` px along motion code `code` at a speed ramping `start` -> `speed` px/s."""

    code: int
    sign: int
    speed: float
    start: float
    accel: float


@dataclass(frozen=True, slots=True)
class MoveScaleAct:
    """Scales every pointer speed while held."""

    scale: float


Plain = (
    KeyAct | NullAct | LayerAct | ToggleAct | SwitchAct | SwapAct | ClearAct | OneShotAct | MacroAct | RepeatAct
    | CapsWordAct | LeaderAct | TapDanceAct | WheelAct | MoveAct | MoveScaleAct
)


@dataclass(frozen=True, slots=True)
class TapHoldAct:
    """Tap-hold: `tap` or `hold` once decided by `mode` within `timeout` ms of the press.

    `tap` and `hold` may be tap-holds themselves (nested). `idle` and `quick` are the resolved
    `require_prior_idle_ms` and `quick_tap_ms` (0: off); `same_hand`, with `hand_rule`, the keys
    of this key's hand.
    """

    tap: Action
    hold: Action
    timeout: float
    mode: int
    on_timeout_tap: bool = False
    idle: float = 0.0
    quick: float = 0.0
    same_hand: frozenset[int] | None = None


Action = Plain | TapHoldAct

NULL = NullAct()


@dataclass(frozen=True, slots=True)
class Combo:
    """Keys pressed together within `timeout` ms act as `action`, once held `hold` ms (0: at once)."""

    keys: frozenset[int]
    action: Plain
    timeout: float
    layers: frozenset[int] | None
    hold: float = 0.0


@dataclass(frozen=True, slots=True)
class CompiledProfile:
    """A validated profile, indexed by code; treat every part as read-only."""

    layer_names: tuple[str, ...]
    layers: tuple[Mapping[int, Action], ...]
    combos: tuple[Combo, ...]
    combos_by_key: Mapping[int, tuple[Combo, ...]]
    tap_hold_ms: float
    combo_ms: float
    oneshot_ms: float
    modifier_guard: int = -1  # the guard key's code; -1: no guard
    composites: tuple[tuple[int, frozenset[int]], ...] = ()  # (layer, its layers), in lookup order
    repeats: bool = False  # whether some key is repeat_last (presses then record what they type)
    sequences: Mapping[tuple[int, ...], Action] = field(default_factory=dict)
    prefixes: frozenset[tuple[int, ...]] = frozenset()  # proper prefixes of the sequences
    track: bool = False  # uses what needs every press looked at (see hw.engine.tapping)
    apps: tuple[AppRule, ...] = ()
    virtual_keys: Mapping[str, int] = field(default_factory=dict)  # name -> its input code
    pointer: bool = False  # outputs mouse buttons or motion: the loop makes the pointer device
    options: LoopOptions = LoopOptions()  # what the loop does around the engine


def key_act(codes: tuple[int, ...], repeat: bool = True) -> KeyAct:
    """A key/chord action with its derived fields."""
    return KeyAct(codes, codes[::-1], codes[-1] if repeat else -1)

