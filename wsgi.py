"""WSGI entry point from a checkout: `gunicorn -c config/gunicorn.conf.py wsgi:app` (app.wsgi patches first)."""
from app.wsgi import app  # noqa: F401
