"""Layer state and control: GET/POST /api/devices/{id}/layers, POST /api/layers, and virtual keys."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

import hw

from ..events.snapshots import snapshot
from . import json_body, load, runtime
from .openapi import describe
from .schemas import Strict

bp = Blueprint("layers", __name__, url_prefix="/api")


class LayerOpSchema(Strict):
    """An operation on the toggled layers or the switched base."""

    op = fields.String(required=True, validate=validate.OneOf(hw.LAYER_OPS))
    layer = fields.String(validate=validate.Length(min=1, max=32), metadata={"example": "nav"})

    @validates_schema
    def _layer(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("op") == "clear" and "layer" in data:
            raise ValidationError("clear takes no layer", "layer")
        if data.get("op") not in (None, "clear") and "layer" not in data:
            raise ValidationError("required for this op", "layer")


class VirtualKeyOpSchema(Strict):
    """What to do with a virtual key."""

    op = fields.String(required=True, validate=validate.OneOf(["press", "release", "tap", "toggle"]))


class LayerStateSchema(Schema):
    """A keyboard's layers."""

    device = fields.String(required=True)
    profile = fields.String(required=True)
    base = fields.String(required=True)
    layers = fields.List(fields.String(), required=True, metadata={"description": "bottom to top"})
    toggled = fields.List(fields.String(), required=True)
    momentary = fields.List(fields.String(), required=True)
    oneshot = fields.String(allow_none=True, required=True)
    app_layers = fields.List(fields.String(), required=True)
    seq = fields.Integer(required=True)
    epoch = fields.String(required=True)


class LayerStatesSchema(Schema):
    """The state of every keyboard the operation reached."""

    devices = fields.Dict(keys=fields.String(), values=fields.Nested(LayerStateSchema), required=True)
    seq = fields.Integer(required=True)
    epoch = fields.String(required=True)


class VirtualKeyStateSchema(Schema):
    """Whether the virtual key is down afterwards."""

    down = fields.Boolean(required=True)


@bp.get("/devices/<device_id>/layers")
@snapshot
def get_layers(device_id: str) -> Response:
    return jsonify(runtime().layers.get(device_id))


@bp.post("/devices/<device_id>/layers")
def post_layers(device_id: str) -> Response:
    body = load(LayerOpSchema(), json_body())
    return jsonify(runtime().layers.operate(device_id, body["op"], body.get("layer")))


@bp.post("/layers")
def post_all_layers() -> Response:
    body = load(LayerOpSchema(), json_body())
    return jsonify(runtime().layers.operate_all(body["op"], body.get("layer")))


@bp.post("/devices/<device_id>/virtual-keys/<name>")
def virtual_key(device_id: str, name: str) -> Response:
    body = load(VirtualKeyOpSchema(), json_body())
    return jsonify(runtime().layers.virtual_key(device_id, name, body["op"]))


LAYERS = "layers"
describe("GET", "/api/devices/{device_id}/layers", "A keyboard's layers (409 when it is not remapping)",
         tag=LAYERS, response=LayerStateSchema, errors=(404, 409))
describe("POST", "/api/devices/{device_id}/layers", "on, off, toggle, switch or clear a layer", tag=LAYERS,
         body=LayerOpSchema, response=LayerStateSchema, errors=(404, 409, 503),
         description="Acts on the toggled layers and the switched base only; held and one-shot layers "
                     "are left alone. Publishes `layer.changed` with `source: \"api\"` when the layers change.")
describe("POST", "/api/layers", "The operation on every remapping keyboard whose profile has the layer",
         tag=LAYERS, body=LayerOpSchema, response=LayerStatesSchema, errors=(503,))
describe("POST", "/api/devices/{device_id}/virtual-keys/{name}", "Press, release, tap or toggle a virtual key",
         tag=LAYERS, body=VirtualKeyOpSchema, response=VirtualKeyStateSchema, errors=(404, 409, 503),
         description="A virtual key (`virtual_keys` in the profile) acts like a physical key: its output "
                     "shows as `key` events, and it is released on profile switch, panic and stop.")
