"""A `requests` client of the KeyRx API, with errors a person can act on."""
from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import IO, Any

import click
import requests

from .. import paths
from ..paths import daemon_url

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
    return daemon_url()


def find_token(explicit: str | None, data_dir: str | None) -> tuple[str, str]:
    """(token, where it came from), found as `app.paths.find_token` says; CliError naming every
    place tried when there is none."""
    try:
        found = paths.find_token(explicit, data_dir)
    except paths.TokenNotFound as exc:
        raise CliError(str(exc), code=EXIT_AUTH) from None
    return found.value, found.source


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
        except requests.RequestException as exc:  # e.g. a daemon stopping half-way through an answer
            raise self.down(f"broke off its answer ({type(exc).__name__})") from None
        if resp.status_code >= 400:
            raise self.refused(resp)
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise self.down(f"sent an unreadable answer ({resp.status_code}, not JSON)") from None

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
        return CliError(f"KeyRx at {self.url} {what}. Start it with `keyrx serve` or "
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
