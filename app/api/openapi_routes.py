"""Descriptions of the built-in routes for the OpenAPI document, and their response schemas."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from .openapi import describe
from .schemas import (
    ActiveProfileSchema,
    CaptureSchema,
    DevicePatchSchema,
    InjectSchema,
    ProfileCreateSchema,
    ProfileSchema,
    SimulateSchema,
)

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Validation failed"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string", "example": "layers.base.capslok: unknown key 'capslok'"},
        "instance": {"type": "string", "nullable": True, "example": "/api/profiles"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "example": {"layers.base.capslok": ["unknown key 'capslok' (did you mean 'capslock'?)"]}},
        "reason": {"type": "string", "description": "410 from GET /api/events: why the cursor cannot be served"},
        "epoch": {"type": "string", "description": "410 from GET /api/events: the current epoch"},
        "head_seq": {"type": "integer", "description": "410 from GET /api/events: the newest seq"},
    },
}
ACTION: dict[str, Any] = {
    "description": "What a key does: a key name or chord (\"esc\", \"ctrl+shift+t\"), null (nothing), "
                   "or one of {layer}, {toggle}, {switch}, {oneshot}, {tap, hold, timeout_ms, mode}, "
                   "{macro}, {key, repeat}. See docs/profiles-guide.md.",
    "nullable": True,
    "example": {"tap": "esc", "hold": "leftctrl"},
}
STR = fields.String
ISO = {"description": "ISO 8601 UTC with milliseconds"}


def _cursor() -> dict[str, fields.Field[Any]]:
    return {"seq": fields.Integer(required=True, metadata={"description": "event position of this snapshot"}),
            "epoch": STR(required=True, metadata={"description": "daemon run id"})}


class DeviceSchema(Schema):
    """A keyboard, known or connected."""

    id = STR(required=True, metadata={"example": "usb-046d-c31c-3f2a9b1c"})
    name = STR(required=True)
    label = STR(allow_none=True, required=True)
    path = STR(allow_none=True, required=True)
    bus = STR(required=True)
    vendor = STR(required=True)
    product = STR(required=True)
    phys = STR(allow_none=True, required=True)
    uniq = STR(allow_none=True, required=True)
    kind = STR(allow_none=True, required=True, metadata={
        "enum": ["keyboard", "consumer", "pointer", "other", None],
        "description": "what its keys make it (consumer: media keys); null when not seen this run"})
    skip_reason = STR(allow_none=True, required=True, metadata={
        "description": "why it is left alone unless enabled (another remapper's output), or null"})
    connected = fields.Boolean(required=True)
    grabbed = fields.Boolean(required=True)
    enabled = fields.Boolean(required=True)
    profile = STR(allow_none=True, required=True, metadata={"description": "per-device profile override"})
    last_seen = STR(allow_none=True, required=True, metadata=ISO)
    revision = fields.Integer(required=True)


DeviceListSchema = Schema.from_dict({"devices": fields.List(fields.Nested(DeviceSchema), required=True),
                                     **_cursor()}, name="DeviceListSchema")


class ProfileSummarySchema(Schema):
    """A profile without its layers and combos."""

    name = STR(required=True)
    description = STR(required=True)
    settings = fields.Dict(keys=STR(), values=fields.Raw(), required=True, metadata={
        "description": "numbers in ms; layer_led and pause_chord are strings or null"})
    active = fields.Boolean(required=True)
    revision = fields.Integer(required=True)
    created_at = STR(required=True, metadata=ISO)
    updated_at = STR(required=True, metadata=ISO)


class ProfileDetailSchema(ProfileSummarySchema):
    """A whole profile as stored."""

    layers = fields.Dict(keys=STR(), values=fields.Dict(keys=STR(), values=fields.Raw()), required=True)
    combos = fields.List(fields.Raw(), required=True)
    hands = fields.Dict(keys=STR(), values=fields.List(STR()), metadata={
        "description": "Each key's hand, for the tap-hold hand_rule (present when set)"})
    sequences = fields.List(fields.Raw(), metadata={
        "description": "Leader sequences: [{keys, action}] (present when set)"})


ProfileListSchema = Schema.from_dict({
    "profiles": fields.List(fields.Nested(ProfileSummarySchema), required=True),
    "active": STR(allow_none=True, required=True), **_cursor()}, name="ProfileListSchema")
HealthSchema = Schema.from_dict({"status": STR(required=True)}, name="HealthSchema")
ActiveNameSchema = Schema.from_dict({"name": STR(allow_none=True, required=True)}, name="ActiveNameSchema")
ActivatedSchema = Schema.from_dict({"active": STR(required=True)}, name="ActivatedSchema")
CapturedSchema = Schema.from_dict({
    "device": STR(allow_none=True, required=True, metadata={"description": "the keyboard it came from; "
                                                            "null when nothing was pressed in time"}),
    "key": STR(allow_none=True, required=True, metadata={"example": "capslock"}),
    "code": fields.Integer(metadata={"example": 58, "description": "the Linux key code (absent on timeout)"})},
    name="CapturedSchema")
AcceptedSchema = Schema.from_dict({"accepted": fields.Integer(required=True)}, name="AcceptedSchema")


class StatusSchema(Schema):
    """GET /api/status."""

    version = STR(required=True)
    uptime_s = fields.Float(required=True)
    epoch = STR(required=True)
    seq = fields.Integer(required=True)
    active_profile = STR(allow_none=True, required=True)
    hw = fields.Dict(required=True, metadata={"example": {"backend": "evdev", "state": "running", "detail": ""}})
    devices = fields.Dict(keys=STR(), values=fields.Integer(), required=True,
                          metadata={"example": {"known": 2, "connected": 1, "grabbed": 1}})
    bus = fields.Dict(required=True, metadata={"example": {"depth": 0, "capacity": 1000, "published": 12,
                                                           "dropped": 0}})
    clients = fields.Integer(required=True)
    greenlets = fields.Integer(metadata={
        "description": "only with ?greenlets=1: live greenlets in the worker (0 outside gevent): "
                       "connections, writers, the broadcaster"})
    events = fields.Dict(metadata={"description": "the broadcaster: state, restarts, last_error, head_seq, "
                                                  "oldest_seq, ring, slow_disconnects"})
    problems = fields.List(fields.Dict(), required=True, metadata={
        "description": "what is wrong and what to do, empty when nothing is: `kind` `store` (with "
                       "`file`: disk full, read-only, damaged, lost, or restored from the backup) or "
                       "`profile` (with `profile`: a stored profile in use that no longer compiles; "
                       "its keyboards run pass-through), each with `detail` and `fix`",
        "example": [{"kind": "profile", "profile": "coding", "detail": "profile 'coding' is not "
                     "valid (...)", "fix": "fix it with PUT /api/profiles/coding, ..."}]})


OutputStepSchema = Schema.from_dict({
    "key": STR(metadata={"description": "a key or button output: its name (with action)"}),
    "action": STR(metadata={"description": "press, release or repeat"}),
    "rel": STR(metadata={"description": "pointer motion instead of a key: x, y, wheel or hwheel (with value)"}),
    "value": fields.Integer(metadata={"description": "motion in px, or wheel notches (up and right positive)"}),
    "at_ms": fields.Float(required=True)}, name="OutputStepSchema")
SimulateResultSchema = Schema.from_dict(
    {"output": fields.List(fields.Nested(OutputStepSchema), required=True)}, name="SimulateResultSchema")


class EnvelopeSchema(Schema):
    """One event as delivered by GET /api/events and /ws."""

    type = STR(required=True, metadata={"example": "event"})
    seq = fields.Integer(required=True)
    epoch = STR(required=True)
    ts = STR(required=True, metadata=ISO)
    event = STR(required=True, metadata={"example": "device.updated"})
    data = fields.Dict(required=True)


EventPageSchema = Schema.from_dict({
    "epoch": STR(required=True), "oldest_seq": fields.Integer(required=True),
    "head_seq": fields.Integer(required=True),
    "events": fields.List(fields.Nested(EnvelopeSchema), required=True)}, name="EventPageSchema")

ETAG = {"ETag": 'The revision, as "<revision>"'}
DEV, PROF, STATUS, EVENTS = "devices", "profiles", "status", "events"

describe("GET", "/api/health", "Liveness (no token needed)", tag=STATUS, response=HealthSchema)
describe("GET", "/api/status", "Daemon, hardware, devices and bus state", tag=STATUS, response=StatusSchema,
         query={"greenlets": ("integer", "1: also count live greenlets (walks the heap; for leak checks)")})
describe("GET", "/api/openapi.json", "This document", tag=STATUS, response={"type": "object"})
describe("GET", "/api/meta", "The shared vocabulary: topics, event names, read-only fields, settings defaults, "
         "key names", tag=STATUS, response={"type": "object", "required": [
             "version", "topics", "default_topics", "events", "read_only", "settings", "keys"],
             "example": {"topics": ["device", "profile", "layer", "hw", "key"],
                         "default_topics": ["device", "profile", "layer", "hw"],
                         "read_only": {"profile": ["active", "revision", "created_at", "updated_at"]},
                         "settings": {"tap_hold_ms": 200, "combo_ms": 50, "oneshot_ms": 1000}}})
describe("GET", "/api/host-layouts", "The desktop layouts settings.host_layout may name, with their variants "
         "(from the system's xkb data, else KeyRx's own tables: source)", tag=PROF,
         response={"type": "object", "required": ["source", "layouts"], "example": {
             "source": "xkbcommon", "layouts": [{"name": "de", "description": "German", "variants": [
                 {"name": "nodeadkeys", "description": "German (no dead keys)"}]}]}})
describe("GET", "/api/active-profile", "The active profile's name (null: pass-through)", tag=PROF,
         response=ActiveNameSchema)
describe("PUT", "/api/active-profile", "Activate a profile, or pass-through with null", tag=PROF,
         body=ActiveProfileSchema, response=ActiveNameSchema, errors=(404, 503))

describe("GET", "/api/devices", "Every known device, sorted by id", tag=DEV, response=DeviceListSchema)
describe("GET", "/api/devices/{device_id}", "One device", tag=DEV, response=DeviceSchema, errors=(404,),
         headers=ETAG)
describe("PATCH", "/api/devices/{device_id}", "Enable, disable, label or set a device's profile", tag=DEV,
         body=DevicePatchSchema, response=DeviceSchema, errors=(404, 412), headers=ETAG,
         body_types=("application/json", "application/merge-patch+json"))
describe("DELETE", "/api/devices/{device_id}", "Forget a disconnected device", tag=DEV, status=204,
         errors=(404, 409, 412))
describe("POST", "/api/devices/{device_id}/inject", "Type into a virtual keyboard", tag=DEV,
         body=InjectSchema, response=AcceptedSchema, status=202, errors=(404, 409))
describe("POST", "/api/capture", "Pick a physical key: the next new press on a grabbed keyboard", tag=DEV,
         body=CaptureSchema, response=CapturedSchema, errors=(404, 409, 503),
         description="The press and its release are consumed: nothing is typed and no `key` event is "
                     "published. `device` null listens to every grabbed keyboard. On timeout: "
                     "`{\"device\": null, \"key\": null}`. 409: a capture is already pending, or no "
                     "keyboard is grabbed (also when the capture is cancelled by a panic, a disable or an "
                     "unplug); `detail` says which.")

describe("GET", "/api/profiles", "Every profile without layers and combos, sorted by name", tag=PROF,
         response=ProfileListSchema)
describe("POST", "/api/profiles", "Create a profile, or copy one with copy_from", tag=PROF,
         body=ProfileCreateSchema, response=ProfileDetailSchema, status=201, errors=(409,),
         headers={**ETAG, "Location": "The new profile's URL"})
describe("GET", "/api/profiles/{name}", "One profile", tag=PROF, response=ProfileDetailSchema,
         errors=(404,), headers=ETAG)
describe("PUT", "/api/profiles/{name}", "Replace a profile", tag=PROF, body=ProfileSchema,
         response=ProfileDetailSchema, errors=(404, 412), headers=ETAG)
describe("PATCH", "/api/profiles/{name}", "Merge-patch a profile (RFC 7396); a new name renames it",
         tag=PROF, body={"type": "object", "description": "JSON merge patch of a Profile"},
         response=ProfileDetailSchema, errors=(404, 409, 412), headers=ETAG,
         body_types=("application/merge-patch+json", "application/json"))
describe("DELETE", "/api/profiles/{name}", "Delete a profile that is not in use", tag=PROF, status=204,
         errors=(404, 409, 412))
describe("POST", "/api/profiles/{name}/activate", "Make a profile active once the remap loop runs it",
         tag=PROF, response=ActivatedSchema, errors=(404, 503))

describe("POST", "/api/simulate", "Run a profile on virtual time and return its output", tag=PROF,
         body=SimulateSchema, response=SimulateResultSchema, errors=(404,),
         description="`profile`: a stored profile's name, an inline Profile, or null (pass-through). "
                     "Input: `events` (KeySteps) or `script` (`d:KEY` press, `u:KEY` release, "
                     "`r:KEY` auto-repeat, `t:MS` time passes).")
describe("GET", "/api/events", "Events after a cursor, from the replay ring", tag=EVENTS,
         response=EventPageSchema, errors=(410, 422),
         query={"since": ("integer", "return events with seq > since"),
                "limit": ("integer", "at most this many events (default 1000)"),
                "epoch": ("string", "the epoch `since` belongs to; another epoch answers 410"),
                "topics": ("string", "comma-separated event prefixes: device, profile, layer, hw, key")},
         description="410 (the cursor is older than the ring, or from another epoch) carries `reason`, "
                     "`epoch` and `head_seq`: reload the state with the collection GETs and continue "
                     "from their `seq`.")
describe("GET", "/ws", "WebSocket event stream (see docs/websocket.md)", tag=EVENTS, status=101,
         description="Upgrade with `Authorization: Bearer` or the subprotocols `keyrx.v1, bearer.<token>`. "
                     "Query: since, epoch, topics. Frames: hello, event, resync_required, heartbeat, pong, error.",
         query={"since": ("integer", "resume after this seq"), "epoch": ("string", "the cursor's epoch"),
                "topics": ("string", "comma-separated event prefixes: device, profile, layer, hw, key")})


def layer_schema() -> dict[str, Any]:
    """A layer: key name → Action (the language is in docs/profiles-guide.md)."""
    return {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Action"},
            "example": {"capslock": {"tap": "esc", "hold": "leftctrl"}, "h": "left"}}
