"""A `requests` client of the KeyRx API, with errors a person can act on."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import click
import requests

from ..paths import default_data_dir, local_url

SYSTEM_DATA_DIR = Path("/var/lib/keyrx")

# exit codes: 1 the API refused, 2 usage (click), 3 daemon unreachable, 4 token rejected
EXIT_API, EXIT_DOWN, EXIT_AUTH = 1, 3, 4


class CliError(click.ClickException):
    """An error for the user, printed as a sentence (or as JSON with --json)."""

    def __init__(self, message: str, *, code: int = EXIT_API, problem: Mapping[str, Any] | None = None,
                 as_json: bool = False) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click declares it per class; ours is per error
        self.problem = dict(problem or {})
        self.as_json = as_json

    def show(self, file: IO[Any] | None = None) -> None:
        out = file or sys.stderr
        if self.as_json:
            body = self.problem or {"detail": self.message}
            click.echo(json.dumps({"error": body}), file=out)
            return
        click.echo(f"keyrx: {self.message}", file=out)
        for path, messages in (self.problem.get("errors") or {}).items():
            for message in messages:
                click.echo(f"  {path}: {message}", file=out)


def default_url() -> str:
    """KEYRX_URL, else http://KEYRX_HOST:KEYRX_PORT (the daemon's own defaults)."""
    if os.environ.get("KEYRX_URL"):
        return os.environ["KEYRX_URL"].rstrip("/")
    return local_url()


def data_dirs(explicit: str | None) -> list[Path]:
    """Where the token file may be: the given dir, else the user's then the system one."""
    if explicit:
        return [Path(explicit)]
    if os.environ.get("KEYRX_DATA_DIR"):
        return [Path(os.environ["KEYRX_DATA_DIR"])]
    dirs = [default_data_dir()]
    return dirs + [SYSTEM_DATA_DIR] if SYSTEM_DATA_DIR not in dirs else dirs


def find_token(explicit: str | None, data_dir: str | None) -> tuple[str, str]:
    """(token, where it came from); CliError saying what to do when there is none."""
    if explicit:
        return explicit, "--token"
    if os.environ.get("KEYRX_TOKEN"):
        return os.environ["KEYRX_TOKEN"], "KEYRX_TOKEN"
    denied = []
    for directory in data_dirs(data_dir):
        path = directory / "token"
        try:
            token = path.read_text().strip()
        except FileNotFoundError:
            continue
        except PermissionError:
            denied.append(str(path))
            continue
        if token:
            return token, str(path)
    if denied:
        raise CliError(f"cannot read the token in {denied[0]} (permission denied): run `sudo keyrx token` "
                       "and export KEYRX_TOKEN=<token>", code=EXIT_AUTH)
    looked = ", ".join(str(d / "token") for d in data_dirs(data_dir))
    raise CliError(f"no token found (looked in {looked}): start the daemon once (`keyrx run`) to create "
                   "it, or set KEYRX_TOKEN", code=EXIT_AUTH)


class Client:
    """Calls the API and turns every failure into a CliError."""

    def __init__(self, url: str, token: str | None, *, token_source: str = "", timeout: float = 10.0,
                 as_json: bool = False, session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.token_source = token_source
        self.timeout = timeout
        self.as_json = as_json
        self.http = session or requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded JSON answer (None for 204); CliError otherwise."""
        try:
            resp = self.http.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except requests.ConnectionError:
            raise self.down("is not running (connection refused)") from None
        except requests.Timeout:
            raise self.down(f"did not answer within {self.timeout:g} s") from None
        if resp.status_code >= 400:
            raise self.refused(resp)
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, json=body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, json=body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def down(self, what: str) -> CliError:
        """The daemon can't be reached."""
        return CliError(f"KeyRx at {self.url} {what}. Start it with `keyrx run` or "
                        "`systemctl start keyrx`, or point --url/KEYRX_URL at it.",
                        code=EXIT_DOWN, as_json=self.as_json,
                        problem={"title": "Daemon unreachable", "detail": f"KeyRx at {self.url} {what}"})

    def refused(self, resp: requests.Response) -> CliError:
        """An error answer as a CliError with the problem's detail and field errors."""
        try:
            problem = resp.json()
        except ValueError:
            problem = {}
        if not isinstance(problem, dict):
            problem = {}
        problem.setdefault("status", resp.status_code)
        detail = problem.get("detail") or resp.reason or "request failed"
        if resp.status_code == 401:
            hint = (f"the daemon rejected the token from {self.token_source}" if self.token_source
                    else "the daemon wants a token")
            return CliError(f"{hint}: {detail}. `keyrx token` prints the daemon's token; "
                            "or set KEYRX_TOKEN.", code=EXIT_AUTH, problem=problem, as_json=self.as_json)
        return CliError(f"{detail} ({resp.status_code})", problem=problem, as_json=self.as_json)
