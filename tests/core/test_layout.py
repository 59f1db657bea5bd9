"""The house rules of ARCHITECTURE.md, read from the source with `ast`: no circle of imports
between modules or between folders, nothing below the CLI reaching up into it, and no
`sys.exit` outside the command line."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "distkit"
CLI_LAYER = ("distkit.cli", "distkit.__main__", "distkit.entry", "distkit.commands")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "template" in path.relative_to(ROOT).parts[:1]:
            continue
        found[_module_name(path)] = path
    return found


MODULES = _sources()


def _imported(name: str, path: Path) -> set[str]:
    """Every distkit module that `name` imports, anywhere in its body (type-checking blocks and
    imports inside functions included), resolved to the deepest module that exists."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            candidates = [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in candidates:
            resolved = _deepest(candidate)
            if resolved is not None and resolved != name:
                targets.add(resolved)
    return targets


def _deepest(dotted: str) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in MODULES:
            return ".".join(parts[:end])
    return None


def _face_edge(importer: str, imported: str) -> bool:
    """A package's __init__ re-exporting its own children is its face, not a dependency."""
    return MODULES[importer].name == "__init__.py" and imported.startswith(importer + ".")


def _graph() -> dict[str, set[str]]:
    return {
        name: {t for t in _imported(name, path) if not _face_edge(name, t)}
        for name, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _folder(name: str) -> str:
    """The room a module lives in: the first folder under distkit/, or the module itself."""
    parts = name.split(".")
    if len(parts) > 2 or MODULES[name].name == "__init__.py":
        return ".".join(parts[:2])
    return name


def test_the_source_is_found() -> None:
    assert {"distkit.cli", "distkit.errors", "distkit.plugins.manager"} <= set(MODULES)


def test_no_module_imports_itself_back() -> None:
    assert _cycles(_graph()) == []


def test_no_folder_imports_itself_back() -> None:
    folders: dict[str, set[str]] = {}
    for name, targets in _graph().items():
        here = _folder(name)
        if here == "distkit":
            continue
        folders.setdefault(here, set()).update(
            _folder(t) for t in targets if _folder(t) not in (here, "distkit")
        )
    assert _cycles(folders) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith(CLI_LAYER)))
def test_the_library_never_reaches_up_into_the_cli(name: str) -> None:
    upward = {t for t in _imported(name, MODULES[name]) if t.startswith(CLI_LAYER)}
    assert upward == set()


def _exits(tree: ast.AST) -> Iterable[int]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "exit"
                and isinstance(func.value, ast.Name)
                and func.value.id == "sys"
            ) or (isinstance(func, ast.Name) and func.id == "exit"):
                yield node.lineno
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name) and raised.id == "SystemExit":
                yield node.lineno


@pytest.mark.parametrize(
    "name",
    sorted(n for n in MODULES if not n.startswith(CLI_LAYER) and MODULES[n].name != "__main__.py"),
)
def test_only_the_command_line_exits(name: str) -> None:
    assert list(_exits(ast.parse(MODULES[name].read_text(encoding="utf-8")))) == []


def test_the_rules_see_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    "name",
    sorted(n for n in MODULES if not n.startswith(CLI_LAYER) and MODULES[n].name != "__main__.py"),
)
def test_argument_parsing_lives_in_a_command_line(name: str) -> None:
    """argparse exits on a bad argument: only a `__main__` may parse arguments that way."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    imports = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "argparse" not in imports
