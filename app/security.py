"""The token and the Host/Origin gate, for HTTP requests and the /ws upgrade alike."""
from __future__ import annotations

import hmac
import logging
import os
import re
import stat
from pathlib import Path
from typing import Iterable

from flask import Flask, Request, request

from .errors import ApiError
from .tokens import ScopedTokens, new_token_file

log = logging.getLogger("keyrx.security")

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
SUBPROTOCOL = "keyrx.v1"
BEARER_PREFIX = "bearer."


TOKEN_CHARS = re.compile(r"^[A-Za-z0-9._~-]{16,256}$")


def load_token(data_dir: Path, fixed: str | None) -> str:
    """The API token: `fixed` when given, else the one in DATA_DIR/token, created once (0600)."""
    if fixed:
        if not TOKEN_CHARS.match(fixed):
            # browsers send it as the WebSocket subprotocol `bearer.<token>`, a restricted token
            raise ValueError("KEYRX_TOKEN must be 16-256 characters of A-Z a-z 0-9 . _ ~ - "
                             "(it travels as a WebSocket subprotocol); or leave it unset to use "
                             "the generated one")
        return fixed
    path = data_dir / "token"
    try:
        token = path.read_text().strip()
        if token:
            return token
    except FileNotFoundError:
        pass  # first start: create it below
    tmp = path.with_name(f".token.{os.getpid()}")
    token = new_token_file(tmp)
    try:
        os.link(tmp, path)  # never overwrite a token another process created meanwhile
    except FileExistsError:
        token = path.read_text().strip()
    finally:
        tmp.unlink()
    return token


PRIVATE_FILES = ("keyrx.db", "keyrx.db-wal", "keyrx.db-shm", "keyrx.db.bak", "token")


def tighten(data_dir: Path, *, created: bool = False) -> None:
    """Make the data dir 0700 and its files 0600 (the database holds macro text, the token
    grants everything): a directory made earlier, by hand or under another umask, may be
    looser. Each change is logged (at debug level for files this start `created`)."""
    for path, mode in [(data_dir, 0o700), *((data_dir / f, 0o600) for f in PRIVATE_FILES)]:
        try:
            current = stat.S_IMODE(path.lstat().st_mode)
            if path.is_symlink() or current & ~mode == 0:
                continue
            path.chmod(mode)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("%s is mode %o and could not be made %o: %s", path, current, mode, exc)
            continue
        log.log(logging.DEBUG if created else logging.WARNING,
                "%s was mode %o, readable by others: made it %o", path, current, mode)


class Gate:
    """Decides whether a request may go on: Host, Origin, then the token."""

    def __init__(self, *, port: int, token: str | None, allowed_hosts: Iterable[str],
                 allowed_origins: Iterable[str], scoped: ScopedTokens | None = None) -> None:
        self.token = token
        self.scoped = scoped  # tokens that open part of the API (app/tokens.py)
        extra = [h.strip().lower() for h in allowed_hosts if h.strip()]
        self.hosts = {f"{h}:{port}" for h in LOOPBACK} | set(extra)
        if port == 80:
            self.hosts |= set(LOOPBACK)
        self.origins = {f"http://{h}" for h in self.hosts} | {o.strip().rstrip("/").lower()
                                                             for o in allowed_origins if o.strip()}

    def check(self, req: Request) -> None:
        """Raise ApiError (403/401) unless the request passes the gate."""
        host = (req.headers.get("Host") or "").strip().lower()
        if host not in self.hosts:
            raise ApiError(403, "this Host is not allowed; add it to KEYRX_ALLOWED_HOSTS if you "
                           "reach the daemon under another name", title="Host not allowed")
        origin = req.headers.get("Origin")
        if origin is not None and origin.strip().rstrip("/").lower() not in self.origins:
            raise ApiError(403, "this Origin is not allowed; add it to KEYRX_ALLOWED_ORIGINS to "
                           "let that page use the API", title="Origin not allowed")
        if self.token is None or req.path == "/api/health":
            return
        if not (req.path.startswith("/api") or req.path == "/ws"):
            return  # the UI's static files carry no secret
        presented = self._presented(req)
        if presented is None:
            raise ApiError(401, "send the token as 'Authorization: Bearer <token>' "
                           "(`keyrx token` prints it)", title="Authentication required",
                           headers={"WWW-Authenticate": 'Bearer realm="keyrx"'})
        if hmac.compare_digest(presented.encode(), self.token.encode()):
            return
        scope = self.scoped.scope_of(presented) if self.scoped is not None else None
        if scope is None:
            raise ApiError(401, "the token is not valid", title="Invalid token",
                           headers={"WWW-Authenticate": 'Bearer realm="keyrx", error="invalid_token"'})
        topics = {t.strip() for t in req.args.get("topics", "").split(",") if t.strip()}
        if not scope.allows(req.method, req.path, topics):
            raise ApiError(403, f"this token's scope '{scope.name}' does not allow {req.method} "
                           f"{req.path}", title="Outside the token's scope")

    @staticmethod
    def _presented(req: Request) -> str | None:
        auth = req.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        if req.path == "/ws":
            for proto in req.headers.get("Sec-WebSocket-Protocol", "").split(","):
                proto = proto.strip()
                if proto.startswith(BEARER_PREFIX):
                    return proto[len(BEARER_PREFIX):]
        return None


def install(app: Flask, gate: Gate) -> None:
    """Check every request before any view runs (the /ws upgrade included)."""
    if gate.token is None:
        log.warning("KEYRX_AUTH=none: the API accepts requests without a token")

    @app.before_request
    def _gate() -> None:
        gate.check(request)
