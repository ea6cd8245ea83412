"""Scoped tokens: tokens that open only part of the API, kept beside the main token.

The main token (`DATA_DIR/token`) can do everything. A scoped token lives in
`DATA_DIR/tokens/<scope>` (the directory 0700, the file 0600, owned like the data dir) and is
accepted only where its `Scope` says. A scope is data (the routes it opens and the WebSocket
topics it may read), so a new one is one entry in SCOPES. Minting a scope's token again replaces
it: the old one stops working. Standard library only: the CLI mints, the daemon checks.
"""
from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

TOKENS_DIR = "tokens"


@dataclass(frozen=True)
class Scope:
    """What a scoped token opens: exact (method, path) routes, and the /ws topics it may read."""

    name: str
    routes: frozenset[tuple[str, str]]
    ws_topics: frozenset[str] = frozenset()

    def allows(self, method: str, path: str, topics: set[str] | None = None) -> bool:
        """Whether a request (a /ws upgrade with the `topics` it asks for) is within the scope."""
        if path == "/ws":
            return bool(self.ws_topics) and topics is not None and topics <= self.ws_topics
        return (method.upper(), path) in self.routes


SCOPES: dict[str, Scope] = {
    "focus": Scope("focus", frozenset({("GET", "/api/focus"), ("PUT", "/api/focus"),
                                       ("DELETE", "/api/focus")})),
}


def new_token_file(tmp: Path) -> str:
    """A new 256-bit token written to `tmp` (0600, on disk before this returns), for the caller to
    link or rename into its place, so no reader ever sees a half-written token."""
    token = secrets.token_urlsafe(32)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return token


def scope_file(data_dir: Path, scope: str) -> Path:
    """Where the token of `scope` is kept."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope '{scope}'; known: {', '.join(SCOPES)}")
    return data_dir / TOKENS_DIR / scope


def mint(data_dir: Path, scope: str) -> str:
    """A new token for `scope`, replacing the old one; owned like the data dir (root mints for the
    service user)."""
    path = scope_file(data_dir, scope)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    tmp = path.with_name(f".{scope}.{os.getpid()}")
    token = new_token_file(tmp)
    if os.geteuid() == 0:
        owner = data_dir.stat()
        for p in (path.parent, tmp):
            os.chown(p, owner.st_uid, owner.st_gid)
    os.replace(tmp, path)
    return token


class ScopedTokens:
    """The daemon's view of the scoped tokens: re-read when the directory changes."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / TOKENS_DIR
        self._stamp: tuple[int, ...] | None = None
        self._tokens: dict[str, str] = {}

    def _reload(self) -> None:
        try:
            stamp = tuple(os.stat(self.dir / s).st_mtime_ns if (self.dir / s).exists() else 0
                          for s in SCOPES)
        except OSError:
            stamp = ()
        if stamp == self._stamp:
            return
        tokens: dict[str, str] = {}
        for scope in SCOPES:
            try:
                value = (self.dir / scope).read_text().strip()
            except OSError:
                continue  # not minted (or unreadable): that scope has no token
            if value:
                tokens[scope] = value
        self._stamp, self._tokens = stamp, tokens

    def scope_of(self, presented: str) -> Scope | None:
        """The scope whose token was presented, or None."""
        self._reload()
        for scope, value in self._tokens.items():
            if hmac.compare_digest(presented.encode(), value.encode()):
                return SCOPES[scope]
        return None


__all__ = ["SCOPES", "Scope", "ScopedTokens", "mint", "scope_file"]
