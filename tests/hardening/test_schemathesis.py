"""Schemathesis against /api/openapi.json on a live daemon: no 5xx, every response as documented."""
from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import document
from tests.conftest import make_app
from tests.e2e.conftest import TOKEN, Daemon, running

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MAX_EXAMPLES = 30      # per operation
TIME_CAP_S = 20        # per operation: once spent, the remaining examples are not sent
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
STATUSES: Counter[str] = Counter()
OPS_STARTED: dict[str, float] = {}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    with running(tmp_path_factory.mktemp("fuzz")) as d:
        yield d


def local_document() -> dict[str, Any]:
    """The document as the daemon serves it, built from an app on a throwaway data dir."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        try:
            return document(app)
        finally:
            app.extensions["keyrx"].store.close()


schema = schemathesis.openapi.from_dict(local_document()).exclude(path="/ws")  # test_ws_abuse covers /ws


@pytest.fixture(scope="module", autouse=True)
def report(figures: list[str]) -> Iterator[None]:
    started = time.monotonic()
    yield
    cases = sum(STATUSES.values()) - STATUSES["over the time cap"]
    by_status = Counter(key.rsplit(" ", 1)[1] for key in STATUSES if key != "over the time cap")
    counts = Counter({status: sum(n for key, n in STATUSES.items() if key.endswith(f" {status}"))
                      for status in by_status})
    figures.append(f"schemathesis: {cases} generated requests over {len(OPS_STARTED)} operations in "
                   f"{time.monotonic() - started:.0f} s (at most {MAX_EXAMPLES} examples and {TIME_CAP_S} s "
                   f"each), no 5xx, all conforming; statuses {dict(sorted(counts.items()))}; "
                   f"cut by the time cap: {STATUSES['over the time cap']}")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any, fuzzed: Daemon) -> None:
    started = OPS_STARTED.setdefault(case.operation.label, time.monotonic())
    if time.monotonic() - started > TIME_CAP_S:
        STATUSES["over the time cap"] += 1
        return
    response = case.call_and_validate(base_url=fuzzed.url, headers=AUTH, checks=CHECKS, timeout=30)
    STATUSES[f"{case.operation.label} {response.status_code}"] += 1
