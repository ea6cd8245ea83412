"""POST /api/simulate: run a stored or inline profile on virtual time."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import ValidationError

import hw

from ..errors import ApiError, flatten
from ..store import NotFound
from . import json_body, keyrx, load
from .schemas import ProfileSchema, SimulateSchema

bp = Blueprint("simulate", __name__, url_prefix="/api")


def _compiled(profile: Any) -> Any:
    """The compiled profile for a stored name, an inline profile, or None (pass-through)."""
    if profile is None:
        return None
    if isinstance(profile, str):
        k = keyrx()
        try:
            k.store.get_profile(profile)
        except NotFound:
            raise ApiError(404, f"no profile named '{profile}'") from None
        return k.compiled(profile)
    if isinstance(profile, dict):
        try:
            data = ProfileSchema().load(profile)
        except ValidationError as exc:
            # The inline profile's paths are relative to it; the body's start at "profile".
            raise ValidationError(flatten(exc.messages, "profile")) from None
        return hw.compile_profile(data)
    raise ValidationError({"profile": ["must be a profile name, a profile object or null"]})


@bp.post("/simulate")
def simulate() -> Response:
    data = load(SimulateSchema(), json_body())
    compiled = _compiled(data["profile"])
    if "script" in data:
        steps = hw.parse_script(data["script"])
    else:
        steps = hw.parse_events(data["events"])
    return jsonify({"output": hw.simulate(compiled, steps)})
