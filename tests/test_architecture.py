"""Imports run one way: views -> forms -> services -> models -> constants.

The import graph of the project's own packages is read with `ast` (no import is
executed), counting imports at module level AND inside functions: a lazy import
hides a cycle from Python, not from this test. Later apps keep the rule because
this test walks every package of the project.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folder on disk -> import name (site/ is imported as clusterjura).
PACKAGES = {
    "home": "home",
    "projects": "projects",
    "donations": "donations",
    "extranet": "extranet",
    "site": "clusterjura",
}


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    parts[0] = PACKAGES[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for folder in PACKAGES:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            modules[_module_name(path)] = path
    return modules


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (a package's import counts for its
    `__init__`, and `from package import module` for the module)."""
    modules = project_modules()
    return {
        name: imported_modules(
            path.read_text(), name, is_package=path.name == "__init__.py", known=set(modules)
        )
        for name, path in modules.items()
    }


def imported_modules(source: str, name: str, *, is_package: bool, known: set[str]) -> set[str]:
    """The known modules that `source` imports anywhere: at module level, in a class or
    in a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, node, is_package)
            # `from pkg import module` depends on that module; `from pkg import name`
            # on the package that defines the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for target in targets:
            # The longest known module the target names (a.b.c -> a.b if c is a name).
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_in_the_project():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles (module-level or inside functions):\n" + "\n".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def test_the_walker_sees_a_lazy_import_and_the_finder_its_cycle():
    """The test above could not fail if the walker missed imports inside functions."""
    known = {"a", "a.models", "a.forms", "a.views"}
    models_source = (
        "import datetime\n\nclass Page:\n    def serve(self):\n        from a.forms import F\n"
    )
    forms_source = "from .models import Page\n"
    graph = {
        "a.models": imported_modules(models_source, "a.models", is_package=False, known=known),
        "a.forms": imported_modules(forms_source, "a.forms", is_package=False, known=known),
        "a.views": {"a.forms"},
    }
    assert graph["a.models"] == {"a.forms"}
    assert graph["a.forms"] == {"a.models"}
    assert find_cycles(graph) == [["a.forms", "a.models"]]


def test_models_import_no_view_form_or_service():
    """The layers below never reach up: models import neither views, forms, services nor
    selectors; services and forms never import views."""
    upper = {
        "models": ("views", "forms", "services", "selectors"),
        "services": ("views", "forms"),
        "forms": ("views",),
        "selectors": ("views", "forms", "services"),
        "constants": ("views", "forms", "services", "selectors", "models"),
    }
    graph = import_graph()
    offending = []
    for module, targets in graph.items():
        parts = module.split(".")
        layer = parts[1] if len(parts) > 1 else ""
        for target in targets:
            target_parts = target.split(".")
            if len(target_parts) > 1 and target_parts[1] in upper.get(layer, ()):
                offending.append(f"{module} -> {target}")
    assert not offending, "imports running up the layers:\n" + "\n".join(sorted(offending))


def test_production_code_never_imports_demo_loaders():
    """Demo loaders live in each app's demo/ package; only commands and tests use them."""
    graph = import_graph()
    offending = [
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if ".demo" in f".{target}" and ".demo" not in f".{module}" and ".management." not in module
    ]
    assert not offending, "\n".join(sorted(offending))
