"""The CLI, app.paths and app.doctor stay `mypy --strict` clean (they are imported without the server)."""
from __future__ import annotations

from tests.test_lint import run


def test_mypy_strict_on_the_cli_paths_and_doctor() -> None:
    out = run("mypy", "--strict", "app/cli", "app/paths.py", "app/doctor.py")
    assert out.returncode == 0, out.stdout + out.stderr
