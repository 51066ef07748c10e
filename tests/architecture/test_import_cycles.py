"""No import circles among first-party modules, function-local imports included.

import-linter (run by `make test`, contracts in pyproject.toml) keeps the apps in layers;
this finds any circle at all, module by module, on the same import graph (grimp's).
"""

import sys

import grimp

from tests.architecture.packages import BASE_DIR, first_party_packages


def _strongly_connected(adjacency: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = iter(range(sys.maxsize))

    def visit(module):
        index[module] = low[module] = next(counter)
        stack.append(module)
        on_stack.add(module)
        for imported in adjacency[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in adjacency:
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_itself_back():
    graph = grimp.build_graph(*first_party_packages())
    modules = {module for module in graph.modules if ".migrations" not in module}
    adjacency = {
        module: graph.find_modules_directly_imported_by(module) & modules for module in modules
    }

    assert _strongly_connected(adjacency) == []


def test_the_check_finds_a_circle():
    adjacency = {"a.one": {"a.two"}, "a.two": {"b.three"}, "b.three": {"a.one"}, "c": set()}

    assert _strongly_connected(adjacency) == [["a.one", "a.two", "b.three"]]


def test_every_package_with_code_is_listed():
    # A new app left out of the list would escape import-linter and the cycle check.
    found = {
        path.parent.name
        for path in BASE_DIR.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }

    assert found == set(first_party_packages())
