"""The engine package is pure: it imports only the standard library, itself and hw.errors."""

import ast
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "hw" / "engine"


def imports(path: Path) -> list[tuple[int, str]]:
    """(relative level, module) for every import in a file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


@pytest.mark.parametrize("path", sorted(ENGINE.glob("*.py")), ids=lambda p: p.name)
def test_engine_module_imports_only_stdlib_itself_and_errors(path: Path) -> None:
    for level, module in imports(path):
        if level == 0:
            assert module.split(".")[0] in sys.stdlib_module_names, f"{path.name} imports {module}"
        else:
            assert level == 1 or (level == 2 and module == "errors"), \
                f"{path.name} imports {'.' * level}{module}"
