"""No import cycles between the modules of desist, function-level imports included
(docs/decisions/0004-no-import-cycles.md).

import-linter's contracts (`lint-imports`, pyproject.toml) keep each app in its layer; this test keeps every
module below the modules that import it, inside an app as well as across apps. It reads the source with
grimp (the library under import-linter), so no module is imported and Django is not needed.
"""

from __future__ import annotations

from collections.abc import Iterator

import grimp
import pytest

PACKAGE = "desist"

# Cycles known and being fixed, each named with who fixes it. The test reports each as pending (xfail) while
# it is there, and fails once it is gone so the allowance is removed with the fix: an allowance can never
# hide a new cycle, because only these exact sets of modules are allowed.
PENDING: dict[str, frozenset[str]] = {}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None)


def strongly_connected(graph: grimp.ImportGraph) -> Iterator[list[str]]:
    """Tarjan's strongly connected components of the module graph, without recursion (each component is a
    set of modules that all import one another, directly or not)."""
    edges = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges[root]))]
        while work:
            module, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[module] = min(low[module], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    yield sorted(component)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import one another (a module importing itself counts too)."""
    return [
        component
        for component in strongly_connected(graph)
        if len(component) > 1 or graph.direct_import_exists(importer=component[0], imported=component[0])
    ]


def described(graph: grimp.ImportGraph, component: list[str]) -> str:
    """The imports that close the cycle, each with its line, so the reader sees what to move."""
    members = set(component)
    lines = [f"Cycle between {', '.join(component)}:"]
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(
                    f"  {importer} -> {imported}  (line {detail['line_number']}: {detail['line_contents']})"
                )
    return "\n".join(lines)


def test_no_module_imports_back_a_module_that_imports_it(graph: grimp.ImportGraph) -> None:
    allowed = set(PENDING.values())
    found = [c for c in cycles(graph) if frozenset(c) not in allowed]
    assert not found, (
        "Import cycles (docs/decisions/0004-no-import-cycles.md says where the code goes instead):\n"
        + "\n".join(described(graph, c) for c in found)
    )


@pytest.mark.parametrize("name", sorted(PENDING))
def test_a_pending_cycle_is_reported_until_it_is_fixed(graph: grimp.ImportGraph, name: str) -> None:
    still = [c for c in cycles(graph) if frozenset(c) == PENDING[name]]
    if still:
        pytest.xfail(f"pending: {name}\n{described(graph, still[0])}")
    pytest.fail(f"{name} is fixed: remove its allowance from PENDING in {__file__}")


def test_the_search_finds_a_cycle() -> None:
    """The check itself: a made-up graph with one cycle of three modules and one of a module with itself."""
    made_up = grimp.ImportGraph()
    imports = [("a.b", "a.c"), ("a.c", "a.d"), ("a.d", "a.b"), ("a.d", "a.e"), ("a.f", "a.f")]
    for importer, imported in imports:
        made_up.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    assert cycles(made_up) == [["a.b", "a.c", "a.d"], ["a.f"]]
    assert "a.d -> a.b  (line 1: import)" in described(made_up, ["a.b", "a.c", "a.d"])
