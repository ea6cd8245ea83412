"""Devices: what the hardware reports merged with the stored settings."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

import hw

from ..errors import ApiError
from ..store import NotFound, StaleRevision
from . import if_match, json_body, keyrx, load, precondition_failed, with_etag
from .schemas import DevicePatchSchema, InjectSchema

bp = Blueprint("devices", __name__, url_prefix="/api/devices")


def _missing(device_id: str) -> ApiError:
    return ApiError(404, f"no device with id '{device_id}'")


@bp.get("")
def list_devices() -> Response:
    k = keyrx()
    seq = k.seq  # before the read: every event up to it is in the state read below
    return jsonify({"devices": k.devices(), "seq": seq, "epoch": k.epoch})


@bp.get("/<device_id>")
def get_device(device_id: str) -> Response:
    try:
        return with_etag(keyrx().device(device_id))
    except NotFound:
        raise _missing(device_id) from None


@bp.patch("/<device_id>")
def patch_device(device_id: str) -> Response:
    k = keyrx()
    k.live_devices()  # a device connected a moment ago is known
    changes = load(DevicePatchSchema(), json_body(patch=True))
    try:
        before, _ = k.store.update_device(device_id, if_match(), changes)
    except StaleRevision as exc:
        raise precondition_failed(exc.current) from None
    except NotFound as exc:
        if str(exc) == device_id:
            raise _missing(device_id) from None
        raise ApiError(422, f"no profile named '{exc}'", title="Validation failed",
                       errors={"profile": [f"no profile named '{exc}'"]}) from None
    if "enabled" in changes or "profile" in changes:
        k.apply_hw()
    device = k.device(device_id)
    changed = sorted(f for f in changes if before.get(f) != changes[f])
    k.publish("device.updated", {"device": device, "changed": changed})
    return with_etag(device)


@bp.delete("/<device_id>")
def forget_device(device_id: str) -> Response:
    k = keyrx()
    try:
        if k.device(device_id)["connected"]:
            raise ApiError(409, f"device '{device_id}' is connected; unplug it before forgetting it")
        k.store.forget_device(device_id, if_match())
    except NotFound:
        raise _missing(device_id) from None
    except StaleRevision as exc:
        raise precondition_failed(exc.current) from None
    k.publish("device.forgotten", {"id": device_id})
    return Response(status=204)


@bp.post("/<device_id>/inject")
def inject(device_id: str) -> Response:
    k = keyrx()
    body = load(InjectSchema(), json_body())
    if device_id not in k.live_devices():
        try:
            k.store.get_device(device_id)
        except NotFound:
            raise _missing(device_id) from None
        raise ApiError(409, f"device '{device_id}' is not connected")
    steps: list[tuple[float, int, int]] = []
    for step in body["events"]:
        code = hw.code_of(step["key"])
        if step["action"] in ("press", "tap"):
            steps.append((step["at_ms"], code, 1))
        if step["action"] in ("release", "tap"):
            steps.append((step["at_ms"], code, 0))
    if k.hw.provider.injectable is False:
        raise ApiError(409, f"device '{device_id}' is a real keyboard; only virtual ones take injected input")
    k.hw.inject(device_id, steps)
    return jsonify({"accepted": len(body["events"])}), 202  # type: ignore[return-value]
