"""POST /api/capture: pick a physical key by pressing it on a grabbed keyboard."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..events.snapshots import publishes_nothing
from . import json_body, load, runtime
from .schemas import CaptureSchema

bp = Blueprint("capture", __name__, url_prefix="/api")


@bp.post("/capture")
@publishes_nothing
def capture() -> Response:
    body = load(CaptureSchema(), json_body())
    return jsonify(runtime().devices.capture(body["device"], body["timeout_ms"]))
