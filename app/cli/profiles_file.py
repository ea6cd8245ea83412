"""Profile files on disk: read them with precise JSON errors, validate them as the API would."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..vocab import PROFILE_READ_ONLY
from .client import CliError


def parse(path: Path) -> tuple[Any, dict[str, list[str]]]:
    """(document, errors): errors name the line and column of a JSON mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, {"file": [exc.strerror or str(exc)]}
    except UnicodeDecodeError:
        return None, {"file": ["not UTF-8 text"]}
    try:
        return json.loads(text), {}
    except json.JSONDecodeError as exc:
        return None, {f"line {exc.lineno} column {exc.colno}": [f"invalid JSON: {exc.msg}"]}


def check_file(path: Path, host_layout: str | None = None) -> dict[str, list[str]]:
    """Errors by dotted path, exactly as POST /api/profiles would report them; {} when valid.

    `host_layout` ("de", "us:dvorak") stands in for the file's `settings.host_layout`."""
    doc, errors = parse(path)
    if errors:
        return errors
    if not isinstance(doc, dict):
        return {"body": ["a profile file holds a JSON object"]}
    if host_layout is not None and isinstance(doc.get("settings", {}), dict):
        layout, _, variant = host_layout.partition(":")
        doc["settings"] = {**doc.get("settings", {}), "host_layout": {"layout": layout, "variant": variant}}
    from marshmallow import ValidationError

    from app.api.schemas import ProfileSchema
    from app.errors import flatten
    try:
        ProfileSchema().load(doc)
    except ValidationError as exc:
        errors = flatten(exc.messages)
    else:
        return {}
    # marshmallow stops at unknown fields; a file's author wants the language errors too
    import hw
    known = {k: doc[k] for k in ("settings", "layers", "combos", "hands", "sequences", "apps", "virtual_keys")
             if k in doc}
    if "layers" in known and not any(p.split(".")[0] in known for p in errors):
        for where, messages in flatten(hw.validate_profile(known)).items():
            errors.setdefault(where, messages)
    return errors


def read_profile(path: Path, as_json: bool = False) -> dict[str, Any]:
    """A profile file's object, without read-only fields; CliError naming the file when unreadable."""
    doc, errors = parse(path)
    if not errors and not isinstance(doc, dict):
        errors = {"body": ["a profile file holds a JSON object"]}
    if errors:
        where, messages = next(iter(errors.items()))
        raise CliError(f"{path}: {where}: {messages[0]}", as_json=as_json,
                       problem={"title": "Unreadable profile file", "detail": f"{path}: {where}: {messages[0]}",
                                "errors": errors})
    return {k: v for k, v in doc.items() if k not in PROFILE_READ_ONLY}
