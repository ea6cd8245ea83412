"""Per-application rules (the profile's `apps`) and virtual keys: compiling them, and matching a
focused window against the rules, as pure functions.

A rule's `match` has `app_id`, `title` or both; each is an exact string, compared
case-insensitively, or a `/regex/` (Python `re`, searched). A rule matches when every given field
matches. Every matching rule applies; their layers stack in rule order, the first rule's on top.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .actions import NULL, Action, TapHoldAct
from .compile_actions import INNER, join_path

if TYPE_CHECKING:
    from .compile import ProfileCompiler

MAX_RULES = 64
MAX_RULE_LAYERS = 16
MAX_APP_ID = 256
MAX_TITLE = 1024
MAX_VIRTUAL_KEYS = 64
VIRTUAL_BASE = 0x1000  # virtual keys get input codes from here: above every real key code
VIRTUAL_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, slots=True)
class Focus:
    """The focused window as a desktop reports it."""

    app_id: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Pattern:
    """An exact string (lower-cased) or a compiled regex."""

    exact: str | None
    regex: re.Pattern[str] | None

    def matches(self, value: str) -> bool:
        if self.regex is not None:
            return self.regex.search(value) is not None
        return value.lower() == self.exact


@dataclass(frozen=True, slots=True)
class AppRule:
    """One rule: its patterns (None: not given) and the layers it turns on, by index."""

    app_id: Pattern | None
    title: Pattern | None
    layers: tuple[int, ...]

    def matches(self, focus: Focus) -> bool:
        return (self.app_id is None or self.app_id.matches(focus.app_id)) and \
            (self.title is None or self.title.matches(focus.title))


def matching_rules(rules: Sequence[AppRule], focus: Focus | None) -> list[int]:
    """The indices of the rules the focused window matches, in rule order."""
    if focus is None:
        return []
    return [i for i, rule in enumerate(rules) if rule.matches(focus)]


def app_layers(rules: Sequence[AppRule], focus: Focus | None) -> list[int]:
    """The app layers bottom first: the first matching rule's layers end up on top."""
    stacked: list[int] = []
    for i in matching_rules(rules, focus):
        for layer in rules[i].layers:
            if layer not in stacked:
                stacked.append(layer)
    stacked.reverse()
    return stacked


def pattern(c: ProfileCompiler, path: str, value: object, limit: int) -> Pattern | None:
    """`"kitty"` or `"/^kit/"`; None after recording what is wrong."""
    if not isinstance(value, str) or not value or len(value) > limit:
        c.error(path, f"must be a string of 1 to {limit} characters: exact, or /regex/")
        return None
    if len(value) >= 2 and value.startswith("/") and value.endswith("/"):
        try:
            return Pattern(None, re.compile(value[1:-1]))
        except re.error as exc:
            c.error(path, f"invalid regular expression: {exc}")
            return None
    return Pattern(value.lower(), None)


def compile_apps(c: ProfileCompiler, value: object) -> tuple[AppRule, ...]:
    """The profile's `apps` list (at most MAX_RULES rules)."""
    if not isinstance(value, list):
        c.error("apps", "must be a list of {match, layers} rules")
        return ()
    if len(value) > MAX_RULES:
        c.error("apps", f"at most {MAX_RULES} rules")
        return ()
    rules: list[AppRule] = []
    for i, item in enumerate(value):
        path = join_path("apps", i)
        if not isinstance(item, Mapping):
            c.error(path, "must be an object with match and layers")
            continue
        c.fields(path, item, {"match", "layers"})
        match = item.get("match")
        mpath = join_path(path, "match")
        app_id = title = None
        if not isinstance(match, Mapping) or not ({"app_id", "title"} & set(match)):
            c.error(mpath, "required: an object with app_id, title or both")
        else:
            c.fields(mpath, match, {"app_id", "title"})
            if "app_id" in match:
                app_id = pattern(c, join_path(mpath, "app_id"), match["app_id"], MAX_APP_ID)
            if "title" in match:
                title = pattern(c, join_path(mpath, "title"), match["title"], MAX_TITLE)
        names = item.get("layers")
        lpath = join_path(path, "layers")
        layers: list[int] = []
        if not isinstance(names, list) or not 1 <= len(names) <= MAX_RULE_LAYERS:
            c.error(lpath, f"required: a list of 1 to {MAX_RULE_LAYERS} layer names")
            names = []
        for j, name in enumerate(names):
            if name == "base":
                c.error(join_path(lpath, j), "the base layer is always on; name another layer")
                continue
            index = c.layer_ref(join_path(lpath, j), name)  # a composite or unknown layer: 422
            if index and index not in layers:
                layers.append(index)
        rules.append(AppRule(app_id, title, tuple(layers)))
    return tuple(rules)


def compile_virtual_keys(c: ProfileCompiler, value: object) -> dict[str, tuple[int, Action]]:
    """The profile's `virtual_keys`: name -> (its input code, its action); no tap-holds."""
    if not isinstance(value, Mapping):
        c.error("virtual_keys", "must be an object of name: action")
        return {}
    if len(value) > MAX_VIRTUAL_KEYS:
        c.error("virtual_keys", f"at most {MAX_VIRTUAL_KEYS} virtual keys")
        return {}
    keys: dict[str, tuple[int, Action]] = {}
    for i, (name, action) in enumerate(value.items()):
        path = join_path("virtual_keys", name)
        if not isinstance(name, str) or not VIRTUAL_NAME.match(name):
            c.error(path, "virtual key names match ^[a-z][a-z0-9_-]{0,31}$")
            continue
        compiled = c.action(path, action, INNER)
        keys[name] = (VIRTUAL_BASE + i, NULL if isinstance(compiled, TapHoldAct) else compiled)
    return keys


def focus_of(app_id: str | None, title: str | None) -> Focus | None:
    """The Focus for an app id and title (None: nothing focused)."""
    return None if app_id is None else Focus(app_id, title or "")


__all__ = ["AppRule", "Focus", "MAX_APP_ID", "MAX_RULES", "MAX_TITLE", "Pattern", "VIRTUAL_BASE",
           "app_layers", "compile_apps", "compile_virtual_keys", "focus_of", "matching_rules"]
