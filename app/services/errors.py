"""Errors the services raise besides the store's (app/errors.py maps them to problem+json)."""
from __future__ import annotations

from collections.abc import Mapping


class Invalid(Exception):
    """The request is well-formed but not acceptable: a 422 with errors by field."""

    def __init__(self, detail: str, errors: Mapping[str, list[str]], *,
                 title: str | None = "Validation failed") -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors)
        self.title = title


class WrongState(Exception):
    """The device is not in the state the operation needs (plugged in, unplugged, virtual): a 409."""


class NotApplied(Exception):
    """The change is stored but the remap loop did not take it in time (a 503)."""


class Missing(Exception):
    """A thing named in the path, other than a device or a profile, does not exist: a 404."""
