"""The package's layout (see docs/architecture.md): few modules directly in pipeline/, no module imports
another subpackage's private modules, and no import cycles — counting imports under ``if TYPE_CHECKING:``
and the names a package exports lazily, but not imports inside functions (those run when called)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str, top_level_only: bool) -> list[tuple[str, int]]:
    """(imported module, line) for each import in module ``name``; ``from X import y`` counts as ``X.y``
    when that is a module. ``top_level_only``: leave out imports inside functions."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    nodes: list[ast.AST] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            nodes.append(child)
            visit(child)

    visit(tree)
    found: list[tuple[str, int]] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("pipeline")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("pipeline"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.append((sub if sub in MODULES else target, node.lineno))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_exports":
            table = node.args[1] if len(node.args) > 1 else None
            if isinstance(table, ast.Dict):  # a lazy public face: its names come from these modules
                found += [(f"{name}.{k.value}", node.lineno) for k in table.keys if isinstance(k, ast.Constant)]
    return found


def test_few_modules_directly_in_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top


def test_no_module_imports_another_packages_private_module():
    wrong = []
    for name in MODULES:
        for target, line in imports(name, top_level_only=False):
            parts = target.split(".")
            for i, part in enumerate(parts[1:], start=1):
                if part.startswith("_") and not part.startswith("__"):
                    owner = ".".join(parts[:i])
                    if not (name + ".").startswith(owner + "."):
                        wrong.append(f"{name} (line {line}) imports {target}: use {owner}'s public names")
                    break
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    graph = {name: sorted({t for t, _ in imports(name, top_level_only=True) if t in MODULES and t != name})
             for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cyclic: list[list[str]] = []

    def strongly_connect(node: str) -> None:  # Tarjan: every strongly connected component of more than one module
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                strongly_connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cyclic.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            strongly_connect(name)
    assert not cyclic, "modules that import each other (directly or around a cycle):\n" + "\n".join(
        ", ".join(c) for c in cyclic)


@pytest.mark.parametrize("package", sorted(n for n, p in MODULES.items() if p.name == "__init__.py"))
def test_every_exported_name_resolves(package):
    module = importlib.import_module(package)
    for name in getattr(module, "__all__", ()):
        assert getattr(module, name, None) is not None, f"{package}.{name}"
