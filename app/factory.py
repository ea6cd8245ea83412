"""The Flask application factory. Wiring only."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

import hw

from . import __version__, connections, defaults, errors, security, tokens, ui
from .events import snapshots
from .events.offload import blocking_offload, native_later
from .events.ws import frames
from .events.ws import routes as ws_routes
from .paths import LOOPBACK, default_data_dir, local_url
from .services import Runtime, build
from .store import Store

LIST_SETTINGS = ("ALLOWED_HOSTS", "ALLOWED_ORIGINS")


def _settings(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_object(defaults)
    app.config.from_prefixed_env("KEYRX")
    if config:
        app.config.update(config)
    for key in LIST_SETTINGS:
        value = app.config[key]
        if isinstance(value, str):
            app.config[key] = [v.strip() for v in value.split(",") if v.strip()]
        elif isinstance(value, list):
            app.config[key] = list(value)  # never the shared list in app.defaults
    if app.config["TOKEN"] is not None:
        app.config["TOKEN"] = str(app.config["TOKEN"])
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"] or default_data_dir())
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_BODY_BYTES"])
    app.config["SOCK_SERVER_OPTIONS"] = {"max_message_size": 64 * 1024, "subprotocols": ["keyrx.v1"],
                                         "ping_interval": float(app.config["PING_S"]) or None}


def create_app(config: Mapping[str, Any] | None = None, *, hw: hw.Loop | None = None) -> Flask:
    """Build the app: settings from app.defaults, then KEYRX_* variables, then `config`."""
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    _settings(app, config)
    logging.getLogger("keyrx").setLevel(str(app.config["LOG_LEVEL"]).upper())

    data_dir: Path = app.config["DATA_DIR"]
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    security.tighten(data_dir)
    token = None if str(app.config["AUTH"]).lower() == "none" else security.load_token(
        data_dir, app.config["TOKEN"])
    gate = security.Gate(port=int(app.config["PORT"]), token=token,
                         allowed_hosts=app.config["ALLOWED_HOSTS"],
                         allowed_origins=app.config["ALLOWED_ORIGINS"],
                         scoped=tokens.ScopedTokens(data_dir))

    from .api import blueprints
    from .api.schemas import ProfileSchema

    offload, write_lock = blocking_offload()
    store = Store(data_dir / "keyrx.db", offload=offload, write_lock=write_lock, later=native_later())
    security.tighten(data_dir, created=True)  # files the store made just now, under the umask
    runtime = build(app.config, hw, store, __version__,
                    validate=lambda doc: ProfileSchema().load(doc), encode=frames.text_frame)
    app.extensions["keyrx"] = runtime
    errors.install(app)
    security.install(app, gate)
    snapshots.install(app, snapshots.SnapshotGate())

    for bp in blueprints():
        app.register_blueprint(bp)
    app.register_blueprint(ws_routes.bp)
    ui.install(app)
    app.wsgi_app = connections.BodyDeadline(  # type: ignore[method-assign]
        app.wsgi_app, connections.BODY_TIMEOUT_S, int(app.config["MAX_BODY_BYTES"]))

    @app.before_request
    def _start_once() -> None:
        # gunicorn starts us from post_worker_init; other servers on the first request
        if not runtime.started:
            runtime.start()

    return app


def startup_report(app: Flask) -> list[tuple[bool, str]]:
    """What a person starting the daemon needs to know, as (all well, sentence): where the UI is,
    where the token is (never the token itself), and whether the keyboards can be remapped."""
    runtime = app.extensions["keyrx"]
    url = local_url({"KEYRX_HOST": os.environ.get("KEYRX_HOST", LOOPBACK), "KEYRX_PORT": str(app.config["PORT"])})
    lines = [(True, f"KeyRx {__version__}: the web UI and the API at {url}/")]
    if str(app.config["AUTH"]).lower() == "none":
        lines.append((False, "authentication is off (KEYRX_AUTH=none): anyone on this machine may use the API"))
    else:
        token_file = app.config["DATA_DIR"] / "token"
        where = "KEYRX_TOKEN" if app.config["TOKEN"] else f"{token_file} (`keyrx token` prints it)"
        lines.append((True, f"API token: {where}; sign in to the UI with {url}/#token=<the token>"))
    hw_state = runtime.loop.state()
    running = hw_state.state == "running"
    lines.append((running, f"keyboards: {hw_state.backend} {hw_state.state} ({hw_state.detail})"
                           + ("" if running else "; `keyrx doctor` says what to fix")))
    return lines


__all__ = ["Runtime", "create_app", "startup_report"]
