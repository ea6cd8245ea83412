"""The HTTP API (API.md): one blueprint per resource, and the small helpers they share.

Lives here: the views (devices, profiles, status, simulate, events, openapi), their
marshmallow schemas and the OpenAPI document. A view parses the request, makes one call on
a service of the Runtime (`runtime()`) and shapes the response; errors are mapped in
app/errors.py. May import Flask, marshmallow, `hw` (public names), `app.services`,
`app.events` (the broadcaster's cursors, topics and `@snapshot`) and `app.errors`; never the
store or the hw loop directly, and no blueprint imports another.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, json, jsonify, request
from marshmallow import Schema

import hw

from ..errors import ApiError
from ..events.offload import blocking_offload
from ..services import Runtime

JSON_TYPES = ("application/json", "application/merge-patch+json")
OFFLOAD_BYTES = 64 * 1024  # bodies larger than this are validated off the hub
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # \uD800-\uDFFF: only these can be lone


def runtime() -> Runtime:
    """The app's Runtime."""
    return current_app.extensions["keyrx"]  # type: ignore[no-any-return]


def json_body(*, patch: bool = False) -> Any:
    """The request's JSON body; 415 for another media type, 400 for malformed JSON."""
    mimetype = request.mimetype or ""
    allowed = JSON_TYPES if patch else JSON_TYPES[:1]
    if mimetype not in allowed and not (mimetype.startswith("application/") and mimetype.endswith("+json")
                                        and patch):
        raise ApiError(415, f"send the body as {' or '.join(allowed)} (got {mimetype or 'no Content-Type'})")
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8"))
        if SURROGATE_ESCAPE.search(raw):
            _refuse_lone_surrogates(data)
        return data
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not UTF-8") from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "the body is not valid JSON: nested too deeply") from None


def _refuse_lone_surrogates(data: Any) -> None:
    """422 at the first string (or member name) holding an unpaired UTF-16 surrogate escape
    (e.g. "\\ud800"): it is no character, and could not be stored or sent back as UTF-8."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        items: Any = ()
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        elif isinstance(value, str) and not _is_text(value):
            _lone_surrogate(path)
        for key, item in items:
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not _is_text(key):
                _lone_surrogate(where)
            stack.append((where, item))


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lone_surrogate(path: str) -> None:
    raise ApiError(422, f"{path or 'body'}: contains an unpaired surrogate (\\ud800-\\udfff), "
                   "which is not a character", title="Validation failed",
                   errors={path or "body": ["contains an unpaired surrogate"]})


def load(schema: Schema, data: Any) -> Any:
    """Validate `data` with `schema`; non-objects are a 422 at `body`. A large body is
    validated in a worker thread, so the hub (every other request and the event stream)
    goes on meanwhile."""
    if not isinstance(data, dict):
        raise ApiError(422, "the body must be a JSON object", title="Validation failed",
                       errors={"body": ["must be a JSON object"]})
    if (request.content_length or 0) > OFFLOAD_BYTES:
        offload, _ = blocking_offload()
        if offload is not None:
            hw.host_layouts()  # loaded on first use with a subprocess, which gevent forks only here
            return offload(schema.load, (data,))
    return schema.load(data)


def if_match() -> int | None:
    """The revision in If-Match, or None when absent or `*`."""
    value = request.headers.get("If-Match")
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    try:
        return int(tag)
    except ValueError:
        return -1  # matches no revision: a 412 with the current ETag follows


def with_etag(body: dict[str, Any], status: int = 200) -> Response:
    """A JSON response with ETag: "<revision>"."""
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["ETag"] = f'"{body["revision"]}"'
    return resp


def blueprints() -> list[Blueprint]:
    """Every /api blueprint."""
    from . import capture, devices, events, focus, layers, meta, openapi, profiles, simulate, status
    return [status.bp, meta.bp, devices.bp, capture.bp, profiles.bp, simulate.bp, events.bp, openapi.bp,
            focus.bp, layers.bp]
