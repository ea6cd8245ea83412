"""The house rules that tools can check: ruff everywhere, mypy --strict on all of hw/ and app/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def test_ruff() -> None:
    out = run("ruff", "check", "app", "hw", "tests", "bench", "examples", "scripts")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_on_hw_and_app() -> None:
    out = run("mypy", "--strict", "hw", "app")
    assert out.returncode == 0, out.stdout + out.stderr
