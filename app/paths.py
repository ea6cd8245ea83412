"""Where the daemon lives: its data dir, its listening address, the files shipped in the package.

Standard library (and `app.defaults`, plain data) only: the CLI and config/gunicorn.conf.py
import it without loading the server.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .defaults import PORT

PACKAGE = Path(__file__).resolve().parent
EXAMPLES = PACKAGE / "profiles"     # example profiles, shipped with the package
STATIC = PACKAGE / "static"         # the web UI
LOOPBACK = "127.0.0.1"


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/keyrx, or /var/lib/keyrx when running as root."""
    if os.geteuid() == 0:
        return Path("/var/lib/keyrx")
    xdg = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(xdg) / "keyrx"


def example_profiles() -> list[Path]:
    """The example profile files, by name."""
    return sorted(EXAMPLES.glob("*.json"))


def host_port(host: str, port: int | str) -> str:
    """`host:port`, with an IPv6 host in brackets (`[::1]:9867`)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def bind(environ: Mapping[str, str] = os.environ) -> str:
    """Where the daemon listens: KEYRX_HOST (default loopback) and KEYRX_PORT (default PORT)."""
    return host_port(environ.get("KEYRX_HOST", LOOPBACK), environ.get("KEYRX_PORT", PORT))


def local_url(environ: Mapping[str, str] = os.environ) -> str:
    """The daemon's URL from this machine: a daemon listening everywhere is reached on loopback."""
    host = environ.get("KEYRX_HOST", LOOPBACK)
    if host in ("0.0.0.0", "::", ""):
        host = LOOPBACK
    return f"http://{host_port(host, environ.get('KEYRX_PORT', PORT))}"
