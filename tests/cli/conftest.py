"""The CLI against a real daemon: one gunicorn per module, the CLI run in-process or as `keyrx`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli import main
from tests.e2e.conftest import TOKEN, Daemon, running

KEYRX = str(Path(sys.executable).with_name("keyrx"))


class Cli:
    """Runs `keyrx` commands against one daemon, as a user with KEYRX_URL and KEYRX_TOKEN would."""

    def __init__(self, url: str, token: str | None = TOKEN, **env: str) -> None:
        self.env = {"KEYRX_URL": url, "KEYRX_TOKEN": token or "", "KEYRX_DATA_DIR": "/nonexistent", **env}

    def __call__(self, *args: str, code: int = 0) -> Result:
        """Invoke in-process (real HTTP all the same); assert the exit code."""
        result = CliRunner().invoke(main, list(args), env=self.env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.output, result.stderr)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self("--json", *args).stdout)

    def process(self, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        """The installed console script in its own process."""
        env = {**os.environ, **self.env}
        return subprocess.run([KEYRX, *args], check=False, env=env, capture_output=True, text=True, timeout=60, **kw)


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    with running(tmp_path_factory.mktemp("daemon")) as d:
        yield d


@pytest.fixture(scope="module")
def cli(daemon: Daemon) -> Cli:
    return Cli(daemon.url)
