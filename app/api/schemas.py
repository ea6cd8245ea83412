"""marshmallow schemas for request bodies; the profile language itself is checked by hw."""
from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

import hw

from ..vocab import PROFILE_READ_ONLY as READ_ONLY

PROFILE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
MAX_INJECT = 1000


class Strict(Schema):
    """Unknown fields are errors."""

    class Meta:
        unknown = RAISE


def _not_reserved(name: str) -> None:
    if name == "active":
        raise ValidationError("'active' is a reserved name")


class ProfileName(fields.String):
    """A profile name as in API.md §2."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=[validate.Regexp(PROFILE_NAME, error=(
            "must be 1-64 letters, digits, '_' or '-', starting with a letter or digit")),
            _not_reserved], **kwargs)


class ProfileSchema(Strict):
    """A whole profile (POST and PUT). Read-only fields are accepted and ignored."""

    name = ProfileName()
    description = fields.String(validate=validate.Length(max=1000), load_default="")
    settings = fields.Dict(keys=fields.String(), load_default=dict)
    layers = fields.Dict(keys=fields.String(), required=True)
    combos = fields.List(fields.Raw(), load_default=list)
    hands = fields.Raw(load_default=None)  # checked by the language, like layers
    sequences = fields.Raw(load_default=list)
    apps = fields.List(fields.Raw())  # checked with the rest of the language by hw
    virtual_keys = fields.Dict(keys=fields.String())

    @pre_load
    def _drop_read_only(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in READ_ONLY}
        return data

    # runs even when a field failed (a bad name, say), so one answer lists every error, as
    # `keyrx check` does; a field that failed is left out of `data` and checked no further
    @validates_schema(skip_on_field_errors=False)
    def _language(self, data: dict[str, Any], **_: Any) -> None:
        if "layers" not in data:
            return  # missing or malformed: its own field error says so
        errors = hw.validate_profile(data)
        if errors:
            raise ValidationError(errors)


class ProfileCreateSchema(ProfileSchema):
    """POST /api/profiles: a profile, or {"name", "copy_from"}."""

    name = ProfileName(required=True)
    layers = fields.Dict(keys=fields.String())
    copy_from = ProfileName()

    @validates_schema(skip_on_field_errors=False)
    def _language(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "copy_from" in data:
            extra = [k for k in ("layers", "combos", "settings", "hands", "sequences") if k in self._given]
            if extra:
                raise ValidationError({k: ["cannot be combined with copy_from"] for k in extra})
            return
        if "layers" not in data and "layers" not in self._given:
            raise ValidationError({"layers": ["Missing data for required field."]})
        super()._language(data, **kwargs)

    @pre_load
    def _remember_given(self, data: Any, **_: Any) -> Any:
        self._given = set(data) if isinstance(data, dict) else set()
        return data


class DevicePatchSchema(Strict):
    """PATCH /api/devices/{id}."""

    enabled = fields.Boolean(truthy={True}, falsy={False})
    label = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))
    profile = ProfileName(allow_none=True)

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("give at least one of enabled, label, profile", "body")


class ActiveProfileSchema(Strict):
    """PUT /api/active-profile."""

    name = ProfileName(required=True, allow_none=True)


def _key_name(value: str) -> None:
    if not hw.is_key(value):
        hint = hw.suggest_key(value)
        raise ValidationError(f"unknown key '{value}'" + (f" (did you mean '{hint}'?)" if hint else ""))


class KeyStepSchema(Strict):
    """One input step: a key pressed, released or tapped at a time."""

    key = fields.String(required=True, validate=_key_name)
    action = fields.String(required=True, validate=validate.OneOf(["press", "release", "tap"]))
    at_ms = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=600_000),
                         allow_nan=False)


class InjectSchema(Strict):
    """POST /api/devices/{id}/inject."""

    events = fields.List(fields.Nested(KeyStepSchema), required=True,
                         validate=validate.Length(min=1, max=MAX_INJECT))


MAX_SIMULATE_EVENTS = 10_000
MAX_SCRIPT_CHARS = 100_000


class SimulateStep(fields.Raw):
    """A KeyStep, or a focus, layer or virtual key step (those are checked by hw.parse_events)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, dict) and "key" not in value and {"focus", "layer", "virtual"} & set(value):
            return value
        return KeyStepSchema().load(value)


class SimulateSchema(Strict):
    """POST /api/simulate: a profile (name, inline object, or null) and events or a script."""

    profile = fields.Raw(required=True, allow_none=True)
    events = fields.List(SimulateStep(),
                         validate=validate.Length(max=MAX_SIMULATE_EVENTS))
    script = fields.String(validate=validate.Length(max=MAX_SCRIPT_CHARS))

    @validates_schema
    def _one_input(self, data: dict[str, Any], **_: Any) -> None:
        if ("events" in data) == ("script" in data):
            raise ValidationError("give either events or script", "body")


MAX_CAPTURE_MS = 30_000


class CaptureSchema(Strict):
    """POST /api/capture: which keyboard (null: any grabbed one) and how long to wait."""

    device = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    timeout_ms = fields.Integer(load_default=10_000, strict=True,
                                validate=validate.Range(min=1, max=MAX_CAPTURE_MS))

    @validates_schema
    def _no_bool(self, data: dict[str, Any], **_: Any) -> None:
        if isinstance(data.get("timeout_ms"), bool):
            raise ValidationError("Not a valid integer.", "timeout_ms")
