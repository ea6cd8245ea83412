"""What a store operation can fail with; each error says which kind of thing went wrong."""
from __future__ import annotations

from typing import Literal

Kind = Literal["device", "profile"]


class StoreError(Exception):
    """Base of the store's errors."""


class NotFound(StoreError):
    """No row of that kind with that key."""

    def __init__(self, kind: Kind, key: str) -> None:
        super().__init__(describe(kind, key))
        self.kind = kind
        self.key = key


class MissingReference(NotFound):
    """A write names a row that does not exist (e.g. a device's profile): not the resource
    addressed but the request is wrong. `field` is the request field that named it."""

    def __init__(self, field: str, kind: Kind, key: str, detail: str | None = None) -> None:
        super().__init__(kind, key)
        self.field = field
        self.message = describe(kind, key)
        self.detail = detail or self.message


class Conflict(StoreError):
    """The write conflicts with what is stored (exists already, in use, ...)."""


class StaleRevision(StoreError):
    """The caller's expected revision is not the stored one."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


def describe(kind: Kind, key: str) -> str:
    """The sentence for a missing row."""
    return f"no device with id '{key}'" if kind == "device" else f"no profile named '{key}'"


def check_revision(expect: int | None, current: int) -> None:
    """StaleRevision unless the caller expects nothing in particular or exactly `current`."""
    if expect is not None and expect != current:
        raise StaleRevision(current)


class Unavailable(StoreError):
    """The database cannot do what was asked (disk full, read-only, damaged, lost): says which
    file and what to do about it. The API answers 503."""

    def __init__(self, detail: str, fix: str, file: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix
        self.file = file

    def as_problem(self) -> dict[str, str]:
        """The entry for /api/status `problems`."""
        return {"kind": "store", "file": self.file, "detail": self.detail, "fix": self.fix}
