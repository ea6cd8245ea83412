"""GET /api/meta: the vocabulary the UI shares with the daemon, so the UI keeps no copy of it.

Topics, event names and read-only fields come from `app.vocab`; settings defaults and key names
come from the profile language in `hw`.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Response, jsonify

import hw

from .. import __version__, vocab

bp = Blueprint("meta", __name__, url_prefix="/api")


@cache
def vocabulary() -> dict[str, Any]:
    """The body of GET /api/meta; it never changes while the daemon runs."""
    return {
        "version": __version__,
        "topics": list(vocab.TOPICS),
        "default_topics": list(vocab.DEFAULT_TOPICS),
        "events": list(vocab.EVENTS),
        "read_only": {"profile": list(vocab.PROFILE_READ_ONLY)},
        "settings": {**{name: default for name, (default, _, _) in hw.SETTINGS.items()}, **hw.OPTIONS},
        "keys": hw.all_names(),
    }


@bp.get("/meta")
def meta() -> Response:
    return jsonify(vocabulary())


@cache
def host_layouts() -> dict[str, Any]:
    """The body of GET /api/host-layouts: what `settings.host_layout` may name."""
    layouts = hw.host_layouts()
    return {"source": layouts.source, "layouts": [
        {"name": name, "description": description,
         "variants": [{"name": v, "description": d} for v, d in variants]}
        for name, description, variants in layouts.listing()]}


@bp.get("/host-layouts")
def host_layout_list() -> Response:
    return jsonify(host_layouts())
