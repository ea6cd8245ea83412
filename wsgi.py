"""WSGI entry point: `gunicorn -c config/gunicorn.conf.py wsgi:app`."""
from gevent import monkey

monkey.patch_all()  # first, before anything imports threading, socket or ssl

from app import create_app  # noqa: E402

app = create_app()
