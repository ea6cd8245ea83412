"""The house rules that tools can check: ruff everywhere, mypy --strict on hw/ and app/bus.py."""
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


def test_mypy_strict_on_hw_and_the_bus() -> None:
    out = run("mypy", "--strict", "hw", "app/events", "app/store", "app/services", "app/api", "app/errors.py",
              "app/security.py", "app/clock.py")
    assert out.returncode == 0, out.stdout + out.stderr
