"""Profiles: create, read, replace, merge-patch, rename, delete, activate."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, url_for

from ..errors import ApiError
from ..events.snapshots import snapshot
from . import if_match, json_body, load, runtime, with_etag
from .schemas import ProfileCreateSchema, ProfileSchema

bp = Blueprint("profiles", __name__, url_prefix="/api/profiles")


@bp.get("")
@snapshot
def list_profiles() -> Response:
    return jsonify(runtime().profiles.snapshot())


@bp.post("")
def create_profile() -> Response:
    data = load(ProfileCreateSchema(), json_body())
    resp = with_etag(runtime().profiles.create(data), 201)
    resp.headers["Location"] = url_for("profiles.get_profile", name=data["name"])
    return resp


@bp.get("/<name>")
def get_profile(name: str) -> Response:
    return with_etag(runtime().profiles.get(name))


@bp.put("/<name>")
def put_profile(name: str) -> Response:
    data = load(ProfileSchema(), json_body())
    if data.get("name", name) != name:
        raise ApiError(422, "the name in the body differs from the URL; rename with PATCH",
                       title="Validation failed",
                       errors={"name": [f"must be '{name}' (rename with PATCH)"]})
    return with_etag(runtime().profiles.replace(name, if_match(), data))


@bp.patch("/<name>")
def patch_profile(name: str) -> Response:
    patch = json_body(patch=True)
    if not isinstance(patch, dict) or not patch:
        raise ApiError(422, "the merge patch must be a non-empty JSON object",
                       title="Validation failed", errors={"body": ["must be a non-empty JSON object"]})
    return with_etag(runtime().profiles.patch(name, if_match(), patch))


@bp.delete("/<name>")
def delete_profile(name: str) -> Response:
    runtime().profiles.delete(name, if_match())
    return Response(status=204)


@bp.post("/<name>/activate")
def activate_profile(name: str) -> Response:
    return jsonify({"active": runtime().profiles.activate(name)})
