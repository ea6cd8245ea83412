"""Where the daemon lives: its data dir, its listening address, its API token, the files shipped
in the package.

Standard library (and `app.defaults`, plain data) only: the CLI, `app.doctor`, the example scripts
and config/gunicorn.conf.py import it without loading the server.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .defaults import PORT

PACKAGE = Path(__file__).resolve().parent
EXAMPLES = PACKAGE / "profiles"     # example profiles, shipped with the package
STATIC = PACKAGE / "static"         # the web UI
DEPLOY = PACKAGE / "deploy"         # systemd unit (a template), udev rule, sysusers and modules-load files
SERVICE_DATA_DIR = Path("/var/lib/keyrx")  # the system service's (and root's) data dir
LOOPBACK = "127.0.0.1"


def default_data_dir(environ: Mapping[str, str] = os.environ, euid: int | None = None) -> Path:
    """$XDG_DATA_HOME/keyrx (~/.local/share/keyrx), or /var/lib/keyrx when running as root."""
    if (os.geteuid() if euid is None else euid) == 0:
        return SERVICE_DATA_DIR
    xdg = environ.get("XDG_DATA_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"),
                                                       ".local", "share")
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


def daemon_url(environ: Mapping[str, str] = os.environ) -> str:
    """Where clients find the daemon: KEYRX_URL, else `local_url` (KEYRX_HOST and KEYRX_PORT)."""
    return (environ.get("KEYRX_URL") or local_url(environ)).rstrip("/")


# -- the API token: the one lookup the CLI, `keyrx doctor`, the examples and the docs follow --------
@dataclass(frozen=True)
class Token:
    value: str
    source: str      # "KEYRX_TOKEN", "--token" or the file it was read from


class TokenNotFound(LookupError):
    """No readable token; `tried` holds (place, why not) in the order they were tried."""

    def __init__(self, tried: list[tuple[str, str]]) -> None:
        self.tried = tried
        self.denied = any(why == "permission denied" for _, why in tried)
        lines = "\n".join(f"  {place}: {why}" for place, why in tried)
        super().__init__(
            f"no API token found; tried, in order:\n{lines}\n"
            "Start the daemon once (`keyrx serve`) to create yours, or use the service's:\n"
            f"  export KEYRX_TOKEN=$(sudo cat {SERVICE_DATA_DIR / 'token'})")


def token_files(data_dir: str | Path | None = None, environ: Mapping[str, str] = os.environ,
                euid: int | None = None, service_dir: Path = SERVICE_DATA_DIR) -> list[Path]:
    """The token files to try: the given data dir or KEYRX_DATA_DIR alone, else the service's
    (/var/lib/keyrx/token) then the user's ($XDG_DATA_HOME/keyrx/token; root's is the service's)."""
    explicit = data_dir or environ.get("KEYRX_DATA_DIR")
    if explicit:
        return [Path(explicit) / "token"]
    user = default_data_dir(environ, euid)
    dirs = [service_dir, service_dir if user == SERVICE_DATA_DIR else user]
    return [d / "token" for d in dict.fromkeys(dirs)]


def find_token(explicit: str | None = None, data_dir: str | Path | None = None,
               environ: Mapping[str, str] = os.environ, euid: int | None = None,
               service_dir: Path = SERVICE_DATA_DIR) -> Token:
    """The API token: `explicit` (--token), KEYRX_TOKEN, then the first readable `token_files`.

    Raises TokenNotFound naming every place tried and why each failed."""
    if explicit:
        return Token(explicit, "--token")
    if environ.get("KEYRX_TOKEN"):
        return Token(environ["KEYRX_TOKEN"], "KEYRX_TOKEN")
    tried = [("KEYRX_TOKEN", "not set")]
    for path in token_files(data_dir, environ, euid, service_dir):
        try:
            value = path.read_text().strip()
        except FileNotFoundError:
            tried.append((str(path), "does not exist"))
            continue
        except PermissionError:
            tried.append((str(path), "permission denied"))
            continue
        except OSError as exc:
            tried.append((str(path), exc.strerror or str(exc)))
            continue
        if value:
            return Token(value, str(path))
        tried.append((str(path), "empty"))
    raise TokenNotFound(tried)


def script_token() -> str:
    """`find_token().value` for a script: exits with the places tried when there is none."""
    try:
        return find_token().value
    except TokenNotFound as exc:
        raise SystemExit(f"keyrx: {exc}") from None
