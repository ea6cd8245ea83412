"""Health, status and the active profile."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..events.snapshots import snapshot
from . import json_body, load, runtime
from .schemas import ActiveProfileSchema

bp = Blueprint("status", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/status")
@snapshot
def status() -> Response:
    # counting greenlets walks the whole heap (about 1 ms per 10,000 objects): opt-in
    return jsonify(runtime().status(greenlets=request.args.get("greenlets") in ("1", "true")))


@bp.get("/active-profile")
def get_active() -> Response:
    return jsonify({"name": runtime().profiles.active()})


@bp.put("/active-profile")
def put_active() -> Response:
    name = load(ActiveProfileSchema(), json_body())["name"]
    return jsonify({"name": runtime().profiles.activate(name)})
