# gunicorn settings for KeyRx: one gevent worker (the keyboard grab is exclusive and there
# is one event bus per process). Run: gunicorn -c config/gunicorn.conf.py wsgi:app
import os

bind = f"{os.environ.get('KEYRX_HOST', '127.0.0.1')}:{os.environ.get('KEYRX_PORT', '9867')}"
if ":" in os.environ.get("KEYRX_HOST", "") and not os.environ["KEYRX_HOST"].startswith("["):
    bind = f"[{os.environ['KEYRX_HOST']}]:{os.environ.get('KEYRX_PORT', '9867')}"
worker_class = "gevent"
workers = 1                 # never more: see above
worker_connections = int(os.environ.get("KEYRX_WORKER_CONNECTIONS", "2000"))
preload_app = False         # the app must load in the worker, after gevent has patched
graceful_timeout = 3        # open WebSockets would otherwise hold a stop for 30 s
timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = os.environ.get("KEYRX_LOG_LEVEL", "info").lower()
proc_name = "keyrx"


def post_worker_init(worker):
    """Start the remap thread and the broadcaster once the worker serves."""
    worker.wsgi.extensions["keyrx"].start()


def worker_exit(server, worker):
    """Release the keyboards before the worker goes away."""
    app = getattr(worker, "wsgi", None)
    if app is not None and "keyrx" in getattr(app, "extensions", {}):
        app.extensions["keyrx"].stop()
