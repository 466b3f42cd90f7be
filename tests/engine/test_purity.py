"""The engine and the rules are pure functions: they import the standard library (and the engine, periods),
nothing else, so they can be read, tested and reused without a database or a web framework."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
ALLOWED = {
    "engine.py": {"app.periods"},
    "periods.py": set(),
    "alerts/rules.py": {"app.engine"},
    "readings/rules.py": {"app.periods"},
    "effectiveness/rules.py": {"app.engine"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_a_pure_module_imports_only_the_standard_library_and_its_allowed_neighbours(module: str) -> None:
    foreign = {
        name
        for name in _imports(APP / module)
        if name.split(".")[0] not in sys.stdlib_module_names and name != "__future__" and name not in ALLOWED[module]
    }
    assert foreign == set()
