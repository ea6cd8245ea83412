"""The import rules that keep the layers apart, read from the source (AST), not from running it.

- `hw/` imports nothing from `app` or the web stack; only `hw/devices.py` (the evdev adapter)
  imports evdev.
- `app/` imports `hw` only as the package (`import hw`, `from hw import ...`), never a submodule.
- The light modules (`app/cli/`, `app/vocab.py`, `app/paths.py`, `app/defaults.py`) import no
  server code at module level. An import inside a function is allowed there: it runs only when
  that command runs (`keyrx check` loads the schemas it validates with), so `import app.cli`
  stays light; `test_cli_import_is_light` checks that in a fresh interpreter.
- No hand-written module in `app/` or `hw/` is longer than 300 lines.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEB = {"flask", "gevent", "marshmallow", "werkzeug", "flask_sock", "simple_websocket", "apispec"}
SERVER = WEB | {"hw", "app.store", "app.api", "app.events", "app.services", "app.factory", "app.errors",
                "app.security", "app.ui", "app.wsgi"}
LIGHT = [*sorted((ROOT / "app" / "cli").glob("*.py")), *(ROOT / "app" / f for f in ("vocab.py", "paths.py",
                                                                                     "defaults.py"))]


def imports(path: Path, *, top_level_only: bool = False) -> Iterator[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module) if p)
            yield from ([module] if node.module else [f"{module}.{a.name}" for a in node.names])


def within(name: str, roots: set[str]) -> bool:
    return any(name == r or name.startswith(r + ".") for r in roots)


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_hw_imports_nothing_from_app_or_the_web_stack() -> None:
    bad = [(str(p.relative_to(ROOT)), m) for p in sources("hw") for m in imports(p) if within(m, WEB | {"app"})]
    assert bad == []


def test_only_the_evdev_adapter_imports_evdev() -> None:
    users = {str(p.relative_to(ROOT)) for p in [*sources("hw"), *sources("app")]
             for m in imports(p) if within(m, {"evdev"})}
    assert users <= {"hw/devices.py"}


def test_app_imports_hw_only_as_the_package() -> None:
    bad = {(str(p.relative_to(ROOT)), m) for p in sources("app") for m in imports(p) if m.startswith("hw.")}
    assert bad == set()


@pytest.mark.parametrize("path", LIGHT, ids=lambda p: str(p.relative_to(ROOT)))
def test_light_modules_import_no_server_code(path: Path) -> None:
    assert [m for m in imports(path, top_level_only=True) if within(m, SERVER)] == []


def test_cli_import_is_light() -> None:
    probe = ("import sys, app.cli; print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             f"{sorted(WEB | {'hw', 'sqlite3'})!r} or m.split('.')[:2] in [['app', s] for s in "
             "('store', 'api', 'events', 'services', 'factory')])))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True,
                         cwd=ROOT)
    assert out.stdout.split() == []


def hand_written(package: str) -> Iterator[Path]:
    for path in sources(package):
        with path.open("rb") as f:
            if b"generated" not in f.read(400).lower():
                yield path


def test_no_hand_written_module_is_over_300_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for pkg in ("app", "hw") for p in hand_written(pkg)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert long == {}
