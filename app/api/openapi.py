"""The OpenAPI 3 document, generated from the registered routes and their marshmallow schemas.

Each route is described once with `describe(method, path, ...)`: its request schema, its
success response and the error statuses it can answer. The document is built from the app's
url_map, so a route nobody described shows up in `undocumented(app)` (and fails a test).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify
from marshmallow import Schema

bp = Blueprint("openapi", __name__, url_prefix="/api")

SchemaRef = type[Schema] | Schema | dict[str, Any]
IGNORED_METHODS = {"HEAD", "OPTIONS"}
PUBLIC_PATHS = {"/api/health"}
STORE_TAGS = ("devices", "profiles")  # routes that read or write the store
ERROR_TEXT = {
    400: "Malformed request (the body is not valid JSON or UTF-8)",
    401: "Missing or invalid token",
    403: "Host or Origin not allowed",
    404: "No such resource",
    409: "Conflict with the current state",
    410: "The cursor is older than the replay ring: resynchronise",
    412: "If-Match does not match the current revision (the ETag header has it)",
    413: "The body is larger than KEYRX_MAX_BODY_BYTES",
    415: "The body is not JSON",
    422: "Validation failed; `errors` maps dotted field paths to messages",
    503: "The remap loop did not respond in time, or the store is unavailable (disk full, "
         "read-only, damaged or lost: the problem's `file` and `fix` say which file and what to "
         "do; GET /api/status lists it under `problems`)",
}


@dataclass(frozen=True)
class Op:
    """What one (method, path) takes and answers."""

    summary: str
    tag: str
    body: SchemaRef | None = None
    response: SchemaRef | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    query: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # name: (type, description)
    headers: Mapping[str, str] = field(default_factory=dict)  # response headers: name: description
    description: str = ""
    body_types: tuple[str, ...] = ("application/json",)
    extra_responses: Mapping[int, str] = field(default_factory=dict)


REGISTRY: dict[tuple[str, str], Op] = {}


def describe(method: str, path: str, summary: str, *, tag: str, **kwargs: Any) -> None:
    """Describe a route; `path` in OpenAPI form (`/api/devices/{device_id}`)."""
    REGISTRY[(method.upper(), path)] = Op(summary=summary, tag=tag, **kwargs)


def openapi_path(rule: str) -> str:
    """A Flask rule (`/api/devices/<device_id>`) in OpenAPI form (`/api/devices/{device_id}`)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api and at /ws."""
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api") or rule.rule == "/ws":
            for method in (rule.methods or set()) - IGNORED_METHODS:
                out.add((method, openapi_path(rule.rule)))
    return out


def undocumented(app: Flask) -> list[tuple[str, str]]:
    """Routes the app serves that have no description."""
    _load_descriptions()
    return sorted(routes(app) - set(REGISTRY))


def _load_descriptions() -> None:
    from . import openapi_routes  # noqa: F401  (describes the built-in routes when imported)


def _schema_name(schema: type[Schema] | Schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema") or cls.__name__


def _media(spec: Any, schema: SchemaRef, mimetypes: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(schema, dict):
        ref = schema
    else:
        name = _schema_name(schema)
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=schema)
        ref = {"$ref": f"#/components/schemas/{name}"}
    return {mt: {"schema": ref} for mt in mimetypes}


def _operation(spec: Any, method: str, path: str, op: Op) -> dict[str, Any]:
    public = path in PUBLIC_PATHS
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in re.findall(r"{([^}]+)}", path)]
    params += [{"name": name, "in": "query", "required": False, "schema": {"type": kind},
                "description": text} for name, (kind, text) in op.query.items()]
    if method in ("PUT", "PATCH", "DELETE") and 412 in op.errors:
        params.append({"name": "If-Match", "in": "header", "required": False,
                       "schema": {"type": "string"},
                       "description": 'The revision you last saw, as "<revision>"'})
    success: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        success["content"] = _media(spec, op.response, ("application/json",))
    if op.headers:
        success["headers"] = {h: {"description": text, "schema": {"type": "string"}}
                              for h, text in op.headers.items()}
    responses: dict[str, Any] = {str(op.status): success}
    for status, text in op.extra_responses.items():
        responses[str(status)] = {"description": text}
    statuses = set(op.errors) | {403}
    if op.tag in STORE_TAGS:
        statuses.add(503)  # the store may be unavailable
    if not public:
        statuses.add(401)
    if op.body is not None:
        statuses |= {400, 413, 415, 422}
    for status in sorted(statuses):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    out: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "responses": responses,
                           "operationId": _operation_id(method, path)}
    if op.description:
        out["description"] = op.description
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": _media(spec, op.body, op.body_types)}
    if public:
        out["security"] = []
    return out


def _operation_id(method: str, path: str) -> str:
    words = re.split(r"[-_./{}]+", path.removeprefix("/api"))
    return method.lower() + "".join(w[:1].upper() + w[1:] for w in words if w)


def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every route the app serves."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    from .openapi_routes import ACTION, PROBLEM_SCHEMA, layer_schema

    _load_descriptions()
    spec = APISpec(title="KeyRx", version=str(app.extensions["keyrx"].version), openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Linux keyboard remapping daemon: devices, profiles, events. "
                                        "Every error is application/problem+json (RFC 9457)."},
                   servers=[{"url": f"http://127.0.0.1:{app.config['PORT']}"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    spec.components.schema("Action", ACTION)
    spec.components.schema("Layer", layer_schema())
    for status, text in ERROR_TEXT.items():
        spec.components.response(f"E{status}", {
            "description": text,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    by_path: dict[str, dict[str, Any]] = {}
    for method, path in sorted(routes(app)):
        op = REGISTRY.get((method, path)) or Op(summary="Undocumented route", tag="undocumented")
        by_path.setdefault(path, {})[method.lower()] = _operation(spec, method, path, op)
    for path, ops in sorted(by_path.items()):
        spec.path(path=path, operations=ops)
    doc = spec.to_dict()
    doc["security"] = [{"bearer": []}]
    for schema in doc["components"]["schemas"].values():
        if "layers" in schema.get("properties", {}):  # the profile language, beyond marshmallow's Dict
            schema["properties"]["layers"] = {
                "type": "object", "description": "layer name → Layer; `base` is required",
                "additionalProperties": {"$ref": "#/components/schemas/Layer"}}
    return doc


@bp.get("/openapi.json")
def openapi_json() -> Response:
    cache = current_app.extensions.setdefault("keyrx.openapi", {})
    if "doc" not in cache:  # routes are fixed once the app serves
        cache["doc"] = document(current_app)
    return jsonify(cache["doc"])
