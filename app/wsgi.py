"""WSGI entry point of an installed KeyRx: `gunicorn -c python:app.gunicorn_conf app.wsgi:app`."""
from gevent import monkey

monkey.patch_all()  # first, before anything imports threading, socket or ssl

from app import create_app  # noqa: E402

app = create_app()
