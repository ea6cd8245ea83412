"""Shared fixtures: an app on the virtual backend with a temp data dir, and its client."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app

TOKEN = "test-token-0123456789"
HOST = "127.0.0.1:9867"


def make_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app on the virtual backend with its data in tmp_path."""
    config = {"DATA_DIR": str(tmp_path), "TOKEN": TOKEN, "HW_BACKEND": "virtual",
              "VIRTUAL_KEYBOARDS": 2, "PORT": 9867, **overrides}
    return create_app(config)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    yield app
    app.extensions["keyrx"].stop()
    app.extensions["keyrx"].store.close()


class ApiClient:
    """The Flask test client with the token and Host set, as a script would send them."""

    def __init__(self, client: FlaskClient, token: str | None = TOKEN) -> None:
        self.client = client
        self.token = token

    def request(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"Host": HOST, **kw.pop("headers", {})}
        if self.token is not None and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.client.open(path, method=method, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app.test_client())


CAPS = {"layers": {"base": {"capslock": {"tap": "esc", "hold": "leftctrl"}},
                   "nav": {"h": "left", "j": "down"}}}


FIGURES: list[str] = []


@pytest.fixture(scope="session")
def figures() -> list[str]:
    """Every figure measured in this run, printed at its end (for module-scoped reports)."""
    return FIGURES


@pytest.fixture
def figure(request: pytest.FixtureRequest, figures: list[str]) -> Callable[[str], None]:
    """Record a measured figure (hardening, load); all are printed at the end of the run."""
    def record(text: str) -> None:
        line = f"{request.node.name}: {text}"
        figures.append(line)
        print(line)
    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("KeyRx measured figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
