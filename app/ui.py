"""The web UI: `/` serves app/static/index.html under a strict Content-Security-Policy."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request, send_from_directory

bp = Blueprint("ui", __name__)

# everything comes from the daemon itself; no inline script or style, no framing
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")


@bp.get("/")
def index() -> Response:
    resp = send_from_directory(current_app.static_folder or "static", "index.html", max_age=0)
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def _headers(resp: Response) -> Response:
    # the token lives in the page: never leak the URL, never let the page be framed or sniffed
    if not request.path.startswith("/api"):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
    return resp


def install(app: Flask) -> None:
    """Serve the UI at `/` and give every non-API response the UI's security headers."""
    app.register_blueprint(bp)
    app.after_request(_headers)
