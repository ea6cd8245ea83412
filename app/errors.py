"""Every error under /api becomes application/problem+json (RFC 9457), translated here once."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

import hw

from .services import Invalid, Missing, NotApplied, WrongState
from .store import Conflict, MissingReference, NotFound, StaleRevision, Unavailable

PROBLEM = "application/problem+json"


class ApiError(Exception):
    """An API error with its status, a title and a detail sentence."""

    def __init__(self, status: int, detail: str, *, title: str | None = None,
                 errors: Mapping[str, list[str]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"dotted.path": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            for path, msgs in flatten(value, name).items():
                out.setdefault(path, []).extend(msgs)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "body"] = [str(m) for m in messages]
        else:
            for m in messages:
                for path, msgs in flatten(m, prefix).items():
                    out.setdefault(path, []).extend(msgs)
    else:
        out[prefix or "body"] = [str(messages)]
    return out


def problem(status: int, detail: str, *, title: str | None = None,
            errors: Mapping[str, list[str]] | None = None,
            headers: Mapping[str, str] | None = None, **members: Any) -> Response:
    """A problem+json response; `members` are extension members added to the document."""
    from http import HTTPStatus
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": title or phrase, "status": status,
                            "detail": detail, "instance": request.path if request else None}
    if errors:
        body["errors"] = dict(errors)
    body.update(members)
    resp = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _validation_detail(errors: Mapping[str, list[str]]) -> str:
    first = next(iter(errors.items()), None)
    if first is None:
        return "the request body is not valid"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first[0]}: {first[1][0]}{more}"


def install(app: Flask) -> None:
    """Register the handlers that turn every /api error into problem+json."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return problem(exc.status, exc.detail, title=exc.title, errors=exc.errors, headers=exc.headers)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Response:
        errors = flatten(exc.messages)
        return problem(422, _validation_detail(errors), title="Validation failed", errors=errors)

    @app.errorhandler(hw.ScriptError)
    @app.errorhandler(hw.ProfileError)
    def _script(exc: hw.ScriptError | hw.ProfileError) -> Response:
        return problem(422, _validation_detail(exc.errors), title="Validation failed",
                       errors=exc.errors)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> Response:
        return problem(404, str(exc))

    @app.errorhandler(MissingReference)
    def _missing_reference(exc: MissingReference) -> Response:
        return problem(422, exc.detail, title="Validation failed", errors={exc.field: [exc.message]})

    @app.errorhandler(StaleRevision)
    def _stale(exc: StaleRevision) -> Response:
        return problem(412, f"the resource has changed: its revision is now {exc.current}",
                       headers={"ETag": f'"{exc.current}"'})

    @app.errorhandler(Conflict)
    @app.errorhandler(WrongState)
    def _conflict(exc: Conflict | WrongState) -> Response:
        return problem(409, str(exc))

    @app.errorhandler(Invalid)
    def _invalid(exc: Invalid) -> Response:
        return problem(422, exc.detail, title=exc.title, errors=exc.errors)

    @app.errorhandler(Missing)
    def _missing(exc: Missing) -> Response:
        return problem(404, str(exc))

    @app.errorhandler(Unavailable)
    def _unavailable(exc: Unavailable) -> Response:
        return problem(503, f"{exc.detail}. {exc.fix}", title="Store unavailable",
                       file=exc.file, fix=exc.fix)

    @app.errorhandler(NotApplied)
    def _not_applied(exc: NotApplied) -> Response:
        return problem(503, str(exc), title="Remap loop not responding")

    @app.errorhandler(hw.UnknownDevice)
    def _unknown_device(exc: hw.UnknownDevice) -> Response:
        return problem(404, f"no device with id '{exc}'")

    @app.errorhandler(hw.NotSupported)
    def _not_supported(exc: hw.NotSupported) -> Response:
        return problem(409, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if not request.path.startswith("/api"):
            return exc
        status = exc.code or 500
        detail = {
            404: f"no such endpoint: {request.method} {request.path}",
            405: f"{request.method} is not allowed on {request.path}",
            413: f"the request body is larger than {app.config['MAX_BODY_BYTES']} bytes",
        }.get(status, exc.description or "")
        headers = {}
        if status == 405 and exc.get_response().headers.get("Allow"):
            headers["Allow"] = exc.get_response().headers["Allow"]
        return problem(status, detail, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal error; the daemon log has the details")
