"""Profiles: create, read, replace, merge-patch, rename, delete, activate."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Response, jsonify, url_for

from ..errors import ApiError
from ..store import PROFILE_BODY, Conflict, NotFound, StaleRevision
from . import if_match, json_body, keyrx, load, precondition_failed, with_etag
from .schemas import ProfileCreateSchema, ProfileSchema
from .status import activate

bp = Blueprint("profiles", __name__, url_prefix="/api/profiles")

SUMMARY = ("name", "description", "settings", "active", "revision", "created_at", "updated_at")
MAX_PATCH_DEPTH = 64


def _missing(name: str) -> ApiError:
    return ApiError(404, f"no profile named '{name}'")


def _body(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: profile[k] for k in PROFILE_BODY if k in profile}


def merge_patch(target: Any, patch: Any, depth: int = 0) -> Any:
    """RFC 7396 JSON merge patch."""
    if depth > MAX_PATCH_DEPTH:
        raise ApiError(422, "the patch is nested too deeply", errors={"body": ["nested too deeply"]})
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value, depth + 1)
    return result


def _uses(name: str) -> bool:
    """Whether the loop runs this profile (active, or a device's override)."""
    k = keyrx()
    return k.store.active_profile() == name or any(d["profile"] == name for d in k.store.list_devices())


@bp.get("")
def list_profiles() -> Response:
    k = keyrx()
    seq = k.seq  # before the read: every event up to it is in the state read below
    profiles = k.store.list_profiles()
    return jsonify({"profiles": [{f: p[f] for f in SUMMARY} for p in profiles],
                    "active": k.store.active_profile(), "seq": seq, "epoch": k.epoch})


@bp.post("")
def create_profile() -> Response:
    k = keyrx()
    data = load(ProfileCreateSchema(), json_body())
    name = data["name"]
    if "copy_from" in data:
        try:
            source = k.store.get_profile(data["copy_from"])
        except NotFound:
            raise ApiError(422, f"no profile named '{data['copy_from']}' to copy",
                           title="Validation failed",
                           errors={"copy_from": [f"no profile named '{data['copy_from']}'"]}) from None
        body = _body(source)
        if "description" in data and data["description"]:
            body["description"] = data["description"]
    else:
        body = _body(data)
    try:
        profile = k.store.create_profile(name, body)
    except Conflict as exc:
        raise ApiError(409, str(exc)) from None
    k.publish("profile.created", {"profile": profile})
    resp = with_etag(profile, 201)
    resp.headers["Location"] = url_for("profiles.get_profile", name=name)
    return resp


@bp.get("/<name>")
def get_profile(name: str) -> Response:
    try:
        return with_etag(keyrx().store.get_profile(name))
    except NotFound:
        raise _missing(name) from None


@contextmanager
def _store_errors(name: str) -> Iterator[None]:
    """The store's errors for a profile write as API errors."""
    try:
        yield
    except NotFound:
        raise _missing(name) from None
    except StaleRevision as exc:
        raise precondition_failed(exc.current) from None
    except Conflict as exc:
        raise ApiError(409, str(exc)) from None


def _update(name: str, build: Any) -> Response:
    k = keyrx()
    with _store_errors(name):
        before, after = k.store.update_profile(name, if_match(), build)
    if _uses(after["name"]):
        k.apply_hw()
    data: dict[str, Any] = {"profile": after}
    if before["name"] != after["name"]:
        data["previous_name"] = before["name"]
    k.publish("profile.updated", data)
    return with_etag(after)


@bp.put("/<name>")
def put_profile(name: str) -> Response:
    data = load(ProfileSchema(), json_body())
    if data.get("name", name) != name:
        raise ApiError(422, "the name in the body differs from the URL; rename with PATCH",
                       title="Validation failed",
                       errors={"name": [f"must be '{name}' (rename with PATCH)"]})
    return _update(name, lambda current: (name, _body(data)))


@bp.patch("/<name>")
def patch_profile(name: str) -> Response:
    patch = json_body(patch=True)
    if not isinstance(patch, dict) or not patch:
        raise ApiError(422, "the merge patch must be a non-empty JSON object",
                       title="Validation failed", errors={"body": ["must be a non-empty JSON object"]})

    def build(current: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        doc = {"name": current["name"], **_body(current)}
        merged = merge_patch(doc, patch)
        if "name" not in merged:
            raise ApiError(422, "a profile's name cannot be removed", title="Validation failed",
                           errors={"name": ["cannot be null"]})
        data = load(ProfileSchema(), merged)
        return data["name"], _body(data)

    return _update(name, build)


@bp.delete("/<name>")
def delete_profile(name: str) -> Response:
    k = keyrx()
    with _store_errors(name):
        k.store.delete_profile(name, if_match())
    k.publish("profile.deleted", {"name": name})
    return Response(status=204)


@bp.post("/<name>/activate")
def activate_profile(name: str) -> Response:
    return jsonify({"active": activate(name)})
