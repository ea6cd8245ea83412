"""What every command shares: the global options, `--json`, and how results are printed."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from .client import Client, CliError, find_token

F = TypeVar("F", bound=Callable[..., Any])


def serve_argv(python: str, *gunicorn_args: str) -> list[str]:
    """The daemon as deployed: gunicorn with the packaged settings and WSGI entry, under `python`
    (what `keyrx serve` execs and what the systemd unit runs)."""
    return [python, "-m", "gunicorn", "-c", "python:app.gunicorn_conf", *gunicorn_args, "app.wsgi:app"]


@dataclass
class Options:
    """The global options."""

    url: str
    token: str | None
    data_dir: str | None
    timeout: float
    json: bool = False

    def client(self) -> Client:
        """A client with the token from --token, KEYRX_TOKEN or the data dir."""
        try:
            token, source = find_token(self.token, self.data_dir)
        except CliError as exc:
            exc.as_json = self.json
            # a daemon that isn't running explains a missing token better than the token search
            Client(self.url, None, timeout=self.timeout, as_json=self.json).get("/api/health")
            raise exc from None
        return Client(self.url, token, token_source=source, timeout=self.timeout, as_json=self.json)


pass_options = click.make_pass_decorator(Options)


def json_option(f: F) -> F:
    """`--json` on a command too (`keyrx devices list --json`), same as the global flag."""
    def _set(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        if value:
            ctx.find_object(Options).json = True  # type: ignore[union-attr]
    return click.option("--json", "as_json", is_flag=True, expose_value=False, callback=_set,
                        help="Print JSON for scripts.")(f)


def emit(opts: Options, data: Any, human: Callable[[Any], str]) -> None:
    """Print `data` as JSON with --json, else as `human(data)`."""
    if opts.json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        text = human(data)
        if text:
            click.echo(text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows in aligned columns under upper-case headers."""
    cells = [[str(h).upper() for h in headers]] + [["-" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in cells)
