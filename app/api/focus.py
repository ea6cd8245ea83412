"""The focused window: GET/PUT/DELETE /api/focus (the focus agent's routes; the `focus` scope)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify
from marshmallow import Schema, fields, validate

from . import json_body, load, runtime
from .openapi import describe
from .schemas import Strict

bp = Blueprint("focus", __name__, url_prefix="/api")


class FocusPutSchema(Strict):
    """PUT /api/focus: the window that has the focus."""

    app_id = fields.String(required=True, validate=validate.Length(max=256),
                           metadata={"example": "kitty"})
    title = fields.String(validate=validate.Length(max=1024), metadata={"example": "vim"})
    source = fields.String(validate=validate.Length(max=32), metadata={"example": "sway"})


class FocusMatchSchema(Schema):
    """What one keyboard's profile turns on for the window."""

    profile = fields.String(required=True)
    layers = fields.List(fields.String(), required=True, metadata={"description": "app layers, top first"})
    rules = fields.List(fields.Integer(), required=True, metadata={"description": "indices of the matching apps rules"})


class FocusSchema(Schema):
    """The focused window (app_id null: nothing) and, per keyboard, what matched."""

    app_id = fields.String(allow_none=True, required=True)
    title = fields.String(allow_none=True, required=True)
    source = fields.String(allow_none=True, required=True)
    at = fields.String(allow_none=True, required=True, metadata={"description": "ISO 8601 UTC"})
    matches = fields.Dict(keys=fields.String(), values=fields.Nested(FocusMatchSchema), required=True)


@bp.get("/focus")
def get_focus() -> Response:
    return jsonify(runtime().focus.get())


@bp.put("/focus")
def put_focus() -> Response:
    body = load(FocusPutSchema(), json_body())
    return jsonify(runtime().focus.put(body["app_id"], body.get("title", ""), body.get("source")))


@bp.delete("/focus")
def delete_focus() -> Response:
    runtime().focus.clear()
    return Response(status=204)


FOCUS = "focus"
describe("GET", "/api/focus", "The focused window and what each keyboard's profile turns on for it",
         tag=FOCUS, response=FocusSchema)
describe("PUT", "/api/focus", "Report the focused window (the focus agent does)", tag=FOCUS,
         body=FocusPutSchema, response=FocusSchema, errors=(503,),
         description="Publishes `focus.changed` (topic `focus`, not in the default topics). Accepted "
                     "with the `focus` scoped token (`keyrx token --scope focus`).")
describe("DELETE", "/api/focus", "Nothing is focused: app layers off", tag=FOCUS, status=204, errors=(503,))
