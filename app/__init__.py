"""KeyRx, the daemon's package.

`create_app` (in `app.factory`) builds the Flask application; it is imported on first use so
that `import app.cli` and other light users never load Flask, gevent, the store or `hw`.
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in ("create_app", "Runtime"):
        from . import factory
        return getattr(factory, name)
    if name == "default_data_dir":
        from .paths import default_data_dir
        return default_data_dir
    raise AttributeError(f"module 'app' has no attribute {name!r}")


__all__ = ["create_app"]
