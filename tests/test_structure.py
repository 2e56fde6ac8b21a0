"""The shape a newcomer reads from the folders holds: each layer imports only layers below it,
no function of the core layers is longer than a screen, no module shadows the standard library.

    schemas  <  transforms, warehouse  <  office  <  flows  <  cli, bench
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYER = {"schemas": 1, "transforms": 2, "warehouse": 2, "office": 3, "flows": 4, "cli": 5}
CORE = ("schemas", "transforms", "warehouse", "flows")
MAX_LINES = 55  # of a function's body, its docstring left out


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
    return names


@pytest.mark.parametrize("package", sorted(LAYER))
def test_no_import_runs_upward_or_sideways_into_a_higher_layer(package):
    for path in modules(package):
        above = {
            name
            for name in imported(path)
            if name in LAYER and name != package and LAYER[name] >= LAYER[package]
        }
        # transforms and warehouse share a floor and stay apart
        assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"


def body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    value = getattr(first, "value", None)
    if (
        isinstance(first, ast.Expr)
        and isinstance(value, ast.Constant)
        and isinstance(value.value, str)
    ):
        lines -= first.end_lineno - first.lineno + 1
    return lines


@pytest.mark.parametrize("package", CORE)
def test_no_function_of_the_core_layers_is_longer_than_a_screen(package):
    long = [
        f"{path.relative_to(ROOT)}:{node.name} ({body_lines(node)})"
        for path in modules(package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and body_lines(node) > MAX_LINES
    ]
    assert long == []


def test_no_module_shadows_the_standard_library():
    shadowing = [
        str(path.relative_to(ROOT))
        for package in LAYER
        for path in modules(package)
        if path.stem in sys.stdlib_module_names
    ]
    assert shadowing == []
