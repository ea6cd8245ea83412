"""gunicorn settings for KeyRx: one gevent worker (the keyboard grab is exclusive and there is
one event bus per process). Shipped in the package so an installed KeyRx runs with
`gunicorn -c python:app.gunicorn_conf app.wsgi:app` (what `keyrx run` does); a checkout's
config/gunicorn.conf.py takes these settings and may override them for its deployment.

Standard library, `app.paths` and `app.connections` (the worker class gunicorn loads
anyway) only: gunicorn reads this before the app loads. The bounds are in app/connections.py
and docs/security.md.
"""
import os
from typing import Any

from app.connections import MAX_CONNECTIONS, fit_to_fd_limit
from app.paths import bind as _bind

bind = _bind()              # KEYRX_HOST (default 127.0.0.1) and KEYRX_PORT (default 9867)
worker_class = "app.connections.Worker"  # gevent, with per-peer and socket deadlines
workers = 1                 # never more: see above
# KEYRX_MAX_CONNECTIONS (KEYRX_WORKER_CONNECTIONS, its older name, still counts), fitted
# under the open-file limit (the unit sets LimitNOFILE=8192)
worker_connections = fit_to_fd_limit(int(os.environ.get("KEYRX_WORKER_CONNECTIONS", MAX_CONNECTIONS)))
preload_app = False         # the app must load in the worker, after gevent has patched
graceful_timeout = 3        # open WebSockets would otherwise hold a stop for 30 s
timeout = 30
keepalive = 5               # request headers (and an idle keep-alive) within 5 s
limit_request_line = 8190   # gunicorn's defaults, stated: the request line, header count and size
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = None
errorlog = "-"
loglevel = os.environ.get("KEYRX_LOG_LEVEL", "info").lower()
proc_name = "keyrx"


def post_worker_init(worker: Any) -> None:
    """Start the remap thread and the broadcaster once the worker serves, then say where the UI
    and the token are and whether the keyboards can be remapped."""
    from app.factory import startup_report  # the app is loaded by now

    worker.wsgi.extensions["keyrx"].start()
    for ok, line in startup_report(worker.wsgi):
        (worker.log.info if ok else worker.log.warning)(line)


def worker_exit(server: Any, worker: Any) -> None:
    """Release the keyboards before the worker goes away."""
    app = getattr(worker, "wsgi", None)
    if app is not None and "keyrx" in getattr(app, "extensions", {}):
        app.extensions["keyrx"].stop()
