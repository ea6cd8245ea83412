"""GET /api/events, and the rule that keeps snapshot cursors exact.

A collection GET returns `seq`: the snapshot reflects exactly the events up to it. A write
publishes after it has changed the store, and `publish` returns once the event has its seq;
so while a write request is in flight a snapshot could show its change without its seq.
Snapshot GETs therefore start once no write is in flight and new writes wait until the
snapshot is read (see Broadcaster.begin_snapshot); the handlers read seq before the state.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, json, request

from ..broadcaster import CursorError
from ..errors import ApiError, problem
from ..vocab import TOPICS
from . import keyrx

bp = Blueprint("events", __name__, url_prefix="/api")

WRITES = ("POST", "PUT", "PATCH", "DELETE")
SNAPSHOTS = ("devices.list_devices", "profiles.list_profiles", "status.status")
QUIESCE_S = 2.0
MAX_LIMIT = 10000


@bp.before_app_request
def _track_writes() -> None:
    if "keyrx" not in current_app.extensions or not request.path.startswith("/api/"):
        return
    if request.method in WRITES:
        keyrx().events.begin_write(QUIESCE_S)
        g.keyrx_write = True
    elif request.endpoint in SNAPSHOTS:
        keyrx().events.begin_snapshot(QUIESCE_S)
        g.keyrx_snapshot = True


@bp.teardown_app_request
def _end_write(exc: BaseException | None) -> None:
    if g.pop("keyrx_write", False):
        keyrx().events.end_write()
    if g.pop("keyrx_snapshot", False):
        keyrx().events.end_snapshot()


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


@bp.get("/events")
def events() -> Response:
    """The envelopes after `since` (oldest first, at most `limit`), or 410 when some are gone."""
    hub = keyrx().events
    limit = _int_arg("limit", 1000, 1, MAX_LIMIT)
    topics = set(TOPICS)
    if request.args.get("topics"):
        topics = {t.strip() for t in request.args["topics"].split(",") if t.strip()}
        unknown = sorted(topics - set(TOPICS))
        if unknown:
            raise ApiError(422, f"unknown topic(s) {', '.join(unknown)}", title="Validation failed",
                           errors={"topics": [f"unknown: {', '.join(unknown)}; known: {', '.join(TOPICS)}"]})
    since = _int_arg("since", -1, 0)
    try:
        entries = hub.since(None if since < 0 else since, request.args.get("epoch") or None)
    except CursorError as exc:
        resp = problem(410, f"events after seq {since} are not all available ({exc}); reload the "
                       "state (collection GETs) and continue from their seq",
                       title="Cursor cannot be served")
        doc = {**json.loads(resp.get_data()), "reason": str(exc), "epoch": hub.epoch,
               "head_seq": hub.head}
        resp.set_data(json.dumps(doc))
        return resp
    chosen = [e for e in entries if e.topic in topics][:limit]
    head = json.dumps({"epoch": hub.epoch, "oldest_seq": hub.oldest, "head_seq": hub.head})
    body = b"".join([head[:-1].encode(), b',"events":[', b",".join(e.payload for e in chosen), b"]}"])
    return Response(body, mimetype="application/json")
