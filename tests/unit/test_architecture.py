"""The layout holds: import contracts (pyproject's [tool.importlinter]), no import cycles between modules nor
between packages, no module over 300 lines.

The package rule: no two packages import each other, even through others, where `service` counts as three —
its kernel (the values, ports, errors and ingest plan the stores are written against), its front doors (the CLI,
the HTTP app and its routes, the MCP server and the Python API, which run eval and Ray), and the rest (the core,
the settings and the composition root, which builds the stores). So index and pgstore may import the kernel but
nothing else of service: not service.config, whose values service/bootstrap.py hands them instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "index", "eval", "training", "vericlaim", "distributed", "pgstore")
MAX_LINES = 300
SERVICE_KERNEL = ("service.domain", "service.ports", "service.errors", "service.ingest_plan", "service.text",
                  "service.checksums", "service.onnx_sessions")
SERVICE_FRONT_DOORS = ("service.cli", "service.api", "service.routes", "service.mcp_server", "service.python_api")


def test_the_import_contracts_hold() -> None:
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), over every import, lazy ones included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_two_modules_import_each_other_even_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)

    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")):
        graph.add_import(importer=importer, imported=imported)

    assert cycles(graph) == [["a", "b", "c"]]


def package_of(module: str) -> str:
    """The module's package under the package rule: its top-level package, or one of service's three parts."""
    def within(parts: tuple[str, ...]) -> bool:
        return any(module == part or module.startswith(f"{part}.") for part in parts)

    if within(SERVICE_KERNEL):
        return "service[kernel]"
    if within(SERVICE_FRONT_DOORS):
        return "service[front doors]"
    return module.split(".")[0]


def package_graph(graph: grimp.ImportGraph) -> grimp.ImportGraph:
    """The imports between packages (`package_of`) that the imports between modules make."""
    packages = grimp.ImportGraph()
    for module in graph.modules:
        packages.add_module(package_of(module))
        for imported in graph.find_modules_directly_imported_by(module):
            if package_of(imported) != package_of(module):
                packages.add_import(importer=package_of(module), imported=package_of(imported))
    return packages


def test_no_two_packages_import_each_other_even_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)

    assert cycles(package_graph(graph)) == []


def test_the_kernel_and_the_front_doors_are_modules_that_exist() -> None:
    graph = grimp.build_graph("service", exclude_type_checking_imports=True)

    assert set(SERVICE_KERNEL + SERVICE_FRONT_DOORS) <= graph.modules


def test_a_store_reading_the_settings_is_a_package_cycle_the_module_test_does_not_see() -> None:
    """index reading service.config while the composition root builds index's library: each module's imports
    run one way only, but the packages import each other."""
    graph = grimp.ImportGraph()
    for importer, imported in (("service.bootstrap", "index.library"), ("service.bootstrap", "service.config"),
                               ("index.library", "service.domain"), ("index.library", "service.config")):
        graph.add_import(importer=importer, imported=imported)

    assert cycles(graph) == []
    assert cycles(package_graph(graph)) == [["index", "service"]]


def test_a_store_using_the_kernel_is_no_package_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in (("service.bootstrap", "index.library"), ("index.library", "service.domain"),
                               ("index.library", "service.ports"), ("service.ports", "service.domain")):
        graph.add_import(importer=importer, imported=imported)

    assert cycles(package_graph(graph)) == []


def test_no_module_is_over_300_lines() -> None:
    long = {str(path.relative_to(ROOT)): lines for package in PACKAGES for path in (ROOT / package).rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}

    assert long == {}
