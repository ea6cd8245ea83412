"""GET /api/events: the envelopes after a cursor, from the replay ring."""
from __future__ import annotations

from flask import Blueprint, Response, json, request

from ..errors import ApiError, problem
from ..events.broadcaster import CursorError
from ..events.topics import UnknownTopics, parse_topics
from ..vocab import TOPICS
from . import runtime

bp = Blueprint("events", __name__, url_prefix="/api")

MAX_LIMIT = 10000


def _int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        bound = f" and at most {high}" if high is not None else ""
        raise ApiError(422, f"{name} must be an integer of at least {low}{bound}",
                       title="Validation failed", errors={name: [f"must be >= {low}{bound}"]})
    return value


def _topics() -> set[str]:
    if not request.args.get("topics"):
        return set(TOPICS) - {"focus"}  # window titles only for a client that names the topic
    try:
        return parse_topics(request.args["topics"])
    except UnknownTopics as exc:
        unknown = ", ".join(exc.unknown)
        raise ApiError(422, f"unknown topic(s) {unknown}", title="Validation failed",
                       errors={"topics": [f"unknown: {unknown}; known: {', '.join(TOPICS)}"]}) from None


@bp.get("/events")
def events() -> Response:
    """The envelopes after `since` (oldest first, at most `limit`), or 410 when some are gone."""
    broadcaster = runtime().events
    limit = _int_arg("limit", 1000, 1, MAX_LIMIT)
    topics = _topics()
    since = _int_arg("since", -1, 0)
    try:
        entries = broadcaster.since(None if since < 0 else since, request.args.get("epoch") or None)
    except CursorError as exc:
        return problem(410, f"events after seq {since} are not all available ({exc}); reload the "
                       "state (collection GETs) and continue from their seq",
                       title="Cursor cannot be served", reason=str(exc), epoch=broadcaster.epoch,
                       head_seq=broadcaster.head)
    chosen = [e for e in entries if e.topic in topics][:limit]
    head = json.dumps({"epoch": broadcaster.epoch, "oldest_seq": broadcaster.oldest,
                       "head_seq": broadcaster.head})
    body = b"".join([head[:-1].encode(), b',"events":[', b",".join(e.payload for e in chosen), b"]}"])
    return Response(body, mimetype="application/json")
