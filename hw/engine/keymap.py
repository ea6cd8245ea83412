"""A compiled profile as the engine reads it: which action a key has on the active layers."""

from __future__ import annotations

from collections.abc import Mapping

from .actions import Action, Combo, CompiledProfile, KeyAct, key_act
from .layers import Layers

BOTTOM = -1
"""The layer a key is resolved through when the bottom layer maps it, or nothing does."""


class Keymap:
    """The profile's layers and combos by input code; unmapped keys pass through as themselves.

    Without a profile there is one empty base layer, so every key passes through.

    `passthru` caches the key action of each unmapped code; a new profile gets a new Keymap.
    `members` gives, for each layer, the layers whose activations it stands for (a composite:
    its layers; any other: itself).
    """

    __slots__ = ("combos", "composites", "maps", "members", "passthru", "profile")

    def __init__(self, profile: CompiledProfile | None) -> None:
        self.profile = profile
        self.maps: tuple[Mapping[int, Action], ...] = profile.layers if profile else ({},)
        self.combos = profile.combos_by_key if profile else {}
        self.composites = profile.composites if profile else ()
        self.members = [frozenset((i,)) for i in range(len(self.maps))]
        for layer, parts in self.composites:
            self.members[layer] = parts
        self.passthru: dict[int, KeyAct] = {}

    def plain(self, code: int) -> KeyAct:
        """The action of a key that nothing maps: itself."""
        act = self.passthru.get(code)
        if act is None:
            act = self.passthru[code] = key_act((code,))
        return act

    def resolve(self, code: int, layers: Layers) -> tuple[Action, int]:
        """The key's action and the layer that gave it: active composites (more layers first),
        then the stack from the top, then the app layers from the top, then the bottom layer
        (`BOTTOM`, as for a key nothing maps)."""
        maps = self.maps
        if self.composites:
            active = layers.active()
            for layer, parts in self.composites:
                act = maps[layer].get(code)
                if act is not None and parts <= active:
                    return act, layer
        for a in reversed(layers.stack):
            act = maps[a.layer].get(code)
            if act is not None:
                return act, a.layer
        if layers.apps:  # none unless a rule matches the focused window
            for layer in reversed(layers.apps):
                act = maps[layer].get(code)
                if act is not None:
                    return act, layer
        act = maps[layers.bottom].get(code)
        if act is None:
            act = self.passthru.get(code) or self.plain(code)
        return act, BOTTOM

    def combos_for(self, code: int, layers: Layers) -> list[Combo]:
        """The combos with this key (one that has some) that may fire on the top active layer."""
        top = layers.stack[-1].layer if layers.stack else layers.apps[-1] if layers.apps else layers.bottom
        return [c for c in self.combos[code] if c.layers is None or top in c.layers]

    def oneshot_ms(self) -> float:
        assert self.profile is not None  # only a profile has one-shot actions
        return self.profile.oneshot_ms

    def layer_names(self, layers: Layers) -> list[str]:
        """The active layers by name, bottom first."""
        return layers.names(self.profile.layer_names) if self.profile else ["base"]
