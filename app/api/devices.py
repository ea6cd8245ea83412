"""Devices: what the hardware reports merged with the stored settings."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..events.snapshots import snapshot
from . import if_match, json_body, load, runtime, with_etag
from .schemas import DevicePatchSchema, InjectSchema

bp = Blueprint("devices", __name__, url_prefix="/api/devices")


@bp.get("")
@snapshot
def list_devices() -> Response:
    return jsonify(runtime().devices.snapshot())


@bp.get("/<device_id>")
def get_device(device_id: str) -> Response:
    return with_etag(runtime().devices.get(device_id))


@bp.patch("/<device_id>")
def patch_device(device_id: str) -> Response:
    changes = load(DevicePatchSchema(), json_body(patch=True))
    return with_etag(runtime().devices.update(device_id, if_match(), changes))


@bp.delete("/<device_id>")
def forget_device(device_id: str) -> Response:
    runtime().devices.forget(device_id, if_match())
    return Response(status=204)


@bp.post("/<device_id>/inject")
def inject(device_id: str) -> Response:
    body = load(InjectSchema(), json_body())
    accepted = runtime().devices.inject(device_id, body["events"])
    return jsonify({"accepted": accepted}), 202  # type: ignore[return-value]
