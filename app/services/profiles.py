"""Profiles: create, replace, merge-patch (and so rename), delete, activate; the compile cache."""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import hw

from ..store import PROFILE_BODY, MissingReference, NotFound, Store
from .errors import Invalid, NotApplied

log = logging.getLogger("keyrx")

Row = dict[str, Any]
Publish = Callable[[str, Row], object]
Validate = Callable[[Row], Row]
SUMMARY = ("name", "description", "settings", "active", "revision", "created_at", "updated_at")
MAX_PATCH_DEPTH = 64


def body_of(profile: Row) -> Row:
    """The stored body of a profile document (what PUT replaces)."""
    return {k: profile[k] for k in PROFILE_BODY if k in profile}


def content_digest(profile: Row) -> str:
    """A digest of a profile's stored body (its canonical JSON): equal exactly when the
    compiled forms are."""
    canonical = json.dumps(body_of(profile), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def merge_patch(target: Any, patch: Any, depth: int = 0) -> Any:
    """RFC 7396 JSON merge patch."""
    if depth > MAX_PATCH_DEPTH:
        raise Invalid("the patch is nested too deeply", {"body": ["nested too deeply"]}, title=None)
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value, depth + 1)
    return result


class Profiles:
    """Every profile operation; a change the loop runs is applied before the call returns.

    `validate` checks a whole profile document (the API's schema); `apply` hands the loop
    the current configuration and says whether it took it in time; `device` gives the API's
    view of a device (a rename changes the devices that use the profile).
    """

    def __init__(self, store: Store, publish: Publish, apply: Callable[[], bool],
                 cursor: Callable[[], tuple[int, str]], validate: Validate,
                 device: Callable[[str], Row]) -> None:
        self._store = store
        self._device = device
        self._publish = publish
        self._apply = apply
        self._cursor = cursor
        self._validate = validate
        self._compiled: dict[str, tuple[str, Any]] = {}  # name -> (content digest, compiled)
        self._broken: dict[str, str] = {}  # stored profiles the loop cannot run: name -> why

    # -- reads ---------------------------------------------------------------------------
    def snapshot(self) -> Row:
        """GET /api/profiles: the summaries, the active name and the seq they reflect."""
        seq, epoch = self._cursor()  # before the read: every event up to it is in the state
        profiles = self._store.list_profiles()
        return {"profiles": [{f: p[f] for f in SUMMARY} for p in profiles],
                "active": self._store.active_profile(), "seq": seq, "epoch": epoch}

    def get(self, name: str) -> Row:
        """One profile; NotFound if missing."""
        return self._store.get_profile(name)

    def active(self) -> str | None:
        """The active profile's name (None: pass-through)."""
        return self._store.active_profile()

    # -- compiled forms ------------------------------------------------------------------
    def compiled(self, name: str) -> Any:
        """The compiled stored profile of that name; NotFound if missing.

        Cached by content: a revision restarts when a profile is deleted and created again
        (and a rename carries the revision along), so only the body itself says whether a
        compiled form is still the stored profile.
        """
        profile = self._store.get_profile(name)
        digest = content_digest(profile)
        cached = self._compiled.get(name)
        if cached is None or cached[0] != digest:
            cached = (digest, hw.compile_profile(profile))
            self._compiled[name] = cached
        return cached[1]

    def for_loop(self, name: str | None) -> Any:
        """What the loop runs for that name: its compiled form, or None (pass-through) when it
        is gone or no longer compiles (a stored profile from an edited database or an older
        rule): the daemon runs on, and `problems()` says so until it is fixed."""
        if name is None:
            return None
        try:
            compiled = self.compiled(name)
        except NotFound:
            log.warning("profile %s vanished; using pass-through", name)
            return None
        except (hw.ProfileError, ValueError, TypeError, KeyError) as exc:
            why = "; ".join(f"{k}: {v[0]}" for k, v in getattr(exc, "errors", {}).items()) or str(exc)
            if self._broken.get(name) != why:
                log.error("stored profile %s is not valid (%s); running pass-through instead",
                          name, why)
            self._broken[name] = why
            return None
        self._broken.pop(name, None)
        return compiled

    def problems(self) -> list[Row]:
        """The stored profiles the loop should run but cannot, for /api/status."""
        return [{"kind": "profile", "profile": name, "detail": f"profile '{name}' is not valid "
                 f"({why}); the keyboards using it run pass-through",
                 "fix": f"fix it with PUT /api/profiles/{name} (or `keyrx profiles export {name}`, "
                 f"edit, `keyrx profiles import --replace`), or activate another profile"}
                for name, why in sorted(self._broken.items())]

    def simulate(self, profile: str | Row | None, steps: Sequence[Any]) -> list[Row]:
        """Run a stored profile (by name), a validated inline one, or none on virtual time."""
        if isinstance(profile, str):
            compiled = self.compiled(profile)
        else:
            compiled = None if profile is None else hw.compile_profile(profile)
        return hw.simulate(compiled, steps)

    # -- writes --------------------------------------------------------------------------
    def create(self, data: Row) -> Row:
        """A new profile from a validated body, or a copy of `copy_from` (its description
        replaced when one is given)."""
        body = body_of(data)
        if "copy_from" in data:
            source = data["copy_from"]
            try:
                body = body_of(self._store.get_profile(source))
            except NotFound:
                raise MissingReference("copy_from", "profile", source,
                                       detail=f"no profile named '{source}' to copy") from None
            if data.get("description"):
                body["description"] = data["description"]
        profile = self._store.create_profile(data["name"], body)
        self._publish("profile.created", {"profile": profile})
        return profile

    def replace(self, name: str, expect: int | None, data: Row) -> Row:
        """PUT: a new body for the profile."""
        return self._update(name, expect, lambda current: (name, body_of(data)))

    def patch(self, name: str, expect: int | None, patch: Row) -> Row:
        """Merge-patch the profile (renaming it when the patch sets `name`)."""
        def change(current: Row) -> tuple[str, Row]:
            merged = merge_patch({"name": current["name"], **body_of(current)}, patch)
            if "name" not in merged:
                raise Invalid("a profile's name cannot be removed", {"name": ["cannot be null"]})
            data = self._validate(merged)
            return data["name"], body_of(data)
        return self._update(name, expect, change)

    def _update(self, name: str, expect: int | None,
                change: Callable[[Row], tuple[str, Row]]) -> Row:
        before, after = self._store.update_profile(name, expect, change)
        if self._store.profile_in_use(after["name"]):
            self._apply()
        data: Row = {"profile": after}
        renamed = before["name"] != after["name"]
        if renamed:
            self._compiled.pop(before["name"], None)
            self._broken.pop(before["name"], None)
            data["previous_name"] = before["name"]
        self._publish("profile.updated", data)
        if renamed:
            self._renamed(before["name"], after)
        return after

    def _renamed(self, old: str, profile: Row) -> None:
        """A rename moved the devices that used the profile, and maybe the active profile,
        to the new name: say so as their own changes say it."""
        name = profile["name"]
        for stored in self._store.list_devices():
            if stored["profile"] == name:  # the new name was free: these used the old one
                self._publish("device.updated", {"device": self._device(stored["id"]),
                                                 "changed": ["profile"]})
        if profile["active"]:
            self._publish("profile.activated", {"name": name, "previous": old})

    def delete(self, name: str, expect: int | None) -> None:
        """Delete a profile no device uses and that is not active."""
        self._store.delete_profile(name, expect)
        self._compiled.pop(name, None)
        self._broken.pop(name, None)
        self._publish("profile.deleted", {"name": name})

    def activate(self, name: str | None) -> str | None:
        """Make `name` the active profile (None: pass-through) and wait until the loop runs it."""
        previous = self._store.set_active_profile(name)
        applied = self._apply()
        if name is None:  # stored: clients hear of it whether or not the loop was in time
            self._publish("profile.deactivated", {"previous": previous})
        else:
            self._publish("profile.activated", {"name": name, "previous": previous})
        if not applied:
            raise NotApplied("the profile is stored as active but the remap loop did not take it "
                             "in time; see /api/status")
        return name
