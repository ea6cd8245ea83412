"""The /ws blueprint: validate the query and wrap the socket before the handshake, then serve."""
from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, current_app, g, request
from flask_sock import Sock

from ...errors import ApiError
from ...vocab import DEFAULT_TOPICS
from ..topics import UnknownTopics, parse_topics
from .client import Client
from .socket import SafeSocket

bp = Blueprint("ws", __name__)
sock = Sock()


def _query() -> tuple[int | None, str | None, set[str]]:
    """since, epoch and topics from the query string, or a 400 before the handshake."""
    args = request.args
    since: int | None = None
    if args.get("since") not in (None, ""):
        try:
            since = int(args["since"])
        except ValueError:
            since = -1
        if since < 0:
            raise ApiError(400, "since must be a non-negative integer (an event seq)")
        if not args.get("epoch"):
            raise ApiError(400, "send epoch with since (both come from hello, an event or a "
                           "collection GET)")
    topics = set(DEFAULT_TOPICS)
    if args.get("topics"):
        try:
            topics = parse_topics(args["topics"])
        except UnknownTopics as exc:
            raise ApiError(400, str(exc)) from None
    return since, args.get("epoch") or None, topics


@bp.before_request
def _prepare() -> None:
    # before flask-sock's handshake (it happens inside the view): validate, wrap the socket,
    # decline compression
    if request.environ.get("HTTP_UPGRADE", "").lower() != "websocket":
        return
    g.keyrx_ws = _query()
    env = request.environ
    env.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
    timeout = float(current_app.config["WRITE_TIMEOUT_S"])
    for key in ("gunicorn.socket", "werkzeug.socket"):
        if key in env and not isinstance(env[key], SafeSocket):
            env[key].settimeout(None)  # the HTTP deadline ends here: pings and the writer's apply
            env[key] = SafeSocket(env[key], timeout)
            g.keyrx_sock = env[key]
            return
    raise ApiError(500, "this server does not expose its sockets; run the daemon with gunicorn")


@sock.route("/ws", bp=bp)  # type: ignore[untyped-decorator]
def events_ws(ws: Any) -> None:
    """One client, from hello to close."""
    broadcaster = current_app.extensions["keyrx"].events
    since, epoch, topics = g.keyrx_ws
    client = Client(ws, g.keyrx_sock, topics, broadcaster, current_app.config)
    writer = threading.Thread(target=client.write_loop, name="keyrx-ws-writer", daemon=True)
    broadcaster.attach(client, since, epoch, client.heartbeat_shown)
    writer.start()
    try:
        client.read_loop()
    finally:
        broadcaster.detach(client)
        client.shutdown(1000, "bye")
        writer.join(client.sock.timeout + 1)
        client.sock.abort()
