"""The package's shape: imports go one way (no circles, no lower layer importing a higher one), the
library needs neither Gradio nor the UI, and no module is over 400 lines (the sentence catalogue aside).

Imports are read from the source with `ast`, at module level and inside functions alike.
"""

import ast
from fnmatch import fnmatch

import pytest

from conftest import ROOT

PACKAGE = ROOT / "lstm_demo"
MAX_LINES = 400
LONG_ALLOWED = {"lstm_demo/messages.py"}  # the sentence catalogue: one entry per sentence, both languages


# The library's layers, low to high: a module may import its own layer and the ones below.
LAYERS = [
    ["lstm_demo.messages"],
    ["lstm_demo.errors"],
    ["lstm_demo.checks"],
    ["lstm_demo.limits"],
    ["lstm_demo.data", "lstm_demo.cards"],
    ["lstm_demo.models"],
    ["lstm_demo.backward", "lstm_demo.optimizers", "lstm_demo.parity", "lstm_demo.explore", "lstm_demo.values"],
    ["lstm_demo.svg", "lstm_demo.explain", "lstm_demo.story"],
    ["lstm_demo.diagram", "lstm_demo.strip"],
    ["lstm_demo.recipes"],
    ["lstm_demo.tasks", "lstm_demo.callbacks"],
    ["lstm_demo.training"],
    ["lstm_demo.lottery"],
    ["lstm_demo.workers", "lstm_demo.workers.*"],
    ["lstm_demo.weights"],
    ["lstm_demo.cli", "lstm_demo.__main__", "lstm_demo"],
    ["lstm_demo.ui", "lstm_demo.ui.*"],
]


def module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """Every module `name` imports, anywhere in its source: the package's by their full names, others as written."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            for alias in node.names:  # `from . import errors` imports a module; `from .x import y`, module x
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return found


GRAPH = {name: {other for other in imports(name) if other in MODULES} for name in MODULES}


def layer(name: str) -> int | None:
    return next((k for k, patterns in enumerate(LAYERS) if any(fnmatch(name, p) for p in patterns)), None)


def is_ui(name: str) -> bool:
    return name == "lstm_demo.ui" or name.startswith("lstm_demo.ui.")


def cycles() -> list[list[str]]:
    """The import graph's circles: its strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(GRAPH[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_at_module_level_and_inside_functions():
    assert "lstm_demo.recipes" in GRAPH["lstm_demo.weights"]  # only inside weights._card_kwargs
    assert "lstm_demo.training" in GRAPH["lstm_demo.workers.jobs"]  # only inside jobs._train
    assert "lstm_demo.errors" in GRAPH["lstm_demo.workers.pool"]  # `from .. import errors`


def test_the_library_has_no_import_circles():
    assert [c for c in cycles() if not any(is_ui(name) for name in c)] == []


def test_the_ui_has_no_import_circles():
    assert [c for c in cycles() if any(is_ui(name) for name in c)] == []


def test_no_library_module_imports_a_higher_layer():
    library = [name for name in MODULES if not is_ui(name)]
    unplaced = [name for name in library if layer(name) is None]
    assert not unplaced, f"place these modules in LAYERS: {unplaced}"
    upward = [(name, other) for name in library for other in GRAPH[name] if layer(other) > layer(name)]
    assert upward == []


def test_the_library_needs_neither_gradio_nor_the_ui():
    offending = {
        name: sorted(i for i in imports(name) if i.split(".")[0] == "gradio" or is_ui(i))
        for name in MODULES
        if not is_ui(name)
    }
    assert {name: found for name, found in offending.items() if found} == {}


@pytest.mark.parametrize(
    "path",
    [path for name, path in MODULES.items() if path.relative_to(ROOT).as_posix() not in LONG_ALLOWED],
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_no_module_is_over_400_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines"


def gradio_reaches(name: str) -> list[str]:
    """What module `name` takes from Gradio beyond its public top level: `from gradio.<module> import`,
    `import gradio.<module>`, and `gr._x` / `gradio._x` attributes."""
    found = []
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gradio."):
            found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.startswith("gradio.")]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("gr", "gradio"):
            if node.attr.startswith("_") and not node.attr.endswith("__"):  # gradio.__version__ is public
                found.append(f"{node.value.id}.{node.attr}")
    return found


def test_gradios_private_names_are_reached_from_one_module_only():
    assert gradio_reaches("lstm_demo.ui.gradio_internals")  # the fence itself does reach them
    reaching = {name: gradio_reaches(name) for name in MODULES if name != "lstm_demo.ui.gradio_internals"}
    assert {name: found for name, found in reaching.items() if found} == {}
