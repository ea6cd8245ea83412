"""Health, status and the active profile."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..errors import ApiError
from ..store import NotFound
from . import json_body, keyrx, load
from .schemas import ActiveProfileSchema

bp = Blueprint("status", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/status")
def status() -> Response:
    # counting greenlets walks the whole heap (about 1 ms per 10,000 objects): opt-in
    return jsonify(keyrx().status(greenlets=request.args.get("greenlets") in ("1", "true")))


@bp.get("/active-profile")
def get_active() -> Response:
    return jsonify({"name": keyrx().store.active_profile()})


@bp.put("/active-profile")
def put_active() -> Response:
    name = load(ActiveProfileSchema(), json_body())["name"]
    return jsonify({"name": activate(name)})


def activate(name: str | None) -> str | None:
    """Make `name` the active profile (None: pass-through) and wait until the loop runs it."""
    k = keyrx()
    try:
        previous = k.store.set_active_profile(name)
    except NotFound:
        raise ApiError(404, f"no profile named '{name}'") from None
    if not k.apply_hw():
        raise ApiError(503, "the profile is stored as active but the remap loop did not take it "
                       "in time; see /api/status", title="Remap loop not responding")
    if name is None:
        k.publish("profile.deactivated", {"previous": previous})
    else:
        k.publish("profile.activated", {"name": name, "previous": previous})
    return name
