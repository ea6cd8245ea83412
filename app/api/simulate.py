"""POST /api/simulate: run a stored or inline profile on virtual time."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import ValidationError

import hw

from ..errors import flatten
from ..events.snapshots import publishes_nothing
from . import json_body, load, runtime
from .schemas import ProfileSchema, SimulateSchema

bp = Blueprint("simulate", __name__, url_prefix="/api")


def _profile(profile: Any) -> Any:
    """A stored profile's name, a validated inline profile, or None (pass-through)."""
    if profile is None or isinstance(profile, str):
        return profile
    if isinstance(profile, dict):
        try:
            return ProfileSchema().load(profile)
        except ValidationError as exc:
            # The inline profile's paths are relative to it; the body's start at "profile".
            raise ValidationError(flatten(exc.messages, "profile")) from None
    raise ValidationError({"profile": ["must be a profile name, a profile object or null"]})


@bp.post("/simulate")
@publishes_nothing
def simulate() -> Response:
    data = load(SimulateSchema(), json_body())
    profile = _profile(data["profile"])
    if "script" in data:
        steps = hw.parse_script(data["script"])
    else:
        steps = hw.parse_events(data["events"])
    return jsonify({"output": runtime().profiles.simulate(profile, steps)})
