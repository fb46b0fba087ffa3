"""Imports inside retention_xl point one way: down the layers of docs/design.md.

Every module of retention_xl/ is parsed with ``ast`` (nothing is imported), and every import
of a retention_xl module is collected: absolute and relative, at the top of a module or
inside a function (a lazy import must point down too), and ``import_module("retention_xl...")``
with a literal name. The rules:

- A *unit* is a top-level module (``cli`` = retention_xl/cli.py) or a package with all its
  modules (``engines`` = retention_xl/engines/); ``__init__`` is the package's own
  retention_xl/__init__.py, the public API over everything.
- A unit may import itself (siblings of a package import each other), the units of its own
  layer (the peers written ``a | b`` on one line) and every unit of a lower layer; never a
  unit of a higher layer.
- No cycles: not among the imports a module runs when it is imported (its top-level imports,
  anywhere in retention_xl, e.g. between siblings of a package or a package and its
  ``__init__``), and not between peers of one layer (``io`` imports ``engines`` while
  ``engines`` imports ``io``, lazy imports included).
- Every module belongs to a unit of the table. Units the design names before their code
  exists (kinds, results, settings, texts) are in the table and checked once they appear.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "retention_xl"

#: The layers, top to bottom, as docs/design.md lists them ("Imports point one way, down
#: this list"); ``a | b``: peers of one layer.
LAYERS = """
       __init__ | __main__
    -> cli
    -> batch
    -> kinds
    -> workbook | udfs
    -> results
    -> excel_functions | excel_values | excel_models | excel_subscriptions
    -> definitions | reference
    -> io | engines
    -> kpis | cohorts | models | subscriptions
    -> settings
    -> periods | ids | dates | names | samples
    -> texts
    -> errors
"""

#: Imports that go up today, each (module's file, imported module). The lead fixes them in
#: the library, then removes them here; the test fails on any other upward import, and on
#: an entry here that no longer happens.
KNOWN_VIOLATIONS: set[tuple[str, str]] = {
    # io reads Excel-shaped cells with the Excel layer's parsers (parse_date, parse_number):
    # they belong below io (dates/ids) or in io itself
    ("retention_xl/io/cells.py", "retention_xl.excel_values"),
}


def _layers() -> dict[str, int]:
    """Each unit's layer, 0 at the top."""
    rank: dict[str, int] = {}
    for number, line in enumerate(LAYERS.strip().splitlines()):
        for unit in line.strip().removeprefix("->").split("|"):
            assert unit.strip() not in rank, f"{unit.strip()} twice in LAYERS"
            rank[unit.strip()] = number
    return rank


RANK = _layers()


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. retention_xl.engines.dask
    target: str  # the imported module, e.g. retention_xl.io.read
    path: str  # the importing module's file, relative to the repository
    line: int
    at_import_time: bool  # runs when the source is imported (not inside a function)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    """The module ``name`` is, or the module that holds it (a name imported from it)."""
    parts = name.split(".")
    while ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(body: list[ast.stmt], at_import_time: bool) -> list[tuple[ast.AST, bool]]:
    """Every node under ``body`` with whether it runs when the module is imported."""
    found: list[tuple[ast.AST, bool]] = []
    stack: list[tuple[ast.AST, bool]] = [(node, at_import_time) for node in body]
    while stack:
        node, runs = stack.pop()
        found.append((node, runs))
        inside_function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        typing_only = node.body if isinstance(node, ast.If) and _is_type_checking(node.test) else []
        for child in ast.iter_child_nodes(node):
            child_runs = runs and not inside_function and child not in typing_only
            stack.append((child, child_runs))
    return found


def _imports_of(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    where = str(path.relative_to(PACKAGE.parent))
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node, runs in _statements(tree.body, True):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            # ``from x import y``: the module x.y if there is one, else a name of x
            targets = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in MODULES else origin
                for alias in node.names
            ]
        elif (  # import_module("retention_xl.models"), importlib.import_module(...)
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        for target in targets:
            if target.split(".")[0] == "retention_xl":
                line = getattr(node, "lineno", 0)
                found.append(Import(module, _resolve(target), where, line, runs))
    return sorted(found, key=lambda i: (i.line, i.target))


IMPORTS = [found for module, path in MODULES.items() for found in _imports_of(module, path)]


def unit(module: str) -> str:
    """The unit of the table a module belongs to."""
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _upward() -> list[Import]:
    return [
        i
        for i in IMPORTS
        if unit(i.source) != unit(i.target) and RANK[unit(i.target)] < RANK[unit(i.source)]
    ]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node, or a node that reaches itself
    (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1 or node in edges.get(node, ()):
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_in_the_table() -> None:
    missing = sorted(m for m in MODULES if unit(m) not in RANK)
    assert not missing, f"place these in LAYERS (tests/test_layers.py): {missing}"


def test_the_table_sees_the_imports() -> None:
    # the parser finds imports of every kind (so that an empty result means something):
    # relative, absolute, lazy, a name of a package, import_module with a literal
    found = {(i.source, i.target, i.at_import_time) for i in IMPORTS}
    assert ("retention_xl.engines.dask", "retention_xl.cohorts", True) in found
    assert ("retention_xl.batch", "retention_xl.workbook.user_template", False) in found
    assert ("retention_xl.definitions", "retention_xl.models", False) in found
    assert ("retention_xl.kinds", "retention_xl.workbook.cohort_template", False) in found
    assert len({i.source for i in IMPORTS}) > 50


def test_imports_point_down_the_layers() -> None:
    upward = _upward()
    new = [i for i in upward if (i.path, i.target) not in KNOWN_VIOLATIONS]
    assert not new, "imports that point up the layers of docs/design.md:\n" + "\n".join(
        f"  {i} ({unit(i.source)} is below {unit(i.target)})" for i in new
    )


def test_known_violations_still_happen() -> None:
    gone = KNOWN_VIOLATIONS - {(i.path, i.target) for i in _upward()}
    assert not gone, f"fixed: remove these from KNOWN_VIOLATIONS: {sorted(gone)}"


def test_no_cycle_among_the_imports_a_module_runs() -> None:
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        if i.at_import_time and i.source != i.target:
            edges.setdefault(i.source, set()).add(i.target)
    cycles = _cycles(edges)
    assert not cycles, f"modules that import each other when imported: {cycles}"


def test_no_cycle_between_peers_of_a_layer() -> None:
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        a, b = unit(i.source), unit(i.target)
        if a != b and RANK[a] == RANK[b]:
            edges.setdefault(a, set()).add(b)
    cycles = _cycles(edges)
    assert not cycles, f"peers of one layer that import each other: {cycles}"
